-- Bronze rows of a source that answers its sender once the message is in bronze (MLLP), not yet typed into silver.
-- A row is inserted by the statement that lands its bronze row and deleted by the transaction that writes its silver
-- rows, so a crash at any moment (between the two included) leaves every message either pending or typed, never both:
-- silver ends with each message exactly once, whatever the order in which concurrent transactions committed.
CREATE TABLE ingest.silver_pending (
    bronze_id  bigint NOT NULL PRIMARY KEY,
    source     text   NOT NULL
);

CREATE INDEX silver_pending_source ON ingest.silver_pending (source, bronze_id);

-- Identities of the messages an acknowledged source has landed (HL7 v2: MSH-3|MSH-4|MSH-10, the message key in
-- bronze), so a re-sent message is answered as a duplicate in the statement that lands it, before silver types it
-- (where it is counted in silver.duplicate_events and never becomes a second fact).
CREATE TABLE ingest.acknowledged_keys (
    source       text   NOT NULL,
    message_key  bytea  NOT NULL,
    bronze_id    bigint NOT NULL,
    PRIMARY KEY (source, message_key)
);
