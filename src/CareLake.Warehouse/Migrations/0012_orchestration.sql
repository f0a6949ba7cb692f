-- Orchestration: the history of DAG runs and their tasks, and the claims that let several schedulers sharing this
-- warehouse run each scheduled occurrence of a job once.

-- One run of the DAG (or of a selection of it): started by `carelake run`, a schedule, or a resume.
CREATE TABLE ops.runs (
    run_id          text        PRIMARY KEY,
    job             text        NOT NULL,   -- the schedule's job name, or 'manual'
    trigger         text        NOT NULL CHECK (trigger IN ('manual', 'schedule', 'resume', 'backfill')),
    selection       text[]      NOT NULL DEFAULT '{}',
    range_from      date,                   -- a backfill's first day, inclusive
    range_to        date,                   -- a backfill's last day, inclusive
    status          text        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz,
    resumed_from    text                    -- the run this one continues
);
CREATE INDEX runs_started_idx ON ops.runs (started_at);

-- One attempt of one task of a run.
CREATE TABLE ops.task_runs (
    task_run_id     bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id          text        NOT NULL REFERENCES ops.runs (run_id),
    task            text        NOT NULL,   -- e.g. 'gold.fact_encounter', 'quality.gold.fact_encounter', 'export.parquet'
    attempt         integer     NOT NULL,   -- 1 for the first try; 0 for a task that was skipped without trying
    status          text        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'skipped')),
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz,
    rows            bigint,
    error           text
);
CREATE INDEX task_runs_run_idx ON ops.task_runs (run_id, task, attempt);

-- A scheduled occurrence of a job, claimed by the first scheduler to reach it; the others see the row and skip it.
CREATE TABLE ops.schedule_claims (
    job             text        NOT NULL,
    due_at          timestamptz NOT NULL,
    holder          text        NOT NULL,   -- the scheduler that runs it (host and process)
    run_id          text        NOT NULL,
    claimed_at      timestamptz NOT NULL,
    PRIMARY KEY (job, due_at)
);
