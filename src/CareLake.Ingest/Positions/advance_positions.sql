-- Advances source positions by compare-and-set: a row moves from the position this worker read to
-- the one after its batch only if nobody moved it in between. $1..$5 are parallel arrays, sorted
-- by (stream, partition) so that concurrent workers lock rows in one order. Returns the number of
-- rows that moved; fewer than the input means another worker owns one of the partitions now.
WITH claim AS (
    SELECT * FROM unnest($2::text[], $3::integer[], $4::bigint[], $5::bigint[])
        AS c(stream, partition, expected, next_position)
), moved AS (
    UPDATE ingest.source_positions p
       SET next_position = c.next_position, updated_at = now(), updated_by = $6
      FROM claim c
     WHERE p.source = $1 AND p.stream = c.stream AND p.partition = c.partition
       AND c.expected IS NOT NULL AND p.next_position = c.expected
    RETURNING 1
), created AS (
    INSERT INTO ingest.source_positions (source, stream, partition, next_position, updated_by)
    SELECT $1, c.stream, c.partition, c.next_position, $6 FROM claim c WHERE c.expected IS NULL
    ON CONFLICT (source, stream, partition) DO NOTHING
    RETURNING 1
)
SELECT (SELECT count(*) FROM moved) + (SELECT count(*) FROM created);
