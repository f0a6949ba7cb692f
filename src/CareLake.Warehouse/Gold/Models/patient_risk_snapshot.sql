-- Per patient, the latest NEWS2 picture: the latest set, the latest complete set's score and band, and the 24 hours
-- before the latest measurement (event time, so the table is a pure function of silver and rebuilds identically).
-- depends_on: silver.vital_signs, silver.clinical_alerts
-- materialized: per_patient
-- Also kept current between runs by the stream's refresher (PatientRiskSnapshotModel), which runs this file for the
-- patients it claims; the upsert lets both write the same patient concurrently.
DELETE FROM gold.patient_risk_snapshot g
 USING model_patients m
 WHERE g.source = m.source AND g.patient_id = m.patient_id;

INSERT INTO gold.patient_risk_snapshot AS g (
    source, patient_id, encounter_id, latest_event_id, latest_measured_at, latest_news2_score, latest_news2_band,
    last_complete_set_at, max_news2_24h, alerts_24h, sets_24h, updated_at)
SELECT p.source, p.patient_id, latest.encounter_id, latest.event_id, latest.measured_at, complete.news2_score,
       complete.news2_band, complete.measured_at, win.max_news2, alerts.n, win.sets, now()
  FROM model_patients AS p
 CROSS JOIN LATERAL (
        SELECT v.event_id, v.encounter_id, v.measured_at
          FROM silver.vital_signs v
         WHERE v.patient_id = p.patient_id AND v.source = p.source
         ORDER BY v.measured_at DESC, v.event_id DESC
         LIMIT 1) AS latest
  LEFT JOIN LATERAL (
        SELECT v.news2_score, v.news2_band, v.measured_at
          FROM silver.vital_signs v
         WHERE v.patient_id = p.patient_id AND v.source = p.source AND v.news2_complete
         ORDER BY v.measured_at DESC, v.event_id DESC
         LIMIT 1) AS complete ON true
 CROSS JOIN LATERAL (
        SELECT max(v.news2_score) AS max_news2, count(*)::integer AS sets
          FROM silver.vital_signs v
         WHERE v.patient_id = p.patient_id AND v.source = p.source
           AND v.measured_at > latest.measured_at - interval '24 hours'
           AND v.measured_at <= latest.measured_at) AS win
 CROSS JOIN LATERAL (
        SELECT count(*)::integer AS n
          FROM silver.clinical_alerts a
         WHERE a.patient_id = p.patient_id AND a.source = p.source
           AND a.measured_at > latest.measured_at - interval '24 hours'
           AND a.measured_at <= latest.measured_at) AS alerts
ON CONFLICT (source, patient_id) DO UPDATE SET
    encounter_id = excluded.encounter_id,
    latest_event_id = excluded.latest_event_id,
    latest_measured_at = excluded.latest_measured_at,
    latest_news2_score = excluded.latest_news2_score,
    latest_news2_band = excluded.latest_news2_band,
    last_complete_set_at = excluded.last_complete_set_at,
    max_news2_24h = excluded.max_news2_24h,
    alerts_24h = excluded.alerts_24h,
    sets_24h = excluded.sets_24h,
    updated_at = excluded.updated_at;
