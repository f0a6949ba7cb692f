-- The latest 50 DAG runs with their tasks' outcome, newest first.
SELECT r.run_id, r.job, r.trigger, r.status, r.started_at, r.finished_at,
       round(extract(epoch FROM r.finished_at - r.started_at)::numeric, 1) AS duration_s,
       t.tasks, t.failed_tasks
FROM (SELECT * FROM ops.runs ORDER BY started_at DESC LIMIT 50) r
LEFT JOIN LATERAL (
    SELECT count(*) AS tasks, count(*) FILTER (WHERE status = 'failed') AS failed_tasks
    FROM ops.task_runs tr WHERE tr.run_id = r.run_id
) t ON true
ORDER BY r.started_at DESC;
