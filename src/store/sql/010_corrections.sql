-- The SDM corrects the record: a note beside an exclusion's reason (tickets, outages), pauses
-- added by hand and imported pauses removed by hand (kept apart from the import's, so a
-- re-import never undoes them), a breach's cause and the dated history of its handling, and a
-- service's currency (for service credits).
ALTER TABLE tickets ADD COLUMN excluded_note TEXT;
ALTER TABLE tickets ADD COLUMN hand_pauses TEXT NOT NULL DEFAULT '[]';
ALTER TABLE tickets ADD COLUMN ignored_pauses TEXT NOT NULL DEFAULT '[]';
ALTER TABLE outages ADD COLUMN excluded_note TEXT;
ALTER TABLE breaches ADD COLUMN cause TEXT;
ALTER TABLE breaches ADD COLUMN history TEXT NOT NULL DEFAULT '[]';
ALTER TABLE services ADD COLUMN currency TEXT;
