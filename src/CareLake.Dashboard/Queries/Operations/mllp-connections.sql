-- MLLP connections of the stream workers: every one still open, then the latest closed ones (at most 200 rows).
-- A connection is 'stale' when its worker has not reported it for over 30 seconds (the worker reports every 5 s;
-- a stale one belongs to a worker that stopped without closing it).
SELECT worker, remote_endpoint,
       CASE WHEN closed_at IS NOT NULL THEN 'closed'
            WHEN seen_at < now() - interval '30 seconds' THEN 'stale'
            ELSE 'open' END AS state,
       opened_at, last_message_at, messages, closed_at, seen_at
FROM ops.mllp_connections
ORDER BY closed_at IS NULL DESC, opened_at DESC
LIMIT 200;
