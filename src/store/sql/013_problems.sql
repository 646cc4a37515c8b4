-- sdm schema version 13: problem records. A problem names the evidence behind it (tickets,
-- changes, breaches, reviews, by id, as JSON arrays), its services (a link table like a touch
-- point's), its root cause, a known error's workaround and the change that fixes it; actions
-- can work towards one.
CREATE TABLE problems (
    id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    hlc TEXT NOT NULL, field_hlc TEXT NOT NULL DEFAULT '{}', deleted INTEGER NOT NULL DEFAULT 0,
    reference     TEXT NOT NULL DEFAULT '' COLLATE NOCASE,
    title         TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'open',
    root_cause    TEXT NOT NULL DEFAULT '',
    workaround    TEXT NOT NULL DEFAULT '',
    owner         TEXT NOT NULL DEFAULT '',
    raised_on     TEXT,
    due           TEXT,
    fix_change_id TEXT REFERENCES changes(id) DEFERRABLE INITIALLY DEFERRED,
    notes         TEXT NOT NULL DEFAULT '',
    ticket_ids    TEXT NOT NULL DEFAULT '[]',
    change_ids    TEXT NOT NULL DEFAULT '[]',
    breach_ids    TEXT NOT NULL DEFAULT '[]',
    review_ids    TEXT NOT NULL DEFAULT '[]'
) STRICT;
CREATE INDEX problems_hlc ON problems(hlc);
CREATE INDEX problems_reference ON problems(reference) WHERE reference <> '';

CREATE TABLE problem_services (
    id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    hlc TEXT NOT NULL, field_hlc TEXT NOT NULL DEFAULT '{}', deleted INTEGER NOT NULL DEFAULT 0,
    problem_id TEXT NOT NULL REFERENCES problems(id) DEFERRABLE INITIALLY DEFERRED,
    service_id TEXT NOT NULL REFERENCES services(id) DEFERRABLE INITIALLY DEFERRED
) STRICT;
CREATE INDEX problem_services_problem ON problem_services(problem_id);
CREATE INDEX problem_services_service ON problem_services(service_id);
CREATE INDEX problem_services_hlc ON problem_services(hlc);

ALTER TABLE actions ADD COLUMN problem_id TEXT REFERENCES problems(id) DEFERRABLE INITIALLY DEFERRED;
CREATE INDEX actions_problem ON actions(problem_id) WHERE problem_id IS NOT NULL;

