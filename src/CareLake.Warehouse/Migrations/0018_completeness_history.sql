-- Null share of every gold column at every gold run: gold.mart_data_completeness holds the latest measurement, this
-- the history the dashboard charts ("null % per gold column over time"). Appended by that model after each rebuild;
-- deleted with the data-quality history by quality.retention_days.
CREATE TABLE ops.gold_completeness_history (
    table_name   text        NOT NULL,
    column_name  text        NOT NULL,
    row_count    bigint      NOT NULL,
    null_count   bigint      NOT NULL,
    null_pct     numeric(5,2),
    measured_at  timestamptz NOT NULL,
    PRIMARY KEY (table_name, measured_at, column_name)
);
CREATE INDEX gold_completeness_history_measured_idx ON ops.gold_completeness_history (measured_at);
