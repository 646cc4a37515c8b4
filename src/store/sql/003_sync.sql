-- sdm schema version 3: what a sync between two copies remembers (local, never synced).

-- Per peer: the local clock stamp up to which every local change has reached that peer,
-- and the one waiting for the peer's confirmation.
CREATE TABLE sync_peers (
    replica_id  TEXT PRIMARY KEY,
    sent_hlc    TEXT NOT NULL DEFAULT '',
    pending_hlc TEXT NOT NULL DEFAULT '',
    last_sync   INTEGER,
    last_target TEXT NOT NULL DEFAULT ''
) STRICT;

-- Both sides changed the same field apart: the value that lost, kept for the user to decide.
CREATE TABLE sync_conflicts (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    at         INTEGER NOT NULL,
    peer       TEXT NOT NULL,
    tbl        TEXT NOT NULL,
    row_id     TEXT NOT NULL,
    field      TEXT NOT NULL,
    kept       TEXT,
    kept_hlc   TEXT NOT NULL,
    lost       TEXT,
    lost_hlc   TEXT NOT NULL,
    lost_side  TEXT NOT NULL,
    resolved   INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX sync_conflicts_open ON sync_conflicts(resolved, seq);

-- Rows this copy took from a peer, so a later sync forwards them to its other peers even
-- though their stamps are older than what those peers last saw from here.
CREATE TABLE sync_inbox (
    tbl          TEXT NOT NULL,
    row_id       TEXT NOT NULL,
    from_peer    TEXT NOT NULL,
    received_hlc TEXT NOT NULL,
    PRIMARY KEY (tbl, row_id)
) STRICT;
CREATE INDEX sync_inbox_received ON sync_inbox(received_hlc);
