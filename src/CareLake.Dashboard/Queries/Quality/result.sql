-- One check result, to title its failing rows.
SELECT result_id, dq_run_id, suite, table_name, check_name, check_type, severity, status, observed_value, threshold,
       failing_rows, message, checked_at
  FROM ops.dq_results
 WHERE result_id = @result_id;
