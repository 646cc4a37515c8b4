-- A breach keeps its ticket's reference, and the agenda lists the open breaches oldest first
-- with what it shows of each from one index: no table row and no ticket read per breach. The
-- index takes the place of the plain (breached_at) one of the same name; a breach without a
-- kept reference is shown with its ticket's.
ALTER TABLE breaches ADD COLUMN ticket_ref TEXT;
DROP INDEX IF EXISTS breaches_open;
CREATE INDEX IF NOT EXISTS breaches_open
    ON breaches(breached_at, id, service_id, ticket_ref, ticket_id, title, source, status, customer_informed)
    WHERE status IN ('open', 'acknowledged') AND deleted = 0;
-- Detection reads back every availability breach after an import: found by this small index,
-- not by a scan of every breach.
CREATE INDEX IF NOT EXISTS breaches_availability ON breaches(service_id) WHERE source = 'availability';
