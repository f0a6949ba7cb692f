-- One patient's encounters, newest first: silver's state (status, last unit) with gold.fact_encounter's length of
-- stay, LACE, principal diagnosis and 30-day readmission figures (null until gold has the encounter), and which
-- earlier stay this one readmits. Parameters: @source, @patient (text).
SELECT e.encounter_id,
       e.class,
       e.status,
       e.unit,
       e.admitted_at,
       e.discharged_at,
       f.los_days,
       round(f.los_hours::numeric, 1) AS los_hours,
       e.disposition,
       f.principal_diagnosis_code,
       f.condition_group,
       f.charlson_index,
       f.lace_score,
       f.lace_band,
       f.index_eligible,
       f.readmitted_30d,
       f.days_to_readmission,
       f.readmission_encounter_id,
       earlier.encounter_id AS readmission_of
FROM silver.encounters e
LEFT JOIN gold.fact_encounter f ON f.source = e.source AND f.encounter_id = e.encounter_id
LEFT JOIN LATERAL (
    SELECT g.encounter_id
    FROM gold.fact_encounter g
    WHERE g.source = e.source AND g.patient_id = e.patient_id AND g.readmission_encounter_id = e.encounter_id
    ORDER BY g.discharged_at DESC NULLS LAST
    LIMIT 1
) earlier ON true
WHERE e.source = @source AND e.patient_id = @patient
ORDER BY coalesce(e.admitted_at, e.first_event_at) DESC, e.encounter_id
