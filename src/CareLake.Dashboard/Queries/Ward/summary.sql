-- The ward's summary cards at @now: encounters in house (as in_house.sql), by the band of their current NEWS2 (the
-- latest complete vital-sign set measured by @now; no_score when there is none) and the clinical alerts measured in
-- the 24 h up to @now (on the unit as alerts.sql places them, when @unit is given). One row.
-- Parameters: @now (timestamptz), @unit (text, null for every unit).
WITH in_house AS (
    SELECT e.source, e.encounter_id, e.patient_id, e.unit
    FROM silver.encounters e
    WHERE e.status = 'in_house' AND coalesce(e.admitted_at, e.first_event_at) <= @now
    UNION ALL
    SELECT e.source, e.encounter_id, e.patient_id, e.unit
    FROM silver.encounters e
    WHERE e.status = 'discharged' AND e.discharged_at > @now AND coalesce(e.admitted_at, e.first_event_at) <= @now
),
placed AS (
    SELECT h.source, h.patient_id, coalesce(stay.unit, h.unit) AS unit
    FROM in_house h
    LEFT JOIN LATERAL (
        SELECT l.unit
        FROM silver.encounter_locations l
        WHERE l.source = h.source AND l.encounter_id = h.encounter_id AND l.started_at <= @now
        ORDER BY l.sequence DESC
        LIMIT 1
    ) stay ON true
    WHERE h.patient_id IS NOT NULL
),
scored AS (
    SELECT h.*, current.news2_band
    FROM placed h
    LEFT JOIN LATERAL (
        SELECT v.news2_band
        FROM silver.vital_signs v
        WHERE v.patient_id = h.patient_id AND v.source = h.source AND v.measured_at <= @now AND v.news2_complete
        ORDER BY v.measured_at DESC
        LIMIT 1
    ) current ON true
    WHERE @unit IS NULL OR h.unit = @unit
),
alerts AS (
    SELECT count(*)::integer AS alerts,
           count(*) FILTER (WHERE a.severity = 'critical')::integer AS critical,
           count(DISTINCT (a.source, a.patient_id))::integer AS patients
    FROM silver.clinical_alerts a
    LEFT JOIN silver.encounters e ON e.source = a.source AND e.encounter_id = a.encounter_id
    LEFT JOIN LATERAL (
        SELECT l.unit
        FROM silver.encounter_locations l
        WHERE l.source = a.source AND l.encounter_id = a.encounter_id AND l.started_at <= a.measured_at
        ORDER BY l.sequence DESC
        LIMIT 1
    ) stay ON true
    WHERE a.measured_at > @now - interval '24 hours' AND a.measured_at <= @now
      AND (@unit IS NULL OR coalesce(stay.unit, e.unit) = @unit)
)
SELECT @now AS as_of,
       (SELECT count(*)::integer FROM scored) AS in_house,
       (SELECT count(*)::integer FROM scored WHERE news2_band = 'high') AS high,
       (SELECT count(*)::integer FROM scored WHERE news2_band = 'medium') AS medium,
       (SELECT count(*)::integer FROM scored WHERE news2_band = 'low-medium') AS low_medium,
       (SELECT count(*)::integer FROM scored WHERE news2_band = 'low') AS low,
       (SELECT count(*)::integer FROM scored WHERE news2_band IS NULL) AS no_score,
       alerts.alerts AS alerts_24h,
       alerts.critical AS critical_alerts_24h,
       alerts.patients AS patients_alerted_24h
FROM alerts
