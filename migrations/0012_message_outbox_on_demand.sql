-- Messages join the sync outbox in batches, not one by one as they are written.
--
-- An outbox entry per message cost every message write one more row, two more index entries and
-- one page of the outbox's per-conversation index for each conversation written in a commit:
-- with 32 conversations written at once, a commit rewrote about 35 more pages. Now a message
-- write only counts the message (message_count, as before); each conversation records how many
-- of its messages are in the outbox already (sync_queued), and the messages past that point are
-- added to the outbox, in order, in one statement:
--   * by the sync worker, before each step;
--   * before a function call's entry and before a conversation's close entry (the triggers
--     below), so the outbox keeps the order in which messages, calls and the close happened.
-- The messages a conversation owes are still known at every moment (seq > sync_queued, read
-- through the messages' (conversation_id, seq) index), and their entries are written in the
-- same transaction as the cursor, so no crash can queue a message twice or lose one.
ALTER TABLE conversations ADD COLUMN sync_queued INTEGER NOT NULL DEFAULT 0;

-- Every message written so far has its entry (or was delivered, or given up by the user).
UPDATE conversations SET sync_queued = max(
    message_count,
    coalesce((SELECT max(seq) FROM messages m WHERE m.conversation_id = conversations.id), 0));

-- The conversations with messages not queued yet: only those still being written.
CREATE INDEX conversations_sync_behind ON conversations (id) WHERE message_count > sync_queued;

-- Queues one conversation's messages past its queued count, in order, and moves the count:
-- `INSERT INTO sync_catch_up VALUES (conversation id)`. The triggers below and the sync worker
-- all queue messages through it.
CREATE VIEW sync_catch_up (conversation_id) AS SELECT id FROM conversations WHERE 0;
CREATE TRIGGER sync_catch_up_queue INSTEAD OF INSERT ON sync_catch_up BEGIN
    INSERT INTO sync_outbox (conversation_id, kind, ref, idem_key)
    SELECT m.conversation_id, 'message', m.id,
           printf('%012x', CAST(unixepoch('subsec') * 1000 AS INTEGER)) || lower(hex(randomblob(10)))
      FROM conversations c JOIN messages m ON m.conversation_id = c.id AND m.seq > c.sync_queued
     WHERE c.id = new.conversation_id AND c.message_count > c.sync_queued
     ORDER BY m.seq;
    UPDATE conversations SET sync_queued = message_count
     WHERE id = new.conversation_id AND message_count > sync_queued;
END;

DROP TRIGGER sync_outbox_message;
DROP TRIGGER sync_outbox_intent;
DROP TRIGGER sync_outbox_close;

CREATE TRIGGER sync_outbox_intent AFTER INSERT ON function_calls
WHEN new.conversation_id IS NOT NULL BEGIN
    INSERT INTO sync_catch_up (conversation_id) VALUES (new.conversation_id);
    INSERT INTO sync_outbox (conversation_id, kind, ref, idem_key)
    VALUES (new.conversation_id, 'intent', new.id,
            printf('%012x', CAST(unixepoch('subsec') * 1000 AS INTEGER)) || lower(hex(randomblob(10))));
END;

CREATE TRIGGER sync_outbox_close AFTER UPDATE OF status ON conversations
WHEN old.status = 'open' AND new.status != 'open' BEGIN
    INSERT INTO sync_catch_up (conversation_id) VALUES (new.id);
    INSERT INTO sync_outbox (conversation_id, kind, ref, idem_key)
    VALUES (new.id, 'close', new.id,
            printf('%012x', CAST(unixepoch('subsec') * 1000 AS INTEGER)) || lower(hex(randomblob(10))));
END;
