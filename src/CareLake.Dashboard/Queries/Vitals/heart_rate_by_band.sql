-- Heart rate against severity: per NEWS2 band of the complete vital-sign sets (silver.vital_signs), the sets with a
-- heart rate, and their mean, 10th, 25th, 50th, 75th and 90th percentiles (continuous), 1 decimal.
-- Filters: from/to on the facility day of measured_at; unit = the set's encounter's last unit, condition = its
-- condition group (gold.fact_encounter; a set without an encounter is left out when either is given).
WITH measured AS (
    -- Without a unit or condition every set counts; with one, the sets of the matching encounters (a join, so the
    -- planner drops the branch that does not apply and reads the measured_at index of migration 0016 only).
    SELECT v.news2_band, v.heart_rate FROM silver.vital_signs v
    WHERE @unit IS NULL AND @condition IS NULL AND v.news2_complete AND v.news2_band IS NOT NULL AND v.heart_rate IS NOT NULL
      AND (@from IS NULL OR v.measured_at >= gold.facility_midnight(@from))
      AND (@to IS NULL OR v.measured_at < gold.facility_midnight(@to + 1))
    UNION ALL
    SELECT v.news2_band, v.heart_rate FROM silver.vital_signs v
    JOIN gold.fact_encounter f ON f.source = v.source AND f.encounter_id = v.encounter_id
    WHERE (@unit IS NOT NULL OR @condition IS NOT NULL) AND v.news2_complete AND v.news2_band IS NOT NULL AND v.heart_rate IS NOT NULL
      AND (@from IS NULL OR v.measured_at >= gold.facility_midnight(@from))
      AND (@to IS NULL OR v.measured_at < gold.facility_midnight(@to + 1))
      AND (@unit IS NULL OR f.unit = @unit)
      AND (@condition IS NULL OR f.condition_group = @condition)
)
SELECT v.news2_band,
       count(*)::integer AS sets,
       round(avg(v.heart_rate), 1)::double precision AS mean_heart_rate,
       round((percentile_cont(0.1) WITHIN GROUP (ORDER BY v.heart_rate))::numeric, 1)::double precision AS p10_heart_rate,
       round((percentile_cont(0.25) WITHIN GROUP (ORDER BY v.heart_rate))::numeric, 1)::double precision AS p25_heart_rate,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY v.heart_rate))::numeric, 1)::double precision AS median_heart_rate,
       round((percentile_cont(0.75) WITHIN GROUP (ORDER BY v.heart_rate))::numeric, 1)::double precision AS p75_heart_rate,
       round((percentile_cont(0.9) WITHIN GROUP (ORDER BY v.heart_rate))::numeric, 1)::double precision AS p90_heart_rate
FROM measured v
GROUP BY v.news2_band
ORDER BY array_position(ARRAY['low', 'low-medium', 'medium', 'high'], v.news2_band);
