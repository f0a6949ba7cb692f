-- One patient's clinical alerts, newest first (at most 2,000). Parameters: @source, @patient (text).
SELECT a.alert_id,
       a.measured_at,
       a.raised_at,
       a.kind,
       a.severity,
       a.news2_score,
       a.reason,
       a.encounter_id,
       a.event_id
FROM silver.clinical_alerts a
WHERE a.patient_id = @patient AND a.source = @source
ORDER BY a.measured_at DESC, a.alert_id DESC
LIMIT 2000
