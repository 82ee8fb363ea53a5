-- The search index merges its segments a little at every write instead of in bursts (see
-- src/store/index_upkeep.rs): FTS5's own automerge is turned off here, and every write
-- transaction does a bounded share of the merging. The setting is stored with the index.
INSERT INTO messages_fts (messages_fts, rank) VALUES ('automerge', 0);
