-- Length of stay of discharged inpatient stays with logical dates, by discharge month, ICD-10-CM chapter of the
-- principal diagnosis, last unit and age band at admission, with each month's totals (grouping = 'month').
-- depends_on: gold.fact_encounter, gold.seed_icd10cm_chapters
-- materialized: table

SET LOCAL jit = off;

DELETE FROM gold.mart_los;

WITH stays AS (
    SELECT date_trunc('month', f.discharge_date)::date AS month,
           coalesce(lpad(ch.chapter::text, 2, '0'), 'unknown') AS chapter,
           coalesce(f.unit, 'unknown') AS unit,
           coalesce(gold.age_band(f.age_at_admission), 'unknown') AS age_band,
           f.los_days, f.los_hours
    FROM gold.fact_encounter f
    LEFT JOIN gold.seed_icd10cm_chapters ch
        ON left(replace(f.principal_diagnosis_code, '.', ''), 3) BETWEEN ch.first_category AND ch.last_category
    WHERE f.encounter_class = 'inpatient' AND f.los_days IS NOT NULL
)
INSERT INTO gold.mart_los (grouping, month, chapter, unit, age_band, encounters, mean_los_days, median_los_days,
                           p90_los_days, mean_los_hours, median_los_hours, p90_los_hours)
SELECT CASE WHEN grouping(s.chapter) = 0 THEN 'detail' ELSE 'month' END,
       s.month,
       CASE WHEN grouping(s.chapter) = 0 THEN s.chapter ELSE 'all' END,
       CASE WHEN grouping(s.unit) = 0 THEN s.unit ELSE 'all' END,
       CASE WHEN grouping(s.age_band) = 0 THEN s.age_band ELSE 'all' END,
       count(*),
       avg(s.los_days)::double precision,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY s.los_days),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY s.los_days),
       avg(s.los_hours),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY s.los_hours),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY s.los_hours)
FROM stays s
GROUP BY GROUPING SETS ((s.month, s.chapter, s.unit, s.age_band), (s.month));
