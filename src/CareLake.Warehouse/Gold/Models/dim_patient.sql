-- One row per patient version (SCD type 2): silver.patient_versions, whose history is re-derived in event-time order
-- whenever a record arrives, so late and out-of-order updates land in their place; analytics fields beside identified ones.
-- depends_on: silver.patient_versions, gold.seed_restricted_zip3
-- materialized: per_patient
DELETE FROM gold.dim_patient d
 USING model_patients m
 WHERE d.source = m.source AND d.patient_id = m.patient_id;

INSERT INTO gold.dim_patient (
    patient_key, source, patient_id, version, valid_from, valid_to, is_current,
    age_band, sex, race, ethnicity, zip3, state, birth_year, death_date, marital_status, language,
    given_name, family_name, birth_date, address_line1, city, postal_code, country, phone, ssn)
SELECT gold.patient_key(v.source, v.patient_id, v.version), v.source, v.patient_id, v.version, v.valid_from, v.valid_to,
       v.valid_to IS NULL,
       gold.age_band(age.years),
       v.sex, v.race, v.ethnicity,
       CASE WHEN v.postal_code !~ '^[0-9]{5}(-?[0-9]{4})?$' THEN NULL
            WHEN r.zip3 IS NOT NULL THEN '000'
            ELSE left(v.postal_code, 3) END,
       v.state,
       CASE WHEN age.years >= 90 THEN NULL ELSE extract(year FROM v.birth_date)::integer END,
       v.death_date, v.marital_status, v.language,
       v.given_name, v.family_name, v.birth_date, v.address_line1, v.city, v.postal_code, v.country, v.phone, v.ssn
  FROM silver.patient_versions v
  JOIN model_patients m ON m.source = v.source AND m.patient_id = v.patient_id
 CROSS JOIN LATERAL (SELECT gold.age_years(v.birth_date, (v.valid_from AT TIME ZONE 'UTC')::date) AS years) AS age
  LEFT JOIN gold.seed_restricted_zip3 r ON r.zip3 = left(v.postal_code, 3);
