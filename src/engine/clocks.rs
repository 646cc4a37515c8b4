//! Every ticket's response and resolution clocks, computed from its facts each time.

use rusqlite::Connection;
use serde::Serialize;

use super::cache::{self, Pending};
use super::{ClockKind, ClockView, Engine};
use crate::domain::enums::{Priority, TicketState, Verdict};
use crate::domain::model::{Pause, effective_pauses};
use crate::store::Result;
use crate::store::records::{get_json, get_opt_word, get_word};

/// The facts of a ticket that its clocks need (no free text: cheap to load in bulk).
///
/// Serialised only into the rules' cache, many thousands at a time: short keys, and empty
/// lists and absent values left out (a service's open tickets are read back on every agenda).
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct TicketFacts {
    #[serde(rename = "i")]
    pub id: String,
    #[serde(rename = "r")]
    pub reference: String,
    #[serde(rename = "s")]
    pub service_id: String,
    #[serde(rename = "p")]
    pub priority: Priority,
    #[serde(rename = "st")]
    pub state: TicketState,
    #[serde(rename = "o")]
    pub opened_at: i64,
    #[serde(rename = "ra", default, skip_serializing_if = "Option::is_none")]
    pub responded_at: Option<i64>,
    #[serde(rename = "rs", default, skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<i64>,
    /// The pauses the clocks count: the imported ones not removed by hand, and the SDM's.
    #[serde(rename = "pa", default, skip_serializing_if = "Vec::is_empty")]
    pub pauses: Vec<Pause>,
    /// The import's pauses as stored (removed ones included), for the explainer.
    #[serde(rename = "ip", default, skip_serializing_if = "Vec::is_empty")]
    pub imported_pauses: Vec<Pause>,
    /// The SDM's own pauses.
    #[serde(rename = "hp", default, skip_serializing_if = "Vec::is_empty")]
    pub hand_pauses: Vec<Pause>,
    /// The starts of imported pauses the SDM removed.
    #[serde(rename = "gp", default, skip_serializing_if = "Vec::is_empty")]
    pub ignored_pauses: Vec<i64>,
    #[serde(rename = "x", default, skip_serializing_if = "Option::is_none")]
    pub excluded_reason: Option<String>,
    /// Whether its source gave response times (else the response is not measured).
    #[serde(rename = "m", default = "measured", skip_serializing_if = "is_true")]
    pub response_measured: bool,
    /// A waiting total the source gave as a duration, taken off the working time (seconds).
    #[serde(rename = "w", default, skip_serializing_if = "Option::is_none")]
    pub waiting_secs: Option<i64>,
    /// The ITSM tool's own verdicts, when an export gave them.
    #[serde(rename = "tr", default, skip_serializing_if = "Option::is_none")]
    pub tool_response: Option<Verdict>,
    #[serde(rename = "tv", default, skip_serializing_if = "Option::is_none")]
    pub tool_resolution: Option<Verdict>,
}

/// A ticket's response is measured unless its facts say otherwise.
fn measured() -> bool {
    true
}

fn is_true(m: &bool) -> bool {
    *m
}

/// Loads ticket facts `WHERE <filter>` (the filter names only `tickets` columns).
/// The facts of the ticket with this reference (as imported), if there is one.
pub fn facts_of(conn: &Connection, reference: &str) -> Result<Option<TicketFacts>> {
    Ok(load_facts(conn, "reference = ?1", [reference.trim()])?
        .into_iter()
        .next())
}

pub fn load_facts<P: rusqlite::Params>(conn: &Connection, filter: &str, params: P) -> Result<Vec<TicketFacts>> {
    load_facts_from(conn, "tickets", filter, params)
}

/// A service's open tickets' facts, read through the partial index of open tickets (left to
/// itself SQLite takes the (service, opened, resolved) index and reads every ticket the
/// service ever had).
pub fn open_facts(conn: &Connection, service_id: &str) -> Result<Vec<TicketFacts>> {
    load_facts_from(
        conn,
        "tickets INDEXED BY tickets_open_service",
        "service_id = ?1 AND state = 'open'",
        [service_id],
    )
}

