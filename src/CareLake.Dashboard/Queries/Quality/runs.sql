-- The newest @limit data-quality runs, oldest first (the trend): each run's checks by outcome. Stream runs (row checks
-- on micro-batches that found something) are counted with the rest. @from/@to bound the day the run started.
SELECT *
  FROM (SELECT r.dq_run_id,
               r.run_id,
               r.trigger,
               r.started_at,
               r.finished_at,
               r.checks,
               r.passed,
               r.warned,
               r.failed,
               r.quarantined
          FROM ops.dq_runs r
         WHERE (@from::date IS NULL OR r.started_at >= @from::date)
           AND (@to::date IS NULL OR r.started_at < @to::date + 1)
         ORDER BY r.dq_run_id DESC
         LIMIT @limit) newest
 ORDER BY dq_run_id;
