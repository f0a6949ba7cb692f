-- Procedures performed, one row each, with the encounter (and its class), the date key and the patient key as of
-- the procedure.
-- depends_on: silver.procedures, silver.encounters, gold.dim_patient
-- materialized: per_patient
DELETE FROM gold.fact_procedures f
 USING model_patients m
 WHERE f.source = m.source AND f.patient_id = m.patient_id;

INSERT INTO gold.fact_procedures (
    event_id, source, patient_id, patient_key, encounter_id, encounter_class, code_system, code, description,
    performed_at, performed_end_at, duration_minutes, date_key, status)
SELECT p.event_id, p.source, p.patient_id, coalesce(asof.patient_key, earliest.patient_key), p.encounter_id, e.class, p.code_system, p.code, p.description,
       p.performed_at, p.performed_end_at, round((extract(epoch FROM p.performed_end_at - p.performed_at) / 60)::numeric, 1),
       gold.date_key(p.performed_at), p.status
  FROM silver.procedures p
  JOIN model_patients m ON m.source = p.source AND m.patient_id = p.patient_id
  LEFT JOIN silver.encounters e ON e.source = p.source AND e.encounter_id = p.encounter_id
  -- The patient key as of the procedure, else the earliest (version 1).
  LEFT JOIN gold.dim_patient asof ON asof.source = p.source AND asof.patient_id = p.patient_id
        AND asof.valid_from <= p.performed_at AND (asof.valid_to IS NULL OR p.performed_at < asof.valid_to)
  LEFT JOIN gold.dim_patient earliest ON earliest.source = p.source AND earliest.patient_id = p.patient_id AND earliest.version = 1;