fn load_facts_from<P: rusqlite::Params>(
    conn: &Connection,
    from: &str,
    filter: &str,
    params: P,
) -> Result<Vec<TicketFacts>> {
    let sql = format!(
        "SELECT {} FROM {from} WHERE deleted = 0 AND {filter}",
        FACT_COLUMNS.join(", ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        // A row with a value no sdm writes is left out and noted, not a failed command.
        if let Some(facts) = crate::store::unreadable::read_or_skip("tickets", FACT_COLUMNS, row, fact_row)? {
            out.push(facts);
        }
    }
    Ok(out)
}

const FACT_COLUMNS: &[&str] = &[
    "id",
    "reference",
    "service_id",
    "priority",
    "state",
    "opened_at",
    "responded_at",
    "resolved_at",
    "pauses",
    "excluded_reason",
    "response_measured",
    "waiting_secs",
    "tool_response",
    "tool_resolution",
    "hand_pauses",
    "ignored_pauses",
];

fn fact_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TicketFacts> {
    let pauses_of = |pairs: Vec<(i64, Option<i64>)>| -> Vec<Pause> {
        pairs.into_iter().map(|(start, end)| Pause { start, end }).collect()
    };
    let imported_pauses = pauses_of(get_json(r, 8)?);
    let hand_pauses = pauses_of(get_json(r, 14)?);
    let ignored_pauses: Vec<i64> = get_json(r, 15)?;
    let pauses = if hand_pauses.is_empty() && ignored_pauses.is_empty() {
        imported_pauses.clone()
    } else {
        effective_pauses(&imported_pauses, &hand_pauses, &ignored_pauses)
    };
    Ok(TicketFacts {
        id: r.get(0)?,
        reference: r.get(1)?,
        service_id: r.get(2)?,
        priority: get_word(r, 3)?,
        state: get_word(r, 4)?,
        opened_at: r.get(5)?,
        responded_at: r.get(6)?,
        resolved_at: r.get(7)?,
        pauses,
        imported_pauses,
        hand_pauses,
        ignored_pauses,
        excluded_reason: r.get(9)?,
        response_measured: r.get::<_, i64>(10)? != 0,
        waiting_secs: r.get(11)?,
        tool_response: get_opt_word(r, 12)?,
        tool_resolution: get_opt_word(r, 13)?,
    })
}

/// One clock of one ticket.
#[derive(Debug, Clone, Serialize)]
pub struct TicketClock {
    pub ticket_id: String,
    pub reference: String,
    pub service_id: String,
    pub service: String,
    pub priority: Priority,
    pub kind: ClockKind,
    pub target_id: String,
    pub goal_secs: i64,
    pub calendar: String,
    /// Left out of the SLA by the SDM (with this reason).
    pub excluded: Option<String>,
    pub view: ClockView,
}

/// What a ticket's clock is counted against: found once for the full view and the standing.
struct Setup<'e> {
    kind: ClockKind,
    target: &'e super::SlaTarget,
    cal: &'e super::adapter::Cal,
    cal_id: &'e str,
    goal: i64,
    stop: Option<i64>,
}

/// A clock's standing without its view, for counting and detection: whether it counts,
/// whether it stopped (at or before now), whether it is past its target and when it crossed it.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing<'e> {
    pub kind: ClockKind,
    pub target_id: &'e str,
    pub goal_secs: i64,
    pub excluded: bool,
    pub stopped: bool,
    pub breached: bool,
    pub crossed_at: Option<i64>,
}

