-- Gold marts: census, demographics, alert analytics, EHR access monitoring and data completeness. Each is rebuilt
-- whole by its model (src/CareLake.Warehouse/Gold/Models/<table>.sql). Calendar days and hours of day in the marts are
-- the facility's: the time zone named by the setting carelake.facility_time_zone (e.g. ALTER DATABASE carelake SET
-- carelake.facility_time_zone = 'America/New_York'), UTC when it is not set, never the session's TimeZone, so a rebuild
-- gives the same rows whoever runs it. Column meanings: docs/gold.md, section "Marts".

-- The facility's time zone: the setting carelake.facility_time_zone, or 'UTC'.
CREATE FUNCTION gold.facility_time_zone() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN coalesce(nullif(current_setting('carelake.facility_time_zone', true), ''), 'UTC');

-- The facility's wall-clock time of an instant.
CREATE FUNCTION gold.facility_local(at timestamptz) RETURNS timestamp
LANGUAGE sql STABLE PARALLEL SAFE
RETURN at AT TIME ZONE gold.facility_time_zone();

-- The instant a facility calendar day begins (its 00:00).
CREATE FUNCTION gold.facility_midnight(day date) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
RETURN day::timestamp AT TIME ZONE gold.facility_time_zone();

-- Per day and unit: patients in house at midnight and during the day, admissions, discharges, transfers.
CREATE TABLE gold.mart_census_daily (
    census_date             date        NOT NULL,   -- facility calendar day
    unit                    text        NOT NULL,   -- nursing unit of the stay (silver.encounter_locations.unit)
    in_house_midnight       integer     NOT NULL,   -- encounters on the unit at the midnight that ends the day
    in_house_during_day     integer     NOT NULL,   -- encounters on the unit at any moment of the day
    admissions              integer     NOT NULL,   -- encounters whose first stay began on the unit that day
    discharges              integer     NOT NULL,   -- discharged encounters whose last stay ended on the unit that day
    transfers_in            integer     NOT NULL,   -- stays after the first of their encounter beginning on the unit that day
    transfers_out           integer     NOT NULL,   -- stays before the last of their encounter ending on the unit that day
    PRIMARY KEY (census_date, unit)
);

-- Patients (current demographic version) by age band, sex, race, ethnicity and state, with their encounters.
CREATE TABLE gold.mart_demographics (
    as_of_date              date        NOT NULL,   -- the day ages are computed at: the facility day of the data's end (latest admission or discharge)
    age_band                text,                   -- gold.age_band of the age at as_of_date (or at death); null without a birth date
    sex                     text,
    race                    text,
    ethnicity               text,
    state                   text,                   -- of the current address
    patients                integer     NOT NULL,
    deceased_patients       integer     NOT NULL,   -- with a death date
    patients_with_encounter integer     NOT NULL,   -- with at least one encounter that was not cancelled
    encounters              integer     NOT NULL,   -- encounters that were not cancelled, any class
    inpatient_encounters    integer     NOT NULL,
    emergency_encounters    integer     NOT NULL,
    observation_encounters  integer     NOT NULL,
    outpatient_encounters   integer     NOT NULL
);
CREATE UNIQUE INDEX mart_demographics_key ON gold.mart_demographics (age_band, sex, race, ethnicity, state) NULLS NOT DISTINCT;

-- Clinical alerts by day, kind, severity, NEWS2 band and unit.
CREATE TABLE gold.mart_alerts_daily (
    alert_date              date        NOT NULL,   -- facility calendar day of the measurement that raised the alert
    kind                    text        NOT NULL,   -- 'news2_high' | 'news2_red_score'
    severity                text        NOT NULL,   -- 'critical' | 'high'
    news2_band              text,                   -- band of the set that raised the alert; null when incomplete
    unit                    text,                   -- unit the patient was on at the measurement; null when not on a unit
    alerts                  integer     NOT NULL,
    patients                integer     NOT NULL,   -- distinct patients
    encounters              integer     NOT NULL    -- distinct encounters (alerts without an encounter not counted)
);
CREATE UNIQUE INDEX mart_alerts_daily_key ON gold.mart_alerts_daily (alert_date, kind, severity, news2_band, unit) NULLS NOT DISTINCT;

-- Every patient with an alert, ranked by alert count.
CREATE TABLE gold.mart_alerts_patients (
    source                  text COLLATE "C" NOT NULL,
    patient_id              text COLLATE "C" NOT NULL,
    alert_rank              integer     NOT NULL,   -- 1 = most alerts (ties share a rank)
    alerts                  integer     NOT NULL,
    critical_alerts         integer     NOT NULL,
    high_alerts             integer     NOT NULL,
    alert_days              integer     NOT NULL,   -- distinct facility calendar days with an alert
    encounters              integer     NOT NULL,   -- distinct encounters with an alert
    max_news2_score         smallint,
    first_alert_at          timestamptz NOT NULL,   -- measurement time of the first alert
    last_alert_at           timestamptz NOT NULL,
    PRIMARY KEY (source, patient_id)
);

