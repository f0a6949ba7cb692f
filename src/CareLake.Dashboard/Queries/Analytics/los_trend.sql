-- Length of stay by discharge month over discharged inpatient stays with a length of stay (as gold.mart_los's
-- month rows): stays, mean, median and 90th percentile (continuous) of los_days, rounded to 2 decimals.
-- Filters: from/to on discharge_date, unit = last unit, condition = condition group.
SELECT date_trunc('month', f.discharge_date)::date AS month,
       count(*)::integer AS encounters,
       round(avg(f.los_days), 2)::double precision AS mean_los_days,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY f.los_days))::numeric, 2)::double precision AS median_los_days,
       round((percentile_cont(0.9) WITHIN GROUP (ORDER BY f.los_days))::numeric, 2)::double precision AS p90_los_days
FROM gold.fact_encounter f
WHERE f.encounter_class = 'inpatient' AND f.los_days IS NOT NULL
  AND (@from IS NULL OR f.discharge_date >= @from)
  AND (@to IS NULL OR f.discharge_date <= @to)
  AND (@unit IS NULL OR f.unit = @unit)
  AND (@condition IS NULL OR f.condition_group = @condition)
GROUP BY 1
ORDER BY 1;