impl Engine {
    /// The clocks a ticket has (none when cancelled, opened after `now`, or without a target
    /// for them), with what each is counted against.
    fn setups<'e>(&'e self, t: &TicketFacts, now: i64) -> Vec<Setup<'e>> {
        // Cancelled: counts for nothing. Opened after `now`: no clock has started yet.
        if t.state == TicketState::Cancelled || t.opened_at > now {
            return Vec::new();
        }
        let mut out = Vec::with_capacity(2);
        for kind in [ClockKind::Response, ClockKind::Resolution] {
            let Some(target) = self.target(&t.service_id, kind, t.priority, t.opened_at) else {
                continue;
            };
            if !is_measured(t, kind) {
                continue;
            }
            let (cal, cal_id) = self.calendar_for(&t.service_id, Some(target));
            out.push(Setup {
                kind,
                target,
                cal,
                cal_id,
                goal: target.goal as i64,
                stop: stop_of(t, kind),
            });
        }
        out
    }

    /// A ticket's clocks' standings as [`Engine::clocks`] would give them, without working
    /// out a countdown or a deadline: a clock that had no more time on the wall than its
    /// target (working time never exceeds wall time, and pauses only take from it) is not past
    /// its target, and its calendar is not consulted.
    pub fn standings<'e>(&'e self, t: &TicketFacts, now: i64) -> Vec<Standing<'e>> {
        self.setups(t, now)
            .into_iter()
            .map(|c| {
                let stopped = c.stop.is_some_and(|s| s <= now);
                let end = c.stop.filter(|s| *s <= now).unwrap_or(now).max(t.opened_at);
                // The target the evaluation measures against (a waiting total extends it).
                let waiting = t.waiting_secs.unwrap_or(0);
                let allowed = if waiting > 0 {
                    c.goal.saturating_add(waiting)
                } else {
                    c.goal
                }
                .max(1);
                let (breached, crossed_at) = if end - t.opened_at <= allowed {
                    (false, None)
                } else {
                    let view = super::adapter::evaluate_waiting(
                        c.cal,
                        t.opened_at,
                        c.stop,
                        &t.pauses,
                        c.goal,
                        waiting,
                        now,
                        self.settings.warn_percent,
                        self.settings.risk_percent,
                    );
                    (view.breached, view.breached.then_some(view.crossed_at).flatten())
                };
                Standing {
                    kind: c.kind,
                    target_id: c.target.id.as_str(),
                    goal_secs: c.goal,
                    excluded: t.excluded_reason.is_some(),
                    stopped,
                    breached,
                    crossed_at,
                }
            })
            .collect()
    }

    /// A ticket's clocks: none when cancelled or when its service has no target for them.
    pub fn clocks(&self, t: &TicketFacts, now: i64) -> Vec<TicketClock> {
        let mut out = Vec::with_capacity(2);
        for Setup {
            kind,
            target,
            cal,
            cal_id,
            goal,
            stop,
        } in self.setups(t, now)
        {
            let mut view = super::adapter::evaluate_waiting(
                cal,
                t.opened_at,
                stop,
                &t.pauses,
                goal,
                t.waiting_secs.unwrap_or(0),
                now,
                self.settings.warn_percent,
                self.settings.risk_percent,
            );
            // At risk by working time left, where the settings say so for the priority.
            if let Some(left) = self.settings.at_risk_left_secs(t.priority)
                && !view.breached
                && !view.stopped
                && goal - view.elapsed < left
            {
                view.at_risk = true;
                view.warning = false;
            }
            out.push(TicketClock {
                ticket_id: t.id.clone(),
                reference: t.reference.clone(),
                service_id: t.service_id.clone(),
                service: self.service_name(&t.service_id).to_string(),
                priority: t.priority,
                kind,
                target_id: target.id.clone(),
                goal_secs: goal,
                calendar: self
                    .calendar_names
                    .get(cal_id)
                    .cloned()
                    .unwrap_or_else(|| "24x7".into()),
                excluded: t.excluded_reason.clone(),
                view,
            });
        }
        out
    }

    /// Clocks of open tickets and of tickets closed in the last `recent_days`, for one
    /// service or all; the most urgent first.
    pub fn open_and_recent(
        &self,
        conn: &Connection,
        now: i64,
        recent_days: i64,
        service_id: Option<&str>,
    ) -> Result<Vec<TicketClock>> {
        let since = now - recent_days * 86_400;
        let facts = match service_id {
            Some(s) => load_facts(
                conn,
                "service_id = ?1 AND state <> 'cancelled' AND (state = 'open' OR resolved_at >= ?2)",
                rusqlite::params![s, since],
            )?,
            None => {
                let mut open = load_facts(conn, "state = 'open'", [])?;
                open.extend(load_facts(
                    conn,
                    "state <> 'open' AND state <> 'cancelled' AND resolved_at >= ?1",
                    [since],
                )?);
                open
            }
        };
        let mut clocks: Vec<TicketClock> = facts.iter().flat_map(|t| self.clocks(t, now)).collect();
        sort_by_urgency(&mut clocks);
        Ok(clocks)
    }

    /// [`Engine::open_and_recent`] a service at a time (services by name, each one's clocks
    /// most urgent first), handed to `each` as they are worked out: the caller can write them
    /// out at once, and memory holds one service's tickets.
    pub fn open_and_recent_by_service(
        &self,
        conn: &Connection,
        now: i64,
        recent_days: i64,
        service_id: Option<&str>,
        mut each: impl FnMut(Vec<TicketClock>) -> Result<()>,
    ) -> Result<()> {
        let since = now - recent_days * 86_400;
        // Only a service with targets has clocks.
        let mut services: Vec<(&str, &str)> = self
            .targets
            .keys()
            .filter(|s| service_id.is_none_or(|o| o == s.as_str()))
            .map(|s| {
                let name = self.services.get(s).map_or(s.as_str(), |v| v.name.as_str());
                (name, s.as_str())
            })
            .collect();
        services.sort();
        for (_, s) in services {
            let mut facts = open_facts(conn, s)?;
            facts.extend(load_facts(
                conn,
                "service_id = ?1 AND state <> 'open' AND state <> 'cancelled' AND resolved_at >= ?2",
                rusqlite::params![s, since],
            )?);
            let mut clocks: Vec<TicketClock> = facts.iter().flat_map(|t| self.clocks(t, now)).collect();
            if clocks.is_empty() {
                continue;
            }
            sort_by_urgency(&mut clocks);
            each(clocks)?;
        }
        Ok(())
    }

    /// Running or paused clocks that are at risk or already past their target.
    pub fn urgent(&self, conn: &Connection, now: i64) -> Result<Vec<TicketClock>> {
        self.urgent_of(conn, now, None)
    }

    /// The urgent clocks of one service (or of all, with `None`). Which tickets have them is
    /// kept per service in the cache; their clocks are worked out afresh.
    pub fn urgent_of(&self, conn: &Connection, now: i64, only: Option<&str>) -> Result<Vec<TicketClock>> {
        let mut services: Vec<&String> = self
            .targets
            .keys()
            .filter(|s| only.is_none_or(|o| o == s.as_str()))
            .collect();
        services.sort();
        let mut pending = Pending::default();
        let mut facts: Vec<TicketFacts> = Vec::new();
        let removed = cache::removed_outright(conn).ok();
        for service_id in services {
            facts.extend(self.urgent_tickets(conn, service_id, now, removed, &mut pending)?);
        }
        pending.flush(conn);
        let mut clocks: Vec<TicketClock> = facts
            .iter()
            .flat_map(|t| self.clocks(t, now))
            .filter(is_urgent)
            .collect();
        sort_by_urgency(&mut clocks);
        Ok(clocks)
    }

    /// The open tickets of a service with a clock at risk or past its target at `now` (their
    /// facts: the entry is dropped whenever a ticket of the service is written).
    fn urgent_tickets(
        &self,
        conn: &Connection,
        service_id: &str,
        now: i64,
        // The counter of rows removed outright ([`cache::removed_outright`]), read once a pass.
        removed: Option<i64>,
        pending: &mut Pending,
    ) -> Result<Vec<TicketFacts>> {
        let key = format!("urgent/{service_id}");
        // Under the rules, the settings, the service's counters and the removals (a freed rowid
        // can be taken again at the watermark), at the tickets' watermark: the entry holds
        // while no open ticket of the service was inserted since.
        let prefix = cache::service_tickets_version(conn, service_id)
            .zip(removed)
            .map(|(v, removed)| {
                format!(
                    "{}/{}/{}/{:?}/{v}/r{removed}",
                    self.rules_stamp(service_id),
                    self.settings.warn_percent,
                    self.settings.risk_percent,
                    self.settings.at_risk_left
                )
            });
        let stamped = prefix.zip(cache::tickets_watermark(conn));
        if let Some((prefix, mark)) = &stamped
            && let Some(hit) = cache::get_since(conn, pending, &key, prefix, *mark, now, service_id, |_, open| open)
        {
            return Ok(hit);
        }
        let stamp = stamped.map(|(prefix, mark)| cache::stamp_at(&prefix, mark));
        let facts = open_facts(conn, service_id)?;
        let mut urgent_facts = Vec::new();
        let mut valid_until = None;
        for t in facts {
            let mut urgent = false;
            for c in self.clocks(&t, now) {
                if c.excluded.is_some() || c.view.stopped {
                    continue;
                }
                if c.view.at_risk || c.view.breached {
                    urgent = true;
                    continue;
                }
                // Not yet at risk: the list holds until the clock reaches the risk share.
                let target = self.target(&t.service_id, c.kind, t.priority, t.opened_at);
                let (cal, _) = self.calendar_for(&t.service_id, target);
                let mut risk_secs = (c.goal_secs as f64 * self.settings.risk_percent / 100.0).floor() as i64;
                if let Some(left) = self.settings.at_risk_left_secs(t.priority) {
                    risk_secs = risk_secs.min(c.goal_secs - left);
                }
                let risk = super::adapter::evaluate(
                    cal,
                    t.opened_at,
                    None,
                    &t.pauses,
                    risk_secs.max(1),
                    now,
                    self.settings.warn_percent,
                    self.settings.risk_percent,
                );
                cache::earliest_after(now, [risk.deadline, c.view.deadline], &mut valid_until);
            }
            if urgent {
                urgent_facts.push(t);
            }
        }
        if let Some(stamp) = stamp {
            pending.put(key, stamp, now, valid_until, &urgent_facts);
        }
        Ok(urgent_facts)
    }
}

