-- Patients with an encounter (gold.fact_encounter, any class) by sex of their current gold.dim_patient version ('unknown' when missing),
-- each patient counted once, with their encounters.
-- Filters: from/to on admit_date, unit = the encounter's last unit, condition = its condition group.
WITH encounters AS (
    SELECT f.source, f.patient_id, f.age_at_admission, f.admitted_at
    FROM gold.fact_encounter f
    WHERE true
  AND (@from IS NULL OR f.admit_date >= @from)
  AND (@to IS NULL OR f.admit_date <= @to)
  AND (@unit IS NULL OR f.unit = @unit)
  AND (@condition IS NULL OR f.condition_group = @condition)
),
patients AS (
    SELECT e.source, e.patient_id, count(*) AS encounters,
           (array_agg(e.age_at_admission ORDER BY e.admitted_at DESC NULLS LAST))[1] AS age_at_admission
    FROM encounters e
    GROUP BY e.source, e.patient_id
)
SELECT coalesce(p.sex, 'unknown') AS sex,
       count(*)::integer AS patients,
       sum(s.encounters)::integer AS encounters
FROM patients s
LEFT JOIN gold.dim_patient p ON p.source = s.source AND p.patient_id = s.patient_id AND p.is_current
GROUP BY 1
ORDER BY 1;
