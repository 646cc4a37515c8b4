-- The problem signals keep each service's baseline (what came in the year before the recent
-- window) in the rules' cache. A counter per service moves whenever a fact the baseline
-- counts changes in place: a ticket's opening time or service, a breach's time, target,
-- service, void-ness or deletion; an insert shows above the tables' watermarks. A row
-- removed outright (nothing in sdm does; a tombstone stays) also moves the counter of every
-- service (the row '': the watermark could come back to an earlier value). Local to this
-- file, like `ticket_versions`: never synced or exported.
CREATE TABLE IF NOT EXISTS baseline_versions (
    service_id TEXT PRIMARY KEY,
    version    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TRIGGER IF NOT EXISTS tickets_baseline_update AFTER UPDATE OF opened_at, service_id ON tickets
WHEN OLD.opened_at IS NOT NEW.opened_at OR OLD.service_id IS NOT NEW.service_id BEGIN
    INSERT INTO baseline_versions (service_id, version) VALUES (OLD.service_id, 1)
    ON CONFLICT (service_id) DO UPDATE SET version = version + 1;
    INSERT INTO baseline_versions (service_id, version) VALUES (NEW.service_id, 1)
    ON CONFLICT (service_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER IF NOT EXISTS tickets_baseline_delete AFTER DELETE ON tickets BEGIN
    INSERT INTO baseline_versions (service_id, version) VALUES (OLD.service_id, 1), ('', 1)
    ON CONFLICT (service_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER IF NOT EXISTS breaches_baseline_update
AFTER UPDATE OF deleted, status, breached_at, target_id, service_id ON breaches
WHEN OLD.deleted IS NOT NEW.deleted OR (OLD.status = 'void') IS NOT (NEW.status = 'void')
    OR OLD.breached_at IS NOT NEW.breached_at OR OLD.target_id IS NOT NEW.target_id
    OR OLD.service_id IS NOT NEW.service_id BEGIN
    INSERT INTO baseline_versions (service_id, version) VALUES (OLD.service_id, 1)
    ON CONFLICT (service_id) DO UPDATE SET version = version + 1;
    INSERT INTO baseline_versions (service_id, version) VALUES (NEW.service_id, 1)
    ON CONFLICT (service_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER IF NOT EXISTS breaches_baseline_delete AFTER DELETE ON breaches BEGIN
    INSERT INTO baseline_versions (service_id, version) VALUES (OLD.service_id, 1), ('', 1)
    ON CONFLICT (service_id) DO UPDATE SET version = version + 1;
END;

-- The recent window's breaches are counted per service, by time, with their targets, from
-- this index alone (a range per service, not the whole history). `breaches_recent_target`
-- stays: a target's breaches are counted by it (a breach can be moved to another service).
CREATE INDEX IF NOT EXISTS breaches_recent_service ON breaches(service_id, breached_at, target_id)
    WHERE deleted = 0 AND status <> 'void';

-- No query used it (the post-mortems' "P1 or critical" reads the table): one index less to
-- build on every large write.
DROP INDEX IF EXISTS tickets_review;
