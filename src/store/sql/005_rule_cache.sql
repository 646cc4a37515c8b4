-- What the SLA rules worked out, kept so that a large history is not read again on every
-- start: each service's ticket figures per month and its clocks at risk. Local to this file:
-- never synced or exported, and safe to empty at any time (it is rebuilt on demand).
CREATE TABLE IF NOT EXISTS rule_cache (
    key         TEXT PRIMARY KEY,
    stamp       TEXT NOT NULL,
    computed_at INTEGER NOT NULL,
    valid_until INTEGER,
    value       TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- A counter per service and month (UTC, of opened_at) that moves whenever a ticket of that
-- month is updated or deleted (an insert shows in the count of the month's tickets): a cached
-- figure names the counters it was computed at.
CREATE TABLE IF NOT EXISTS ticket_versions (
    service_id TEXT NOT NULL,
    month      TEXT NOT NULL,
    version    INTEGER NOT NULL,
    PRIMARY KEY (service_id, month)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER IF NOT EXISTS tickets_version_update AFTER UPDATE ON tickets BEGIN
    INSERT INTO ticket_versions (service_id, month, version)
    VALUES (OLD.service_id, strftime('%Y-%m', OLD.opened_at, 'unixepoch'), 1)
    ON CONFLICT (service_id, month) DO UPDATE SET version = version + 1;
    INSERT INTO ticket_versions (service_id, month, version)
    VALUES (NEW.service_id, strftime('%Y-%m', NEW.opened_at, 'unixepoch'), 1)
    ON CONFLICT (service_id, month) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER IF NOT EXISTS tickets_version_delete AFTER DELETE ON tickets BEGIN
    INSERT INTO ticket_versions (service_id, month, version)
    VALUES (OLD.service_id, strftime('%Y-%m', OLD.opened_at, 'unixepoch'), 1)
    ON CONFLICT (service_id, month) DO UPDATE SET version = version + 1;
END;

-- A service's open tickets, which its clocks at risk are worked out from.
CREATE INDEX IF NOT EXISTS tickets_open_service ON tickets(service_id) WHERE state = 'open' AND deleted = 0;

-- The problem signals read a recent window of breaches and of emergency changes.
CREATE INDEX IF NOT EXISTS breaches_recent_target ON breaches(breached_at, target_id)
    WHERE deleted = 0 AND status <> 'void';
CREATE INDEX IF NOT EXISTS changes_emergency ON changes(implemented_at, service_id)
    WHERE deleted = 0 AND kind = 'emergency';

-- A stakeholder's last touch in one index step (the Touch points pane sorts by it).
CREATE INDEX IF NOT EXISTS touch_points_live_stakeholder_at ON touch_points(stakeholder_id, at) WHERE deleted = 0;

-- A service's tickets by opening time with their resolution: the monthly report finds the
-- tickets alive in a month from the index, reading only those rows.
DROP INDEX IF EXISTS tickets_service_opened;
CREATE INDEX IF NOT EXISTS tickets_service_opened_resolved ON tickets(service_id, opened_at, resolved_at);
