-- Every diagnosis code in silver with its ICD-10-CM reading (SNOMED CT through gold.seed_snomed_icd10cm), chapter,
-- Charlson groups, readmission condition group and planned-care flag.
-- depends_on: silver.diagnoses, gold.seed_snomed_icd10cm, gold.seed_icd10cm_chapters, gold.seed_charlson_icd10, gold.seed_condition_groups, gold.seed_planned_codes
-- materialized: table

SET LOCAL jit = off;

DELETE FROM gold.dim_diagnosis;

WITH received AS (
    SELECT d.code_system, d.code_undotted AS code, d.description, count(*) AS n
    FROM silver.diagnoses d
    GROUP BY d.code_system, d.code_undotted, d.description
),
codes AS (
    SELECT r.code_system, r.code, sum(r.n)::bigint AS diagnoses,
           (array_agg(r.description ORDER BY r.description IS NULL, r.n DESC, r.description))[1] AS description
    FROM received r
    GROUP BY r.code_system, r.code
),
read AS (
    SELECT c.*,
           CASE WHEN c.code_system = 'ICD-10-CM' THEN c.code ELSE replace(m.icd10cm_code, '.', '') END AS icd,
           CASE WHEN c.code_system = 'ICD-10-CM' THEN
                    CASE WHEN length(c.code) > 3 THEN left(c.code, 3) || '.' || substr(c.code, 4) ELSE c.code END
                ELSE m.icd10cm_code END AS icd_dotted,
           m.icd10cm_description
    FROM codes c
    LEFT JOIN gold.seed_snomed_icd10cm m ON c.code_system = 'SNOMED-CT' AND m.snomed_code = c.code
)
INSERT INTO gold.dim_diagnosis (code_system, code, icd10cm_code, description, chapter, chapter_title, charlson_conditions,
                                condition_group, planned, diagnoses)
SELECT r.code_system, r.code, r.icd_dotted, coalesce(r.description, r.icd10cm_description),
       ch.chapter, ch.title,
       coalesce((SELECT array_agg(DISTINCT s.condition ORDER BY s.condition) FROM gold.seed_charlson_icd10 s
                 WHERE r.icd LIKE s.prefix || '%'), '{}'),
       coalesce((SELECT g.condition_group FROM gold.seed_condition_groups g
                 WHERE r.icd LIKE g.prefix || '%' ORDER BY length(g.prefix) DESC LIMIT 1), 'other'),
       EXISTS (SELECT 1 FROM gold.seed_planned_codes p WHERE p.code_system = 'ICD-10-CM' AND r.icd LIKE p.code || '%'),
       r.diagnoses
FROM read r
LEFT JOIN gold.seed_icd10cm_chapters ch ON left(r.icd, 3) BETWEEN ch.first_category AND ch.last_category;
