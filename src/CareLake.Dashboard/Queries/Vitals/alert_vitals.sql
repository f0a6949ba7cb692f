-- Vitals at alert time: the 500 latest alerts whose set has both a heart rate and an SpO2 (gold.mart_alerts_vitals),
-- newest first, with the set's values, NEWS2 and the parameters that scored 3. A sample capped in size for a scatter.
-- Filters: from/to on alert_date (facility day), unit = unit at the measurement, condition = the condition group of
-- the alert's encounter (alerts without an encounter are left out when it is given).
SELECT a.measured_at, a.patient_id, a.source, a.unit, a.kind, a.severity, a.news2_score, a.news2_band,
       array_to_string(a.red_parameters, ', ') AS red_parameters,
       a.heart_rate::double precision AS heart_rate, a.spo2::double precision AS spo2,
       a.respiratory_rate::double precision AS respiratory_rate, a.systolic_bp::double precision AS systolic_bp,
       a.temperature_c::double precision AS temperature_c, a.consciousness
FROM gold.mart_alerts_vitals a
-- joined only when a condition is given (the planner removes the join otherwise)
LEFT JOIN gold.fact_encounter f ON @condition IS NOT NULL AND f.source = a.source AND f.encounter_id = a.encounter_id
WHERE a.heart_rate IS NOT NULL AND a.spo2 IS NOT NULL
  AND (@from IS NULL OR a.alert_date >= @from)
  AND (@to IS NULL OR a.alert_date <= @to)
  AND (@unit IS NULL OR a.unit = @unit)
  AND (@condition IS NULL OR f.condition_group = @condition)
ORDER BY a.measured_at DESC, a.alert_id DESC
LIMIT 500;
