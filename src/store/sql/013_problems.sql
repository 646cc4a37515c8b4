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

-- The reviews' problem reference and root cause move into problem records: one per problem
-- reference (reviews naming the same one share it), else one per review with a root cause.
-- Ids and stamps come from the reviews, so two copies that migrate apart make the same rows
-- and a later sync sees nothing new. The reviews' columns are left as they were (nothing is
-- lost), but sdm reads the problem records from now on.
CREATE TEMP TABLE moved AS
SELECT CASE WHEN trim(problem_ref) <> '' THEN 'problem-' || lower(trim(problem_ref))
            ELSE 'problem-review-' || id END AS pid,
       r.*
FROM reviews r
WHERE deleted = 0 AND (trim(problem_ref) <> '' OR trim(root_cause) <> '');

INSERT INTO problems (id, created_at, updated_at, hlc, field_hlc, deleted, reference, title, status,
                      root_cause, ticket_ids, change_ids, review_ids)
SELECT pid, min(created_at), max(updated_at), max(hlc), json_object('*', max(hlc)), 0,
       max(upper(trim(problem_ref))),
       min(title),
       CASE WHEN max(trim(root_cause)) <> '' THEN 'root_cause_known' ELSE 'open' END,
       max(trim(root_cause)),
       coalesce(json_group_array(DISTINCT ticket_id) FILTER (WHERE ticket_id IS NOT NULL), '[]'),
       coalesce(json_group_array(DISTINCT change_id) FILTER (WHERE change_id IS NOT NULL), '[]'),
       json_group_array(id)
FROM moved GROUP BY pid;

INSERT INTO problem_services (id, created_at, updated_at, hlc, field_hlc, deleted, problem_id, service_id)
SELECT pid || '/' || service_id, min(created_at), max(updated_at), max(hlc), json_object('*', max(hlc)), 0,
       pid, service_id
FROM moved GROUP BY pid, service_id;

DROP TABLE moved;
