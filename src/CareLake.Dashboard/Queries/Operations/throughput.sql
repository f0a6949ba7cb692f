-- Throughput per stage and minute over the @minutes minutes up to the latest activity (a committed batch or a finished
-- gold model run): bronze and silver rows from the batch history (ops.stream_batches), gold rows from the successful
-- model runs (ops.model_runs). events is the minute's count; events_per_second is it over 60 s. Every minute of the
-- span is listed, 0 when nothing happened.
WITH latest AS (
    SELECT date_trunc('minute', coalesce(greatest(
        (SELECT max(committed_at) FROM ops.stream_batches),
        (SELECT max(finished_at) FROM ops.model_runs)), now())) AS minute
),
span AS (
    SELECT minute - make_interval(mins => @minutes - 1) AS first_minute, minute AS last_minute FROM latest
),
batches AS (
    SELECT date_trunc('minute', b.committed_at) AS minute, sum(b.bronze_rows) AS bronze, sum(b.silver_rows) AS silver
    FROM ops.stream_batches b, span
    WHERE b.committed_at >= span.first_minute AND b.committed_at < span.last_minute + interval '1 minute'
    GROUP BY 1
),
gold AS (
    SELECT date_trunc('minute', r.finished_at) AS minute, sum(coalesce(r.rows, 0)) AS gold
    FROM ops.model_runs r, span
    WHERE r.finished_at >= span.first_minute AND r.finished_at < span.last_minute + interval '1 minute' AND r.status = 'success'
    GROUP BY 1
),
counted AS (
    SELECT m.minute, s.ord, s.stage,
           coalesce(CASE s.stage WHEN 'bronze' THEN b.bronze WHEN 'silver' THEN b.silver ELSE g.gold END, 0)::bigint AS events
    FROM span
    CROSS JOIN LATERAL generate_series(span.first_minute, span.last_minute, interval '1 minute') AS m(minute)
    CROSS JOIN (VALUES (1, 'bronze'), (2, 'silver'), (3, 'gold')) AS s(ord, stage)
    LEFT JOIN batches b ON b.minute = m.minute
    LEFT JOIN gold g ON g.minute = m.minute
)
SELECT minute, stage, events, round(events / 60.0, 3) AS events_per_second
FROM counted
ORDER BY minute, ord;
