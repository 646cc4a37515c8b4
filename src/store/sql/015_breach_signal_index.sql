-- The problem signal counts a window of breaches per target and service from this index
-- alone, in its order (no table row read per breach, no sort).
DROP INDEX IF EXISTS breaches_recent_target;
CREATE INDEX IF NOT EXISTS breaches_recent_target ON breaches(target_id, service_id, breached_at)
    WHERE deleted = 0 AND status <> 'void';

-- Whole-file detection reconciles a page of tickets' breaches at a time, found by ticket.
CREATE INDEX IF NOT EXISTS breaches_ticket ON breaches(ticket_id) WHERE source = 'ticket';
