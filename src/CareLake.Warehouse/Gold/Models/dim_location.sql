-- Every place an encounter was placed: facility, unit, room and bed as recorded (room and bed null where only the unit
-- was), from the encounters' stays and their current placement. The key is a hash of the four parts, stable across rebuilds.
-- depends_on: silver.encounter_locations, silver.encounters
-- materialized: table
DELETE FROM gold.dim_location;

WITH places AS (
    SELECT e.facility_id, l.unit, l.room, l.bed, 1 AS stay, l.started_at AS seen_from, coalesce(l.ended_at, l.started_at) AS seen_to
      FROM silver.encounter_locations l
      LEFT JOIN silver.encounters e ON e.source = l.source AND e.encounter_id = l.encounter_id
    UNION ALL
    SELECT e.facility_id, e.unit, e.room, e.bed, 0, coalesce(e.admitted_at, e.first_event_at), coalesce(e.discharged_at, e.last_event_at)
      FROM silver.encounters e
     WHERE e.unit IS NOT NULL
)
INSERT INTO gold.dim_location (location_key, facility_id, unit, room, bed, stays, first_seen_at, last_seen_at)
SELECT gold.location_key(facility_id, unit, room, bed), facility_id, unit, room, bed, sum(stay), min(seen_from), max(greatest(seen_from, seen_to))
  FROM places
 GROUP BY facility_id, unit, room, bed;
