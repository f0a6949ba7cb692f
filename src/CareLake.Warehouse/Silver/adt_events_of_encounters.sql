-- Every ADT record of the encounters ($1 sources, $2 encounter ids), for re-deriving silver.encounters.
SELECT a.event_id, a.source, a.encounter_id, a.patient_id, a.action, a.occurred_at, a.class_received, a.class,
       a.facility_id, a.unit, a.room, a.bed, a.admit_source, a.admitted_at, a.discharged_at, a.disposition,
       a.disposition_received, a.attending_provider_id, a.status, a.description, a.source_system
  FROM silver.adt_events a
  JOIN unnest($1::text[], $2::text[]) AS k(source, encounter_id)
    ON a.source = k.source AND a.encounter_id = k.encounter_id;
