-- A per-session staging table for one batch of vital signs, emptied at every commit.
CREATE TEMP TABLE IF NOT EXISTS silver_vital_signs_stage (
    LIKE silver.vital_signs,
    alert_kind      text,
    alert_severity  text,
    alert_reason    text
) ON COMMIT DELETE ROWS;
