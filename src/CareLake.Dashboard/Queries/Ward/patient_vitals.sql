-- One patient's vital-sign sets measured by @now, oldest first: the latest 2,000, within the days @from–@to (UTC,
-- inclusive) when given. news2_score is null for a set too incomplete to score.
-- Parameters: @source, @patient (text), @now (timestamptz), @from, @to (date, null for open).
SELECT s.*
FROM (
    SELECT v.measured_at,
           v.news2_score,
           v.news2_band,
           v.heart_rate,
           v.respiratory_rate,
           v.spo2,
           v.spo2_scale,
           v.on_supplemental_oxygen,
           v.systolic_bp,
           v.diastolic_bp,
           v.temperature_c,
           v.consciousness::text AS consciousness,
           v.encounter_id,
           v.event_id
    FROM silver.vital_signs v
    WHERE v.patient_id = @patient AND v.source = @source AND v.measured_at <= @now
      AND (@from::date IS NULL OR v.measured_at >= (@from::date)::timestamp AT TIME ZONE 'UTC')
      AND (@to::date IS NULL OR v.measured_at < (@to::date + 1)::timestamp AT TIME ZONE 'UTC')
    ORDER BY v.measured_at DESC
    LIMIT 2000
) s
ORDER BY s.measured_at, s.event_id
