-- The newest quarantined silver records (of one reason when @reason is given) with the raw message bronze kept,
-- exactly as received (decoded as UTF-8 for display, invalid bytes shown as U+FFFD).
SELECT q.bronze_id,
       q.stream,
       q.reason_code AS reason,
       q.field,
       q.message,
       q.event_id,
       q.quarantined_at,
       b.source,
       b.received_at,
       octet_length(b.payload) AS bytes,
       substring(b.payload FROM 1 FOR @max_bytes) AS raw_record
  FROM silver.quarantine q
  JOIN bronze.raw_events b ON b.id = q.bronze_id
 WHERE (@reason::text IS NULL OR q.reason_code = @reason)
   AND (@from::date IS NULL OR q.quarantined_at >= @from::date)
   AND (@to::date IS NULL OR q.quarantined_at < @to::date + 1)
 ORDER BY q.bronze_id DESC
 LIMIT @limit;
