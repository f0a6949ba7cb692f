-- Filter choices: the readmission condition groups (gold.seed_condition_groups, and `other` for every other
-- principal diagnosis), as [value, label].
WITH groups AS (
    SELECT DISTINCT s.condition_group FROM gold.seed_condition_groups s
    UNION
    SELECT 'other'
)
SELECT g.condition_group AS value,
       CASE g.condition_group
           WHEN 'ami' THEN 'AMI'
           WHEN 'copd' THEN 'COPD'
           ELSE initcap(replace(g.condition_group, '_', ' '))
       END AS label
FROM groups g
ORDER BY g.condition_group = 'other', g.condition_group;
