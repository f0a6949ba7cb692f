-- EHR access per calendar day, user and patient (accesses that name a patient), with suspicious patterns flagged:
-- many patients outside the user's unit, break-the-glass, after-hours bulk export, a patient sharing the user's surname.
-- depends_on: silver.ehr_access, silver.encounter_locations, silver.encounters, silver.patient_versions
-- materialized: table
--
-- Definitions (docs/gold.md, "gold.mart_ehr_access"):
-- * Where a patient was at an access: the unit of the patient's stay (encounter not cancelled) covering that moment;
--   none when the patient was not on a unit.
-- * A user's home unit: the unit where most of the user's accesses to patients on a unit took place, over all the
--   data (ties: the first unit in byte order); none for users who never opened the chart of a patient on a unit
--   (coders, billing). Silver holds no staff directory, so the unit is read from what the user did.
-- * Outside the home unit: the user has a home unit and the patient was not on it at any of that day's accesses
--   (on another unit, or not in hospital). Many: 20 or more such patients in one day.
-- * Days and hours are the facility's (gold.facility_time_zone()). After hours: before 07:00 or from 19:00. Bulk export: exports or prints of 5 or more distinct
--   patients after hours on one day; the flag marks the rows of those patients.
-- * Surname: silver holds no user names. User ids follow the facility's account convention of the first initial
--   followed by the family name's letters and an optional number (jsmith, jsmith2); the surname is the id without
--   its first letter and trailing digits, and matches when it equals the ASCII letters, lower-cased, of the family
--   name of any version of the patient's record (a maiden name counts too). Ids of another shape never match.
DELETE FROM gold.mart_ehr_access;

WITH stays AS (
    SELECT l.source, coalesce(l.patient_id, e.patient_id) AS patient_id, l.unit, l.started_at, l.ended_at
      FROM silver.encounter_locations l
      JOIN silver.encounters e ON e.source = l.source AND e.encounter_id = l.encounter_id
     WHERE e.status IN ('in_house', 'discharged')
),
located AS (
    SELECT DISTINCT ON (a.event_id) a.event_id, s.unit
      FROM silver.ehr_access a
      JOIN stays s ON s.source = a.source AND s.patient_id = a.patient_id
                  AND s.started_at <= a.occurred_at AND (s.ended_at IS NULL OR s.ended_at > a.occurred_at)
     ORDER BY a.event_id, s.started_at DESC, s.unit
),
accesses AS (
    SELECT a.event_id, a.source, a.patient_id, a.user_id, a.user_role, a.action, a.outcome, a.occurred_at,
           gold.facility_local(a.occurred_at)::date AS access_date,
           extract(hour FROM gold.facility_local(a.occurred_at)) NOT BETWEEN 7 AND 18 AS after_hours,
           l.unit
      FROM silver.ehr_access a
      LEFT JOIN located l ON l.event_id = a.event_id
     WHERE a.patient_id IS NOT NULL
),
home AS (
    SELECT DISTINCT ON (user_id) user_id, unit AS home_unit
      FROM accesses
     WHERE unit IS NOT NULL
     GROUP BY user_id, unit
     ORDER BY user_id, count(*) DESC, unit COLLATE "C"
),
surnames AS (
    SELECT DISTINCT source, patient_id, lower(regexp_replace(family_name, '[^A-Za-z]', '', 'g')) AS surname
      FROM silver.patient_versions
     WHERE family_name IS NOT NULL
),
per_patient AS (
    SELECT a.access_date, a.user_id, a.source, a.patient_id,
           (array_agg(a.user_role ORDER BY a.occurred_at DESC, a.event_id DESC))[1] AS user_role,
           h.home_unit,
           (array_agg(a.unit ORDER BY a.occurred_at, a.event_id))[1] AS patient_unit,
           count(*) AS accesses,
           count(*) FILTER (WHERE a.action = 'view') AS views,
           count(*) FILTER (WHERE a.action = 'print') AS prints,
           count(*) FILTER (WHERE a.action = 'export') AS exports,
           count(*) FILTER (WHERE a.action = 'break_glass') AS break_glass,
           count(*) FILTER (WHERE a.outcome = 'failure') AS failures,
           count(*) FILTER (WHERE a.after_hours) AS after_hours,
           min(a.occurred_at) AS first_at,
           max(a.occurred_at) AS last_at,
           h.home_unit IS NOT NULL AND bool_and(a.unit IS DISTINCT FROM h.home_unit) AS outside_home_unit,
           bool_or(a.after_hours AND a.action IN ('export', 'print')) AS after_hours_export
      FROM accesses a
      LEFT JOIN home h ON h.user_id = a.user_id
     GROUP BY a.access_date, a.user_id, a.source, a.patient_id, h.home_unit
),
per_user AS (
    SELECT p.*,
           count(*) OVER d AS user_patients,
           count(*) FILTER (WHERE p.outside_home_unit) OVER d AS user_patients_outside_unit,
           count(*) FILTER (WHERE p.after_hours_export) OVER d AS user_after_hours_exported_patients,
           lower(p.user_id) ~ '^[a-z][a-z]+[0-9]*$' AND EXISTS (
               SELECT 1 FROM surnames s
                WHERE s.source = p.source AND s.patient_id = p.patient_id AND length(s.surname) >= 2
                  AND s.surname = substr(regexp_replace(lower(p.user_id), '[0-9]+$', ''), 2)) AS surname_match
      FROM per_patient p
    WINDOW d AS (PARTITION BY p.access_date, p.user_id)
),
flagged AS (
    SELECT u.*,
           u.user_patients_outside_unit >= 20 AS f_outside,
           u.break_glass > 0 AS f_break_glass,
           u.after_hours_export AND u.user_after_hours_exported_patients >= 5 AS f_export
      FROM per_user u
)
INSERT INTO gold.mart_ehr_access (access_date, user_id, source, patient_id, user_role, user_home_unit, patient_unit,
    accesses, views, prints, exports, break_glass_accesses, failed_accesses, after_hours_accesses, first_access_at,
    last_access_at, outside_home_unit, user_patients, user_patients_outside_unit, user_after_hours_exported_patients,
    flag_many_outside_unit, flag_break_glass, flag_after_hours_bulk_export, flag_surname_match, suspicious)
SELECT access_date, user_id, source, patient_id, user_role, home_unit, patient_unit,
       accesses, views, prints, exports, break_glass, failures, after_hours, first_at, last_at,
       outside_home_unit, user_patients, user_patients_outside_unit, user_after_hours_exported_patients,
       f_outside, f_break_glass, f_export, surname_match,
       f_outside OR f_break_glass OR f_export OR surname_match
  FROM flagged
 ORDER BY access_date, user_id, source, patient_id;
