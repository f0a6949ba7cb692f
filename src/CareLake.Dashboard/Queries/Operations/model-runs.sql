-- The latest 100 gold model runs, newest first.
SELECT run_id, invocation_id::text AS invocation_id, model, materialized, status, started_at, finished_at, duration_ms, rows, patients, full_refresh, error
FROM ops.model_runs
ORDER BY run_id DESC
LIMIT 100;
