-- 30-day readmission rate by condition group: index stays (gold.fact_encounter.index_eligible), of which readmitted
-- (readmitted_30d), and readmitted / index stays in percent (1 decimal). Groups without index stays are left out.
-- Filters: from/to on the index discharge_date, unit = last unit of the index stay, condition = its condition group.
SELECT f.condition_group,
       count(*)::integer AS index_stays,
       (count(*) FILTER (WHERE f.readmitted_30d))::integer AS readmissions,
       round(100.0 * count(*) FILTER (WHERE f.readmitted_30d) / count(*), 1)::double precision AS readmission_rate_pct
FROM gold.fact_encounter f
WHERE f.index_eligible
  AND (@from IS NULL OR f.discharge_date >= @from)
  AND (@to IS NULL OR f.discharge_date <= @to)
  AND (@unit IS NULL OR f.unit = @unit)
  AND (@condition IS NULL OR f.condition_group = @condition)
GROUP BY f.condition_group
ORDER BY f.condition_group = 'other', f.condition_group;
