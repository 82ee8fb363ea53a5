-- Delivery to a hosted control plane (the REST contract of the hosted Flux backend).
-- Every local write the plane should receive appends an entry to sync_outbox in the same
-- transaction (the triggers below), so no crash can leave a write without its entry or an entry
-- without its write. Entries hold references, not copies: the worker reads the message or call
-- when it sends it, and an entry whose row was deleted is dropped unsent.

CREATE TABLE sync_outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,  -- the local order of delivery
    conversation_id TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('open', 'message', 'intent', 'close')),
    ref             TEXT NOT NULL,                      -- conversation, message or call id
    idem_key        TEXT NOT NULL UNIQUE,               -- the Idempotency-Key of every attempt
    quarantined     TEXT,                               -- why the plane refused it for good
    quarantined_at  TEXT
);
CREATE INDEX sync_outbox_by_conversation ON sync_outbox (conversation_id, id);

-- A local conversation's session on the plane. 'creating' means a creation was sent whose
-- answer is not known yet (a crash or a lost response).
CREATE TABLE sync_sessions (
    conversation_id TEXT PRIMARY KEY,
    remote_id       TEXT,
    state           TEXT NOT NULL CHECK (state IN ('creating', 'open', 'closed', 'lost')),
    delivered       INTEGER NOT NULL DEFAULT 0,         -- messages the plane holds for it
    detail          TEXT,
    updated_at      TEXT NOT NULL
);

-- Sessions this client created on the plane, for its rate-limit budget across restarts.
CREATE TABLE sync_creations (at TEXT NOT NULL);
CREATE INDEX sync_creations_by_time ON sync_creations (at);

-- Last success, last error, needs-sign-in, rate-limited-until, a suspected orphan session.
CREATE TABLE sync_state (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TRIGGER sync_outbox_open AFTER INSERT ON conversations BEGIN
    INSERT INTO sync_outbox (conversation_id, kind, ref, idem_key)
    VALUES (new.id, 'open', new.id, lower(hex(randomblob(16))));
END;
CREATE TRIGGER sync_outbox_message AFTER INSERT ON messages BEGIN
    INSERT INTO sync_outbox (conversation_id, kind, ref, idem_key)
    VALUES (new.conversation_id, 'message', new.id, lower(hex(randomblob(16))));
END;
CREATE TRIGGER sync_outbox_intent AFTER INSERT ON function_calls
WHEN new.conversation_id IS NOT NULL BEGIN
    INSERT INTO sync_outbox (conversation_id, kind, ref, idem_key)
    VALUES (new.conversation_id, 'intent', new.id, lower(hex(randomblob(16))));
END;
CREATE TRIGGER sync_outbox_close AFTER UPDATE OF status ON conversations
WHEN old.status = 'open' AND new.status != 'open' BEGIN
    INSERT INTO sync_outbox (conversation_id, kind, ref, idem_key)
    VALUES (new.id, 'close', new.id, lower(hex(randomblob(16))));
END;

-- History from before this version is owed to the plane too, in the order it happened.
INSERT INTO sync_outbox (conversation_id, kind, ref, idem_key)
SELECT conversation_id, kind, ref, lower(hex(randomblob(16))) FROM (
    SELECT c.id AS conversation_id, 'open' AS kind, c.id AS ref,
           c.started_at AS cs, 0 AS phase, '' AS at, 0 AS seq
      FROM conversations c
    UNION ALL
    SELECT m.conversation_id, 'message', m.id, c.started_at, 1, m.created_at, m.seq
      FROM messages m JOIN conversations c ON c.id = m.conversation_id
    UNION ALL
    SELECT f.conversation_id, 'intent', f.id, c.started_at, 1, f.created_at, 0
      FROM function_calls f JOIN conversations c ON c.id = f.conversation_id
    UNION ALL
    SELECT c.id, 'close', c.id, c.started_at, 2, '', 0
      FROM conversations c WHERE c.status != 'open'
)
ORDER BY cs, conversation_id, phase, at, seq;
