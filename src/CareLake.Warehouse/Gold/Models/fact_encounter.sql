-- One row per encounter: length of stay, diagnoses, Charlson and LACE, and the 30-day readmission rule of
-- clinical.md §5.3 (transfer-linked episodes, index eligibility, unplanned readmission 1-30 days after discharge).
-- depends_on: silver.encounters, silver.diagnoses, silver.procedures, silver.patients, gold.dim_patient, gold.seed_charlson_icd10, gold.seed_snomed_icd10cm, gold.seed_condition_groups, gold.seed_planned_codes, ops.readmission_settings
-- materialized: per_patient

-- One large statement over small per-patient sets: compiling it (JIT) costs seconds and saves nothing.
SET LOCAL jit = off;

-- The data's end moves as data arrives (or the configured cut-off changes): recompute the patients whose stays it
-- moves across the 30-day follow-up line, in either direction.
WITH settings AS MATERIALIZED (
    SELECT s.time_zone,
           coalesce(s.data_cut_off, (SELECT (max(greatest(e.admitted_at, e.discharged_at)) AT TIME ZONE s.time_zone)::date
                                     FROM silver.encounters e WHERE e.status <> 'cancelled')) AS data_end
    FROM ops.readmission_settings s
)
INSERT INTO model_patients (source, patient_id)
SELECT DISTINCT f.source, f.patient_id
FROM gold.fact_encounter f
CROSS JOIN settings s
WHERE (f.index_eligible OR f.exclusion_reason = 'incomplete_follow_up')
  AND ((f.exclusion_reason = 'incomplete_follow_up' AND f.discharge_date + 30 <= s.data_end)
    OR (f.index_eligible AND (s.data_end IS NULL OR f.discharge_date + 30 > s.data_end)))
ON CONFLICT DO NOTHING;

ANALYZE model_patients;

DELETE FROM gold.fact_encounter f
USING model_patients m
WHERE f.source = m.source AND f.patient_id = m.patient_id;

