-- Alert delivery: the dispatcher reads new rows of silver.clinical_alerts, ops.operational_alerts and
-- ops.pipeline_events past its cursors, delivers them (webhooks, the Kafka topics carelake.alerts and
-- carelake.pipeline_events) and records each delivery here. One dispatcher delivers at a time: the lease.

-- How far the dispatcher has handled each source ('clinical', 'operational', 'pipeline'): every id up to last_id is
-- handled. Rows above it are handled one by one (their '*' row in ops.alert_deliveries), because ids are taken before
-- commit: a row with a lower id may still become visible after a higher one.
CREATE TABLE ops.alert_cursors (
    source          text        NOT NULL PRIMARY KEY CHECK (source IN ('clinical', 'operational', 'pipeline')),
    last_id         bigint      NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Each alert's fate on each channel ('kafka', 'webhook:<route>'), and once handled, a row for channel '*':
-- 'dispatched', or 'deduplicated' when suppressed on every channel. A channel recorded here is not delivered again.
CREATE TABLE ops.alert_deliveries (
    alert_key       text        NOT NULL,   -- 'clinical-<id>' | 'operational-<id>' | 'pipeline-<id>': the Kafka message key
    channel         text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('dispatched', 'delivered', 'dead_lettered', 'deduplicated', 'rate_limited')),
    attempts        integer     NOT NULL DEFAULT 1,
    detail          text,
    decided_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (alert_key, channel)
);
CREATE INDEX alert_deliveries_decided_idx ON ops.alert_deliveries (decided_at);

-- Deliveries that failed after every retry, with what would have been sent, for a person to resend or investigate.
CREATE TABLE ops.alert_dead_letters (
    dead_letter_id  bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_key       text        NOT NULL,
    channel         text        NOT NULL,
    target          text        NOT NULL,   -- the webhook URL or Kafka topic
    payload         jsonb       NOT NULL,
    attempts        integer     NOT NULL,
    error           text        NOT NULL,
    failed_at       timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- The last alert delivered per dedupe key; a later one with the same key raised within the window is suppressed.
CREATE TABLE ops.alert_dedupe (
    dedupe_key      text        NOT NULL PRIMARY KEY,
    alert_key       text        NOT NULL,
    raised_at       timestamptz NOT NULL,
    suppressed      bigint      NOT NULL DEFAULT 0
);

-- One row: which dispatcher may deliver, until when. Renewed while it runs; another takes over when it expires.
CREATE TABLE ops.alert_dispatcher_lease (
    singleton       boolean     NOT NULL PRIMARY KEY DEFAULT true CHECK (singleton),
    holder          text        NOT NULL,
    expires_at      timestamptz NOT NULL
);

-- What the quarantine-rate monitor compares across its window: bronze's sequence at each check.
CREATE TABLE ops.alert_monitor_samples (
    taken_at        timestamptz NOT NULL PRIMARY KEY,
    bronze_last_id  bigint      NOT NULL
);

-- Wake the dispatcher the moment a transaction that raised an alert or recorded a pipeline event commits
-- (NOTIFY is delivered at commit; one per statement, and PostgreSQL folds equal ones within a transaction).
CREATE FUNCTION ops.notify_alerts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('carelake_alerts', TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME);
    RETURN NULL;
END
$$;
CREATE TRIGGER clinical_alerts_notify AFTER INSERT ON silver.clinical_alerts
    FOR EACH STATEMENT EXECUTE FUNCTION ops.notify_alerts();
CREATE TRIGGER operational_alerts_notify AFTER INSERT ON ops.operational_alerts
    FOR EACH STATEMENT EXECUTE FUNCTION ops.notify_alerts();
CREATE TRIGGER pipeline_events_notify AFTER INSERT ON ops.pipeline_events
    FOR EACH STATEMENT EXECUTE FUNCTION ops.notify_alerts();
