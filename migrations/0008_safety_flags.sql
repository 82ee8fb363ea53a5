-- Conversations in which a safety notice was shown, one row per kind of emergency heard.
-- Only the category is kept (e.g. chest_pain), never the words that matched; the messages
-- hold what was said. Rows go with their conversation.

CREATE TABLE safety_flags (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    category        TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (conversation_id, category)
) WITHOUT ROWID;
