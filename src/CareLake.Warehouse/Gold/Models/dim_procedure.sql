-- Every procedure code in silver, with whether it makes a stay planned (gold.seed_planned_codes).
-- depends_on: silver.procedures, gold.seed_planned_codes
-- materialized: table

SET LOCAL jit = off;

DELETE FROM gold.dim_procedure;

WITH received AS (
    SELECT p.code_system, p.code, p.description, count(*) AS n
    FROM silver.procedures p
    GROUP BY p.code_system, p.code, p.description
)
INSERT INTO gold.dim_procedure (code_system, code, description, planned, planned_category, procedures)
SELECT r.code_system, r.code,
       (array_agg(r.description ORDER BY r.description IS NULL, r.n DESC, r.description))[1],
       s.category IS NOT NULL, s.category, sum(r.n)::bigint
FROM received r
LEFT JOIN gold.seed_planned_codes s ON s.code_system = r.code_system AND s.code = r.code AND s.code_system <> 'ICD-10-CM'
GROUP BY r.code_system, r.code, s.category;
