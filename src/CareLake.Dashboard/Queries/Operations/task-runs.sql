-- The latest 200 task attempts of DAG runs, newest first.
SELECT run_id, task, attempt, status, started_at, finished_at,
       round(extract(epoch FROM finished_at - started_at)::numeric * 1000) AS duration_ms, rows, error
FROM ops.task_runs
ORDER BY started_at DESC, task_run_id DESC
LIMIT 200;
