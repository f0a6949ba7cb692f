-- Row counts per layer, for summaries after a run: (section, item, rows).
SELECT 'bronze' AS section, stream AS item, count(*) AS n FROM bronze.raw_events GROUP BY stream
UNION ALL SELECT 'silver', 'patients', count(*) FROM silver.patients
UNION ALL SELECT 'silver', 'patient_versions', count(*) FROM silver.patient_versions
UNION ALL SELECT 'silver', 'encounters', count(*) FROM silver.encounters
UNION ALL SELECT 'silver', 'encounter_locations', count(*) FROM silver.encounter_locations
UNION ALL SELECT 'silver', 'adt_events', count(*) FROM silver.adt_events
UNION ALL SELECT 'silver', 'diagnoses', count(*) FROM silver.diagnoses
UNION ALL SELECT 'silver', 'procedures', count(*) FROM silver.procedures
UNION ALL SELECT 'silver', 'lab_results', count(*) FROM silver.lab_results
UNION ALL SELECT 'silver', 'ehr_access', count(*) FROM silver.ehr_access
UNION ALL SELECT 'silver', 'vital_signs', count(*) FROM silver.vital_signs
UNION ALL SELECT 'silver', 'clinical_alerts', count(*) FROM silver.clinical_alerts
UNION ALL SELECT 'silver', 'duplicate_events', count(*) FROM silver.duplicate_events
UNION ALL SELECT 'silver', 'unsupported_records', count(*) FROM silver.unsupported_records
UNION ALL SELECT 'silver', 'quarantine', count(*) FROM silver.quarantine
UNION ALL SELECT 'quarantine', reason_code, count(*) FROM silver.quarantine GROUP BY reason_code
UNION ALL SELECT 'encounter_status', status || ' · ' || coalesce(class, 'unknown class'), count(*) FROM silver.encounters GROUP BY status, class
UNION ALL SELECT 'news2_band', coalesce(news2_band, 'incomplete set'), count(*) FROM silver.vital_signs GROUP BY news2_band
UNION ALL SELECT 'alert', kind, count(*) FROM silver.clinical_alerts GROUP BY kind
UNION ALL SELECT 'gold', 'patient_risk_snapshot', count(*) FROM gold.patient_risk_snapshot
UNION ALL SELECT 'gold_band', coalesce(latest_news2_band, 'no complete set'), count(*) FROM gold.patient_risk_snapshot GROUP BY latest_news2_band
ORDER BY 1, 3 DESC, 2;
