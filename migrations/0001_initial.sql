-- Flux Companion schema, version 1. Never edit this file once landed: add a new migration.
-- Instants are RFC 3339 UTC strings with milliseconds ("2026-11-23T09:15:00.123Z"), which sort
-- as text; task times also keep the offset the user meant, for display.

CREATE TABLE users (
    id           TEXT PRIMARY KEY,
    display_name TEXT NOT NULL DEFAULT '',
    timezone     TEXT NOT NULL DEFAULT 'UTC',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

CREATE TABLE conversations (
    id                  TEXT PRIMARY KEY,
    user_id             TEXT NOT NULL REFERENCES users(id),
    status              TEXT NOT NULL CHECK (status IN ('open', 'closed', 'interrupted')),
    started_at          TEXT NOT NULL,
    ended_at            TEXT,
    end_reason          TEXT,
    message_count       INTEGER NOT NULL DEFAULT 0,
    provider_request_id TEXT,
    synced_at           TEXT
);
CREATE INDEX conversations_by_user ON conversations (user_id, started_at);
CREATE INDEX conversations_by_status ON conversations (status);

CREATE TABLE messages (
    id              TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    content         TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    synced_at       TEXT,
    UNIQUE (conversation_id, seq)
);

CREATE VIRTUAL TABLE messages_fts USING fts5(
    content,
    content = 'messages',
    content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, content) VALUES (new.rowid, new.content);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
    INSERT INTO messages_fts (rowid, content) VALUES (new.rowid, new.content);
END;

-- Keyed by the agent's call id: running the same call twice finds this row and has no second effect.
CREATE TABLE function_calls (
    id              TEXT PRIMARY KEY,
    conversation_id TEXT REFERENCES conversations(id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    arguments       TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('executed', 'failed', 'cancelled')),
    result          TEXT NOT NULL,
    effect          TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX function_calls_by_conversation ON function_calls (conversation_id, created_at);

CREATE TABLE goals (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users(id),
    statement      TEXT NOT NULL,
    timeline       TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'done', 'archived')),
    source_call_id TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    synced_at      TEXT
);

CREATE TABLE tasks (
    id               TEXT PRIMARY KEY,
    user_id          TEXT NOT NULL REFERENCES users(id),
    goal_id          TEXT REFERENCES goals(id) ON DELETE SET NULL,
    title            TEXT NOT NULL,
    notes            TEXT NOT NULL DEFAULT '',
    scheduled_at     TEXT NOT NULL,
    scheduled_utc    TEXT NOT NULL,
    duration_minutes INTEGER,
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done')),
    completed_at     TEXT,
    source_call_id   TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    synced_at        TEXT
);
CREATE INDEX tasks_by_user_time ON tasks (user_id, scheduled_utc);
