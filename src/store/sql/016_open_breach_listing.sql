-- The agenda lists the open breaches oldest first with what it shows of each: it reads them
-- from this index alone, not a table row per breach. It takes the place of the plain
-- (breached_at) index of the same name.
DROP INDEX IF EXISTS breaches_open;
CREATE INDEX IF NOT EXISTS breaches_open
    ON breaches(breached_at, id, service_id, ticket_id, title, source, status, customer_informed)
    WHERE status IN ('open', 'acknowledged') AND deleted = 0;
