-- sdm schema version 2: the continual service improvement register.
CREATE TABLE improvements (
    id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    hlc TEXT NOT NULL, field_hlc TEXT NOT NULL DEFAULT '{}', deleted INTEGER NOT NULL DEFAULT 0,
    title          TEXT NOT NULL,
    service_id     TEXT REFERENCES services(id) DEFERRABLE INITIALLY DEFERRED,
    review_id      TEXT REFERENCES reviews(id) DEFERRABLE INITIALLY DEFERRED,
    touch_point_id TEXT REFERENCES touch_points(id) DEFERRABLE INITIALLY DEFERRED,
    kpi            TEXT NOT NULL DEFAULT '',
    owner          TEXT NOT NULL DEFAULT '',
    due            TEXT,
    status         TEXT NOT NULL DEFAULT 'proposed',
    notes          TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX improvements_status_due ON improvements(status, due);
CREATE INDEX improvements_hlc ON improvements(hlc);

-- Finding the review of a change or a ticket (reviews fall due automatically).
CREATE INDEX reviews_change ON reviews(change_id);
CREATE INDEX reviews_ticket ON reviews(ticket_id);
-- Tickets that ask for a post-mortem: P1 or marked critical.
CREATE INDEX tickets_review ON tickets(priority, critical);
