-- Clinical alerts per calendar day, kind, severity, NEWS2 band and unit.
-- depends_on: gold.mart_alerts_vitals
-- materialized: table
DELETE FROM gold.mart_alerts_daily;

INSERT INTO gold.mart_alerts_daily (alert_date, kind, severity, news2_band, unit, alerts, patients, encounters)
SELECT alert_date, kind, severity, news2_band, unit,
       count(*),
       count(DISTINCT (source, patient_id)),
       count(DISTINCT (source, encounter_id)) FILTER (WHERE encounter_id IS NOT NULL)
  FROM gold.mart_alerts_vitals
 GROUP BY alert_date, kind, severity, news2_band, unit
 ORDER BY alert_date, kind, severity, news2_band, unit;
