-- One patient's current lab results (corrections replace what they correct) collected by @now, newest first (at
-- most 2,000). Parameters: @source, @patient (text), @now (timestamptz).
SELECT coalesce(r.specimen_collected_at, r.resulted_at, r.occurred_at) AS collected_at,
       r.test_name,
       r.loinc_code,
       r.value_numeric,
       r.value_text,
       r.unit,
       r.reference_low,
       r.reference_high,
       r.abnormal_flag,
       r.status,
       r.resulted_at,
       r.encounter_id,
       r.event_id
FROM silver.lab_results r
WHERE r.source = @source AND r.patient_id = @patient AND r.superseded_by IS NULL
  AND coalesce(r.specimen_collected_at, r.resulted_at, r.occurred_at) <= @now
ORDER BY collected_at DESC, r.test_name, r.event_id
LIMIT 2000
