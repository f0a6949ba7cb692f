-- Null % of each column of one gold table at every measurement (each gold run), oldest first.
SELECT h.measured_at,
       h.column_name,
       h.null_pct,
       h.null_count,
       h.row_count
  FROM ops.gold_completeness_history h
 WHERE h.table_name = @table
   AND (@from::date IS NULL OR h.measured_at >= @from::date)
   AND (@to::date IS NULL OR h.measured_at < @to::date + 1)
 ORDER BY h.measured_at, h.column_name;
