-- One patient's diagnoses, newest first, the principal (rank 1) first within an encounter.
-- Parameters: @source, @patient (text).
SELECT d.diagnosed_at,
       coalesce(d.code_dotted, d.code) AS code,
       d.code_system,
       d.description,
       d.rank,
       d.present_on_admission::text AS present_on_admission,
       d.clinical_status,
       d.resolved_at,
       d.encounter_id,
       d.event_id
FROM silver.diagnoses d
WHERE d.source = @source AND d.patient_id = @patient
ORDER BY coalesce(d.diagnosed_at, d.occurred_at) DESC, d.encounter_id, d.rank NULLS LAST, d.event_id
LIMIT 2000
