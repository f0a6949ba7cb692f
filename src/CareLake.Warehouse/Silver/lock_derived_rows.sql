-- Locks, until the end of the transaction, the existing rows of {table} for the keys ($1 sources, $2 ids in
-- {id_column}). A batch deriving the same encounter or patient as another waits here until the other commits, then
-- reads the records both added. Row locks live in the rows, so a batch may hold any number of them; two batches that
-- both create a new key meet at its primary key instead, and the later one is retried and finds the other's rows.
SELECT 1
  FROM {table} t
  JOIN unnest($1::text[], $2::text[]) AS k(source, id) ON t.source = k.source AND t.{id_column} = k.id
   FOR UPDATE OF t;
