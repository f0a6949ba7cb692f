-- EHR access as a fact, one row per access that names a patient, with the unit the patient was on at that moment:
-- the access mart reads it and, like the alert-vitals mart, is recomputed only where a run's changed patients reach
-- (docs/gold.md, "Incremental marts").
CREATE TABLE gold.fact_ehr_access (
    event_id        text COLLATE "C" NOT NULL,      -- silver.ehr_access.event_id
    source          text COLLATE "C" NOT NULL,
    patient_id      text COLLATE "C" NOT NULL,
    patient_key     bigint,                         -- dim_patient as of occurred_at (else the first version)
    user_id         text        NOT NULL,
    user_role       text,
    action          text,                           -- view, create, update, delete, print, export, login, logout, break_glass
    resource_type   text,
    outcome         text,                           -- success, failure
    occurred_at     timestamptz NOT NULL,
    date_key        integer     NOT NULL,           -- of occurred_at (UTC, as every date_key)
    access_date     date        NOT NULL,           -- facility calendar day of occurred_at
    after_hours     boolean     NOT NULL,           -- before 07:00 or from 19:00 facility time
    patient_unit    text,                           -- unit of the patient's stay covering occurred_at; null when not on a unit
    PRIMARY KEY (source, patient_id, event_id)
);
CREATE INDEX fact_ehr_access_user_day_idx ON gold.fact_ehr_access (access_date, user_id);
CREATE INDEX fact_ehr_access_date_idx ON gold.fact_ehr_access (date_key);

-- The marts recomputed per patient find a patient's rows by these.
CREATE INDEX mart_ehr_access_patient_idx ON gold.mart_ehr_access (source, patient_id);
CREATE INDEX mart_alerts_vitals_patient_idx ON gold.mart_alerts_vitals (source, patient_id);