/// A clock that counts, still runs, and is at risk or past its target: what the agenda and
/// the health verdict call urgent.
pub fn is_urgent(c: &TicketClock) -> bool {
    c.excluded.is_none() && !c.view.stopped && (c.view.at_risk || c.view.breached)
}

/// When a ticket's clock stops: a ticket resolved without a recorded response was answered by
/// then at the latest.
/// A clock on which the ITSM tool's own verdict and sdm's differ.
#[derive(Debug, Clone, Serialize)]
pub struct Disagreement {
    pub reference: String,
    pub service: String,
    pub clock: ClockKind,
    /// What the tool's export said.
    pub tool: Verdict,
    /// What sdm's clock says: met, breached, or running (not breached yet).
    pub sdm: &'static str,
    pub percent_used: f64,
}

impl TicketFacts {
    fn tool_verdict(&self, kind: ClockKind) -> Option<Verdict> {
        match kind {
            ClockKind::Response => self.tool_response,
            ClockKind::Resolution => self.tool_resolution,
        }
    }
}

impl Engine {
    /// Every clock whose tool verdict and sdm's differ: the tool says breached and sdm's
    /// clock is met or still within its target, or the tool says met and sdm's clock is
    /// breached. A clock sdm does not measure, or one the tool gave no verdict on, is not
    /// compared. `only`: the ticket ids to look at (all with a verdict when `None`).
    pub fn disagreements(&self, conn: &Connection, now: i64, only: Option<&[String]>) -> Result<Vec<Disagreement>> {
        let with_verdict = "(tool_response IS NOT NULL OR tool_resolution IS NOT NULL)";
        let facts = match only {
            None => load_facts(conn, with_verdict, [])?,
            // The named tickets looked up by id, a slice at a time.
            Some(ids) => {
                let mut facts = Vec::new();
                for slice in ids.chunks(20_000) {
                    let json = serde_json::to_string(slice).map_err(crate::store::StoreError::from)?;
                    facts.extend(load_facts(
                        conn,
                        &format!("{with_verdict} AND id IN (SELECT value FROM json_each(?1))"),
                        [json],
                    )?);
                }
                facts
            }
        };
        let mut out = Vec::new();
        for t in &facts {
            for c in self.clocks(t, now) {
                let Some(tool) = t.tool_verdict(c.kind) else {
                    continue;
                };
                let differs = match tool {
                    Verdict::Breached => !c.view.breached,
                    Verdict::Met => c.view.breached,
                };
                if differs {
                    out.push(Disagreement {
                        reference: t.reference.clone(),
                        service: c.service.clone(),
                        clock: c.kind,
                        tool,
                        sdm: if c.view.breached {
                            "breached"
                        } else if c.view.stopped {
                            "met"
                        } else {
                            "running"
                        },
                        percent_used: c.view.percent_used,
                    });
                }
            }
        }
        out.sort_by(|a, b| (&a.reference, a.clock.as_str()).cmp(&(&b.reference, b.clock.as_str())));
        Ok(out)
    }
}

