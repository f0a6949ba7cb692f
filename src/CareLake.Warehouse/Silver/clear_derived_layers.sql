-- Empties every table of silver and gold: both are functions of bronze, and a rebuild types bronze again from its
-- first row. One TRUNCATE over all of them, so it holds its locks once and leaves no table half cleared.
DO $$
DECLARE
    tables text;
BEGIN
    SELECT string_agg(format('%I.%I', schemaname, tablename), ', ' ORDER BY schemaname, tablename)
      INTO tables
      FROM pg_tables
     WHERE schemaname IN ('silver', 'gold');
    IF tables IS NOT NULL THEN
        EXECUTE 'TRUNCATE ' || tables;
    END IF;
END
$$;
