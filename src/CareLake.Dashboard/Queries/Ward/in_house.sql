-- Patients in house at @now, one row per encounter, by unit: where they are, their current NEWS2 (the latest complete
-- vital-sign set measured by @now), its trend over the last complete sets and their clinical alerts of the 24 h up to
-- @now. In house = admitted by @now and not discharged by then (cancelled, planned and registered-only encounters are
-- not). Parameters: @now (timestamptz), @unit (text, null for every unit).
WITH in_house AS (
    SELECT e.source, e.encounter_id, e.patient_id, e.class, e.unit, e.room, e.bed, coalesce(e.admitted_at, e.first_event_at) AS admitted_at
    FROM silver.encounters e
    WHERE e.status = 'in_house' AND coalesce(e.admitted_at, e.first_event_at) <= @now
    UNION ALL
    SELECT e.source, e.encounter_id, e.patient_id, e.class, e.unit, e.room, e.bed, coalesce(e.admitted_at, e.first_event_at)
    FROM silver.encounters e
    WHERE e.status = 'discharged' AND e.discharged_at > @now AND coalesce(e.admitted_at, e.first_event_at) <= @now
),
placed AS (
    SELECT h.source, h.encounter_id, h.patient_id, h.class, h.admitted_at,
           coalesce(stay.unit, h.unit) AS unit,
           CASE WHEN stay.unit IS NULL THEN h.room ELSE stay.room END AS room,
           CASE WHEN stay.unit IS NULL THEN h.bed ELSE stay.bed END AS bed
    FROM in_house h
    LEFT JOIN LATERAL (
        SELECT l.unit, l.room, l.bed
        FROM silver.encounter_locations l
        WHERE l.source = h.source AND l.encounter_id = h.encounter_id AND l.started_at <= @now
        ORDER BY l.sequence DESC
        LIMIT 1
    ) stay ON true
    WHERE h.patient_id IS NOT NULL
)
SELECT h.patient_id,
       h.source,
       nullif(concat_ws(' ', p.given_name, p.family_name), '') AS name,
       p.sex,
       gold.age_years(p.birth_date, (@now AT TIME ZONE 'UTC')::date) AS age,
       h.encounter_id,
       h.class,
       h.unit,
       h.room,
       h.bed,
       h.admitted_at,
       round((extract(epoch FROM @now - h.admitted_at) / 86400)::numeric, 1) AS days_in_house,
       recent.scores[cardinality(recent.scores)] AS news2_score,
       recent.band AS news2_band,
       recent.scores[cardinality(recent.scores) - 1] AS previous_news2,
       CASE
           WHEN cardinality(recent.scores) < 2 THEN NULL
           WHEN recent.scores[cardinality(recent.scores)] > recent.scores[cardinality(recent.scores) - 1] THEN 'up'
           WHEN recent.scores[cardinality(recent.scores)] < recent.scores[cardinality(recent.scores) - 1] THEN 'down'
           ELSE 'steady'
       END AS trend,
       to_jsonb(coalesce(recent.scores, '{}')) AS news2_recent,
       latest.measured_at AS last_vitals_at,
       latest.heart_rate,
       latest.respiratory_rate,
       latest.spo2,
       latest.systolic_bp,
       latest.temperature_c,
       (SELECT count(*)::integer
        FROM silver.clinical_alerts a
        WHERE a.patient_id = h.patient_id AND a.source = h.source
          AND a.measured_at > @now - interval '24 hours' AND a.measured_at <= @now) AS alerts_24h
FROM placed h
LEFT JOIN silver.patients p ON p.source = h.source AND p.patient_id = h.patient_id
LEFT JOIN LATERAL (
    SELECT v.measured_at, v.heart_rate, v.respiratory_rate, v.spo2, v.systolic_bp, v.temperature_c
    FROM silver.vital_signs v
    WHERE v.patient_id = h.patient_id AND v.source = h.source AND v.measured_at <= @now
    ORDER BY v.measured_at DESC
    LIMIT 1
) latest ON true
LEFT JOIN LATERAL (
    SELECT array_agg(s.news2_score ORDER BY s.measured_at) AS scores,
           (array_agg(s.news2_band ORDER BY s.measured_at DESC))[1] AS band
    FROM (
        SELECT v.news2_score, v.news2_band, v.measured_at
        FROM silver.vital_signs v
        WHERE v.patient_id = h.patient_id AND v.source = h.source AND v.measured_at <= @now AND v.news2_complete
        ORDER BY v.measured_at DESC
        LIMIT 8
    ) s
) recent ON true
WHERE @unit IS NULL OR h.unit = @unit
ORDER BY h.unit NULLS LAST, recent.scores[cardinality(recent.scores)] DESC NULLS LAST, h.patient_id, h.encounter_id