/// Whether the facts measure this clock at all. A fact the source does not give is not
/// measured, never invented: a ticket from a file with no response times has no response
/// clock, and a resolved or closed ticket with no resolution time has no resolution clock
/// (nor a response clock, when it has no response time either) — never a clock running to now.
pub fn is_measured(t: &TicketFacts, kind: ClockKind) -> bool {
    let done = matches!(t.state, TicketState::Resolved | TicketState::Closed);
    match kind {
        ClockKind::Response => t.response_measured && !(done && stop_of(t, kind).is_none()),
        ClockKind::Resolution => !(done && t.resolved_at.is_none()),
    }
}

/// Where a clock stops: the response at the first response, or at the resolution when there
/// was none or it came later (a ticket resolved is responded to); the resolution at the
/// resolution.
pub fn stop_of(t: &TicketFacts, kind: ClockKind) -> Option<i64> {
    match kind {
        ClockKind::Response => match (t.responded_at, t.resolved_at) {
            (Some(r), Some(s)) => Some(r.min(s)),
            (r, s) => r.or(s),
        },
        ClockKind::Resolution => t.resolved_at,
    }
}

/// Breached first (longest overdue first), then by time left.
pub fn sort_by_urgency(clocks: &mut Vec<TicketClock>) {
    // Sorted as positions, then moved once each: a clock is a large value, and a sort moves
    // its items many times over (an agenda at a million tickets sorts some 16,000).
    // The keys side by side (not read through each clock), the position last: the order a
    // stable sort gives.
    let mut keys: Vec<(bool, i64, &str, usize)> = clocks
        .iter()
        .enumerate()
        .map(|(i, c)| (c.view.stopped, c.view.remaining, c.reference.as_str(), i))
        .collect();
    keys.sort_unstable();
    let order: Vec<usize> = keys.into_iter().map(|(.., i)| i).collect();
    let mut slots: Vec<Option<TicketClock>> = std::mem::take(clocks).into_iter().map(Some).collect();
    clocks.extend(
        order
            .into_iter()
            .filter_map(|i| slots.get_mut(i).and_then(Option::take)),
    );
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The cache's short form reads back as it was written, with every field set and with
    /// every optional one left out (a response not measured must not come back measured).
    #[test]
    fn facts_read_back_from_the_cache_form_as_written() {
        let full = TicketFacts {
            id: "t1".into(),
            reference: "INC1".into(),
            service_id: "s1".into(),
            priority: Priority::P2,
            state: TicketState::Resolved,
            opened_at: 100,
            responded_at: Some(200),
            resolved_at: Some(300),
            pauses: vec![Pause {
                start: 120,
                end: Some(130),
            }],
            imported_pauses: vec![Pause { start: 120, end: None }],
            hand_pauses: vec![Pause {
                start: 140,
                end: Some(150),
            }],
            ignored_pauses: vec![160],
            excluded_reason: Some("duplicate".into()),
            response_measured: false,
            waiting_secs: Some(600),
            tool_response: Some(Verdict::Met),
            tool_resolution: Some(Verdict::Breached),
        };
        let bare = TicketFacts {
            responded_at: None,
            resolved_at: None,
            pauses: Vec::new(),
            imported_pauses: Vec::new(),
            hand_pauses: Vec::new(),
            ignored_pauses: Vec::new(),
            excluded_reason: None,
            response_measured: true,
            waiting_secs: None,
            tool_response: None,
            tool_resolution: None,
            ..full.clone()
        };
        for facts in [full, bare] {
            let json = serde_json::to_string(&facts).unwrap();
            let back: TicketFacts = serde_json::from_str(&json).unwrap();
            assert_eq!(format!("{back:?}"), format!("{facts:?}"), "{json}");
        }
    }
}
