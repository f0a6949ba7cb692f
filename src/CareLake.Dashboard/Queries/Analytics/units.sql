-- Filter choices: every unit an encounter was placed on (gold.dim_location), as [value, label].
SELECT DISTINCT l.unit AS value, l.unit AS label
FROM gold.dim_location l
WHERE l.unit IS NOT NULL
ORDER BY 1;
