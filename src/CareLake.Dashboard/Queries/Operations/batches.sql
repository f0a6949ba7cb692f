-- The latest @limit committed micro-batches, newest first.
SELECT batch_id, committed_at, worker, source, sequence, messages, bronze_rows, silver_rows, duplicates, quarantined,
       round(duration_ms::numeric, 1) AS duration_ms
FROM ops.stream_batches
ORDER BY committed_at DESC, batch_id DESC
LIMIT @limit;
