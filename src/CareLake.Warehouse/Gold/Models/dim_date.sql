-- A calendar, one row per day, over whole years: from 1 January of the earliest to 31 December of the latest year in
-- which silver has a clinical date: encounters (admission, discharge, first and last event), diagnoses, and the dates
-- of the vital-sign, lab and procedure facts (read from their date_key indexes, so a run does not scan silver's
-- largest tables).
-- depends_on: silver.encounters, silver.diagnoses, gold.fact_vitals_hourly, gold.fact_lab_results, gold.fact_procedures
-- materialized: table
DELETE FROM gold.dim_date;

WITH years AS (
    SELECT min(lo) AS lo, max(hi) AS hi
      FROM (SELECT extract(year FROM least(min(admitted_at), min(first_event_at)) AT TIME ZONE 'UTC')::integer AS lo,
                   extract(year FROM greatest(max(discharged_at), max(last_event_at)) AT TIME ZONE 'UTC')::integer AS hi
              FROM silver.encounters
            UNION ALL SELECT extract(year FROM min(diagnosed_at) AT TIME ZONE 'UTC')::integer, extract(year FROM max(diagnosed_at) AT TIME ZONE 'UTC')::integer FROM silver.diagnoses
            UNION ALL SELECT min(date_key) / 10000, max(date_key) / 10000 FROM gold.fact_vitals_hourly
            UNION ALL SELECT min(date_key) / 10000, max(date_key) / 10000 FROM gold.fact_lab_results
            UNION ALL SELECT min(date_key) / 10000, max(date_key) / 10000 FROM gold.fact_procedures) AS t
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
  FROM years
 CROSS JOIN LATERAL generate_series(make_date(years.lo, 1, 1)::timestamp, make_date(years.hi, 12, 31)::timestamp, interval '1 day') AS d
 WHERE years.lo IS NOT NULL;
