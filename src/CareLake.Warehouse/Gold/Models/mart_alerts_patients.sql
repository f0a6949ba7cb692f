-- Every patient with a clinical alert, ranked by how many alerts they raised.
-- depends_on: gold.mart_alerts_vitals
-- materialized: table
DELETE FROM gold.mart_alerts_patients;

INSERT INTO gold.mart_alerts_patients (source, patient_id, alert_rank, alerts, critical_alerts, high_alerts, alert_days,
    encounters, max_news2_score, first_alert_at, last_alert_at)
SELECT source, patient_id,
       rank() OVER (ORDER BY count(*) DESC)::integer,
       count(*),
       count(*) FILTER (WHERE severity = 'critical'),
       count(*) FILTER (WHERE severity = 'high'),
       count(DISTINCT alert_date),
       count(DISTINCT encounter_id),
       max(news2_score),
       min(measured_at),
       max(measured_at)
  FROM gold.mart_alerts_vitals
 GROUP BY source, patient_id;
