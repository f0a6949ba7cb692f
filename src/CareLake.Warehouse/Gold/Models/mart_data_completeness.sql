-- Null share of every column of every gold table (from the catalog; the work queues excepted), measured after every other model has run.
-- depends_on: gold.dim_patient, gold.dim_date, gold.dim_location, gold.fact_vitals_hourly, gold.fact_lab_results, gold.fact_procedures, gold.patient_risk_snapshot, gold.mart_census_daily, gold.mart_demographics, gold.mart_alerts_vitals, gold.mart_alerts_daily, gold.mart_alerts_patients, gold.mart_ehr_access, gold.dim_diagnosis, gold.dim_procedure, gold.fact_encounter, gold.mart_los, gold.mart_readmissions, gold.mart_diagnosis_patterns, gold.mart_vitals_distribution
-- materialized: table
--
-- The statement below is built from the catalog (table and column names quoted with format's %I), not from input.
-- It reads every gold base table except this one, so it lists the models it must follow above; a test checks the list
-- holds every model.
DELETE FROM gold.mart_data_completeness;

DO $completeness$
DECLARE
    t record;
    sql text;
BEGIN
    FOR t IN
        SELECT c.relname AS table_name,
               string_agg(format('count(*) FILTER (WHERE %I IS NULL)', a.attname), ', ' ORDER BY a.attnum) AS null_counts,
               array_agg(a.attname::text ORDER BY a.attnum) AS columns,
               array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum) AS types
          FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
          JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         WHERE n.nspname = 'gold' AND c.relkind IN ('r', 'p') 
           -- not itself, nor the runner's and refresher's work queues (what silver changed, not gold data)
           AND c.relname NOT IN ('mart_data_completeness', 'changed_patients', 'pending_patients')
         GROUP BY c.relname
         ORDER BY c.relname
    LOOP
        sql := format(
            'INSERT INTO gold.mart_data_completeness (table_name, column_name, data_type, row_count, null_count, null_pct, measured_at)
             SELECT %L, col.name, col.type, r.n, col.nulls,
                    CASE WHEN r.n > 0 THEN round(100.0 * col.nulls / r.n, 2) END, clock_timestamp()
               FROM (SELECT count(*) AS n, ARRAY[%s]::bigint[] AS nulls FROM gold.%I) r
              CROSS JOIN LATERAL unnest(%L::text[], %L::text[], r.nulls) AS col(name, type, nulls)',
            t.table_name, t.null_counts, t.table_name, t.columns, t.types);
        EXECUTE sql;
    END LOOP;
END
$completeness$;

-- Kept over time for the dashboard's trend (ops.gold_completeness_history; quality.retention_days deletes old rows),
-- every column of this run under one time, the run's.
INSERT INTO ops.gold_completeness_history (table_name, column_name, row_count, null_count, null_pct, measured_at)
SELECT table_name, column_name, row_count, null_count, null_pct, now()
  FROM gold.mart_data_completeness;
