-- The gold model runner: its run history, the queue of patients whose silver rows changed (what incremental models
-- recompute), and the functions the models share. docs/gold.md describes the runner and its incremental tracking.
CREATE SCHEMA IF NOT EXISTS ops;

-- One row per model per run of `carelake run gold` (or GoldModels.RunAsync).
CREATE TABLE ops.model_runs (
    run_id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invocation_id   uuid        NOT NULL,           -- shared by the models of one run
    model           text        NOT NULL,           -- the table built, without the schema (e.g. 'dim_patient')
    materialized    text        NOT NULL CHECK (materialized IN ('per_patient', 'table')),
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz NOT NULL,
    rows            bigint,                         -- rows the run wrote: the recomputed patients' rows, or the whole table
    patients        integer,                        -- per_patient: how many patients were recomputed
    duration_ms     bigint      NOT NULL,
    status          text        NOT NULL CHECK (status IN ('success', 'error', 'skipped')),
    error           text,                           -- why it failed, or which failed input it was skipped for
    full_refresh    boolean     NOT NULL,           -- table models always rebuild: true
    snapshot        pg_snapshot                     -- per_patient, success: the snapshot whose committed changes the run covered
);
CREATE INDEX model_runs_model_idx ON ops.model_runs (model, run_id);

-- Patients whose silver rows a transaction changed, written in the same transaction as the silver rows. `xid` is
-- the writing transaction: a model run records pg_current_snapshot(), and its next incremental run takes exactly the
-- rows that snapshot did not see (commit order, not id order: a transaction that started earlier but committed later
-- is still caught). Rows every per_patient model's latest snapshot sees are purged by the runner.
CREATE TABLE gold.changed_patients (
    xid         xid8        NOT NULL DEFAULT pg_current_xact_id(),
    source      text COLLATE "C" NOT NULL,
    patient_id  text COLLATE "C" NOT NULL
);
CREATE INDEX changed_patients_xid_idx ON gold.changed_patients (xid);

-- Completed years between birth and at (null when either is null).
CREATE FUNCTION gold.age_years(birth date, at date) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN extract(year FROM age(at, birth))::integer;

-- The age bands of the marts: 0-17, 18-44, 45-64, 65-74, 75-84, 85+ (null for null, and for a negative age).
CREATE FUNCTION gold.age_band(age integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
    WHEN age IS NULL OR age < 0 THEN NULL
    WHEN age < 18 THEN '0-17'
    WHEN age < 45 THEN '18-44'
    WHEN age < 65 THEN '45-64'
    WHEN age < 75 THEN '65-74'
    WHEN age < 85 THEN '75-84'
    ELSE '85+'
END;

-- A deterministic 64-bit surrogate key for a patient version: the first 8 bytes of the SHA-256 of
-- "source", "patient_id" and "version" joined by a 0x1f unit separator, read as a signed big-endian integer. A
-- rebuild gives the same keys, and any tool can recompute one.
CREATE FUNCTION gold.patient_key(source text, patient_id text, version integer) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ('x' || left(encode(sha256(convert_to(source || chr(31) || patient_id || chr(31) || version::text, 'UTF8')), 'hex'), 16))::bit(64)::bigint;
