-- EHR access, one row per access that names a patient, with the unit the patient was on at that moment and the
-- facility calendar day and hour band the access mart groups by.
-- depends_on: silver.ehr_access, silver.encounter_locations, silver.encounters, gold.dim_patient
-- materialized: per_patient
--
-- Where a patient was at an access: the unit of the patient's stay (encounter not cancelled) covering that moment,
-- the latest-started when stays overlap (ties: the first unit in byte order); none when the patient was not on a unit.
DELETE FROM gold.fact_ehr_access f
 USING model_patients m
 WHERE f.source = m.source AND f.patient_id = m.patient_id;

WITH stays AS (
    SELECT l.source, coalesce(l.patient_id, e.patient_id) AS patient_id, l.unit, l.started_at, l.ended_at
      FROM silver.encounter_locations l
      JOIN silver.encounters e ON e.source = l.source AND e.encounter_id = l.encounter_id
      JOIN model_patients m ON m.source = e.source AND m.patient_id = coalesce(l.patient_id, e.patient_id)
     WHERE e.status IN ('in_house', 'discharged')
),
accesses AS (
    SELECT a.*
      FROM silver.ehr_access a
      JOIN model_patients m ON m.source = a.source AND m.patient_id = a.patient_id
),
located AS (
    SELECT DISTINCT ON (a.event_id) a.event_id, s.unit
      FROM accesses a
      JOIN stays s ON s.source = a.source AND s.patient_id = a.patient_id
                  AND s.started_at <= a.occurred_at AND (s.ended_at IS NULL OR s.ended_at > a.occurred_at)
     ORDER BY a.event_id, s.started_at DESC, s.unit
)
INSERT INTO gold.fact_ehr_access (event_id, source, patient_id, patient_key, user_id, user_role, action, resource_type,
    outcome, occurred_at, date_key, access_date, after_hours, patient_unit)
SELECT a.event_id, a.source, a.patient_id, coalesce(asof.patient_key, earliest.patient_key), a.user_id, a.user_role,
       a.action, a.resource_type, a.outcome, a.occurred_at, gold.date_key(a.occurred_at),
       gold.facility_local(a.occurred_at)::date,
       extract(hour FROM gold.facility_local(a.occurred_at)) NOT BETWEEN 7 AND 18,
       l.unit
  FROM accesses a
  LEFT JOIN located l ON l.event_id = a.event_id
  -- The patient key as of the access, else the earliest (version 1).
  LEFT JOIN gold.dim_patient asof ON asof.source = a.source AND asof.patient_id = a.patient_id
        AND asof.valid_from <= a.occurred_at AND (asof.valid_to IS NULL OR a.occurred_at < asof.valid_to)
  LEFT JOIN gold.dim_patient earliest ON earliest.source = a.source AND earliest.patient_id = a.patient_id AND earliest.version = 1;
