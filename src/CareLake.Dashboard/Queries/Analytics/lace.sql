-- LACE index distribution of inpatient stays with a score (gold.fact_encounter.lace_score 0-19, lace_band).
-- Filters: from/to on discharge_date, unit = last unit, condition = condition group.
SELECT f.lace_score, f.lace_band, count(*)::integer AS encounters
FROM gold.fact_encounter f
WHERE f.encounter_class = 'inpatient' AND f.lace_score IS NOT NULL
  AND (@from IS NULL OR f.discharge_date >= @from)
  AND (@to IS NULL OR f.discharge_date <= @to)
  AND (@unit IS NULL OR f.unit = @unit)
  AND (@condition IS NULL OR f.condition_group = @condition)
GROUP BY f.lace_score, f.lace_band
ORDER BY f.lace_score;
