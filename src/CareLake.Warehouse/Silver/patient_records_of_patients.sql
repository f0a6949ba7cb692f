-- Every demographic record of the patients ($1 sources, $2 patient ids), for re-deriving their history.
SELECT p.event_id, p.source, p.patient_id, p.source_system, p.occurred_at, p.given_name, p.family_name, p.birth_date,
       p.death_date, p.sex, p.race, p.ethnicity, p.marital_status, p.language, p.phone, p.ssn, p.address_line1, p.city,
       p.state, p.postal_code, p.country
  FROM silver.patient_records p
  JOIN unnest($1::text[], $2::text[]) AS k(source, patient_id)
    ON p.source = k.source AND p.patient_id = k.patient_id;
