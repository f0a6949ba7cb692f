-- The latest null % of every column of one gold table (every table when @table is null), the emptiest first.
SELECT c.table_name,
       c.column_name,
       c.data_type,
       c.row_count,
       c.null_count,
       c.null_pct,
       c.measured_at
  FROM gold.mart_data_completeness c
 WHERE @table::text IS NULL OR c.table_name = @table
 ORDER BY c.null_pct DESC NULLS LAST, c.table_name, c.column_name;
