-- Idempotency keys that sort by time. An outbox entry's key was 32 random hex digits, so every
-- new key landed on a random page of the key index (here, and in a plane's record of the keys it
-- answered): a commit wrote one more page per message. A key is now the creation time in
-- milliseconds (12 hex digits) followed by 20 random ones: still unique across machines (80
-- random bits within a millisecond), and new keys land at the end of the index. Keys already
-- queued keep their value.
DROP TRIGGER sync_outbox_open;
DROP TRIGGER sync_outbox_message;
DROP TRIGGER sync_outbox_intent;
DROP TRIGGER sync_outbox_close;

CREATE TRIGGER sync_outbox_open AFTER INSERT ON conversations BEGIN
    INSERT INTO sync_outbox (conversation_id, kind, ref, idem_key)
    VALUES (new.id, 'open', new.id,
            printf('%012x', CAST(unixepoch('subsec') * 1000 AS INTEGER)) || lower(hex(randomblob(10))));
END;
CREATE TRIGGER sync_outbox_message AFTER INSERT ON messages BEGIN
    INSERT INTO sync_outbox (conversation_id, kind, ref, idem_key)
    VALUES (new.conversation_id, 'message', new.id,
            printf('%012x', CAST(unixepoch('subsec') * 1000 AS INTEGER)) || lower(hex(randomblob(10))));
END;
CREATE TRIGGER sync_outbox_intent AFTER INSERT ON function_calls
WHEN new.conversation_id IS NOT NULL BEGIN
    INSERT INTO sync_outbox (conversation_id, kind, ref, idem_key)
    VALUES (new.conversation_id, 'intent', new.id,
            printf('%012x', CAST(unixepoch('subsec') * 1000 AS INTEGER)) || lower(hex(randomblob(10))));
END;
CREATE TRIGGER sync_outbox_close AFTER UPDATE OF status ON conversations
WHEN old.status = 'open' AND new.status != 'open' BEGIN
    INSERT INTO sync_outbox (conversation_id, kind, ref, idem_key)
    VALUES (new.id, 'close', new.id,
            printf('%012x', CAST(unixepoch('subsec') * 1000 AS INTEGER)) || lower(hex(randomblob(10))));
END;
