-- Gold dimensions (patient as SCD type 2, date, location) and the vital-sign, lab and procedure facts. Built by the
-- models in Gold/Models (one file per table); every column is described in docs/gold.md. Times are timestamptz;
-- dates and hours are taken in UTC, so a table does not depend on the session's time zone.

-- Safe Harbor's restricted three-digit ZIP prefixes (seed Gold/Seeds/restricted_zip3.csv): shown as '000'.
CREATE TABLE gold.seed_restricted_zip3 (
    zip3    text PRIMARY KEY,   -- three digits
    source  text NOT NULL       -- where the prefix is listed
);

-- A deterministic 64-bit key for a location: the first 8 bytes of SHA-256 of facility, unit, room and bed joined by
-- 0x1f (a missing part written as 0x1e), read as a signed big-endian integer.
CREATE FUNCTION gold.location_key(facility_id text, unit text, room text, bed text) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ('x' || left(encode(sha256(convert_to(
    coalesce(facility_id, chr(30)) || chr(31) || coalesce(unit, chr(30)) || chr(31) || coalesce(room, chr(30)) || chr(31) || coalesce(bed, chr(30)),
    'UTF8')), 'hex'), 16))::bit(64)::bigint;

-- The date key of a moment: its UTC date as yyyymmdd (null for null).
CREATE FUNCTION gold.date_key(at timestamptz) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (extract(year FROM at AT TIME ZONE 'UTC') * 10000 + extract(month FROM at AT TIME ZONE 'UTC') * 100
        + extract(day FROM at AT TIME ZONE 'UTC'))::integer;

-- One row per patient version (SCD type 2), from silver.patient_versions.
CREATE TABLE gold.dim_patient (
    patient_key     bigint      NOT NULL PRIMARY KEY,   -- gold.patient_key(source, patient_id, version)
    source          text COLLATE "C" NOT NULL,          -- the id namespace ('mrn', 'synthea', 'fhir', ...)
    patient_id      text COLLATE "C" NOT NULL,          -- the patient's id within source
    version         integer     NOT NULL,               -- 1, 2, ... in event-time order
    valid_from      timestamptz NOT NULL,               -- when this version took effect (event time)
    valid_to        timestamptz,                        -- when the next version took effect; null for the current one
    is_current      boolean     NOT NULL,               -- valid_to IS NULL
    age_band        text,                               -- gold.age_band of the age at valid_from
    sex             text,
    race            text,
    ethnicity       text,
    zip3            text,                               -- first three digits of a 5-digit ZIP, '000' for restricted prefixes
    state           text,
    birth_year      integer,                            -- null when the patient was 90 or older at valid_from (Safe Harbor)
    death_date      date,
    marital_status  text,
    language        text,
    given_name      text,                               -- identified fields from here on
    family_name     text,
    birth_date      date,
    address_line1   text,
    city            text,
    postal_code     text,
    country         text,
    phone           text,
    ssn             text,
    UNIQUE (source, patient_id, version)
);
CREATE INDEX dim_patient_patient_idx ON gold.dim_patient (source, patient_id, valid_from);

-- A calendar over the years silver's clinical dates span.
CREATE TABLE gold.dim_date (
    date_key        integer     NOT NULL PRIMARY KEY,   -- yyyymmdd
    date            date        NOT NULL UNIQUE,
    year            integer     NOT NULL,
    quarter         smallint    NOT NULL,               -- 1-4
    month           smallint    NOT NULL,               -- 1-12
    month_name      text        NOT NULL,               -- 'January'...
    day_of_month    smallint    NOT NULL,
    day_of_week     smallint    NOT NULL,               -- ISO: 1 = Monday ... 7 = Sunday
    day_name        text        NOT NULL,               -- 'Monday'...
    is_weekend      boolean     NOT NULL,               -- Saturday or Sunday
    iso_year        integer     NOT NULL,               -- the ISO week-numbering year
    iso_week        smallint    NOT NULL,               -- 1-53
    month_start     date        NOT NULL,               -- first day of the month
    week_start      date        NOT NULL,               -- the Monday of the ISO week
    day_of_year     smallint    NOT NULL
);

-- Every bed (or room, or unit, where no finer place was recorded) an encounter was placed in.
CREATE TABLE gold.dim_location (
    location_key    bigint      NOT NULL PRIMARY KEY,   -- gold.location_key(facility_id, unit, room, bed)
    facility_id     text,
    unit            text        NOT NULL,
    room            text,
    bed             text,
    stays           bigint      NOT NULL,               -- silver.encounter_locations rows at this place
    first_seen_at   timestamptz NOT NULL,               -- earliest stay start
    last_seen_at    timestamptz NOT NULL                -- latest stay start or end
);
CREATE INDEX dim_location_unit_idx ON gold.dim_location (facility_id, unit);

