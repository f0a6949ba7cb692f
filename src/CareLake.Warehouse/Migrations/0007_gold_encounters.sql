-- Gold: encounters and diagnoses. The encounter fact (length of stay, LACE, Charlson, 30-day readmission), the
-- diagnosis and procedure dimensions, the length-of-stay, readmission and diagnosis-pattern marts, the reference seeds
-- they read and the readmission settings. Documented in docs/gold.md, "Encounters and diagnoses".

-- Seeds (loaded from Gold/Seeds/<name>.csv before the models run; columns = the CSV header).

-- The Charlson groups of Quan et al. 2005 (ICD-10), one row per code prefix; written from CareLake.Core's
-- CharlsonConditions (a test keeps the file equal to it).
CREATE TABLE gold.seed_charlson_icd10 (
    condition           text COLLATE "C" NOT NULL,  -- group code, e.g. congestive_heart_failure
    weight_1987         integer NOT NULL,           -- Charlson et al. 1987 weight (the one LACE uses)
    weight_quan2011     integer NOT NULL,           -- Quan et al. 2011 updated weight
    prefix              text COLLATE "C" NOT NULL,  -- undotted upper-case ICD-10 prefix; a code starting with it belongs to the group
    dropped_when        text COLLATE "C"            -- the more severe group that removes this one when present (hierarchy), else empty
);

-- The 22 chapters of ICD-10-CM by range of three-character categories.
CREATE TABLE gold.seed_icd10cm_chapters (
    chapter             integer NOT NULL,           -- 1..22
    first_category      text COLLATE "C" NOT NULL,  -- first three-character category of the chapter, e.g. A00
    last_category       text COLLATE "C" NOT NULL,  -- last one, inclusive, e.g. B99
    title               text NOT NULL
);

-- SNOMED CT concepts (as Synthea emits them) mapped to one ICD-10-CM code each, so they take part in Charlson,
-- condition groups, chapters and planned stays.
CREATE TABLE gold.seed_snomed_icd10cm (
    snomed_code         text COLLATE "C" NOT NULL,  -- SNOMED CT concept id
    snomed_description  text NOT NULL,
    icd10cm_code        text COLLATE "C" NOT NULL,  -- ICD-10-CM code with its dot
    icd10cm_description text NOT NULL
);

-- Readmission condition groups (the CMS HRRP cohorts) by principal diagnosis; a code matching no prefix is "other".
CREATE TABLE gold.seed_condition_groups (
    condition_group     text COLLATE "C" NOT NULL,  -- heart_failure, copd, pneumonia, ami
    prefix              text COLLATE "C" NOT NULL,  -- undotted ICD-10-CM prefix
    description         text NOT NULL
);

-- Codes that make a stay planned (clinical.md §5.2): a planned readmission is not counted as an outcome and a planned
-- index stay is not in the denominator.
CREATE TABLE gold.seed_planned_codes (
    code_system         text COLLATE "C" NOT NULL,  -- ICD-10-CM (principal diagnosis prefix), SNOMED-CT or ICD-10-PCS (procedure code)
    code                text COLLATE "C" NOT NULL,  -- undotted ICD-10-CM prefix, or a whole procedure code
    category            text COLLATE "C" NOT NULL,  -- chemotherapy, radiotherapy, rehabilitation, transplant, transplant_follow_up
    description         text NOT NULL
);

-- Settings the readmission rule reads: one row, edited with SQL (e.g. UPDATE ops.readmission_settings SET
-- data_cut_off = '2026-06-30'), then a gold run.
CREATE TABLE ops.readmission_settings (
    id                  boolean PRIMARY KEY DEFAULT true CHECK (id),
    data_cut_off        date,                       -- the data's end for the 30-day follow-up rule; null = the latest admission or discharge in silver
    time_zone           text NOT NULL DEFAULT 'UTC' -- the zone whose calendar dates LOS days and readmission days count in
);
INSERT INTO ops.readmission_settings DEFAULT VALUES;

