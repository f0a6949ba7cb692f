-- The newest rows a quarantine-severity check moved out of a table, with the whole row as it was.
SELECT d.quarantine_id,
       d.table_name,
       d.reason,
       d.row_key,
       d.row_data,
       d.quarantined_at
  FROM ops.dq_quarantine d
 WHERE (@reason::text IS NULL OR d.reason = @reason)
   AND (@from::date IS NULL OR d.quarantined_at >= @from::date)
   AND (@to::date IS NULL OR d.quarantined_at < @to::date + 1)
 ORDER BY d.quarantine_id DESC
 LIMIT @limit;
