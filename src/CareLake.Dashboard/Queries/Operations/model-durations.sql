-- Each gold model's latest run: how long it took and what it wrote.
SELECT DISTINCT ON (model) model, duration_ms, rows, status, finished_at
FROM ops.model_runs
ORDER BY model, run_id DESC;
