-- Alerts by the NEWS2 band of the set that raised them ('incomplete' when the set could not be scored) and by
-- severity (gold.mart_alerts_vitals).
-- Filters: from/to on alert_date (facility day), unit = unit at the measurement, condition = the condition group of
-- the alert's encounter (alerts without an encounter are left out when it is given).
SELECT coalesce(a.news2_band, 'incomplete') AS news2_band, a.severity, count(*)::integer AS alerts
FROM gold.mart_alerts_vitals a
-- joined only when a condition is given (the planner removes the join otherwise)
LEFT JOIN gold.fact_encounter f ON @condition IS NOT NULL AND f.source = a.source AND f.encounter_id = a.encounter_id
WHERE true
  AND (@from IS NULL OR a.alert_date >= @from)
  AND (@to IS NULL OR a.alert_date <= @to)
  AND (@unit IS NULL OR a.unit = @unit)
  AND (@condition IS NULL OR f.condition_group = @condition)
GROUP BY 1, 2
ORDER BY array_position(ARRAY['low', 'low-medium', 'medium', 'high', 'incomplete'], coalesce(a.news2_band, 'incomplete')), 2;
