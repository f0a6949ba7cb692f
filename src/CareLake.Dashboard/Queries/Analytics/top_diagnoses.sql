-- The 15 most frequent principal diagnoses of inpatient stays (as gold.mart_diagnosis_patterns), with stays and
-- distinct patients; description from gold.dim_diagnosis, else the SNOMED CT map's ICD-10-CM title.
-- Filters: from/to on admit_date, unit = last unit, condition = condition group.
WITH principal AS (
    SELECT f.principal_diagnosis_code AS code, count(*) AS encounters, count(DISTINCT (f.source, f.patient_id)) AS patients
    FROM gold.fact_encounter f
    WHERE f.encounter_class = 'inpatient' AND f.principal_diagnosis_code IS NOT NULL
  AND (@from IS NULL OR f.admit_date >= @from)
  AND (@to IS NULL OR f.admit_date <= @to)
  AND (@unit IS NULL OR f.unit = @unit)
  AND (@condition IS NULL OR f.condition_group = @condition)
    GROUP BY f.principal_diagnosis_code
    ORDER BY encounters DESC, code
    LIMIT 15
)
SELECT p.code,
       coalesce((SELECT d.description FROM gold.dim_diagnosis d
                 WHERE d.code_system = 'ICD-10-CM' AND d.code = replace(p.code, '.', '')),
                (SELECT min(m.icd10cm_description) FROM gold.seed_snomed_icd10cm m WHERE m.icd10cm_code = p.code)) AS description,
       p.encounters::integer AS encounters,
       p.patients::integer AS patients
FROM principal p
ORDER BY p.encounters DESC, p.code;
