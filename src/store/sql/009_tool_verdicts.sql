-- The ITSM tool's own SLA verdict on a ticket's response and resolution ('met' or
-- 'breached'), when an export carries it (ServiceNow made_sla and task_sla, Jira's SLA
-- fields, GLPI's "time to resolve exceeded"): kept so the SDM can show where it and sdm disagree.
ALTER TABLE tickets ADD COLUMN tool_response TEXT;
ALTER TABLE tickets ADD COLUMN tool_resolution TEXT;
