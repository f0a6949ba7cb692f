-- Serialises, until the end of the transaction, the derivations of the given keys ($1 names the kind, $2/$3 are
-- parallel arrays of source and id): two batches touching one encounter or patient derive it one after the other,
-- the second seeing the first's rows. Locks are taken in one order, so workers cannot deadlock on them.
SELECT count(pg_advisory_xact_lock(k.h))
  FROM (SELECT DISTINCT hashtextextended($1 || chr(31) || u.source || chr(31) || u.id, 0) AS h
          FROM unnest($2::text[], $3::text[]) AS u(source, id)
         ORDER BY 1) AS k;
