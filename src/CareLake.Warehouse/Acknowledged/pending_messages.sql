-- The oldest bronze rows of the source ($1) still waiting for silver, at most $2 of them, in bronze id order.
SELECT r.id, r.stream, r.partition, r.position, r.message_key, r.header_keys, r.header_values, r.payload,
       r.message_timestamp, r.received_at
  FROM ingest.silver_pending p
  JOIN bronze.raw_events r ON r.id = p.bronze_id
 WHERE p.source = $1
 ORDER BY p.bronze_id
 LIMIT $2;
