-- Moves a staged batch into silver: new event_ids become rows (and alerts, once per event); an
-- event_id already in silver from another bronze row is a duplicate. Re-running a batch for the
-- same bronze rows (a replay) changes nothing.
WITH inserted AS (
    INSERT INTO silver.vital_signs (
        event_id, bronze_id, patient_id, encounter_id, device_id, source_system, occurred_at, measured_at,
        heart_rate, respiratory_rate, spo2, spo2_scale, on_supplemental_oxygen, systolic_bp, diastolic_bp,
        temperature_c, temperature_unit_received, consciousness, news2_score, news2_band, news2_complete,
        rr_score, spo2_score, oxygen_score, sbp_score, hr_score, consciousness_score, temperature_score, processed_at)
    SELECT
        event_id, bronze_id, patient_id, encounter_id, device_id, source_system, occurred_at, measured_at,
        heart_rate, respiratory_rate, spo2, spo2_scale, on_supplemental_oxygen, systolic_bp, diastolic_bp,
        temperature_c, temperature_unit_received, consciousness, news2_score, news2_band, news2_complete,
        rr_score, spo2_score, oxygen_score, sbp_score, hr_score, consciousness_score, temperature_score, processed_at
    FROM pg_temp.silver_vital_signs_stage
    ON CONFLICT (event_id) DO NOTHING
    RETURNING event_id
), alerts AS (
    INSERT INTO silver.clinical_alerts (
        event_id, bronze_id, patient_id, encounter_id, kind, severity, news2_score, reason, measured_at, raised_at)
    SELECT s.event_id, s.bronze_id, s.patient_id, s.encounter_id, s.alert_kind, s.alert_severity, s.news2_score,
           s.alert_reason, s.measured_at, s.processed_at
      FROM pg_temp.silver_vital_signs_stage s
      JOIN inserted i USING (event_id)
     WHERE s.alert_kind IS NOT NULL
    ON CONFLICT (event_id) DO NOTHING
    RETURNING 1
), duplicates AS (
    INSERT INTO silver.duplicate_events (bronze_id, stream, event_id, original_bronze_id, detected_at)
    SELECT s.bronze_id, 'patient_vitals', s.event_id, v.bronze_id, s.processed_at
      FROM pg_temp.silver_vital_signs_stage s
      LEFT JOIN inserted i USING (event_id)
      LEFT JOIN silver.vital_signs v ON v.event_id = s.event_id
     WHERE i.event_id IS NULL
       AND v.bronze_id IS DISTINCT FROM s.bronze_id
    ON CONFLICT (bronze_id) DO NOTHING
    RETURNING 1
)
SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM alerts), (SELECT count(*) FROM duplicates);
