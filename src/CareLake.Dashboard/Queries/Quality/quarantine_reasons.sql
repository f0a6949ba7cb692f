-- Quarantined records by layer and reason: silver's (a record that could not be typed, with the bronze message kept)
-- and those a quarantine-severity check moved out of a table (ops.dq_quarantine). @from/@to bound the day quarantined.
SELECT 'silver' AS layer,
       q.stream AS source,
       q.reason_code AS reason,
       count(*) AS records,
       max(q.quarantined_at) AS last_at
  FROM silver.quarantine q
 WHERE (@from::date IS NULL OR q.quarantined_at >= @from::date)
   AND (@to::date IS NULL OR q.quarantined_at < @to::date + 1)
 GROUP BY q.stream, q.reason_code
UNION ALL
SELECT 'quality' AS layer,
       d.table_name AS source,
       d.reason,
       count(*) AS records,
       max(d.quarantined_at) AS last_at
  FROM ops.dq_quarantine d
 WHERE (@from::date IS NULL OR d.quarantined_at >= @from::date)
   AND (@to::date IS NULL OR d.quarantined_at < @to::date + 1)
 GROUP BY d.table_name, d.reason
 ORDER BY records DESC, reason, source;
