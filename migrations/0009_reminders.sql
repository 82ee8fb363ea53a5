-- Reminders for tasks. A task fires one reminder per time it is scheduled for: `reminded_for`
-- holds the `scheduled_utc` its reminder last fired for, so moving the task to another time gives
-- the new time its own reminder, and a restart never fires one twice. `snoozed_until` (UTC, as
-- `scheduled_utc`) is set by "Snooze" and fires once more at that instant, then goes back to NULL.
-- `remind_before_minutes` is the task's own lead; NULL follows `reminders.lead_minutes`.

ALTER TABLE tasks ADD COLUMN remind_before_minutes INTEGER
    CHECK (remind_before_minutes IS NULL OR remind_before_minutes BETWEEN 0 AND 1440);
ALTER TABLE tasks ADD COLUMN reminded_for TEXT;
ALTER TABLE tasks ADD COLUMN snoozed_until TEXT;

-- Tasks whose time had passed before reminders existed are not reminded of: they would all come
-- back at once as missed reminders the user never asked for.
UPDATE tasks SET reminded_for = scheduled_utc
 WHERE scheduled_utc <= strftime('%Y-%m-%dT%H:%M:%fZ', 'now');

-- The pending tasks the reminder check looks at, by time.
CREATE INDEX tasks_pending_by_time ON tasks (scheduled_utc) WHERE status = 'pending';
