-- The 20 patients with the most clinical alerts (gold.mart_alerts_vitals, ranked as gold.mart_alerts_patients: ties
-- share a rank), with alerts by severity, alert days, highest NEWS2 and the last alert.
-- Filters: from/to on alert_date (facility day), unit = unit at the measurement, condition = the condition group of
-- the alert's encounter (alerts without an encounter are left out when it is given).
WITH alerts AS (
    SELECT a.source, a.patient_id,
           count(*) AS alerts,
           count(*) FILTER (WHERE a.severity = 'critical') AS critical_alerts,
           count(*) FILTER (WHERE a.severity = 'high') AS high_alerts,
           count(DISTINCT a.alert_date) AS alert_days,
           max(a.news2_score) AS max_news2_score,
           max(a.measured_at) AS last_alert_at
    FROM gold.mart_alerts_vitals a
    -- joined only when a condition is given (the planner removes the join otherwise)
    LEFT JOIN gold.fact_encounter f ON @condition IS NOT NULL AND f.source = a.source AND f.encounter_id = a.encounter_id
    WHERE true
  AND (@from IS NULL OR a.alert_date >= @from)
  AND (@to IS NULL OR a.alert_date <= @to)
  AND (@unit IS NULL OR a.unit = @unit)
  AND (@condition IS NULL OR f.condition_group = @condition)
    GROUP BY a.source, a.patient_id
)
SELECT rank() OVER (ORDER BY r.alerts DESC)::integer AS alert_rank,
       r.patient_id, r.source,
       r.alerts::integer AS alerts, r.critical_alerts::integer AS critical_alerts, r.high_alerts::integer AS high_alerts,
       r.alert_days::integer AS alert_days, r.max_news2_score, r.last_alert_at
FROM alerts r
ORDER BY r.alerts DESC, r.source, r.patient_id
LIMIT 20;
