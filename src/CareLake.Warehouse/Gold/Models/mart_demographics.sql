-- Patients by age band, sex, race, ethnicity and state of their current demographic version, with their encounters.
-- depends_on: gold.dim_patient, silver.encounters
-- materialized: table
--
-- Age is completed years at the data's end (the latest admission or discharge in silver, as a facility day), or at
-- death when that came first (gold.age_years, gold.age_band); without encounters, at today's date. Encounters that were cancelled are not counted.
DELETE FROM gold.mart_demographics;

WITH as_of AS (
    SELECT coalesce(gold.facility_local(max(greatest(admitted_at, discharged_at)))::date, gold.facility_local(now())::date) AS day FROM silver.encounters
),
visits AS (
    SELECT source, patient_id,
           count(*) AS encounters,
           count(*) FILTER (WHERE class = 'inpatient') AS inpatient,
           count(*) FILTER (WHERE class = 'emergency') AS emergency,
           count(*) FILTER (WHERE class = 'observation') AS observation,
           count(*) FILTER (WHERE class = 'outpatient') AS outpatient
      FROM silver.encounters
     WHERE status <> 'cancelled' AND patient_id IS NOT NULL
     GROUP BY source, patient_id
),
patients AS (
    SELECT a.day AS as_of_date,
           gold.age_band(gold.age_years(p.birth_date, least(a.day, p.death_date))) AS age_band,
           p.sex, p.race, p.ethnicity, p.state, p.death_date,
           v.encounters, v.inpatient, v.emergency, v.observation, v.outpatient
      FROM gold.dim_patient p
     CROSS JOIN as_of a
      LEFT JOIN visits v ON v.source = p.source AND v.patient_id = p.patient_id
     WHERE p.is_current
)
INSERT INTO gold.mart_demographics (as_of_date, age_band, sex, race, ethnicity, state, patients, deceased_patients,
    patients_with_encounter, encounters, inpatient_encounters, emergency_encounters, observation_encounters, outpatient_encounters)
SELECT as_of_date, age_band, sex, race, ethnicity, state,
       count(*),
       count(*) FILTER (WHERE death_date IS NOT NULL),
       count(*) FILTER (WHERE encounters > 0),
       coalesce(sum(encounters), 0), coalesce(sum(inpatient), 0), coalesce(sum(emergency), 0),
       coalesce(sum(observation), 0), coalesce(sum(outpatient), 0)
  FROM patients
 GROUP BY as_of_date, age_band, sex, race, ethnicity, state
 ORDER BY age_band, sex, race, ethnicity, state;
