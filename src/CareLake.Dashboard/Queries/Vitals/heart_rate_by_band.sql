-- Heart rate against severity: per NEWS2 band of the complete vital-sign sets, the sets with a heart rate, and their
-- mean, 10th, 25th, 50th, 75th and 90th percentiles (continuous, as percentile_cont: interpolated between the two
-- readings around position q × (n − 1)), 1 decimal. Computed from the counts of each reading in
-- gold.mart_vitals_distribution, so the answer is the one over every set without reading every set.
-- Filters: from/to on the facility day of the measurement; unit = the set's encounter's last unit, condition = its
-- condition group (gold.fact_encounter; a set without an encounter is left out when either is given).
WITH readings AS (
    SELECT m.news2_band, m.value, sum(m.sets) AS n
      FROM gold.mart_vitals_distribution m
     WHERE m.measure = 'heart_rate' AND m.news2_band IS NOT NULL
       AND (@from::date IS NULL OR m.measured_date >= @from::date)
       AND (@to::date IS NULL OR m.measured_date <= @to::date)
       AND (@unit::text IS NULL OR m.unit = @unit)
       AND (@condition::text IS NULL OR m.condition_group = @condition)
     GROUP BY 1, 2
),
ranked AS (
    -- Each reading covers the 0-based positions [below, below + n) of its band's sets in order.
    SELECT news2_band, value, n,
           sum(n) OVER (PARTITION BY news2_band ORDER BY value) - n AS below,
           sum(n) OVER (PARTITION BY news2_band) AS total
      FROM readings
),
bands AS (
    SELECT news2_band, max(total) AS total, sum(value * n) / sum(n) AS mean
      FROM ranked
     GROUP BY news2_band
),
percentiles AS (
    SELECT b.news2_band, q.q,
           lo.value + (hi.value - lo.value) * (q.q * (b.total - 1) - floor(q.q * (b.total - 1))) AS value
      FROM bands b
     CROSS JOIN (VALUES (0.1), (0.25), (0.5), (0.75), (0.9)) AS q(q)
     CROSS JOIN LATERAL (SELECT r.value FROM ranked r WHERE r.news2_band = b.news2_band AND r.below <= floor(q.q * (b.total - 1))
                          ORDER BY r.value DESC LIMIT 1) lo
     CROSS JOIN LATERAL (SELECT r.value FROM ranked r WHERE r.news2_band = b.news2_band AND r.below <= ceil(q.q * (b.total - 1))
                          ORDER BY r.value DESC LIMIT 1) hi
)
SELECT b.news2_band,
       b.total::integer AS sets,
       round(b.mean, 1)::double precision AS mean_heart_rate,
       round(max(p.value) FILTER (WHERE p.q = 0.1), 1)::double precision AS p10_heart_rate,
       round(max(p.value) FILTER (WHERE p.q = 0.25), 1)::double precision AS p25_heart_rate,
       round(max(p.value) FILTER (WHERE p.q = 0.5), 1)::double precision AS median_heart_rate,
       round(max(p.value) FILTER (WHERE p.q = 0.75), 1)::double precision AS p75_heart_rate,
       round(max(p.value) FILTER (WHERE p.q = 0.9), 1)::double precision AS p90_heart_rate
  FROM bands b
  JOIN percentiles p ON p.news2_band = b.news2_band
 GROUP BY b.news2_band, b.total, b.mean
 ORDER BY array_position(ARRAY['low', 'low-medium', 'medium', 'high'], b.news2_band);
