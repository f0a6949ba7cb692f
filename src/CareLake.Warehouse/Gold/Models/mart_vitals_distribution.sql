-- Heart rate and SpO2 readings counted per facility day, unit, condition group and NEWS2 band (complete sets only).
-- depends_on: silver.vital_signs, gold.fact_encounter
-- materialized: table
DELETE FROM gold.mart_vitals_distribution;

INSERT INTO gold.mart_vitals_distribution (measured_date, unit, condition_group, news2_band, measure, value, sets)
SELECT gold.facility_local(v.measured_at)::date,
       f.unit,
       f.condition_group,
       CASE WHEN v.news2_complete THEN v.news2_band END,
       r.measure,
       r.value,
       count(*)
  FROM silver.vital_signs v
  LEFT JOIN gold.fact_encounter f ON f.source = v.source AND f.encounter_id = v.encounter_id
 CROSS JOIN LATERAL (VALUES ('heart_rate', v.heart_rate), ('spo2', v.spo2)) AS r(measure, value)
 WHERE r.value IS NOT NULL
 GROUP BY 1, 2, 3, 4, 5, 6;
