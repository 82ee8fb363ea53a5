-- Search indexing out of the REST API's commits (see src/store/search_backlog.rs). The API's
-- message writer marks its transactions with a row in search_defer (inserted first, deleted
-- before the commit, so it is never stored); messages inserted inside one are queued in
-- search_backlog instead of indexed, and the writer indexes the queue between requests, many at
-- a time. Every other write indexes at once, as before. A message deleted (or changed) while
-- queued leaves the queue and never touches the index: FTS5 must only be told to delete what it
-- holds.
CREATE TABLE search_defer (marker INTEGER NOT NULL);
CREATE TABLE search_backlog (message_rowid INTEGER PRIMARY KEY);

DROP TRIGGER messages_fts_insert;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_update;

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
WHEN NOT EXISTS (SELECT 1 FROM search_defer) BEGIN
    INSERT INTO messages_fts (rowid, content) VALUES (new.rowid, new.content);
END;
CREATE TRIGGER messages_search_backlog AFTER INSERT ON messages
WHEN EXISTS (SELECT 1 FROM search_defer) BEGIN
    INSERT INTO search_backlog (message_rowid) VALUES (new.rowid);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content)
    SELECT 'delete', old.rowid, old.content
    WHERE NOT EXISTS (SELECT 1 FROM search_backlog WHERE message_rowid = old.rowid);
    DELETE FROM search_backlog WHERE message_rowid = old.rowid;
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages
WHEN NOT EXISTS (SELECT 1 FROM search_backlog WHERE message_rowid = old.rowid) BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
    INSERT INTO messages_fts (rowid, content) VALUES (new.rowid, new.content);
END;
