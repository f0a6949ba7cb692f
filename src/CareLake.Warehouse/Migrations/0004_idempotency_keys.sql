-- Responses of HTTP ingest requests sent with an Idempotency-Key header: a repeat of the same request (same key, same
-- SHA-256 of method, path, content type and body) is answered with the stored response instead of being committed again;
-- the same key with another request is refused. A row is written just after its request's commit, so a crash between
-- the two leaves no row: the client's retry commits again and silver counts the repeated events as duplicates.
CREATE TABLE ingest.idempotency_keys (
    key             text        PRIMARY KEY,
    request_sha256  bytea       NOT NULL,
    status          smallint    NOT NULL,
    response_body   bytea       NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idempotency_keys_created_at ON ingest.idempotency_keys (created_at);
