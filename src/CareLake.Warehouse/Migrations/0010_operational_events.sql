-- Operational alerts and pipeline events, written by the component that sees them (a task that failed after its
-- retries, a data-quality breach, consumer lag, a silent source, a quarantine rate) in its own transaction, and
-- delivered from here by the alert dispatcher (webhooks, the Kafka topics carelake.alerts and
-- carelake.pipeline_events, the dashboard). Outboxes: a row written is delivered, even across a crash.

CREATE TABLE ops.operational_alerts (
    alert_id        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            text        NOT NULL,   -- task_failed | dq_breach | consumer_lag | source_silent | quarantine_rate
    severity        text        NOT NULL CHECK (severity IN ('info', 'warning', 'high', 'critical')),
    dedupe_key      text        NOT NULL,   -- alerts sharing a key within the dedupe window are one alert
    reason          text        NOT NULL,   -- what happened, in words
    source          jsonb       NOT NULL DEFAULT '{}'::jsonb,  -- the rows it comes from, e.g. {"table":"ops.task_runs","id":42}
    raised_at       timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX operational_alerts_raised_idx ON ops.operational_alerts (raised_at);

-- Run started / succeeded / failed per stage, with counts and durations.
CREATE TABLE ops.pipeline_events (
    event_id        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id          text        NOT NULL,   -- the run (or stream session) the stage belongs to
    stage           text        NOT NULL,   -- e.g. 'gold.fact_encounter', 'dq.silver_vital_signs', 'export.parquet'
    status          text        NOT NULL CHECK (status IN ('started', 'succeeded', 'failed', 'skipped', 'retrying')),
    rows            bigint,
    duration_ms     bigint,
    error           text,
    occurred_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX pipeline_events_run_idx ON ops.pipeline_events (run_id, event_id);
