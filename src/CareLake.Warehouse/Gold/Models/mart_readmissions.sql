-- 30-day readmission rate of index stays (gold.fact_encounter.index_eligible) by month of the index discharge,
-- condition group, age band at admission, sex and race, with each month's totals and the overall total.
-- depends_on: gold.fact_encounter, gold.dim_patient
-- materialized: table

SET LOCAL jit = off;

DELETE FROM gold.mart_readmissions;

WITH index_stays AS (
    SELECT date_trunc('month', f.discharge_date)::date AS month,
           f.condition_group,
           coalesce(gold.age_band(f.age_at_admission), 'unknown') AS age_band,
           coalesce(p.sex, 'unknown') AS sex,
           coalesce(p.race, 'unknown') AS race,
           f.readmitted_30d
    FROM gold.fact_encounter f
    LEFT JOIN gold.dim_patient p ON p.patient_key = f.patient_key
    WHERE f.index_eligible
)
INSERT INTO gold.mart_readmissions (grouping, month, condition_group, age_band, sex, race, index_stays, readmissions, rate)
SELECT CASE WHEN grouping(s.month) = 1 THEN 'all' WHEN grouping(s.condition_group) = 1 THEN 'month' ELSE 'detail' END,
       s.month,
       CASE WHEN grouping(s.condition_group) = 0 THEN s.condition_group ELSE 'all' END,
       CASE WHEN grouping(s.age_band) = 0 THEN s.age_band ELSE 'all' END,
       CASE WHEN grouping(s.sex) = 0 THEN s.sex ELSE 'all' END,
       CASE WHEN grouping(s.race) = 0 THEN s.race ELSE 'all' END,
       count(*),
       count(*) FILTER (WHERE s.readmitted_30d),
       (count(*) FILTER (WHERE s.readmitted_30d))::double precision / count(*)
FROM index_stays s
GROUP BY GROUPING SETS ((s.month, s.condition_group, s.age_band, s.sex, s.race), (s.month), ())
HAVING count(*) > 0;
