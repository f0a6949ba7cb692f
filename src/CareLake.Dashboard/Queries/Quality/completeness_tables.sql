-- The gold tables whose null shares are measured: choices for the completeness chart ([value, label]).
SELECT table_name AS value,
       'gold.' || table_name || ' (' || count(*) || ' columns)' AS label
  FROM gold.mart_data_completeness
 GROUP BY table_name
 ORDER BY table_name;
