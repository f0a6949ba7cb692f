-- Silver for every entity: patients (with history), encounters (derived from ADT events), their locations,
-- diagnoses, procedures, lab results and EHR access; file imports. Identity is (source, id): `source` is the
-- namespace the ids belong to ('mrn' for the facility's own numbers from contract events and HL7 v2, 'synthea',
-- 'fhir', or a name given at import), never matched across sources. Column meanings: docs/silver.md.

-- Files imported (Synthea CSV, FHIR, NDJSON): a file's records land in bronze with source 'file', partition =
-- file_id and position = the record's ordinal in the file, so a re-run or a resumed import lands each record once.
CREATE TABLE ingest.files (
    file_id             integer     GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sha256              text        NOT NULL UNIQUE,   -- of the whole file's bytes: the same content is the same file
    path                text        NOT NULL,          -- where it was first imported from
    format              text        NOT NULL,          -- 'synthea', 'fhir', 'events'
    size_bytes          bigint      NOT NULL,
    records             bigint,                        -- set when the import completed
    first_imported_at   timestamptz NOT NULL,
    completed_at        timestamptz
);

-- Bronze rows of imported files with the file they came from.
CREATE VIEW bronze.file_records AS
SELECT r.id AS bronze_id, f.file_id, f.path, f.sha256 AS file_sha256, r.stream, r.position, r.payload, r.received_at
  FROM bronze.raw_events r
  JOIN ingest.files f ON f.file_id = r.partition
 WHERE r.source = 'file';

ALTER TABLE silver.vital_signs ADD COLUMN source text COLLATE "C" NOT NULL DEFAULT 'mrn';
ALTER TABLE silver.clinical_alerts ADD COLUMN source text COLLATE "C" NOT NULL DEFAULT 'mrn';
DROP INDEX silver.vital_signs_patient_measured_idx;
CREATE INDEX vital_signs_patient_measured_idx ON silver.vital_signs (patient_id, measured_at, source);
DROP INDEX silver.clinical_alerts_patient_measured_idx;
CREATE INDEX clinical_alerts_patient_measured_idx ON silver.clinical_alerts (patient_id, measured_at, source);

-- Messages that map to nothing on purpose (a FHIR resource type or Synthea category silver does not type): kept in
-- bronze, counted here, not errors.
CREATE TABLE silver.unsupported_records (
    bronze_id       bigint      NOT NULL PRIMARY KEY,
    stream          text        NOT NULL,
    reason          text        NOT NULL,
    recorded_at     timestamptz NOT NULL
);

-- Every demographic snapshot received (contract admit/register/update, FHIR Patient, Synthea patients.csv row).
CREATE TABLE silver.patient_records (
    event_id        text COLLATE "C" NOT NULL PRIMARY KEY,
    bronze_id       bigint      NOT NULL,
    source          text COLLATE "C" NOT NULL,
    patient_id      text COLLATE "C" NOT NULL,
    source_system   text,
    occurred_at     timestamptz NOT NULL,
    given_name      text,
    family_name     text,
    birth_date      date,
    death_date      date,
    sex             text,
    race            text,
    ethnicity       text,
    marital_status  text,
    language        text,
    phone           text,
    ssn             text,
    address_line1   text,
    city            text,
    state           text,
    postal_code     text,
    country         text,
    processed_at    timestamptz NOT NULL
);
CREATE INDEX patient_records_patient_idx ON silver.patient_records (source, patient_id);

-- Each patient's demographic history: one row per change, valid over [valid_from, valid_to) in event time. Derived
-- from silver.patient_records whenever a patient's records change, so a late update lands in its place.
CREATE TABLE silver.patient_versions (
    source          text COLLATE "C" NOT NULL,
    patient_id      text COLLATE "C" NOT NULL,
    version         integer     NOT NULL,
    valid_from      timestamptz NOT NULL,
    valid_to        timestamptz,                -- null for the current version
    event_id        text COLLATE "C" NOT NULL,  -- the record that started this version
    given_name      text,
    family_name     text,
    birth_date      date,
    death_date      date,
    sex             text,
    race            text,
    ethnicity       text,
    marital_status  text,
    language        text,
    phone           text,
    ssn             text,
    address_line1   text,
    city            text,
    state           text,
    postal_code     text,
    country         text,
    PRIMARY KEY (source, patient_id, version)
);

