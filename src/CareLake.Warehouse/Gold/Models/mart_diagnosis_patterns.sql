-- Among inpatient stays: the 50 most frequent principal diagnoses and procedures, and every pair of Charlson
-- comorbidity groups present together (hierarchy applied), with stay and patient counts.
-- depends_on: gold.fact_encounter, gold.dim_diagnosis, gold.dim_procedure, gold.seed_snomed_icd10cm, silver.procedures
-- materialized: table

SET LOCAL jit = off;

DELETE FROM gold.mart_diagnosis_patterns;

WITH stays AS (
    SELECT f.source, f.encounter_id, f.patient_id, f.principal_diagnosis_code, f.charlson_conditions
    FROM gold.fact_encounter f
    WHERE f.encounter_class = 'inpatient'
),
principal AS (
    SELECT s.principal_diagnosis_code AS code, count(*) AS encounters, count(DISTINCT (s.source, s.patient_id)) AS patients
    FROM stays s
    WHERE s.principal_diagnosis_code IS NOT NULL
    GROUP BY s.principal_diagnosis_code
),
procedure AS (
    SELECT p.code_system, p.code, count(DISTINCT (s.source, s.encounter_id)) AS encounters,
           count(DISTINCT (s.source, s.patient_id)) AS patients
    FROM stays s
    JOIN silver.procedures p ON p.source = s.source AND p.encounter_id = s.encounter_id
    GROUP BY p.code_system, p.code
),
pair AS (
    SELECT a.condition AS first, b.condition AS second, count(*) AS encounters,
           count(DISTINCT (s.source, s.patient_id)) AS patients
    FROM stays s
    CROSS JOIN LATERAL unnest(s.charlson_conditions) AS a(condition)
    CROSS JOIN LATERAL unnest(s.charlson_conditions) AS b(condition)
    WHERE a.condition < b.condition
    GROUP BY a.condition, b.condition
)
INSERT INTO gold.mart_diagnosis_patterns (pattern, rank, code_system, code, description, other_code, encounters, patients)
SELECT 'principal_diagnosis', r.rank, 'ICD-10-CM', r.code, r.description, NULL, r.encounters, r.patients
FROM (SELECT p.*, row_number() OVER (ORDER BY p.encounters DESC, p.code) AS rank,
             coalesce((SELECT d.description FROM gold.dim_diagnosis d
                       WHERE d.code_system = 'ICD-10-CM' AND d.code = replace(p.code, '.', '')),
                      (SELECT min(m.icd10cm_description) FROM gold.seed_snomed_icd10cm m WHERE m.icd10cm_code = p.code)) AS description
      FROM principal p) r
WHERE r.rank <= 50
UNION ALL
SELECT 'procedure', r.rank, r.code_system, r.code, d.description, NULL, r.encounters, r.patients
FROM (SELECT p.*, row_number() OVER (ORDER BY p.encounters DESC, p.code_system, p.code) AS rank FROM procedure p) r
LEFT JOIN gold.dim_procedure d ON d.code_system = r.code_system AND d.code = r.code
WHERE r.rank <= 50
UNION ALL
SELECT 'comorbidity_pair', row_number() OVER (ORDER BY p.encounters DESC, p.first, p.second), 'charlson', p.first, NULL,
       p.second, p.encounters, p.patients
FROM pair p;
