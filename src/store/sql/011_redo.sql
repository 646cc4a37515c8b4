-- Redo: an undone step stays in the journal, marked with the order it was undone in (0 while
-- it stands), until a new change is made. Redo takes the last undone first.
ALTER TABLE undo_log ADD COLUMN undone INTEGER NOT NULL DEFAULT 0;
