-- gold.patient_risk_snapshot for the patients ($1 sources, $2 ids), recomputed from silver. The 24-hour window ends
-- at each patient's latest measurement (event time), so the result depends on silver alone: running
-- it for every patient rebuilds the table identically, and late or out-of-order sets land correctly.
INSERT INTO gold.patient_risk_snapshot AS g (
    source, patient_id, encounter_id, latest_event_id, latest_measured_at, latest_news2_score, latest_news2_band,
    last_complete_set_at, max_news2_24h, alerts_24h, sets_24h, updated_at)
SELECT p.source, p.patient_id, latest.encounter_id, latest.event_id, latest.measured_at, complete.news2_score,
       complete.news2_band, complete.measured_at, win.max_news2, alerts.n, win.sets, $3
  FROM unnest($1::text[], $2::text[]) AS p(source, patient_id)
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
