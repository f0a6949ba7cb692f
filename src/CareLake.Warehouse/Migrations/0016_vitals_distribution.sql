-- The distribution of heart rate and SpO2 over vital-sign sets, counted per facility day, unit, condition group and
-- NEWS2 band: what the dashboard's vitals view charts (histograms, heart rate per band with its percentiles) without
-- reading every vital-sign set of the year on each request. Built by the gold model mart_vitals_distribution.
CREATE TABLE gold.mart_vitals_distribution (
    measured_date    date        NOT NULL,   -- facility calendar day of the measurement
    unit             text,                   -- the set's encounter's last unit (gold.fact_encounter.unit); null without one
    condition_group  text,                   -- the set's encounter's condition group (gold.fact_encounter); null without one
    news2_band       text,                   -- band of a complete set; null when the set was not completely scored
    measure          text        NOT NULL CHECK (measure IN ('heart_rate', 'spo2')),
    value            numeric     NOT NULL,   -- the reading as silver holds it (/min, %)
    sets             integer     NOT NULL    -- vital-sign sets with this reading
);
CREATE INDEX mart_vitals_distribution_measure_idx ON gold.mart_vitals_distribution (measure, measured_date);
