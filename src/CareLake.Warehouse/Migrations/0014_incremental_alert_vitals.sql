-- gold.mart_alerts_vitals is recomputed per patient (a row per alert): the runner finds a patient's rows by this.
CREATE INDEX mart_alerts_vitals_patient_idx ON gold.mart_alerts_vitals (source, patient_id);
