-- The latest @limit committed micro-batches in commit order (for the duration chart): one row per batch.
SELECT committed_at, source, messages, round(duration_ms::numeric, 1) AS duration_ms
FROM (
    SELECT committed_at, batch_id, source, messages, duration_ms
    FROM ops.stream_batches
    ORDER BY committed_at DESC, batch_id DESC
    LIMIT @limit
) latest
ORDER BY committed_at, batch_id;
