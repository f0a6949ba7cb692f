-- Every check's most recent result (whichever run produced it), failed and quarantined first.
SELECT d.result_id,
       d.dq_run_id,
       d.suite,
       d.check_name,
       d.check_type,
       d.severity,
       d.status,
       d.observed_value,
       d.threshold,
       d.failing_rows,
       d.message,
       d.checked_at
  FROM (SELECT DISTINCT ON (suite, check_name) *
          FROM ops.dq_results
         ORDER BY suite, check_name, result_id DESC) d
 ORDER BY CASE d.status WHEN 'failed' THEN 0 WHEN 'errored' THEN 1 WHEN 'quarantined' THEN 2 WHEN 'warned' THEN 3 ELSE 4 END,
          d.suite, d.check_name;
