-- Which source a patient id belongs to: its demographics first (a medical record number before other sources), else
-- its vital signs. No row: no such patient. Parameters: @patient (text), @source (text, null for any).
SELECT source
FROM (
    SELECT p.source, 0 AS rank
    FROM silver.patients p
    WHERE p.patient_id = @patient AND (@source IS NULL OR p.source = @source)
    UNION ALL
    (SELECT v.source, 1
     FROM silver.vital_signs v
     WHERE v.patient_id = @patient AND (@source IS NULL OR v.source = @source)
     LIMIT 1)
) known
ORDER BY rank, source <> 'mrn', source
LIMIT 1
