-- Vitals at alert time: which NEWS2 parameters scored 3 in the sets that raised alerts (gold.mart_alerts_vitals.
-- red_parameters; an alert with two red parameters counts for both), in NEWS2 chart order.
-- Filters: from/to on alert_date (facility day), unit = unit at the measurement, condition = the condition group of
-- the alert's encounter (alerts without an encounter are left out when it is given).
SELECT r.parameter, count(*)::integer AS alerts
FROM gold.mart_alerts_vitals a
-- joined only when a condition is given (the planner removes the join otherwise)
LEFT JOIN gold.fact_encounter f ON @condition IS NOT NULL AND f.source = a.source AND f.encounter_id = a.encounter_id
CROSS JOIN LATERAL unnest(a.red_parameters) AS r(parameter)
WHERE true
  AND (@from IS NULL OR a.alert_date >= @from)
  AND (@to IS NULL OR a.alert_date <= @to)
  AND (@unit IS NULL OR a.unit = @unit)
  AND (@condition IS NULL OR f.condition_group = @condition)
GROUP BY r.parameter
ORDER BY array_position(ARRAY['respiratory_rate', 'spo2', 'systolic_bp', 'heart_rate', 'consciousness', 'temperature'], r.parameter), r.parameter;
