-- Census per calendar day and unit: encounters in house at midnight and during the day, admissions, discharges and
-- transfers, from the stays of silver.encounter_locations of encounters that were not cancelled.
-- depends_on: silver.encounter_locations, silver.encounters
-- materialized: table
--
-- Convention. A stay covers [started_at, ended_at); a stay not yet ended covers up to the data's end (the latest
-- stay start or end in silver). Days are the facility's calendar days (gold.facility_time_zone()). "At midnight" is the midnight that
-- ends the day (24:00, the usual hospital midnight census): a patient moved exactly at midnight counts once, on the
-- unit they moved to, and a stay that begins and ends within one day counts during the day but not at midnight.
-- Encounters are counted (a patient with two open encounters counts twice). Admissions are counted on the unit of
-- an encounter's first stay, discharges on the unit of the last stay of an encounter whose status is discharged.
-- Every unit that has a stay gets a row for every day from the first stay's day to the data's end.
DELETE FROM gold.mart_census_daily;

WITH stays AS (
    SELECT l.source, l.encounter_id, l.unit, l.started_at, l.ended_at, e.status,
           l.sequence = min(l.sequence) OVER w AS first_stay,
           l.sequence = max(l.sequence) OVER w AS last_stay
      FROM silver.encounter_locations l
      JOIN silver.encounters e ON e.source = l.source AND e.encounter_id = l.encounter_id
     WHERE e.status IN ('in_house', 'discharged')
    WINDOW w AS (PARTITION BY l.source, l.encounter_id)
),
data_end AS (
    SELECT max(greatest(started_at, ended_at)) AS at FROM stays
),
bounded AS (
    SELECT s.*, coalesce(s.ended_at, greatest(d.at, s.started_at)) AS until
      FROM stays s CROSS JOIN data_end d
),
days AS (
    SELECT r.first + i AS day
      FROM (SELECT min(gold.facility_local(started_at))::date AS first, (SELECT gold.facility_local(at)::date FROM data_end) AS last FROM stays) r
     CROSS JOIN LATERAL generate_series(0, r.last - r.first) AS i
),
units AS (
    SELECT DISTINCT unit FROM stays
),
during AS (
    -- Each stay on each day it touches, from the day before it began (a stay beginning at 00:00 is in house at the
    -- midnight ending the previous day): in_day when it overlaps [day 00:00, next day 00:00) or has no length and
    -- lies in it; at_midnight when it covers the next day's 00:00.
    SELECT unit, day, source, encounter_id, in_day, at_midnight
      FROM (
        SELECT b.unit, g.day, b.source, b.encounter_id,
               b.started_at < g.next_midnight
                   AND (b.ended_at IS NULL OR b.ended_at > g.midnight OR (b.ended_at = b.started_at AND b.started_at >= g.midnight)) AS in_day,
               b.started_at <= g.next_midnight AND (b.ended_at IS NULL OR b.ended_at > g.next_midnight) AS at_midnight
          FROM bounded b
         CROSS JOIN LATERAL (
                SELECT d.day, gold.facility_midnight(d.day) AS midnight, gold.facility_midnight(d.day + 1) AS next_midnight
                  FROM (SELECT gold.facility_local(b.started_at - interval '1 microsecond')::date + i AS day
                          FROM generate_series(0, gold.facility_local(b.until)::date - gold.facility_local(b.started_at - interval '1 microsecond')::date) AS i) d
              ) AS g
      ) d
     WHERE in_day OR at_midnight
),
counts AS (
    SELECT unit, day,
           count(DISTINCT (source, encounter_id)) FILTER (WHERE at_midnight) AS in_house_midnight,
           count(DISTINCT (source, encounter_id)) FILTER (WHERE in_day) AS in_house_during_day
      FROM during
     GROUP BY unit, day
),
events AS (
    SELECT unit, gold.facility_local(started_at)::date AS day,
           count(*) FILTER (WHERE first_stay) AS admissions,
           0::bigint AS discharges,
           count(*) FILTER (WHERE NOT first_stay) AS transfers_in,
           0::bigint AS transfers_out
      FROM stays
     GROUP BY unit, gold.facility_local(started_at)::date
    UNION ALL
    SELECT unit, gold.facility_local(ended_at)::date,
           0, count(*) FILTER (WHERE last_stay AND status = 'discharged'), 0, count(*) FILTER (WHERE NOT last_stay)
      FROM stays
     WHERE ended_at IS NOT NULL
     GROUP BY unit, gold.facility_local(ended_at)::date
),
event_totals AS (
    SELECT unit, day, sum(admissions) AS admissions, sum(discharges) AS discharges,
           sum(transfers_in) AS transfers_in, sum(transfers_out) AS transfers_out
      FROM events
     GROUP BY unit, day
)
INSERT INTO gold.mart_census_daily (census_date, unit, in_house_midnight, in_house_during_day, admissions, discharges, transfers_in, transfers_out)
SELECT d.day, u.unit,
       coalesce(c.in_house_midnight, 0), coalesce(c.in_house_during_day, 0),
       coalesce(e.admissions, 0), coalesce(e.discharges, 0), coalesce(e.transfers_in, 0), coalesce(e.transfers_out, 0)
  FROM days d
 CROSS JOIN units u
  LEFT JOIN counts c ON c.unit = u.unit AND c.day = d.day
  LEFT JOIN event_totals e ON e.unit = u.unit AND e.day = d.day
 ORDER BY d.day, u.unit;
