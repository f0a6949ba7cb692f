-- The vitals view reads silver.vital_signs by measurement time (heart rate and SpO2 distributions, heart rate by NEWS2
-- band, filtered by facility day, unit and condition group). Without an index on measured_at every request scans the
-- table; with the read columns included, a date range is an index-only scan of its own rows.
CREATE INDEX vital_signs_measured_idx ON silver.vital_signs (measured_at)
    INCLUDE (heart_rate, spo2, news2_band, news2_complete, source, encounter_id);
