-- CareLake's own committed positions: the next position each source reads per stream (Kafka topic) and partition.
SELECT source, stream, partition, next_position, updated_at, updated_by
FROM ingest.source_positions
ORDER BY source, stream, partition;
