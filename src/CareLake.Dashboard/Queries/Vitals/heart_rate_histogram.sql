-- Heart rate of every vital-sign set, in bins of 10 beats/min from <40 to 150+; every bin listed (zeros too). Counted
-- from gold.mart_vitals_distribution (every reading of silver.vital_signs as of the last gold run).
-- Filters: from/to on the facility day of the measurement; unit = the set's encounter's last unit, condition = its
-- condition group (gold.fact_encounter; a set without an encounter is left out when either is given).
WITH bins(bin_start, heart_rate_bin) AS (
    SELECT 30, '<40'
    UNION ALL SELECT b, b || '-' || (b + 9) FROM generate_series(40, 140, 10) AS b
    UNION ALL SELECT 150, '150+'
),
sets AS (
    SELECT least(greatest(floor(m.value / 10) * 10, 30), 150)::integer AS bin_start, sum(m.sets) AS sets
      FROM gold.mart_vitals_distribution m
     WHERE m.measure = 'heart_rate'
       AND (@from::date IS NULL OR m.measured_date >= @from::date)
       AND (@to::date IS NULL OR m.measured_date <= @to::date)
       AND (@unit::text IS NULL OR m.unit = @unit)
       AND (@condition::text IS NULL OR m.condition_group = @condition)
     GROUP BY 1
)
SELECT b.heart_rate_bin, b.bin_start, coalesce(s.sets, 0)::integer AS sets
FROM bins b
LEFT JOIN sets s ON s.bin_start = b.bin_start
ORDER BY b.bin_start;
