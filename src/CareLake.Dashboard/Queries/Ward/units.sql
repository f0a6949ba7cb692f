-- The units to filter the ward by, as [value, label]: every unit a stay was placed on (gold.dim_location) and every
-- unit of an encounter in house now, labelled with its patients in house at @now. Parameter: @now (timestamptz).
WITH in_house AS (
    SELECT e.source, e.encounter_id, e.unit
    FROM silver.encounters e
    WHERE e.status = 'in_house' AND coalesce(e.admitted_at, e.first_event_at) <= @now
    UNION ALL
    SELECT e.source, e.encounter_id, e.unit
    FROM silver.encounters e
    WHERE e.status = 'discharged' AND e.discharged_at > @now AND coalesce(e.admitted_at, e.first_event_at) <= @now
),
placed AS (
    SELECT coalesce(stay.unit, h.unit) AS unit
    FROM in_house h
    LEFT JOIN LATERAL (
        SELECT l.unit
        FROM silver.encounter_locations l
        WHERE l.source = h.source AND l.encounter_id = h.encounter_id AND l.started_at <= @now
        ORDER BY l.sequence DESC
        LIMIT 1
    ) stay ON true
),
units AS (
    SELECT unit FROM gold.dim_location WHERE unit IS NOT NULL
    UNION
    SELECT unit FROM placed WHERE unit IS NOT NULL
)
SELECT u.unit AS value,
       u.unit || ' (' || (SELECT count(*) FROM placed p WHERE p.unit = u.unit) || ' in house)' AS label
FROM units u
ORDER BY u.unit