-- Per patient and hour (UTC) with vital signs: min, max and mean of each vital, the worst NEWS2, sets and alerts.
CREATE TABLE gold.fact_vitals_hourly (
    source                  text COLLATE "C" NOT NULL,
    patient_id              text COLLATE "C" NOT NULL,
    hour                    timestamptz NOT NULL,       -- start of the hour (UTC)
    patient_key             bigint,                     -- dim_patient as of the hour (null when silver has no demographics)
    encounter_id            text COLLATE "C",           -- of the hour's latest set
    date_key                integer     NOT NULL,
    hour_of_day             smallint    NOT NULL,       -- 0-23, UTC
    sets                    integer     NOT NULL,       -- vital-sign sets measured in the hour
    complete_sets           integer     NOT NULL,       -- of which complete enough to score NEWS2
    heart_rate_min          numeric,
    heart_rate_max          numeric,
    heart_rate_mean         numeric,                    -- rounded to 2 decimals, as are the other means
    respiratory_rate_min    numeric,
    respiratory_rate_max    numeric,
    respiratory_rate_mean   numeric,
    spo2_min                numeric,
    spo2_max                numeric,
    spo2_mean               numeric,
    systolic_bp_min         numeric,
    systolic_bp_max         numeric,
    systolic_bp_mean        numeric,
    diastolic_bp_min        numeric,
    diastolic_bp_max        numeric,
    diastolic_bp_mean       numeric,
    temperature_c_min       numeric,
    temperature_c_max       numeric,
    temperature_c_mean      numeric,
    any_supplemental_oxygen boolean,                    -- any set on supplemental oxygen (null when none recorded it)
    worst_consciousness     char(1),                    -- ACVPU: A unless a set recorded C, V, P or U (the highest-scoring)
    news2_max               smallint,                   -- worst NEWS2 over the complete sets; null when none was complete
    news2_worst_band        text,                       -- most severe band over the complete sets
    alerts                  integer     NOT NULL,       -- silver.clinical_alerts measured in the hour
    PRIMARY KEY (source, patient_id, hour)
);
CREATE INDEX fact_vitals_hourly_date_idx ON gold.fact_vitals_hourly (date_key);

-- Current lab results (not superseded by a correction), with an abnormal flag.
CREATE TABLE gold.fact_lab_results (
    event_id                text COLLATE "C" NOT NULL,     -- the result's event id
    source                  text COLLATE "C" NOT NULL,
    patient_id              text COLLATE "C" NOT NULL,
    patient_key             bigint,                     -- dim_patient as of collected_at
    encounter_id            text COLLATE "C",
    loinc_code              text        NOT NULL,
    test_name               text,
    value_numeric           numeric,
    value_text              text,
    unit                    text,                       -- UCUM
    reference_low           numeric,
    reference_high          numeric,
    abnormal_flag           text,                       -- as received: N, L, H, LL, HH, A
    is_abnormal             boolean,                    -- flagged abnormal, or else outside the reference range; null when neither tells
    is_critical             boolean     NOT NULL,       -- flagged LL or HH
    status                  text,                       -- final, preliminary, corrected, cancelled
    corrects_earlier        boolean     NOT NULL,       -- an earlier result of the same test and specimen was superseded by this one
    collected_at            timestamptz,                -- specimen collection, else result time, else the event's time
    resulted_at             timestamptz,
    date_key                integer     NOT NULL,       -- of collected_at
    turnaround_minutes      numeric,                    -- resulted_at - specimen collection, in minutes
    PRIMARY KEY (source, patient_id, event_id)
);
CREATE INDEX fact_lab_results_date_idx ON gold.fact_lab_results (date_key);

-- Procedures performed, with their encounter, date and patient keys.
CREATE TABLE gold.fact_procedures (
    event_id            text COLLATE "C" NOT NULL,      -- the procedure's event id
    source              text COLLATE "C" NOT NULL,
    patient_id          text COLLATE "C" NOT NULL,
    patient_key         bigint,                         -- dim_patient as of performed_at
    encounter_id        text COLLATE "C",
    encounter_class     text,                           -- the encounter's class (inpatient, emergency, observation, outpatient)
    code_system         text        NOT NULL,
    code                text        NOT NULL,
    description         text,
    performed_at        timestamptz NOT NULL,
    performed_end_at    timestamptz,
    duration_minutes    numeric,                        -- performed_end_at - performed_at
    date_key            integer     NOT NULL,           -- of performed_at
    status              text,
    PRIMARY KEY (source, patient_id, event_id)
);
CREATE INDEX fact_procedures_date_idx ON gold.fact_procedures (date_key);
