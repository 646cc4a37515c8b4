-- The problem signal counts a window of breaches per service and target from this index
-- alone (no table row read per breach).
DROP INDEX IF EXISTS breaches_recent_target;
CREATE INDEX IF NOT EXISTS breaches_recent_target ON breaches(breached_at, target_id, service_id)
    WHERE deleted = 0 AND status <> 'void';

-- Whole-file detection reconciles a page of tickets' breaches at a time, found by ticket.
CREATE INDEX IF NOT EXISTS breaches_ticket ON breaches(ticket_id) WHERE source = 'ticket';