WITH settings AS MATERIALIZED (
    SELECT s.time_zone,
           coalesce(s.data_cut_off, (SELECT (max(greatest(e.admitted_at, e.discharged_at)) AT TIME ZONE s.time_zone)::date
                                     FROM silver.encounters e WHERE e.status <> 'cancelled')) AS data_end
    FROM ops.readmission_settings s
),
enc AS (
    SELECT e.source, e.encounter_id, e.patient_id, coalesce(e.class, 'unknown') AS encounter_class, e.status,
           e.facility_id, e.unit, e.admitted_at, e.discharged_at, e.admit_source, e.disposition,
           (e.admitted_at AT TIME ZONE s.time_zone)::date AS admit_date,
           (e.discharged_at AT TIME ZONE s.time_zone)::date AS discharge_date,
           -- HCUP: a negative stay is inconsistent, one over 20 years invalid; a stay without an admission time cannot be placed.
           (e.admitted_at IS NULL OR e.discharged_at < e.admitted_at
               OR e.discharged_at - e.admitted_at > interval '20 years') AS illogical,
           s.data_end
    FROM silver.encounters e
    JOIN model_patients m ON m.source = e.source AND m.patient_id = e.patient_id
    CROSS JOIN settings s
    WHERE e.status <> 'cancelled'
),
-- Diagnoses read as ICD-10-CM: the code itself, or a SNOMED CT code through the map.
dx AS (
    SELECT d.source, d.patient_id, d.encounter_id, d.rank, d.code_system, d.code, d.event_id, d.diagnosed_at, d.occurred_at,
           CASE WHEN d.code_system = 'ICD-10-CM' THEN d.code_undotted ELSE replace(map.icd10cm_code, '.', '') END AS icd,
           CASE WHEN d.code_system = 'ICD-10-CM' THEN coalesce(d.code_dotted, d.code_undotted) ELSE map.icd10cm_code END AS icd_dotted,
           coalesce(de.admitted_at, d.diagnosed_at, d.occurred_at) AS dx_at
    FROM silver.diagnoses d
    JOIN model_patients m ON m.source = d.source AND m.patient_id = d.patient_id
    LEFT JOIN gold.seed_snomed_icd10cm map ON d.code_system = 'SNOMED-CT' AND map.snomed_code = d.code
    LEFT JOIN enc de ON de.source = d.source AND de.encounter_id = d.encounter_id
    WHERE d.clinical_status IS DISTINCT FROM 'entered-in-error' AND d.clinical_status IS DISTINCT FROM 'refuted'
),
codes AS (
    SELECT DISTINCT icd FROM dx WHERE icd IS NOT NULL
),
-- Prefix matching by equality on the code's first n characters, for each prefix length n in a seed.
code_charlson AS (
    SELECT DISTINCT c.icd, s.condition
    FROM codes c
    JOIN (SELECT DISTINCT length(prefix) AS n FROM gold.seed_charlson_icd10) l ON true
    JOIN gold.seed_charlson_icd10 s ON s.prefix = left(c.icd, l.n)
),
code_group AS (
    SELECT DISTINCT ON (c.icd) c.icd, g.condition_group
    FROM codes c
    JOIN (SELECT DISTINCT length(prefix) AS n FROM gold.seed_condition_groups) l ON true
    JOIN gold.seed_condition_groups g ON g.prefix = left(c.icd, l.n)
    ORDER BY c.icd, l.n DESC
),
code_planned AS (
    SELECT DISTINCT c.icd
    FROM codes c
    JOIN (SELECT DISTINCT length(code) AS n FROM gold.seed_planned_codes WHERE code_system = 'ICD-10-CM') l ON true
    JOIN gold.seed_planned_codes p ON p.code_system = 'ICD-10-CM' AND p.code = left(c.icd, l.n)
),
charlson_groups AS (
    SELECT condition, min(weight_1987) AS weight_1987, min(nullif(dropped_when, '')) AS dropped_when
    FROM gold.seed_charlson_icd10
    GROUP BY condition
),
dx_condition AS (
    SELECT DISTINCT dx.source, dx.patient_id, dx.encounter_id, dx.dx_at, cc.condition
    FROM dx
    JOIN code_charlson cc ON cc.icd = dx.icd
),
-- Conditions present at an encounter: diagnosed in it, or in an encounter admitted (or a diagnosis made) no later.
encounter_condition AS (
    SELECT DISTINCT e.source, e.encounter_id, c.condition
    FROM enc e
    JOIN dx_condition c ON c.source = e.source AND c.patient_id = e.patient_id
        AND (c.encounter_id = e.encounter_id OR c.dx_at <= e.admitted_at)
),
present AS (
    SELECT ec.source, ec.encounter_id, array_agg(ec.condition) AS conditions
    FROM encounter_condition ec
    GROUP BY ec.source, ec.encounter_id
),
-- Quan's hierarchy: a milder group is not counted when its severe form is present.
charlson AS (
    SELECT p.source, p.encounter_id,
           array_agg(g.condition ORDER BY g.condition) AS conditions,
           sum(g.weight_1987)::integer AS charlson_index
    FROM present p
    CROSS JOIN LATERAL unnest(p.conditions) AS c(condition)
    JOIN charlson_groups g ON g.condition = c.condition
    WHERE g.dropped_when IS NULL OR NOT (g.dropped_when = ANY (p.conditions))
    GROUP BY p.source, p.encounter_id
),
-- The principal diagnosis: rank 1 (else the lowest rank), then codes with an ICD-10-CM reading, then the first recorded.
ranked_dx AS (
    SELECT dx.source, dx.encounter_id, dx.icd, dx.icd_dotted, dx.code_system, dx.code,
           row_number() OVER (PARTITION BY dx.source, dx.encounter_id
                              ORDER BY coalesce(dx.rank, 2147483647), dx.icd IS NULL, dx.diagnosed_at NULLS LAST, dx.occurred_at, dx.event_id) AS n
    FROM dx
    WHERE dx.encounter_id IS NOT NULL
),
encounter_dx AS (
    SELECT r.source, r.encounter_id,
           max(r.icd) FILTER (WHERE r.n = 1) AS principal_icd,
           max(r.icd_dotted) FILTER (WHERE r.n = 1) AS principal_code,
           max(r.code_system) FILTER (WHERE r.n = 1) AS principal_system,
           max(r.code) FILTER (WHERE r.n = 1) AS principal_received,
           coalesce(array_agg(DISTINCT r.icd_dotted ORDER BY r.icd_dotted) FILTER (WHERE r.n > 1 AND r.icd_dotted IS NOT NULL), '{}') AS secondary
    FROM ranked_dx r
    GROUP BY r.source, r.encounter_id
),
planned_procedure AS (
    SELECT DISTINCT p.source, p.encounter_id
    FROM silver.procedures p
    JOIN model_patients m ON m.source = p.source AND m.patient_id = p.patient_id
    JOIN gold.seed_planned_codes s ON s.code_system = p.code_system AND s.code = p.code AND s.code_system <> 'ICD-10-CM'
    WHERE p.encounter_id IS NOT NULL AND p.status IS DISTINCT FROM 'entered-in-error' AND p.status IS DISTINCT FROM 'not-done'
),
-- ED visits in the 6 months up to an inpatient admission; one that began in the 24 hours before it is taken as the
-- visit that led to the admission (it makes the admission emergent and is not counted, clinical.md §3).
ed AS (
    SELECT e.source, e.encounter_id,
           count(*)::integer AS visits,
           bool_or(v.admitted_at >= e.admitted_at - interval '24 hours') AS led_to_admission
    FROM enc e
    JOIN enc v ON v.source = e.source AND v.patient_id = e.patient_id AND v.encounter_class = 'emergency'
        AND v.encounter_id <> e.encounter_id
        AND v.admitted_at <= e.admitted_at AND v.admitted_at >= e.admitted_at - interval '6 months'
    WHERE e.encounter_class = 'inpatient'
    GROUP BY e.source, e.encounter_id
),
patient_key AS (
    SELECT DISTINCT ON (e.source, e.encounter_id) e.source, e.encounter_id, d.patient_key, d.birth_date
    FROM enc e
    JOIN gold.dim_patient d ON d.source = e.source AND d.patient_id = e.patient_id
    ORDER BY e.source, e.encounter_id,
             coalesce(d.valid_from <= e.admitted_at AND e.admitted_at < coalesce(d.valid_to, 'infinity'), false) DESC, d.valid_from
),
base AS (
    SELECT e.*,
           pk.patient_key,
           gold.age_years(pk.birth_date, e.admit_date) AS age_at_admission,
           CASE WHEN e.discharged_at IS NOT NULL AND NOT e.illogical THEN e.discharge_date - e.admit_date END AS los_days,
           CASE WHEN e.discharged_at IS NOT NULL AND NOT e.illogical THEN extract(epoch FROM e.discharged_at - e.admitted_at)::double precision / 3600 END AS los_hours,
           (lower(trim(coalesce(e.admit_source, ''))) IN ('emergency', 'emd', 'ed', 'er', '7', 'emergency_room')
               OR coalesce(ed.led_to_admission, false)) AS emergent,
           CASE WHEN e.encounter_class = 'inpatient' THEN coalesce(ed.visits, 0) - CASE WHEN ed.led_to_admission THEN 1 ELSE 0 END END AS ed_visits_6m,
           coalesce(e.disposition = 'expired'
               OR (e.disposition IS NULL AND p.death_date BETWEEN e.admit_date AND coalesce(e.discharge_date, e.admit_date)), false) AS died_during_stay,
           ex.principal_code, ex.principal_system, ex.principal_received, coalesce(ex.secondary, '{}') AS secondary,
           coalesce(cg.condition_group, 'other') AS condition_group,
           (cp.icd IS NOT NULL OR pp.encounter_id IS NOT NULL) AS planned,
           coalesce(ch.conditions, '{}') AS charlson_conditions,
           coalesce(ch.charlson_index, 0) AS charlson_index
    FROM enc e
    LEFT JOIN patient_key pk ON pk.source = e.source AND pk.encounter_id = e.encounter_id
    LEFT JOIN silver.patients p ON p.source = e.source AND p.patient_id = e.patient_id
    LEFT JOIN ed ON ed.source = e.source AND ed.encounter_id = e.encounter_id
    LEFT JOIN encounter_dx ex ON ex.source = e.source AND ex.encounter_id = e.encounter_id
    LEFT JOIN code_group cg ON cg.icd = ex.principal_icd
    LEFT JOIN code_planned cp ON cp.icd = ex.principal_icd
    LEFT JOIN planned_procedure pp ON pp.source = e.source AND pp.encounter_id = e.encounter_id
    LEFT JOIN charlson ch ON ch.source = e.source AND ch.encounter_id = e.encounter_id
),
-- §5.3 step 1: inpatient stays with logical dates, in admission order; a stay admitted on the day of, or the day
-- after, a discharge to another acute-care hospital continues that stay's episode.
stays AS (
    SELECT b.source, b.patient_id, b.encounter_id, b.admitted_at, b.admit_date, b.discharge_date, b.planned,
           coalesce(lag(b.disposition) OVER w = 'transfer'
                    AND b.admit_date BETWEEN lag(b.discharge_date) OVER w AND lag(b.discharge_date) OVER w + 1, false) AS continues
    FROM base b
    WHERE b.encounter_class = 'inpatient' AND NOT b.illogical
    WINDOW w AS (PARTITION BY b.source, b.patient_id ORDER BY b.admitted_at, b.encounter_id)
),
numbered AS (
    SELECT s.*, sum(CASE WHEN s.continues THEN 0 ELSE 1 END)
                    OVER (PARTITION BY s.source, s.patient_id ORDER BY s.admitted_at, s.encounter_id) AS episode_no
    FROM stays s
),
episode AS (
    SELECT n.source, n.patient_id, n.episode_no,
           (array_agg(n.encounter_id ORDER BY n.admitted_at, n.encounter_id))[1] AS episode_id,
           (array_agg(n.encounter_id ORDER BY n.admitted_at DESC, n.encounter_id DESC))[1] AS last_encounter_id,
           (array_agg(n.admit_date ORDER BY n.admitted_at, n.encounter_id))[1] AS admit_date,
           (array_agg(n.discharge_date ORDER BY n.admitted_at DESC, n.encounter_id DESC))[1] AS discharge_date,
           (array_agg(n.planned ORDER BY n.admitted_at, n.encounter_id))[1] AS planned
    FROM numbered n
    GROUP BY n.source, n.patient_id, n.episode_no
),
-- §5.3 step 3: the first later episode admitted 1-30 days after this one's discharge that is not planned.
readmission AS (
    SELECT DISTINCT ON (i.source, i.patient_id, i.episode_no)
           i.source, i.patient_id, i.episode_no, r.admit_date - i.discharge_date AS days, r.episode_id AS encounter_id
    FROM episode i
    JOIN episode r ON r.source = i.source AND r.patient_id = i.patient_id AND r.episode_no > i.episode_no
        AND NOT r.planned AND r.admit_date - i.discharge_date BETWEEN 1 AND 30
    ORDER BY i.source, i.patient_id, i.episode_no, r.episode_no
),
judged AS (
    SELECT b.*, ep.episode_id, coalesce(ep.last_encounter_id = b.encounter_id, false) AS episode_last_stay,
           r.days AS readmission_days, r.encounter_id AS readmission_id,
           -- §5.3 step 2, first reason that applies (docs/gold.md lists them).
           CASE
               WHEN b.encounter_class <> 'inpatient' THEN 'not_inpatient'
               WHEN b.illogical THEN 'illogical_dates'
               WHEN ep.last_encounter_id <> b.encounter_id THEN 'transfer'
               WHEN b.discharged_at IS NULL THEN 'not_discharged'
               WHEN b.died_during_stay THEN 'death'
               WHEN b.disposition = 'ama' THEN 'ama'
               WHEN b.disposition = 'transfer' THEN 'transfer'
               WHEN ep.planned THEN 'planned'
               WHEN b.data_end IS NULL OR ep.discharge_date + 30 > b.data_end THEN 'incomplete_follow_up'
           END AS exclusion_reason
    FROM base b
    LEFT JOIN numbered n ON n.source = b.source AND n.encounter_id = b.encounter_id
    LEFT JOIN episode ep ON ep.source = n.source AND ep.patient_id = n.patient_id AND ep.episode_no = n.episode_no
    LEFT JOIN readmission r ON r.source = n.source AND r.patient_id = n.patient_id AND r.episode_no = n.episode_no
)
INSERT INTO gold.fact_encounter (
    source, encounter_id, patient_id, patient_key, encounter_class, status, facility_id, unit, admitted_at, discharged_at,
    admit_date, discharge_date, admit_date_key, discharge_date_key, los_days, los_hours, age_at_admission, admit_source,
    emergent, disposition, died_during_stay, principal_diagnosis_code, principal_diagnosis_system,
    principal_diagnosis_received, secondary_diagnosis_codes, condition_group, planned, charlson_conditions, charlson_index,
    ed_visits_6m, lace_score, lace_band, episode_id, episode_last_stay, index_eligible, exclusion_reason, readmitted_30d,
    days_to_readmission, readmission_encounter_id)
