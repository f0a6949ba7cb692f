-- The newest alerts first (GET /v1/alerts, carelake alerts list): read from the top of this index instead of sorting
-- every clinical alert ever raised.
CREATE INDEX clinical_alerts_raised_idx ON silver.clinical_alerts (raised_at, alert_id);
