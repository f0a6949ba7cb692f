-- The ward view: a notification when vital signs commit, and the indexes its queries read by.

-- Wake the ward's live view the moment a transaction that stored vital signs commits (NOTIFY is delivered at commit).
-- One per statement, never per row: a micro-batch COPYs its sets in one statement, and PostgreSQL folds equal
-- notifications of one transaction into one. Alerts already notify on carelake_alerts (migration 0013).
CREATE FUNCTION silver.notify_vital_signs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('carelake_vitals', TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME);
    RETURN NULL;
END
$$;
CREATE TRIGGER vital_signs_notify AFTER INSERT ON silver.vital_signs
    FOR EACH STATEMENT EXECUTE FUNCTION silver.notify_vital_signs();

-- Alerts of the last 24 hours, hospital-wide.
CREATE INDEX clinical_alerts_measured_idx ON silver.clinical_alerts (measured_at);

-- Who is in house at a moment: encounters still in house, and (for a past moment) those discharged after it.
CREATE INDEX encounters_in_house_idx ON silver.encounters (admitted_at) WHERE status = 'in_house';
CREATE INDEX encounters_discharged_at_idx ON silver.encounters (discharged_at) WHERE status = 'discharged';

-- A patient page names the patient by id alone; the source is found from it.
CREATE INDEX patients_patient_id_idx ON silver.patients (patient_id);
