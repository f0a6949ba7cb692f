-- 30-day readmission rate of index stays by sex of the patient's gold.dim_patient version as of the admission ('unknown' when missing): index stays,
-- readmissions, readmitted / index stays in percent (1 decimal).
-- Filters: from/to on the index discharge_date, unit = last unit of the index stay, condition = its condition group.
SELECT coalesce(p.sex, 'unknown') AS sex,
       count(*)::integer AS index_stays,
       (count(*) FILTER (WHERE f.readmitted_30d))::integer AS readmissions,
       round(100.0 * count(*) FILTER (WHERE f.readmitted_30d) / count(*), 1)::double precision AS readmission_rate_pct
FROM gold.fact_encounter f
LEFT JOIN gold.dim_patient p ON p.patient_key = f.patient_key
WHERE f.index_eligible
  AND (@from IS NULL OR f.discharge_date >= @from)
  AND (@to IS NULL OR f.discharge_date <= @to)
  AND (@unit IS NULL OR f.unit = @unit)
  AND (@condition IS NULL OR f.condition_group = @condition)
GROUP BY 1
ORDER BY 1;
