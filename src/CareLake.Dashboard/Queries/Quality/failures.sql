-- The keys of one check result's failing rows (every one is kept; the page shows the first @limit).
SELECT f.failure_id,
       f.table_name,
       f.row_key,
       f.recorded_at
  FROM ops.dq_failures f
 WHERE f.result_id = @result_id
 ORDER BY f.failure_id
 LIMIT @limit;
