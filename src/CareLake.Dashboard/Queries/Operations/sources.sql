-- Per source over the last 24 hours of batch history: batches, what they carried, and their commit durations.
SELECT source,
       count(*) AS batches,
       sum(messages) AS messages,
       sum(bronze_rows) AS bronze_rows,
       sum(silver_rows) AS silver_rows,
       sum(duplicates) AS duplicates,
       sum(quarantined) AS quarantined,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms)::numeric, 1) AS p50_ms,
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms)::numeric, 1) AS p95_ms,
       round(max(duration_ms)::numeric, 1) AS max_ms,
       max(committed_at) AS last_committed_at
FROM ops.stream_batches
WHERE committed_at > now() - interval '24 hours'
GROUP BY source
ORDER BY source;
