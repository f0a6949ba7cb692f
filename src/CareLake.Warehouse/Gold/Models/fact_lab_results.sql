-- Current lab results (those no correction superseded), with whether each is abnormal and whether it corrected an
-- earlier result; the patient key as of specimen collection.
-- depends_on: silver.lab_results, gold.dim_patient
-- materialized: per_patient
DELETE FROM gold.fact_lab_results f
 USING model_patients m
 WHERE f.source = m.source AND f.patient_id = m.patient_id;

WITH corrections AS (
    -- The results some earlier result names as its successor.
    SELECT DISTINCT e.superseded_by AS event_id
      FROM silver.lab_results e
      JOIN model_patients m ON m.source = e.source AND m.patient_id = e.patient_id
     WHERE e.superseded_by IS NOT NULL
)
INSERT INTO gold.fact_lab_results (
    event_id, source, patient_id, patient_key, encounter_id, loinc_code, test_name, value_numeric, value_text, unit,
    reference_low, reference_high, abnormal_flag, is_abnormal, is_critical, status, corrects_earlier,
    collected_at, resulted_at, date_key, turnaround_minutes)
SELECT l.event_id, l.source, l.patient_id, coalesce(asof.patient_key, earliest.patient_key), l.encounter_id, l.loinc_code, l.test_name, l.value_numeric, l.value_text, l.unit,
       l.reference_low, l.reference_high, l.abnormal_flag,
       CASE WHEN upper(l.abnormal_flag) IN ('L', 'H', 'LL', 'HH', 'A') THEN true
            WHEN upper(l.abnormal_flag) = 'N' THEN false
            WHEN l.value_numeric IS NOT NULL AND (l.reference_low IS NOT NULL OR l.reference_high IS NOT NULL)
                 THEN l.value_numeric < coalesce(l.reference_low, l.value_numeric) OR l.value_numeric > coalesce(l.reference_high, l.value_numeric)
       END,
       coalesce(upper(l.abnormal_flag) IN ('LL', 'HH'), false),
       l.status,
       c.event_id IS NOT NULL,
       at.collected_at, l.resulted_at, gold.date_key(at.collected_at),
       round((extract(epoch FROM l.resulted_at - l.specimen_collected_at) / 60)::numeric, 1)
  FROM silver.lab_results l
  JOIN model_patients m ON m.source = l.source AND m.patient_id = l.patient_id
 CROSS JOIN LATERAL (SELECT coalesce(l.specimen_collected_at, l.resulted_at, l.occurred_at) AS collected_at) AS at
  LEFT JOIN corrections c ON c.event_id = l.event_id
  -- The patient key as of collection, else the earliest (version 1).
  LEFT JOIN gold.dim_patient asof ON asof.source = l.source AND asof.patient_id = l.patient_id
        AND asof.valid_from <= at.collected_at AND (asof.valid_to IS NULL OR at.collected_at < asof.valid_to)
  LEFT JOIN gold.dim_patient earliest ON earliest.source = l.source AND earliest.patient_id = l.patient_id AND earliest.version = 1
 WHERE l.superseded_by IS NULL;
