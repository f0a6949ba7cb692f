-- Each gold model's latest run: how long it took and what it wrote. Only the latest 10,000 runs are looked at (every
-- model of the last few hundred gold runs), so the answer stays quick however long the history grows.
SELECT DISTINCT ON (model) model, duration_ms, rows, status, finished_at
FROM ops.model_runs
WHERE run_id > (SELECT coalesce(max(run_id), 0) - 10000 FROM ops.model_runs)
ORDER BY model, run_id DESC;
