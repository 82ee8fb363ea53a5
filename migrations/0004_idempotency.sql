-- The answers to POST requests that carried an Idempotency-Key, so that a client's retry gets the
-- first answer back instead of causing a second write. Each row is written in the same
-- transaction as the write it answers. `body` is the JSON answer without any secret (a session's
-- Deepgram token is minted afresh on replay). Rows are kept at least 24 hours.

CREATE TABLE idempotency_keys (
    key         TEXT PRIMARY KEY,
    route       TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status      INTEGER NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
