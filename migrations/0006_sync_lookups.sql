-- The sync's look-ups without reading whole tables. The session that holds the plane's one
-- open slot is looked up before every delivery, and sync_sessions keeps a row for every
-- conversation ever delivered; the conversations still to be created are looked up between
-- conversations, and the outbox of a large backlog holds 100,000 items.
CREATE INDEX sync_sessions_active ON sync_sessions (updated_at) WHERE state IN ('creating', 'open');
CREATE INDEX sync_outbox_opens ON sync_outbox (conversation_id) WHERE kind = 'open';
