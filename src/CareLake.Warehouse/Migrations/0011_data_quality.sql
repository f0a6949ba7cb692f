-- Data-quality history: every run of the expectation suites, every check's result and every failing row's key.
-- Append-only and uncapped: a run never replaces an earlier run's results or failures. Old runs are deleted only by
-- the retention setting (quality.retention_days), whole runs at a time.

CREATE TABLE ops.dq_runs (
    dq_run_id       bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id          text        NOT NULL,   -- the caller's run (a DAG run, a CLI invocation, a stream session)
    trigger         text        NOT NULL,   -- 'cli', 'dag', 'stream', 'test', ...
    started_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at     timestamptz,
    checks          integer     NOT NULL DEFAULT 0,
    passed          integer     NOT NULL DEFAULT 0,
    warned          integer     NOT NULL DEFAULT 0,
    failed          integer     NOT NULL DEFAULT 0,
    quarantined     integer     NOT NULL DEFAULT 0
);
CREATE INDEX dq_runs_started_idx ON ops.dq_runs (started_at);

CREATE TABLE ops.dq_results (
    result_id       bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dq_run_id       bigint      NOT NULL REFERENCES ops.dq_runs ON DELETE CASCADE,
    suite           text        NOT NULL,   -- e.g. 'silver.vital_signs'
    table_name      text        NOT NULL,   -- schema-qualified table checked
    check_name      text        NOT NULL,   -- unique within the suite
    check_type      text        NOT NULL,   -- not_null | unique | accepted_values | range | regex | relationships | row_count | freshness | null_pct | drift | custom_sql
    severity        text        NOT NULL CHECK (severity IN ('warn', 'error', 'quarantine')),
    status          text        NOT NULL CHECK (status IN ('passed', 'warned', 'failed', 'quarantined', 'errored')),
    observed_value  double precision,       -- the measured value: failing rows, row count, age in seconds, null %, drift z-score
    threshold       text,                   -- what it was compared with, in words
    failing_rows    bigint      NOT NULL DEFAULT 0,
    message         text,
    duration_ms     bigint      NOT NULL DEFAULT 0,
    checked_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX dq_results_run_idx ON ops.dq_results (dq_run_id);
CREATE INDEX dq_results_check_idx ON ops.dq_results (suite, check_name, result_id);

-- The key of every failing row of every failing check (no cap).
CREATE TABLE ops.dq_failures (
    failure_id      bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    result_id       bigint      NOT NULL REFERENCES ops.dq_results ON DELETE CASCADE,
    dq_run_id       bigint      NOT NULL REFERENCES ops.dq_runs ON DELETE CASCADE,
    table_name      text        NOT NULL,
    row_key         jsonb       NOT NULL,   -- the suite's key columns of the failing row, e.g. {"event_id":"..."}
    recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX dq_failures_result_idx ON ops.dq_failures (result_id);

-- Rows a quarantine-severity check moved out of a bronze, silver or gold table: the whole row, as it was.
CREATE TABLE ops.dq_quarantine (
    quarantine_id   bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    result_id       bigint      NOT NULL REFERENCES ops.dq_results ON DELETE CASCADE,
    table_name      text        NOT NULL,
    reason          text        NOT NULL,   -- 'dq:<suite>.<check>'
    row_key         jsonb       NOT NULL,
    row_data        jsonb       NOT NULL,
    quarantined_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX dq_quarantine_table_idx ON ops.dq_quarantine (table_name, quarantined_at);

-- Results and failures are facts: they may be deleted by retention, never changed.
CREATE FUNCTION ops.dq_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER dq_results_append_only BEFORE UPDATE ON ops.dq_results FOR EACH ROW EXECUTE FUNCTION ops.dq_refuse_update();
CREATE TRIGGER dq_failures_append_only BEFORE UPDATE ON ops.dq_failures FOR EACH ROW EXECUTE FUNCTION ops.dq_refuse_update();

-- stream applies the silver suites' row-level checks to each micro-batch's rows, found by their bronze ids.
CREATE INDEX vital_signs_bronze_idx ON silver.vital_signs (bronze_id);
CREATE INDEX lab_results_bronze_idx ON silver.lab_results (bronze_id);
