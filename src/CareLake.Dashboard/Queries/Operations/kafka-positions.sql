-- The Kafka source's committed positions (the next offset to read) per topic and partition.
SELECT stream, partition, next_position, updated_at, updated_by
FROM ingest.source_positions
WHERE source = 'kafka'
ORDER BY stream, partition;
