-- The key figures of each service review as first written, per service and period, so a later
-- writing that differs can say what changed since. Local to this file: not synced, exported
-- or undone (like rule_cache).
CREATE TABLE IF NOT EXISTS review_issued (
    service_id TEXT NOT NULL,
    period     TEXT NOT NULL,
    written_at INTEGER NOT NULL,
    figures    TEXT NOT NULL,
    PRIMARY KEY (service_id, period)
) STRICT;
