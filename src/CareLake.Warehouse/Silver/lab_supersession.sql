-- Marks superseded lab results of the tests ($1 sources, $2 patient ids, $3 LOINC codes). Results of one test on one specimen
-- (same source, patient, encounter, LOINC code and collection time — or result time when no collection time was
-- sent) form a chain; the latest resulted one is current (a corrected result wins a tie), and every other one points
-- to it in superseded_by. A patient's results arrive in order on one Kafka partition (the contract keys events by
-- patient), so two batches never extend one chain at the same time.
WITH chains AS (
    SELECT l.event_id,
           first_value(l.event_id) OVER (
               PARTITION BY l.source, l.patient_id, l.encounter_id, l.loinc_code, coalesce(l.specimen_collected_at, l.resulted_at)
               ORDER BY l.resulted_at DESC NULLS LAST, (l.status = 'corrected') DESC, l.event_id DESC) AS current_id
      FROM silver.lab_results l
      JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(source, patient_id, loinc_code)
        ON l.source = k.source AND l.patient_id = k.patient_id AND l.loinc_code = k.loinc_code
)
UPDATE silver.lab_results l
   SET superseded_by = nullif(c.current_id, l.event_id)
  FROM chains c
 WHERE l.event_id = c.event_id
   AND l.superseded_by IS DISTINCT FROM nullif(c.current_id, l.event_id);
