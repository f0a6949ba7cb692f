-- A calendar, one row per day, over whole years: from 1 January of the earliest to 31 December of the latest year in
-- which silver has a clinical date (encounters, ADT, vital signs, labs, procedures, diagnoses, EHR access).
-- depends_on: silver.encounters, silver.adt_events, silver.vital_signs, silver.lab_results, silver.procedures, silver.diagnoses, silver.ehr_access
-- materialized: table
DELETE FROM gold.dim_date;

WITH bounds AS (
    SELECT min(lo) AS lo, max(hi) AS hi
      FROM (SELECT least(min(admitted_at), min(first_event_at)) AS lo, greatest(max(discharged_at), max(last_event_at)) AS hi FROM silver.encounters
            UNION ALL SELECT min(occurred_at), max(occurred_at) FROM silver.adt_events
            UNION ALL SELECT min(measured_at), max(measured_at) FROM silver.vital_signs
            UNION ALL SELECT least(min(specimen_collected_at), min(resulted_at), min(occurred_at)),
                             greatest(max(specimen_collected_at), max(resulted_at), max(occurred_at)) FROM silver.lab_results
            UNION ALL SELECT min(performed_at), greatest(max(performed_at), max(performed_end_at)) FROM silver.procedures
            UNION ALL SELECT min(diagnosed_at), max(diagnosed_at) FROM silver.diagnoses
            UNION ALL SELECT min(occurred_at), max(occurred_at) FROM silver.ehr_access) AS t
)
INSERT INTO gold.dim_date (
    date_key, date, year, quarter, month, month_name, day_of_month, day_of_week, day_name, is_weekend,
    iso_year, iso_week, month_start, week_start, day_of_year)
SELECT (extract(year FROM d) * 10000 + extract(month FROM d) * 100 + extract(day FROM d))::integer,
       d::date,
       extract(year FROM d)::integer,
       extract(quarter FROM d)::smallint,
       extract(month FROM d)::smallint,
       (ARRAY['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'])[extract(month FROM d)],
       extract(day FROM d)::smallint,
       extract(isodow FROM d)::smallint,
       (ARRAY['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'])[extract(isodow FROM d)],
       extract(isodow FROM d) >= 6,
       extract(isoyear FROM d)::integer,
       extract(week FROM d)::smallint,
       date_trunc('month', d)::date,
       date_trunc('week', d)::date,
       extract(doy FROM d)::smallint
  FROM bounds
 CROSS JOIN LATERAL generate_series(make_date(extract(year FROM bounds.lo AT TIME ZONE 'UTC')::integer, 1, 1)::timestamp,
                                    make_date(extract(year FROM bounds.hi AT TIME ZONE 'UTC')::integer, 12, 31)::timestamp,
                                    interval '1 day') AS d
 WHERE bounds.lo IS NOT NULL;
