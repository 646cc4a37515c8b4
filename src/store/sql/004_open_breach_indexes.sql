-- The open breaches, as the Breaches pane and the Services pane's counts read them: in the
-- pane's order, and per service, without reading closed ones (a large history keeps the first
-- frame's cost fixed).
CREATE INDEX IF NOT EXISTS breaches_open_order ON breaches(customer_informed, breached_at)
    WHERE status IN ('open', 'acknowledged') AND deleted = 0;
CREATE INDEX IF NOT EXISTS breaches_open_service ON breaches(service_id)
    WHERE status IN ('open', 'acknowledged') AND deleted = 0;
