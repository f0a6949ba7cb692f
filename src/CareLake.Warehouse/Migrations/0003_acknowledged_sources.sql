-- Sources that answer their sender (MLLP, HTTP) cannot be re-read, so they have no stored positions: their messages
-- are numbered from this sequence (bronze.raw_events.position) and acknowledged only after the batch commits.
CREATE SEQUENCE ingest.acknowledged_message_seq AS bigint;
