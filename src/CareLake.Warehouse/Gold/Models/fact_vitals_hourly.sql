-- Per patient and hour (UTC) with vital signs: min, max and mean of each vital, the worst NEWS2 and band over the
-- complete sets, how many sets and alerts; the patient key as of the hour's start.
-- depends_on: silver.vital_signs, silver.clinical_alerts, gold.dim_patient
-- materialized: per_patient
DELETE FROM gold.fact_vitals_hourly f
 USING model_patients m
 WHERE f.source = m.source AND f.patient_id = m.patient_id;

WITH hours AS (
    SELECT v.source, v.patient_id, date_trunc('hour', v.measured_at, 'UTC') AS hour,
           (array_agg(v.encounter_id ORDER BY v.measured_at DESC, v.event_id DESC))[1] AS encounter_id,
           count(*)::integer AS sets,
           (count(*) FILTER (WHERE v.news2_complete))::integer AS complete_sets,
           min(v.heart_rate) AS heart_rate_min, max(v.heart_rate) AS heart_rate_max, round(avg(v.heart_rate), 2) AS heart_rate_mean,
           min(v.respiratory_rate) AS respiratory_rate_min, max(v.respiratory_rate) AS respiratory_rate_max, round(avg(v.respiratory_rate), 2) AS respiratory_rate_mean,
           min(v.spo2) AS spo2_min, max(v.spo2) AS spo2_max, round(avg(v.spo2), 2) AS spo2_mean,
           min(v.systolic_bp) AS systolic_bp_min, max(v.systolic_bp) AS systolic_bp_max, round(avg(v.systolic_bp), 2) AS systolic_bp_mean,
           min(v.diastolic_bp) AS diastolic_bp_min, max(v.diastolic_bp) AS diastolic_bp_max, round(avg(v.diastolic_bp), 2) AS diastolic_bp_mean,
           min(v.temperature_c) AS temperature_c_min, max(v.temperature_c) AS temperature_c_max, round(avg(v.temperature_c), 2) AS temperature_c_mean,
           bool_or(v.on_supplemental_oxygen) AS any_supplemental_oxygen,
           max(strpos('ACVPU', v.consciousness::text)) FILTER (WHERE v.consciousness IS NOT NULL) AS consciousness_rank,
           (max(v.news2_score) FILTER (WHERE v.news2_complete))::smallint AS news2_max,
           max(CASE v.news2_band WHEN 'low' THEN 1 WHEN 'low-medium' THEN 2 WHEN 'medium' THEN 3 WHEN 'high' THEN 4 END)
               FILTER (WHERE v.news2_complete) AS band_rank
      FROM silver.vital_signs v
      JOIN model_patients m ON m.source = v.source AND m.patient_id = v.patient_id
     GROUP BY v.source, v.patient_id, date_trunc('hour', v.measured_at, 'UTC')
), alerts AS (
    SELECT a.source, a.patient_id, date_trunc('hour', a.measured_at, 'UTC') AS hour, count(*)::integer AS alerts
      FROM silver.clinical_alerts a
      JOIN model_patients m ON m.source = a.source AND m.patient_id = a.patient_id
     GROUP BY a.source, a.patient_id, date_trunc('hour', a.measured_at, 'UTC')
)
INSERT INTO gold.fact_vitals_hourly (
    source, patient_id, hour, patient_key, encounter_id, date_key, hour_of_day, sets, complete_sets,
    heart_rate_min, heart_rate_max, heart_rate_mean, respiratory_rate_min, respiratory_rate_max, respiratory_rate_mean,
    spo2_min, spo2_max, spo2_mean, systolic_bp_min, systolic_bp_max, systolic_bp_mean,
    diastolic_bp_min, diastolic_bp_max, diastolic_bp_mean, temperature_c_min, temperature_c_max, temperature_c_mean,
    any_supplemental_oxygen, worst_consciousness, news2_max, news2_worst_band, alerts)
SELECT h.source, h.patient_id, h.hour, coalesce(asof.patient_key, earliest.patient_key), h.encounter_id, gold.date_key(h.hour),
       extract(hour FROM h.hour AT TIME ZONE 'UTC')::smallint, h.sets, h.complete_sets,
       h.heart_rate_min, h.heart_rate_max, h.heart_rate_mean, h.respiratory_rate_min, h.respiratory_rate_max, h.respiratory_rate_mean,
       h.spo2_min, h.spo2_max, h.spo2_mean, h.systolic_bp_min, h.systolic_bp_max, h.systolic_bp_mean,
       h.diastolic_bp_min, h.diastolic_bp_max, h.diastolic_bp_mean, h.temperature_c_min, h.temperature_c_max, h.temperature_c_mean,
       h.any_supplemental_oxygen,
       CASE WHEN h.consciousness_rank > 0 THEN substr('ACVPU', h.consciousness_rank, 1) END,
       h.news2_max,
       (ARRAY['low', 'low-medium', 'medium', 'high'])[h.band_rank],
       coalesce(a.alerts, 0)
  FROM hours h
  LEFT JOIN alerts a ON a.source = h.source AND a.patient_id = h.patient_id AND a.hour = h.hour
  -- The patient key as of the hour's start, else the earliest (version 1).
  LEFT JOIN gold.dim_patient asof ON asof.source = h.source AND asof.patient_id = h.patient_id
        AND asof.valid_from <= h.hour AND (asof.valid_to IS NULL OR h.hour < asof.valid_to)
  LEFT JOIN gold.dim_patient earliest ON earliest.source = h.source AND earliest.patient_id = h.patient_id AND earliest.version = 1;