-- The current version of every patient.
CREATE TABLE silver.patients (
    source          text COLLATE "C" NOT NULL,
    patient_id      text COLLATE "C" NOT NULL,
    version         integer     NOT NULL,
    valid_from      timestamptz NOT NULL,
    given_name      text,
    family_name     text,
    birth_date      date,
    death_date      date,
    sex             text,
    race            text,
    ethnicity       text,
    marital_status  text,
    language        text,
    phone           text,
    ssn             text,
    address_line1   text,
    city            text,
    state           text,
    postal_code     text,
    country         text,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (source, patient_id)
);

-- Every ADT event (and FHIR/Synthea encounter snapshot) received.
CREATE TABLE silver.adt_events (
    event_id                text COLLATE "C" NOT NULL PRIMARY KEY,
    bronze_id               bigint      NOT NULL,
    source                  text COLLATE "C" NOT NULL,
    encounter_id            text COLLATE "C" NOT NULL,
    patient_id              text COLLATE "C",
    action                  text        NOT NULL CHECK (action IN ('register', 'admit', 'transfer', 'discharge', 'update', 'cancel_admit', 'cancel_discharge', 'snapshot')),
    occurred_at             timestamptz NOT NULL,
    class_received          text,
    class                   text,
    facility_id             text,
    unit                    text,
    room                    text,
    bed                     text,
    admit_source            text,
    admitted_at             timestamptz,
    discharged_at           timestamptz,
    disposition             text,
    disposition_received    text,
    attending_provider_id   text,
    status                  text,
    description             text,
    source_system           text,
    processed_at            timestamptz NOT NULL
);
CREATE INDEX adt_events_encounter_idx ON silver.adt_events (source, encounter_id);

-- One row per encounter, derived from all of its ADT events applied in event-time order (re-derived when a late
-- event arrives; cancel_admit and cancel_discharge undo).
CREATE TABLE silver.encounters (
    source                  text COLLATE "C" NOT NULL,
    encounter_id            text COLLATE "C" NOT NULL,
    patient_id              text COLLATE "C",
    status                  text        NOT NULL CHECK (status IN ('planned', 'registered', 'in_house', 'discharged', 'cancelled')),
    class_received          text,
    class                   text CHECK (class IN ('inpatient', 'emergency', 'observation', 'outpatient')),
    facility_id             text,
    unit                    text,
    room                    text,
    bed                     text,
    admit_source            text,
    admitted_at             timestamptz,
    discharged_at           timestamptz,
    disposition             text,
    disposition_received    text,
    attending_provider_id   text,
    description             text,
    first_event_at          timestamptz NOT NULL,
    last_event_at           timestamptz NOT NULL,
    event_count             integer     NOT NULL,
    last_event_id           text COLLATE "C" NOT NULL,
    updated_at              timestamptz NOT NULL,
    PRIMARY KEY (source, encounter_id)
);
CREATE INDEX encounters_patient_idx ON silver.encounters (source, patient_id);

-- Where each encounter's patient was, stay by stay (what census needs): [started_at, ended_at).
CREATE TABLE silver.encounter_locations (
    source          text COLLATE "C" NOT NULL,
    encounter_id    text COLLATE "C" NOT NULL,
    sequence        integer     NOT NULL,
    patient_id      text COLLATE "C",
    unit            text        NOT NULL,
    room            text,
    bed             text,
    started_at      timestamptz NOT NULL,
    ended_at        timestamptz,               -- null while the patient is there
    PRIMARY KEY (source, encounter_id, sequence)
);

