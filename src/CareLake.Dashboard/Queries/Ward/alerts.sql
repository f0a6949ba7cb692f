-- Clinical alerts measured in the 24 h up to @now, newest first (at most 1,000), each with the patient and the unit
-- of the alert encounter's stay at the measurement (else the encounter's unit).
-- Parameters: @now (timestamptz), @unit (text, null for every unit).
SELECT a.alert_id,
       a.measured_at,
       a.raised_at,
       a.patient_id,
       a.source,
       nullif(concat_ws(' ', p.given_name, p.family_name), '') AS name,
       coalesce(stay.unit, e.unit) AS unit,
       a.kind,
       a.severity,
       a.news2_score,
       a.reason,
       a.encounter_id
FROM silver.clinical_alerts a
LEFT JOIN silver.patients p ON p.source = a.source AND p.patient_id = a.patient_id
LEFT JOIN silver.encounters e ON e.source = a.source AND e.encounter_id = a.encounter_id
LEFT JOIN LATERAL (
    SELECT l.unit
    FROM silver.encounter_locations l
    WHERE l.source = a.source AND l.encounter_id = a.encounter_id AND l.started_at <= a.measured_at
    ORDER BY l.sequence DESC
    LIMIT 1
) stay ON true
WHERE a.measured_at > @now - interval '24 hours' AND a.measured_at <= @now
  AND (@unit IS NULL OR coalesce(stay.unit, e.unit) = @unit)
ORDER BY a.measured_at DESC, a.alert_id DESC
LIMIT 1000
