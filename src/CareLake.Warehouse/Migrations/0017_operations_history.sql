-- Operations history: every committed micro-batch (written in the batch's own transaction, so a batch that rolls back
-- leaves no row) and the MLLP connections of the stream workers. The dashboard's Operations view and /metrics read
-- these; docs/operations.md describes them and their retention.

-- One row per committed micro-batch of any source: a Kafka or feed batch, an acknowledged (HTTP, MLLP) group, the typing
-- of deferred silver (messages already in bronze: bronze_rows = 0), a rebuild. Kept stream_batch_retention_days (7 by
-- default): the committers delete older rows about once an hour.
CREATE TABLE ops.stream_batches (
    batch_id        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    worker          text        NOT NULL,   -- the committing worker (ingest.source_positions.updated_by)
    source          text        NOT NULL,   -- 'kafka', 'generator', 'http', 'mllp', ...
    sequence        bigint      NOT NULL,   -- the batch's number within its committer, from 1 (restarts from 1 with the process)
    messages        integer     NOT NULL,   -- messages in the batch
    bronze_rows     integer     NOT NULL,   -- landed in bronze by this batch
    silver_rows     integer     NOT NULL,   -- inserted into silver tables
    duplicates      integer     NOT NULL,
    quarantined     integer     NOT NULL,   -- by silver and by the row-level quality checks
    started_at      timestamptz NOT NULL,   -- when the commit began (its first attempt)
    committed_at    timestamptz NOT NULL,   -- the database clock just before COMMIT
    duration_ms     double precision NOT NULL
);
CREATE INDEX stream_batches_committed_idx ON ops.stream_batches (committed_at);

-- One row per MLLP connection: written when it opens and then at most every few seconds by the listening worker
-- (seen_at is that heartbeat), not per message; closed_at when it ends. A row whose worker stopped without closing it
-- keeps closed_at null and an old seen_at, and is closed when a worker of the same name starts again.
CREATE TABLE ops.mllp_connections (
    connection_id   uuid        PRIMARY KEY,
    worker          text        NOT NULL,
    remote_endpoint text        NOT NULL,
    opened_at       timestamptz NOT NULL,
    last_message_at timestamptz,
    messages        bigint      NOT NULL DEFAULT 0,
    closed_at       timestamptz,
    seen_at         timestamptz NOT NULL
);
CREATE INDEX mllp_connections_open_idx ON ops.mllp_connections (worker) WHERE closed_at IS NULL;
CREATE INDEX mllp_connections_opened_idx ON ops.mllp_connections (opened_at);

-- The Operations view reads the latest model and task runs.
CREATE INDEX model_runs_finished_idx ON ops.model_runs (finished_at);
CREATE INDEX task_runs_started_idx ON ops.task_runs (started_at);
