-- One patient's header (identified: this is the clinical view): demographics, the encounter in house at @now (the
-- latest admitted when several are) with its place, and the current NEWS2 (the latest complete set measured by @now).
-- Parameters: @source, @patient (text), @now (timestamptz).
SELECT k.patient_id,
       k.source,
       nullif(concat_ws(' ', p.given_name, p.family_name), '') AS name,
       p.given_name,
       p.family_name,
       p.sex,
       p.birth_date,
       gold.age_years(p.birth_date, least(coalesce(p.death_date, 'infinity'::date), (@now AT TIME ZONE 'UTC')::date)) AS age,
       p.death_date,
       cur.encounter_id IS NOT NULL AS in_house,
       cur.encounter_id,
       cur.class AS encounter_class,
       cur.admitted_at,
       round((extract(epoch FROM @now - cur.admitted_at) / 86400)::numeric, 1) AS days_in_house,
       coalesce(stay.unit, cur.unit) AS unit,
       CASE WHEN stay.unit IS NULL THEN cur.room ELSE stay.room END AS room,
       CASE WHEN stay.unit IS NULL THEN cur.bed ELSE stay.bed END AS bed,
       cur.attending_provider_id,
       news2.news2_score,
       news2.news2_band,
       news2.measured_at AS news2_measured_at
FROM (SELECT @source::text AS source, @patient::text AS patient_id) k
LEFT JOIN silver.patients p ON p.source = k.source AND p.patient_id = k.patient_id
LEFT JOIN LATERAL (
    SELECT e.encounter_id, e.class, e.unit, e.room, e.bed, e.attending_provider_id, coalesce(e.admitted_at, e.first_event_at) AS admitted_at
    FROM silver.encounters e
    WHERE e.source = k.source AND e.patient_id = k.patient_id
      AND coalesce(e.admitted_at, e.first_event_at) <= @now
      AND (e.status = 'in_house' OR (e.status = 'discharged' AND e.discharged_at > @now))
    ORDER BY coalesce(e.admitted_at, e.first_event_at) DESC
    LIMIT 1
) cur ON true
LEFT JOIN LATERAL (
    SELECT l.unit, l.room, l.bed
    FROM silver.encounter_locations l
    WHERE l.source = k.source AND l.encounter_id = cur.encounter_id AND l.started_at <= @now
    ORDER BY l.sequence DESC
    LIMIT 1
) stay ON true
LEFT JOIN LATERAL (
    SELECT v.news2_score, v.news2_band, v.measured_at
    FROM silver.vital_signs v
    WHERE v.patient_id = k.patient_id AND v.source = k.source AND v.measured_at <= @now AND v.news2_complete
    ORDER BY v.measured_at DESC
    LIMIT 1
) news2 ON true