CREATE TABLE silver.diagnoses (
    event_id                text COLLATE "C" NOT NULL PRIMARY KEY,
    bronze_id               bigint      NOT NULL,
    source                  text COLLATE "C" NOT NULL,
    patient_id              text COLLATE "C" NOT NULL,
    encounter_id            text COLLATE "C",
    code_system             text        NOT NULL,   -- 'ICD-10-CM', 'SNOMED-CT', or as sent
    code                    text        NOT NULL,   -- as sent
    code_undotted           text        NOT NULL,   -- ICD-10-CM upper case without the dot (I509); other systems as sent
    code_dotted             text,                   -- ICD-10-CM with the dot (I50.9); null for other systems
    description             text,
    rank                    integer,                -- 1 = principal
    present_on_admission    char(1),
    diagnosed_at            timestamptz,
    resolved_at             timestamptz,
    clinical_status         text,
    source_system           text,
    occurred_at             timestamptz NOT NULL,
    processed_at            timestamptz NOT NULL
);
CREATE INDEX diagnoses_encounter_idx ON silver.diagnoses (source, encounter_id);
CREATE INDEX diagnoses_patient_idx ON silver.diagnoses (source, patient_id);

CREATE TABLE silver.procedures (
    event_id            text COLLATE "C" NOT NULL PRIMARY KEY,
    bronze_id           bigint      NOT NULL,
    source              text COLLATE "C" NOT NULL,
    patient_id          text COLLATE "C" NOT NULL,
    encounter_id        text COLLATE "C",
    code_system         text        NOT NULL,       -- 'SNOMED-CT', 'ICD-10-PCS', 'CPT', or as sent
    code                text        NOT NULL,
    description         text,
    performed_at        timestamptz NOT NULL,
    performed_end_at    timestamptz,
    status              text,
    source_system       text,
    occurred_at         timestamptz NOT NULL,
    processed_at        timestamptz NOT NULL
);
CREATE INDEX procedures_encounter_idx ON silver.procedures (source, encounter_id);
CREATE INDEX procedures_patient_idx ON silver.procedures (source, patient_id);

-- Lab results; a later (corrected) result of the same test on the same specimen supersedes the earlier one.
CREATE TABLE silver.lab_results (
    event_id                text COLLATE "C" NOT NULL PRIMARY KEY,
    bronze_id               bigint      NOT NULL,
    source                  text COLLATE "C" NOT NULL,
    patient_id              text COLLATE "C" NOT NULL,
    encounter_id            text COLLATE "C",
    loinc_code              text        NOT NULL,
    test_name               text,
    value_numeric           numeric,
    value_text              text,
    unit                    text,                   -- UCUM
    reference_low           numeric,
    reference_high          numeric,
    abnormal_flag           text,
    specimen_collected_at   timestamptz,
    resulted_at             timestamptz,
    status                  text,
    superseded_by           text COLLATE "C",       -- the event_id of the result that replaces this one; null when current
    source_system           text,
    occurred_at             timestamptz NOT NULL,
    processed_at            timestamptz NOT NULL
);
CREATE INDEX lab_results_patient_idx ON silver.lab_results (source, patient_id, loinc_code);

CREATE TABLE silver.ehr_access (
    event_id        text COLLATE "C" NOT NULL PRIMARY KEY,
    bronze_id       bigint      NOT NULL,
    source          text COLLATE "C" NOT NULL,
    patient_id      text COLLATE "C",
    user_id         text        NOT NULL,
    user_role       text,
    action          text,
    resource_type   text,
    resource_id     text,
    workstation     text,
    source_ip       text,
    outcome         text,
    source_system   text,
    occurred_at     timestamptz NOT NULL,
    processed_at    timestamptz NOT NULL
);
CREATE INDEX ehr_access_user_idx ON silver.ehr_access (user_id, occurred_at);
CREATE INDEX ehr_access_patient_idx ON silver.ehr_access (source, patient_id);

-- Gold's risk snapshot and its queue carry the id namespace too.
ALTER TABLE gold.patient_risk_snapshot ADD COLUMN source text COLLATE "C" NOT NULL DEFAULT 'mrn';
ALTER TABLE gold.patient_risk_snapshot DROP CONSTRAINT patient_risk_snapshot_pkey;
ALTER TABLE gold.patient_risk_snapshot ADD PRIMARY KEY (source, patient_id);
ALTER TABLE gold.pending_patients ADD COLUMN source text COLLATE "C" NOT NULL DEFAULT 'mrn';
