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
                      root_cause, raised_on, ticket_ids, change_ids, review_ids)
SELECT pid, min(created_at), max(updated_at), max(hlc), json_object('*', max(hlc)), 0,
       max(upper(trim(problem_ref))),
       min(title),
       CASE WHEN max(trim(root_cause)) <> '' THEN 'root_cause_known' ELSE 'open' END,
       max(trim(root_cause)),
       min(coalesce(held_on, due)),
       coalesce(json_group_array(DISTINCT ticket_id) FILTER (WHERE ticket_id IS NOT NULL), '[]'),
       coalesce(json_group_array(DISTINCT change_id) FILTER (WHERE change_id IS NOT NULL), '[]'),
       json_group_array(id)
FROM moved GROUP BY pid;

INSERT INTO problem_services (id, created_at, updated_at, hlc, field_hlc, deleted, problem_id, service_id)
SELECT pid || '/' || service_id, min(created_at), max(updated_at), max(hlc), json_object('*', max(hlc)), 0,
       pid, service_id
FROM moved GROUP BY pid, service_id;

DROP TABLE moved;