-- One row per encounter (not cancelled) of silver.encounters.
CREATE TABLE gold.fact_encounter (
    source                      text COLLATE "C" NOT NULL,
    encounter_id                text COLLATE "C" NOT NULL,
    patient_id                  text COLLATE "C" NOT NULL,
    patient_key                 bigint,             -- gold.dim_patient row valid at admission (else the patient's earliest)
    encounter_class             text NOT NULL,      -- inpatient, emergency, observation, outpatient (unknown when silver has none)
    status                      text NOT NULL,      -- silver status: registered, in_house, discharged, planned
    facility_id                 text,
    unit                        text,               -- the last unit
    admitted_at                 timestamptz,
    discharged_at               timestamptz,
    admit_date                  date,               -- admitted_at as a calendar date in readmission_settings.time_zone
    discharge_date              date,               -- discharged_at likewise
    admit_date_key              integer,            -- admit_date as yyyymmdd
    discharge_date_key          integer,            -- discharge_date as yyyymmdd
    los_days                    integer,            -- discharge_date - admit_date (HCUP date difference; same day = 0); null when not discharged or illogical
    los_hours                   double precision,   -- (discharged_at - admitted_at) in hours; null when not discharged or illogical
    age_at_admission            integer,            -- completed years at admit_date
    admit_source                text,               -- as received
    emergent                    boolean NOT NULL,   -- admitted through the emergency department (admit source or an ED visit leading to it)
    disposition                 text,               -- silver's normalised disposition
    died_during_stay            boolean NOT NULL,   -- disposition expired, or (no disposition) the patient's death date within the stay
    principal_diagnosis_code    text,               -- ICD-10-CM, dotted (SNOMED CT mapped; null when the code has no ICD-10-CM reading)
    principal_diagnosis_system  text,               -- code system the principal diagnosis was received in
    principal_diagnosis_received text,              -- the principal diagnosis code as received
    secondary_diagnosis_codes   text[] NOT NULL,    -- the encounter's other ICD-10-CM codes (dotted, mapped), sorted
    condition_group             text NOT NULL,      -- heart_failure, copd, pneumonia, ami, other (by principal diagnosis)
    planned                     boolean NOT NULL,   -- principal diagnosis or a procedure in gold.seed_planned_codes
    charlson_conditions         text[] NOT NULL,    -- Charlson groups counted (hierarchy applied) from this and earlier encounters' diagnoses
    charlson_index              integer NOT NULL,   -- 1987 weights with Quan's hierarchy (what LACE uses)
    ed_visits_6m                integer,            -- ED visits in the 6 months before admission, not counting the one that led to it (inpatient only)
    lace_score                  integer,            -- LACE 0..19 (inpatient stays discharged with logical dates)
    lace_band                   text,               -- low (0-4), moderate (5-9), high (>= 10)
    episode_id                  text COLLATE "C",   -- encounter_id of the first stay of the transfer-linked episode (inpatient only)
    episode_last_stay           boolean NOT NULL,   -- the stay the episode's readmission outcome is attributed to
    index_eligible              boolean NOT NULL,   -- in the readmission denominator
    exclusion_reason            text,               -- why not (see docs/gold.md); null when index_eligible
    readmitted_30d              boolean,            -- unplanned inpatient readmission 1..30 days after discharge; null when not index_eligible
    days_to_readmission         integer,            -- readmission admit_date - discharge_date, when readmitted_30d
    readmission_encounter_id    text COLLATE "C",   -- the readmitting stay, when readmitted_30d
    PRIMARY KEY (source, encounter_id)
);
CREATE INDEX fact_encounter_patient_idx ON gold.fact_encounter (source, patient_id);
CREATE INDEX fact_encounter_follow_up_idx ON gold.fact_encounter (discharge_date)
    WHERE index_eligible OR exclusion_reason = 'incomplete_follow_up';

-- Every diagnosis code seen in silver, with its ICD-10-CM reading.
CREATE TABLE gold.dim_diagnosis (
    code_system         text COLLATE "C" NOT NULL,  -- ICD-10-CM, SNOMED-CT, or as received
    code                text COLLATE "C" NOT NULL,  -- ICD-10-CM undotted upper case (silver's code_undotted); other systems as received
    icd10cm_code        text COLLATE "C",           -- the ICD-10-CM code, dotted (the code itself, or a SNOMED CT code mapped); null when unmapped
    description         text,                       -- the description received most often (the map's for mapped codes when none)
    chapter             integer,                    -- ICD-10-CM chapter 1..22
    chapter_title       text,
    charlson_conditions text[] NOT NULL,            -- Charlson groups the code belongs to (before the hierarchy)
    condition_group     text NOT NULL,              -- heart_failure, copd, pneumonia, ami, other
    planned             boolean NOT NULL,           -- a planned-care diagnosis (as principal diagnosis it makes a stay planned)
    diagnoses           bigint NOT NULL,            -- silver.diagnoses rows with the code
    PRIMARY KEY (code_system, code)
);

-- Every procedure code seen in silver.
CREATE TABLE gold.dim_procedure (
    code_system         text COLLATE "C" NOT NULL,  -- SNOMED-CT, ICD-10-PCS, CPT, or as received
    code                text COLLATE "C" NOT NULL,
    description         text,                       -- the description received most often
    planned             boolean NOT NULL,           -- in gold.seed_planned_codes: a stay with it is planned
    planned_category    text,                       -- its category there
    procedures          bigint NOT NULL,            -- silver.procedures rows with the code
    PRIMARY KEY (code_system, code)
);

-- Length of stay of discharged inpatient stays (logical dates), by discharge month, chapter of the principal diagnosis,
-- unit and age band; rows with grouping = 'month' hold each month's totals over everything.
CREATE TABLE gold.mart_los (
    grouping            text NOT NULL,              -- detail, month
    month               date NOT NULL,              -- first day of the discharge month
    chapter             text NOT NULL,              -- ICD-10-CM chapter number as two digits ('09'), 'unknown', or 'all'
    unit                text NOT NULL,              -- last unit, 'unknown', or 'all'
    age_band            text NOT NULL,              -- gold.age_band at admission, 'unknown', or 'all'
    encounters          bigint NOT NULL,
    mean_los_days       double precision NOT NULL,
    median_los_days     double precision NOT NULL,
    p90_los_days        double precision NOT NULL,  -- continuous 90th percentile
    mean_los_hours      double precision NOT NULL,
    median_los_hours    double precision NOT NULL,
    p90_los_hours       double precision NOT NULL
);

-- 30-day readmission rate of index stays by month of index discharge, condition group, age band, sex and race; rows
-- with grouping = 'month' total each month and the one row with grouping = 'all' totals everything (month null).
CREATE TABLE gold.mart_readmissions (
    grouping            text NOT NULL,              -- detail, month, all
    month               date,                       -- first day of the index discharge month; null for 'all'
    condition_group     text NOT NULL,              -- heart_failure, copd, pneumonia, ami, other, or 'all'
    age_band            text NOT NULL,
    sex                 text NOT NULL,
    race                text NOT NULL,
    index_stays         bigint NOT NULL,            -- denominator: index_eligible stays
    readmissions        bigint NOT NULL,            -- numerator: those readmitted_30d
    rate                double precision NOT NULL   -- readmissions / index_stays
);

-- Top principal diagnoses and procedures of inpatient stays, and pairs of Charlson comorbidities present together.
CREATE TABLE gold.mart_diagnosis_patterns (
    pattern             text NOT NULL,              -- principal_diagnosis, procedure, comorbidity_pair
    rank                integer NOT NULL,           -- 1 = most encounters within the pattern
    code_system         text,                       -- of code (ICD-10-CM, SNOMED-CT, ICD-10-PCS, ...; 'charlson' for pairs)
    code                text NOT NULL,              -- diagnosis or procedure code, or the first Charlson group of a pair
    description         text,
    other_code          text,                       -- the second Charlson group of a pair
    encounters          bigint NOT NULL,            -- inpatient stays with it
    patients            bigint NOT NULL             -- distinct patients with it
);

-- LACE (clinical.md §3), the same rule as CareLake.Core.Scoring.Lace: L 0/1/2/3 for < 1..3 days, 4 for 4-6, 5 for
-- 7-13, 7 for >= 14; A 3 when emergent; C the Charlson index 0-3, 5 for >= 4; E the ED visits 0-3, 4 for >= 4.
-- Null when an input is null.
CREATE FUNCTION gold.lace_score(los_days integer, emergent boolean, charlson_index integer, ed_visits_6m integer)
RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN los_days < 1 THEN 0 WHEN los_days <= 3 THEN los_days WHEN los_days <= 6 THEN 4
                WHEN los_days <= 13 THEN 5 ELSE 7 END
         + CASE WHEN emergent THEN 3 WHEN NOT emergent THEN 0 END
         + CASE WHEN charlson_index < 1 THEN 0 WHEN charlson_index <= 3 THEN charlson_index ELSE 5 END
         + CASE WHEN ed_visits_6m < 0 THEN 0 WHEN ed_visits_6m <= 4 THEN ed_visits_6m ELSE 4 END
$$;

-- LACE band: 0-4 low, 5-9 moderate, >= 10 high.
CREATE FUNCTION gold.lace_band(lace integer)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN lace >= 10 THEN 'high' WHEN lace >= 5 THEN 'moderate' WHEN lace >= 0 THEN 'low' END
$$;
