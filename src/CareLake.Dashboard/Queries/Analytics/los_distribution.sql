-- Length of stay histogram of discharged inpatient stays with a length of stay (gold.fact_encounter.los_days, the
-- population of gold.mart_los): one bin per day 0-13, then 14-20, 21-29 and 30+. Every bin is listed (zeros too).
-- Filters: from/to on discharge_date, unit = last unit, condition = condition group.
WITH bins(bin_start, bin_end, los_days_bin) AS (
    SELECT d, d, d::text FROM generate_series(0, 13) AS d
    UNION ALL VALUES (14, 20, '14-20'), (21, 29, '21-29'), (30, NULL, '30+')
),
stays AS (
    SELECT f.los_days
    FROM gold.fact_encounter f
    WHERE f.encounter_class = 'inpatient' AND f.los_days IS NOT NULL
      AND (@from IS NULL OR f.discharge_date >= @from)
      AND (@to IS NULL OR f.discharge_date <= @to)
      AND (@unit IS NULL OR f.unit = @unit)
      AND (@condition IS NULL OR f.condition_group = @condition)
)
SELECT b.los_days_bin, b.bin_start, count(s.los_days)::integer AS encounters
FROM bins b
LEFT JOIN stays s ON s.los_days >= b.bin_start AND (b.bin_end IS NULL OR s.los_days <= b.bin_end)
GROUP BY b.los_days_bin, b.bin_start
ORDER BY b.bin_start;
