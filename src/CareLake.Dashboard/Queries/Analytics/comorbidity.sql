-- Comorbidity co-occurrence: inpatient stays having both Charlson groups (gold.fact_encounter.charlson_conditions,
-- after the hierarchy), for every ordered pair of groups present together (both orders, so the matrix is
-- symmetric; the diagonal is the stays with the group). Pairs with no stay are left out.
-- Filters: from/to on admit_date, unit = last unit, condition = condition group.
SELECT a.condition AS condition_a, b.condition AS condition_b, count(*)::integer AS encounters
FROM gold.fact_encounter f
CROSS JOIN LATERAL unnest(f.charlson_conditions) AS a(condition)
CROSS JOIN LATERAL unnest(f.charlson_conditions) AS b(condition)
WHERE f.encounter_class = 'inpatient'
  AND (@from IS NULL OR f.admit_date >= @from)
  AND (@to IS NULL OR f.admit_date <= @to)
  AND (@unit IS NULL OR f.unit = @unit)
  AND (@condition IS NULL OR f.condition_group = @condition)
GROUP BY a.condition, b.condition
ORDER BY a.condition, b.condition;
