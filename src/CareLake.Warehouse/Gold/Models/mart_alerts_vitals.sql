-- One row per clinical alert with the vital signs and NEWS2 sub-scores of the set that raised it and the unit the
-- patient was on, so the values' clustering around the NEWS2 thresholds can be plotted.
-- depends_on: silver.clinical_alerts, silver.vital_signs, silver.encounter_locations, silver.encounters
-- materialized: per_patient
--
-- The unit is that of the alert encounter's stay covering the measurement ([started_at, ended_at)); when the
-- measurement lies outside every stay of the encounter (taken just before the bed was assigned, or after
-- discharge), the nearest stay of the encounter; null when the encounter has no stay. Days are the facility's
-- calendar days (gold.facility_time_zone()).
DELETE FROM gold.mart_alerts_vitals x
 USING model_patients m
 WHERE x.source = m.source AND x.patient_id = m.patient_id;

INSERT INTO gold.mart_alerts_vitals (alert_id, event_id, source, patient_id, encounter_id, unit, kind, severity,
    measured_at, alert_date, news2_score, news2_band, red_parameters, respiratory_rate, spo2, spo2_scale,
    on_supplemental_oxygen, systolic_bp, diastolic_bp, heart_rate, temperature_c, consciousness, rr_score, spo2_score,
    oxygen_score, sbp_score, hr_score, consciousness_score, temperature_score)
SELECT a.alert_id, a.event_id, a.source, a.patient_id, a.encounter_id, stay.unit, a.kind, a.severity,
       a.measured_at, gold.facility_local(a.measured_at)::date, coalesce(v.news2_score, a.news2_score), v.news2_band,
       array_remove(ARRAY[
           CASE WHEN v.rr_score = 3 THEN 'respiratory_rate' END,
           CASE WHEN v.spo2_score = 3 THEN 'spo2' END,
           CASE WHEN v.sbp_score = 3 THEN 'systolic_bp' END,
           CASE WHEN v.hr_score = 3 THEN 'heart_rate' END,
           CASE WHEN v.consciousness_score = 3 THEN 'consciousness' END,
           CASE WHEN v.temperature_score = 3 THEN 'temperature' END], NULL),
       v.respiratory_rate, v.spo2, v.spo2_scale, v.on_supplemental_oxygen, v.systolic_bp, v.diastolic_bp,
       v.heart_rate, v.temperature_c, v.consciousness, v.rr_score, v.spo2_score, v.oxygen_score, v.sbp_score,
       v.hr_score, v.consciousness_score, v.temperature_score
  FROM silver.clinical_alerts a
  JOIN model_patients m ON m.source = a.source AND m.patient_id = a.patient_id
  LEFT JOIN silver.vital_signs v ON v.event_id = a.event_id
  LEFT JOIN LATERAL (
        SELECT l.unit
          FROM silver.encounter_locations l
         WHERE l.source = a.source AND l.encounter_id = a.encounter_id
         ORDER BY (l.started_at <= a.measured_at AND (l.ended_at IS NULL OR l.ended_at > a.measured_at)) DESC,
                  least(abs(extract(epoch FROM l.started_at - a.measured_at)),
                        abs(extract(epoch FROM coalesce(l.ended_at, l.started_at) - a.measured_at))),
                  l.sequence
         LIMIT 1) AS stay ON true;
