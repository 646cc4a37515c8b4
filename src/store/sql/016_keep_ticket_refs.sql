-- Each ticket breach keeps its ticket's reference. The stamps stay as they were, so two copies
-- that upgrade apart (or one restored from an export written before) hold the same rows and a
-- later sync sees nothing new.
UPDATE breaches SET ticket_ref = (SELECT t.reference FROM tickets t WHERE t.id = breaches.ticket_id)
    WHERE ticket_id IS NOT NULL AND ticket_ref IS NULL;
