-- Per-turn latency figures and per-session counters of live conversations (issue C).
-- The figures are kept as JSON so new ones need no migration; the columns hold what review
-- screens sort or filter by.

CREATE TABLE turn_metrics (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    turn            INTEGER NOT NULL,
    speech_end_to_played_ms REAL,
    metrics         TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (conversation_id, turn)
);

CREATE TABLE session_stats (
    conversation_id TEXT PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
    stats           TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
