-- Quarantines records by bronze id; a record already quarantined (a replay) is left as it is.
INSERT INTO silver.quarantine (bronze_id, stream, event_id, reason_code, message, field, quarantined_at)
SELECT q.bronze_id, q.stream, q.event_id, q.reason_code, q.message, q.field, $7
  FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
       AS q(bronze_id, stream, event_id, reason_code, message, field)
ON CONFLICT (bronze_id) DO NOTHING;
