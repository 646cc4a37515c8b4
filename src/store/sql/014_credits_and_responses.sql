-- sdm schema version 14: money in the agreement, targets with validity dates, and survey
-- responses one by one.
-- A service's monthly charge (what credit percentages apply to, beside monthly_cost, what it
-- costs to run) and its credit schedule (JSON: availability tiers, per-breach credits, a cap
-- and a minimum; NULL or 'null' for none).
ALTER TABLE services ADD COLUMN charge REAL;
ALTER TABLE services ADD COLUMN credits TEXT;
-- The charge and cost over time (JSON [{from, charge, cost}]): a change applies from its month.
ALTER TABLE services ADD COLUMN money_history TEXT NOT NULL DEFAULT '[]';

-- One survey response: its score on its own scale, who gave it and what they wrote.
CREATE TABLE responses (
    id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    hlc TEXT NOT NULL, field_hlc TEXT NOT NULL DEFAULT '{}', deleted INTEGER NOT NULL DEFAULT 0,
    service_id  TEXT NOT NULL REFERENCES services(id) DEFERRABLE INITIALLY DEFERRED,
    answered_on TEXT NOT NULL,
    score       REAL NOT NULL,
    scale       TEXT NOT NULL,
    respondent  TEXT NOT NULL DEFAULT '',
    comment     TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX responses_hlc ON responses(hlc);
CREATE INDEX responses_service_day ON responses(service_id, answered_on);

-- A target's terms start on a day (a later version of the same kind and priority takes over
-- from its own); none: from the start. A correction in place keeps why.
ALTER TABLE sla_targets ADD COLUMN valid_from TEXT;
ALTER TABLE sla_targets ADD COLUMN note TEXT NOT NULL DEFAULT '';
