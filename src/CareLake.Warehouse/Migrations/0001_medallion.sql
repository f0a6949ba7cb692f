-- The medallion warehouse: source positions, bronze (raw, append-only), silver (typed, validated,
-- scored) and gold (marts). Table and column names are a public contract: BI tools read them.
-- Identifier columns use the "C" collation: byte order, the same on every server whatever its
-- default locale, and several times cheaper to index than a linguistic collation.

CREATE SCHEMA IF NOT EXISTS ingest;
CREATE SCHEMA IF NOT EXISTS bronze;
CREATE SCHEMA IF NOT EXISTS silver;
CREATE SCHEMA IF NOT EXISTS gold;

-- Where each source stream partition has been read up to. Written in the same transaction as the
-- bronze rows it covers, so a crash can neither lose nor repeat a message. A worker advances a row
-- only from the value it last read (compare-and-set), which fences off a worker that lost the
-- partition in a rebalance.
CREATE TABLE ingest.source_positions (
    source          text        NOT NULL,   -- 'kafka', 'generator', ...
    stream          text        NOT NULL,   -- Kafka topic
    partition       integer     NOT NULL,
    next_position   bigint      NOT NULL,   -- the next offset to read
    updated_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      text,                   -- worker id
    PRIMARY KEY (source, stream, partition)
);

-- Every received message exactly as it came. Append-only.
CREATE SEQUENCE bronze.raw_events_id_seq AS bigint;
CREATE TABLE bronze.raw_events (
    id                  bigint      NOT NULL PRIMARY KEY,
    source              text        NOT NULL,
    stream              text        NOT NULL,
    partition           integer     NOT NULL,
    position            bigint      NOT NULL,   -- Kafka offset
    message_key         bytea,
    header_keys         text[],
    header_values       bytea[],
    payload             bytea       NOT NULL,   -- the bytes as received, never re-encoded
    message_timestamp   timestamptz,            -- the source's own timestamp (Kafka CreateTime/LogAppendTime)
    received_at         timestamptz NOT NULL
);
-- No unique index on (source, stream, partition, position): the compare-and-set on
-- ingest.source_positions in the same transaction already makes each position land once, and the
-- index would cost a third of the landing rate. Tests check the uniqueness by query.
ALTER SEQUENCE bronze.raw_events_id_seq OWNED BY bronze.raw_events.id;

-- One row per valid vital-sign event (deduplicated by event_id), normalised and NEWS2-scored.
CREATE TABLE silver.vital_signs (
    event_id                text COLLATE "C" NOT NULL PRIMARY KEY,
    bronze_id               bigint      NOT NULL,
    patient_id              text COLLATE "C" NOT NULL,
    encounter_id            text COLLATE "C",
    device_id               text,
    source_system           text,
    occurred_at             timestamptz NOT NULL,
    measured_at             timestamptz NOT NULL,
    heart_rate              numeric,            -- /min
    respiratory_rate        numeric,            -- /min
    spo2                    numeric,            -- %
    spo2_scale              smallint    NOT NULL,
    on_supplemental_oxygen  boolean,
    systolic_bp             numeric,            -- mmHg
    diastolic_bp            numeric,            -- mmHg
    temperature_c           numeric,            -- °C, converted when it arrived in °F
    temperature_unit_received text,             -- 'Cel', '[degF]' or '[degF] (inferred)'
    consciousness           char(1),            -- ACVPU
    news2_score             smallint,           -- null when the set is incomplete
    news2_band              text CHECK (news2_band IN ('low', 'low-medium', 'medium', 'high')),
    news2_complete          boolean     NOT NULL,
    rr_score                smallint,
    spo2_score              smallint,
    oxygen_score            smallint,
    sbp_score               smallint,
    hr_score                smallint,
    consciousness_score     smallint,
    temperature_score       smallint,
    processed_at            timestamptz NOT NULL
);
CREATE INDEX vital_signs_patient_measured_idx ON silver.vital_signs (patient_id, measured_at);

-- Clinical alerts: NEWS2 ≥ 7 or any single parameter scoring 3; one per triggering event.
CREATE TABLE silver.clinical_alerts (
    alert_id        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id        text COLLATE "C" NOT NULL UNIQUE,
    bronze_id       bigint      NOT NULL,
    patient_id      text COLLATE "C" NOT NULL,
    encounter_id    text COLLATE "C",
    kind            text        NOT NULL,   -- 'news2_high' | 'news2_red_score'
    severity        text        NOT NULL,   -- 'critical' | 'high'
    news2_score     smallint,
    reason          text        NOT NULL,
    measured_at     timestamptz NOT NULL,
    raised_at       timestamptz NOT NULL
);
CREATE INDEX clinical_alerts_patient_measured_idx ON silver.clinical_alerts (patient_id, measured_at);

-- Records that could not enter silver, with the reason; bronze still holds them for replay.
CREATE TABLE silver.quarantine (
    bronze_id       bigint      NOT NULL PRIMARY KEY,
    stream          text        NOT NULL,
    event_id        text COLLATE "C",
    reason_code     text        NOT NULL,
    message         text        NOT NULL,
    field           text,
    quarantined_at  timestamptz NOT NULL
);
CREATE INDEX quarantine_reason_idx ON silver.quarantine (reason_code);

-- Repeats of an event_id already in silver: counted, not new facts.
CREATE TABLE silver.duplicate_events (
    bronze_id           bigint      NOT NULL PRIMARY KEY,
    stream              text        NOT NULL,
    event_id            text COLLATE "C" NOT NULL,
    original_bronze_id  bigint,
    detected_at         timestamptz NOT NULL
);

-- Per patient, the latest NEWS2 picture. The 24-hour window ends at the patient's latest measurement
-- (event time, not wall-clock time), so the table is a pure function of silver and rebuilds identically.
CREATE TABLE gold.patient_risk_snapshot (
    patient_id              text COLLATE "C" NOT NULL PRIMARY KEY,
    encounter_id            text COLLATE "C",
    latest_event_id         text COLLATE "C" NOT NULL,
    latest_measured_at      timestamptz NOT NULL,   -- the latest set, complete or not
    latest_news2_score      smallint,               -- of the latest complete set
    latest_news2_band       text,
    last_complete_set_at    timestamptz,
    max_news2_24h           smallint,               -- over complete sets in (latest_measured_at - 24 h, latest_measured_at]
    alerts_24h              integer     NOT NULL,
    sets_24h                integer     NOT NULL,
    updated_at              timestamptz NOT NULL
);
CREATE INDEX patient_risk_snapshot_band_idx ON gold.patient_risk_snapshot (latest_news2_band);

-- Patients whose silver rows changed since their gold rows were last computed: an append-only queue
-- written in the batch transaction and drained by the gold refresher in its own. Append-only, so a
-- batch never waits for a refresh in progress; a patient queued by several batches is recomputed once
-- per claim. A crash in between leaves the work queued rather than lost.
CREATE TABLE gold.pending_patients (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id  text COLLATE "C" NOT NULL,
    queued_at   timestamptz NOT NULL DEFAULT now()
);
