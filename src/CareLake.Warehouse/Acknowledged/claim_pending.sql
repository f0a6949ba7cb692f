-- Takes the bronze rows ($1 ids) off the silver queue inside the transaction that writes their silver rows. A row
-- another worker's transaction took first is locked until that one commits and then gone: the caller compares the
-- count with what it asked for and, short of it, rolls back and reads the queue again.
DELETE FROM ingest.silver_pending WHERE bronze_id = ANY($1::bigint[]);