-- One row per alert with the vital signs of the set that raised it, so clustering around thresholds shows.
CREATE TABLE gold.mart_alerts_vitals (
    alert_id                bigint      NOT NULL PRIMARY KEY,   -- silver.clinical_alerts.alert_id
    event_id                text COLLATE "C" NOT NULL,          -- the vital-sign set (silver.vital_signs.event_id)
    source                  text COLLATE "C" NOT NULL,
    patient_id              text COLLATE "C" NOT NULL,
    encounter_id            text COLLATE "C",
    unit                    text,                   -- unit at the measurement; null when not on a unit
    kind                    text        NOT NULL,
    severity                text        NOT NULL,
    measured_at             timestamptz NOT NULL,
    alert_date              date        NOT NULL,
    news2_score             smallint,
    news2_band              text,
    red_parameters          text[],                 -- parameters scoring 3, in NEWS2 chart order; empty when none
    respiratory_rate        numeric,                -- /min
    spo2                    numeric,                -- %
    spo2_scale              smallint,
    on_supplemental_oxygen  boolean,
    systolic_bp             numeric,                -- mmHg
    diastolic_bp            numeric,                -- mmHg
    heart_rate              numeric,                -- /min
    temperature_c           numeric,                -- °C
    consciousness           char(1),                -- ACVPU
    rr_score                smallint,
    spo2_score              smallint,
    oxygen_score            smallint,
    sbp_score               smallint,
    hr_score                smallint,
    consciousness_score     smallint,
    temperature_score       smallint
);

-- EHR access per user, patient and day, with suspicious patterns flagged.
CREATE TABLE gold.mart_ehr_access (
    access_date                 date        NOT NULL,   -- facility calendar day
    user_id                     text        NOT NULL,
    source                      text COLLATE "C" NOT NULL,
    patient_id                  text COLLATE "C" NOT NULL,
    user_role                   text,                   -- role on the user's latest access that day
    user_home_unit              text,                   -- the unit of most of the user's accesses to in-house patients (whole data)
    patient_unit                text,                   -- unit the patient was on at the first access that day; null when not on a unit
    accesses                    integer     NOT NULL,
    views                       integer     NOT NULL,
    prints                      integer     NOT NULL,
    exports                     integer     NOT NULL,
    break_glass_accesses        integer     NOT NULL,
    failed_accesses             integer     NOT NULL,   -- outcome 'failure'
    after_hours_accesses        integer     NOT NULL,   -- before 07:00 or from 19:00 facility time
    first_access_at             timestamptz NOT NULL,
    last_access_at              timestamptz NOT NULL,
    outside_home_unit           boolean     NOT NULL,   -- the user has a home unit and the patient was not on it at any access that day
    user_patients               integer     NOT NULL,   -- distinct patients the user accessed that day
    user_patients_outside_unit  integer     NOT NULL,   -- of those, how many were outside the user's home unit
    user_after_hours_exported_patients integer NOT NULL, -- distinct patients the user exported or printed after hours that day
    flag_many_outside_unit      boolean     NOT NULL,   -- user_patients_outside_unit >= 20
    flag_break_glass            boolean     NOT NULL,   -- a break-the-glass access to this patient that day
    flag_after_hours_bulk_export boolean    NOT NULL,   -- user_after_hours_exported_patients >= 5 and this patient among them
    flag_surname_match          boolean     NOT NULL,   -- the patient's family name is the surname in the user id
    suspicious                  boolean     NOT NULL,   -- any flag
    PRIMARY KEY (access_date, user_id, source, patient_id)
);
CREATE INDEX mart_ehr_access_suspicious_idx ON gold.mart_ehr_access (access_date) WHERE suspicious;

-- Null share of every column of every gold table, as measured by the last gold run.
CREATE TABLE gold.mart_data_completeness (
    table_name              text        NOT NULL,   -- gold table
    column_name             text        NOT NULL,
    data_type               text        NOT NULL,   -- PostgreSQL type
    row_count               bigint      NOT NULL,
    null_count              bigint      NOT NULL,
    null_pct                numeric(5, 2),          -- 100 × null_count / row_count, 2 decimals; null when the table is empty
    measured_at             timestamptz NOT NULL,   -- when the counts were taken
    PRIMARY KEY (table_name, column_name)
);
