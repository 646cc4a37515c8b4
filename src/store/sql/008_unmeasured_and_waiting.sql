-- Facts a file does not give are not measured, never invented: a ticket imported from a file
-- with no response times has no response clock (response_measured = 0). A waiting total an
-- export gives as a duration (Zendesk's on-hold minutes, GLPI's waiting time) is kept in
-- seconds and taken off the clocks' working time.
ALTER TABLE tickets ADD COLUMN response_measured INTEGER NOT NULL DEFAULT 1;
ALTER TABLE tickets ADD COLUMN waiting_secs INTEGER;
