-- Search and review at a million messages (issue 12).
--
-- Search as you type reads the last word as a prefix. Without a prefix index FTS5 answers a
-- prefix by merging the doclists of every word that starts with it, whole, before it can return a
-- single row: about 30 ms when one of those words is in most messages, however few rows are
-- shown. With prefix indexes of one to six characters such a prefix is read like one word,
-- newest first, and stops at the limit. The index is about six times larger, so the table is
-- rebuilt once here (about 25 s at a million messages).
DROP TABLE messages_fts;
CREATE VIRTUAL TABLE messages_fts USING fts5(
    content,
    content = 'messages',
    content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3 4 5 6'
);
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');

-- The session list (newest first, ties by id) reads this index in order and stops after the page
-- instead of sorting every conversation.
CREATE INDEX conversations_by_start ON conversations (started_at DESC, id);
