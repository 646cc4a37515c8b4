-- sdm schema version 1: the whole domain.
-- Every synced table has the same bookkeeping columns:
--   id          a UUID (v5 from the natural key where there is one, else v7)
--   created_at  when the row was first written, unix milliseconds (real clock)
--   updated_at  when it was last written, unix milliseconds (real clock)
--   hlc         the hybrid logical clock stamp of its last write
--   field_hlc   JSON: per-field stamps of fields written after creation; "*" = creation stamp
--   deleted     1 for a tombstone (kept so that a merge knows it was deleted)
-- Instants are unix seconds (UTC); dates are 'YYYY-MM-DD' text.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE calendars (
    id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    hlc TEXT NOT NULL, field_hlc TEXT NOT NULL DEFAULT '{}', deleted INTEGER NOT NULL DEFAULT 0,
    name     TEXT NOT NULL COLLATE NOCASE,
    timezone TEXT NOT NULL,
    hours    TEXT NOT NULL DEFAULT '{}',
    holidays TEXT NOT NULL DEFAULT '[]'
) STRICT;
CREATE UNIQUE INDEX calendars_name ON calendars(name) WHERE deleted = 0;

CREATE TABLE services (
    id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    hlc TEXT NOT NULL, field_hlc TEXT NOT NULL DEFAULT '{}', deleted INTEGER NOT NULL DEFAULT 0,
    name               TEXT NOT NULL COLLATE NOCASE,
    aliases            TEXT NOT NULL DEFAULT '[]',
    customer           TEXT NOT NULL DEFAULT '',
    agreement_kind     TEXT NOT NULL DEFAULT 'contract',
    agreement_ref      TEXT NOT NULL DEFAULT '',
    agreement_start    TEXT,
    agreement_end      TEXT,
    notice_days        INTEGER,
    agreement_review   TEXT,
    criticality        TEXT NOT NULL DEFAULT 'medium',
    window_calendar_id TEXT REFERENCES calendars(id) DEFERRABLE INITIALLY DEFERRED,
    status             TEXT NOT NULL DEFAULT 'active',
    monthly_cost       REAL,
    description        TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE UNIQUE INDEX services_name ON services(name) WHERE deleted = 0;

CREATE TABLE sla_targets (
    id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    hlc TEXT NOT NULL, field_hlc TEXT NOT NULL DEFAULT '{}', deleted INTEGER NOT NULL DEFAULT 0,
    service_id  TEXT NOT NULL REFERENCES services(id) DEFERRABLE INITIALLY DEFERRED,
    kind        TEXT NOT NULL,
    priority    TEXT,
    goal        REAL NOT NULL,
    calendar_id TEXT REFERENCES calendars(id) DEFERRABLE INITIALLY DEFERRED
) STRICT;
CREATE INDEX sla_targets_service ON sla_targets(service_id);

CREATE TABLE tickets (
    id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    hlc TEXT NOT NULL, field_hlc TEXT NOT NULL DEFAULT '{}', deleted INTEGER NOT NULL DEFAULT 0,
    reference       TEXT NOT NULL COLLATE NOCASE,
    service_id      TEXT NOT NULL REFERENCES services(id) DEFERRABLE INITIALLY DEFERRED,
    kind            TEXT NOT NULL DEFAULT 'incident',
    priority        TEXT NOT NULL,
    state           TEXT NOT NULL,
    opened_at       INTEGER NOT NULL,
    responded_at    INTEGER,
    resolved_at     INTEGER,
    pauses          TEXT NOT NULL DEFAULT '[]',
    summary         TEXT NOT NULL DEFAULT '',
    critical        INTEGER NOT NULL DEFAULT 0,
    excluded_reason TEXT
) STRICT;
CREATE UNIQUE INDEX tickets_reference ON tickets(reference);
CREATE INDEX tickets_service_opened ON tickets(service_id, opened_at);
CREATE INDEX tickets_open ON tickets(opened_at) WHERE state = 'open' AND deleted = 0;
CREATE INDEX tickets_resolved ON tickets(resolved_at);

CREATE TABLE outages (
    id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    hlc TEXT NOT NULL, field_hlc TEXT NOT NULL DEFAULT '{}', deleted INTEGER NOT NULL DEFAULT 0,
    service_id      TEXT NOT NULL REFERENCES services(id) DEFERRABLE INITIALLY DEFERRED,
    start_at        INTEGER NOT NULL,
    end_at          INTEGER,
    planned         INTEGER NOT NULL DEFAULT 0,
    summary         TEXT NOT NULL DEFAULT '',
    excluded_reason TEXT
) STRICT;
CREATE INDEX outages_service_start ON outages(service_id, start_at);

CREATE TABLE breaches (
    id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    hlc TEXT NOT NULL, field_hlc TEXT NOT NULL DEFAULT '{}', deleted INTEGER NOT NULL DEFAULT 0,
    service_id        TEXT NOT NULL REFERENCES services(id) DEFERRABLE INITIALLY DEFERRED,
    target_id         TEXT REFERENCES sla_targets(id) DEFERRABLE INITIALLY DEFERRED,
    source            TEXT NOT NULL,
    ticket_id         TEXT REFERENCES tickets(id) DEFERRABLE INITIALLY DEFERRED,
    period            TEXT,
    title             TEXT NOT NULL,
    breached_at       INTEGER NOT NULL,
    status            TEXT NOT NULL DEFAULT 'open',
    customer_informed INTEGER NOT NULL DEFAULT 0,
    credit            REAL,
    notes             TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX breaches_open ON breaches(breached_at) WHERE status IN ('open', 'acknowledged') AND deleted = 0;
CREATE INDEX breaches_service ON breaches(service_id, breached_at);

CREATE TABLE stakeholders (
    id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    hlc TEXT NOT NULL, field_hlc TEXT NOT NULL DEFAULT '{}', deleted INTEGER NOT NULL DEFAULT 0,
    name         TEXT NOT NULL COLLATE NOCASE,
    organisation TEXT NOT NULL DEFAULT '',
    role         TEXT NOT NULL DEFAULT '',
    contact      TEXT NOT NULL DEFAULT '',
    channel      TEXT NOT NULL DEFAULT 'email',
    cadence_days INTEGER NOT NULL DEFAULT 30,
    notes        TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE UNIQUE INDEX stakeholders_name ON stakeholders(name) WHERE deleted = 0;

CREATE TABLE stakeholder_services (
    id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    hlc TEXT NOT NULL, field_hlc TEXT NOT NULL DEFAULT '{}', deleted INTEGER NOT NULL DEFAULT 0,
    stakeholder_id TEXT NOT NULL REFERENCES stakeholders(id) DEFERRABLE INITIALLY DEFERRED,
    service_id     TEXT NOT NULL REFERENCES services(id) DEFERRABLE INITIALLY DEFERRED
) STRICT;
CREATE INDEX stakeholder_services_stakeholder ON stakeholder_services(stakeholder_id);
CREATE INDEX stakeholder_services_service ON stakeholder_services(service_id);

CREATE TABLE touch_points (
    id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    hlc TEXT NOT NULL, field_hlc TEXT NOT NULL DEFAULT '{}', deleted INTEGER NOT NULL DEFAULT 0,
    stakeholder_id TEXT NOT NULL REFERENCES stakeholders(id) DEFERRABLE INITIALLY DEFERRED,
    at             INTEGER NOT NULL,
    channel        TEXT NOT NULL,
    summary        TEXT NOT NULL,
    sentiment      INTEGER,
    follow_ups     TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX touch_points_stakeholder_at ON touch_points(stakeholder_id, at);
CREATE INDEX touch_points_at ON touch_points(at);

CREATE TABLE touch_point_services (
    id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    hlc TEXT NOT NULL, field_hlc TEXT NOT NULL DEFAULT '{}', deleted INTEGER NOT NULL DEFAULT 0,
    touch_point_id TEXT NOT NULL REFERENCES touch_points(id) DEFERRABLE INITIALLY DEFERRED,
    service_id     TEXT NOT NULL REFERENCES services(id) DEFERRABLE INITIALLY DEFERRED
) STRICT;
CREATE INDEX touch_point_services_touch ON touch_point_services(touch_point_id);
CREATE INDEX touch_point_services_service ON touch_point_services(service_id);

CREATE TABLE changes (
    id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    hlc TEXT NOT NULL, field_hlc TEXT NOT NULL DEFAULT '{}', deleted INTEGER NOT NULL DEFAULT 0,
    reference      TEXT NOT NULL COLLATE NOCASE,
    service_id     TEXT NOT NULL REFERENCES services(id) DEFERRABLE INITIALLY DEFERRED,
    kind           TEXT NOT NULL,
    implemented_at INTEGER NOT NULL,
    outcome        TEXT NOT NULL,
    summary        TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE UNIQUE INDEX changes_reference ON changes(reference);
CREATE INDEX changes_service_implemented ON changes(service_id, implemented_at);

CREATE TABLE reviews (
    id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    hlc TEXT NOT NULL, field_hlc TEXT NOT NULL DEFAULT '{}', deleted INTEGER NOT NULL DEFAULT 0,
    kind            TEXT NOT NULL,
    service_id      TEXT NOT NULL REFERENCES services(id) DEFERRABLE INITIALLY DEFERRED,
    change_id       TEXT REFERENCES changes(id) DEFERRABLE INITIALLY DEFERRED,
    ticket_id       TEXT REFERENCES tickets(id) DEFERRABLE INITIALLY DEFERRED,
    title           TEXT NOT NULL,
    due             TEXT NOT NULL,
    held_on         TEXT,
    attendees       TEXT NOT NULL DEFAULT '',
    what_went_wrong TEXT NOT NULL DEFAULT '',
    root_cause      TEXT NOT NULL DEFAULT '',
    problem_ref     TEXT NOT NULL DEFAULT '',
    findings        TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX reviews_due ON reviews(due) WHERE held_on IS NULL AND deleted = 0;
CREATE INDEX reviews_service ON reviews(service_id);

CREATE TABLE actions (
    id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    hlc TEXT NOT NULL, field_hlc TEXT NOT NULL DEFAULT '{}', deleted INTEGER NOT NULL DEFAULT 0,
    title          TEXT NOT NULL,
    owner          TEXT NOT NULL DEFAULT '',
    due            TEXT,
    done_on        TEXT,
    review_id      TEXT REFERENCES reviews(id) DEFERRABLE INITIALLY DEFERRED,
    touch_point_id TEXT REFERENCES touch_points(id) DEFERRABLE INITIALLY DEFERRED,
    service_id     TEXT REFERENCES services(id) DEFERRABLE INITIALLY DEFERRED,
    notes          TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX actions_open_due ON actions(due) WHERE done_on IS NULL AND deleted = 0;
CREATE INDEX actions_review ON actions(review_id);

CREATE TABLE scores (
    id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    hlc TEXT NOT NULL, field_hlc TEXT NOT NULL DEFAULT '{}', deleted INTEGER NOT NULL DEFAULT 0,
    service_id TEXT NOT NULL REFERENCES services(id) DEFERRABLE INITIALLY DEFERRED,
    period     TEXT NOT NULL,
    score      REAL NOT NULL,
    scale_max  REAL NOT NULL DEFAULT 5,
    responses  INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX scores_service_period ON scores(service_id, period);

-- When each kind of data was last imported, and from which file (local, not synced).
CREATE TABLE import_log (
    kind TEXT PRIMARY KEY,
    at   INTEGER NOT NULL,
    file TEXT NOT NULL,
    rows INTEGER NOT NULL
) STRICT;

-- The undo journal of the interface (local, not synced): the rows' images before each change.
CREATE TABLE undo_log (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    label   TEXT NOT NULL,
    at      INTEGER NOT NULL,
    entries TEXT NOT NULL
) STRICT;
CREATE INDEX calendars_hlc ON calendars(hlc);
CREATE INDEX services_hlc ON services(hlc);
CREATE INDEX sla_targets_hlc ON sla_targets(hlc);
CREATE INDEX tickets_hlc ON tickets(hlc);
CREATE INDEX outages_hlc ON outages(hlc);
CREATE INDEX breaches_hlc ON breaches(hlc);
CREATE INDEX stakeholders_hlc ON stakeholders(hlc);
CREATE INDEX stakeholder_services_hlc ON stakeholder_services(hlc);
CREATE INDEX touch_points_hlc ON touch_points(hlc);
CREATE INDEX touch_point_services_hlc ON touch_point_services(hlc);
CREATE INDEX changes_hlc ON changes(hlc);
CREATE INDEX reviews_hlc ON reviews(hlc);
CREATE INDEX actions_hlc ON actions(hlc);
CREATE INDEX scores_hlc ON scores(hlc);
