-- Every patient key silver knows: what a full refresh of a per_patient model recomputes.
SELECT source, patient_id FROM silver.patients
UNION SELECT source, patient_id FROM silver.patient_versions
UNION SELECT source, patient_id FROM silver.encounters WHERE patient_id IS NOT NULL
UNION SELECT source, patient_id FROM silver.encounter_locations WHERE patient_id IS NOT NULL
UNION SELECT source, patient_id FROM silver.vital_signs
UNION SELECT source, patient_id FROM silver.clinical_alerts
UNION SELECT source, patient_id FROM silver.diagnoses
UNION SELECT source, patient_id FROM silver.procedures
UNION SELECT source, patient_id FROM silver.lab_results
UNION SELECT source, patient_id FROM silver.ehr_access WHERE patient_id IS NOT NULL
