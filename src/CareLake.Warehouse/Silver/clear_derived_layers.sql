-- Empties every table of silver and gold: both are functions of bronze, and a rebuild types bronze again from its
-- first row. The queue of bronze rows waiting to be typed goes too, since the rebuild types them. One TRUNCATE over
-- all of them, so it holds its locks once and leaves no table half cleared.
DO $$
DECLARE
    tables text;
BEGIN
    SELECT string_agg(format('%I.%I', schemaname, tablename), ', ' ORDER BY schemaname, tablename)
      INTO tables
      FROM pg_tables
     WHERE schemaname IN ('silver', 'gold') OR (schemaname = 'ingest' AND tablename = 'silver_pending');
    IF tables IS NOT NULL THEN
        EXECUTE 'TRUNCATE ' || tables;
    END IF;
END
$$;
