-- Who wrote each undo step (the interface, a command, a sync) and the stamp it wrote, so an
-- undo can ask before reverting another's step and refuse when a record changed since.
ALTER TABLE undo_log ADD COLUMN actor TEXT NOT NULL DEFAULT 'unknown';
ALTER TABLE undo_log ADD COLUMN hlc TEXT NOT NULL DEFAULT '';