SELECT j.source, j.encounter_id, j.patient_id, j.patient_key, j.encounter_class, j.status, j.facility_id, j.unit,
       j.admitted_at, j.discharged_at, j.admit_date, j.discharge_date,
       to_char(j.admit_date, 'YYYYMMDD')::integer, to_char(j.discharge_date, 'YYYYMMDD')::integer,
       j.los_days, j.los_hours, j.age_at_admission, j.admit_source, j.emergent, j.disposition, j.died_during_stay,
       j.principal_code, j.principal_system, j.principal_received, j.secondary, j.condition_group, j.planned,
       j.charlson_conditions, j.charlson_index, j.ed_visits_6m,
       CASE WHEN j.encounter_class = 'inpatient' THEN gold.lace_score(j.los_days, j.emergent, j.charlson_index, j.ed_visits_6m) END,
       CASE WHEN j.encounter_class = 'inpatient' THEN gold.lace_band(gold.lace_score(j.los_days, j.emergent, j.charlson_index, j.ed_visits_6m)) END,
       j.episode_id, j.episode_last_stay, j.exclusion_reason IS NULL, j.exclusion_reason,
       CASE WHEN j.exclusion_reason IS NULL THEN j.readmission_days IS NOT NULL END,
       CASE WHEN j.exclusion_reason IS NULL THEN j.readmission_days END,
       CASE WHEN j.exclusion_reason IS NULL THEN j.readmission_id END
FROM judged j;
