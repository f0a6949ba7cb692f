-- Heart rate of every vital-sign set (silver.vital_signs.heart_rate), in bins of 10 beats/min from <40 to 150+;
-- every bin listed (zeros too).
-- Filters: from/to on the facility day of measured_at; unit = the set's encounter's last unit, condition = its
-- condition group (gold.fact_encounter; a set without an encounter is left out when either is given).
WITH bins(bin_start, heart_rate_bin) AS (
    SELECT 30, '<40'
    UNION ALL SELECT b, b || '-' || (b + 9) FROM generate_series(40, 140, 10) AS b
    UNION ALL SELECT 150, '150+'
),
measured AS (
    -- Without a unit or condition every set counts; with one, the sets of the matching encounters (a join, so the
    -- planner drops the branch that does not apply and reads the measured_at index of migration 0016 only).
    SELECT v.heart_rate FROM silver.vital_signs v
    WHERE @unit IS NULL AND @condition IS NULL AND v.heart_rate IS NOT NULL
      AND (@from IS NULL OR v.measured_at >= gold.facility_midnight(@from))
      AND (@to IS NULL OR v.measured_at < gold.facility_midnight(@to + 1))
    UNION ALL
    SELECT v.heart_rate FROM silver.vital_signs v
    JOIN gold.fact_encounter f ON f.source = v.source AND f.encounter_id = v.encounter_id
    WHERE (@unit IS NOT NULL OR @condition IS NOT NULL) AND v.heart_rate IS NOT NULL
      AND (@from IS NULL OR v.measured_at >= gold.facility_midnight(@from))
      AND (@to IS NULL OR v.measured_at < gold.facility_midnight(@to + 1))
      AND (@unit IS NULL OR f.unit = @unit)
      AND (@condition IS NULL OR f.condition_group = @condition)
),
sets AS (
    SELECT least(greatest(floor(m.heart_rate / 10) * 10, 30), 150)::integer AS bin_start, count(*) AS sets
    FROM measured m
    GROUP BY 1
)
SELECT b.heart_rate_bin, b.bin_start, coalesce(s.sets, 0)::integer AS sets
FROM bins b
LEFT JOIN sets s ON s.bin_start = b.bin_start
ORDER BY b.bin_start;
