-- Admissions per day (admit_date) and encounter class, from gold.fact_encounter (cancelled encounters are not there).
-- Filters: from/to on admit_date, unit = the encounter's last unit, condition = its condition group.
SELECT f.admit_date AS day, f.encounter_class, count(*) AS encounters
FROM gold.fact_encounter f
WHERE f.admit_date IS NOT NULL
  AND (@from IS NULL OR f.admit_date >= @from)
  AND (@to IS NULL OR f.admit_date <= @to)
  AND (@unit IS NULL OR f.unit = @unit)
  AND (@condition IS NULL OR f.condition_group = @condition)
GROUP BY f.admit_date, f.encounter_class
ORDER BY f.admit_date, f.encounter_class;
