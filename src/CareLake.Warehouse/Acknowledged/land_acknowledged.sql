-- Lands a group of messages of an acknowledged source ($1) in bronze in one statement (so one round trip and one
-- commit): $2 streams, $3 message keys (the sender's identity of each message, or null), $4 payloads, $5 received_at.
-- Each message is numbered from ingest.acknowledged_message_seq, queued in ingest.silver_pending for silver, and its
-- key recorded in ingest.acknowledged_keys; a key already recorded (or repeated within the group) marks a re-send. Keys
-- are inserted in key order, so two workers landing the same messages at once wait for each other instead of deadlocking.
-- Returns, in message order, each one's bronze id and whether it repeats a message landed before.
WITH incoming AS MATERIALIZED (
    SELECT m.ord, nextval('bronze.raw_events_id_seq') AS id, nextval('ingest.acknowledged_message_seq') AS position,
           m.stream, m.message_key, m.payload
      FROM unnest($2::text[], $3::bytea[], $4::bytea[]) WITH ORDINALITY AS m(stream, message_key, payload, ord)
     ORDER BY m.ord
), bronze AS (
    INSERT INTO bronze.raw_events (id, source, stream, partition, position, message_key, payload, received_at)
    SELECT id, $1, stream, 0, position, message_key, payload, $5 FROM incoming
), pending AS (
    INSERT INTO ingest.silver_pending (bronze_id, source)
    SELECT id, $1 FROM incoming
), fresh AS (
    INSERT INTO ingest.acknowledged_keys (source, message_key, bronze_id)
    SELECT $1, message_key, id FROM incoming WHERE message_key IS NOT NULL ORDER BY message_key, ord
        ON CONFLICT DO NOTHING
    RETURNING bronze_id
)
SELECT i.id, i.message_key IS NOT NULL AND f.bronze_id IS NULL AS repeated
  FROM incoming i
  LEFT JOIN fresh f ON f.bronze_id = i.id
 ORDER BY i.ord;
