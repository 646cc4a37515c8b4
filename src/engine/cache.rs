//! What the rules worked out, kept in the database file (`rule_cache`) so that a large history
//! is read once, not on every start or key press.
//!
//! An entry holds for as long as three things stay the same: the rules it was computed under
//! (the service's targets and calendars, a [`RULES_VERSION`] of this code), the tickets it was
//! computed from (the `ticket_versions` counters, which triggers move on every update or
//! delete of a ticket, and the tickets' watermark, which every insert raises), and the
//! moment: it was computed at `computed_at` and holds until `valid_until`, the first
//! instant at which one of its clocks could change its standing (a deadline passing, a stop
//! recorded ahead of the clock). Outside that, it is worked out again and replaced.
//! `store::rule_cache` keeps the entries.

pub use crate::store::rule_cache::{
    Pending, earliest_after, get, get_since, removed_outright, service_tickets_version, stamp_at, ticket_versions,
    tickets_watermark, versions_over,
};

use super::Engine;
use crate::domain::model::CalendarRecord;

/// Bumped whenever the clock or health rules change what they compute.
pub const RULES_VERSION: u32 = 4;

/// A stable 64-bit hash (FNV-1a) of some text: the same in every build and run.
pub fn fnv(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The stamp of a calendar record: its whole stored form.
pub fn calendar_stamp(rec: &CalendarRecord) -> u64 {
    fnv(&format!("{rec:?}"))
}

impl Engine {
    /// The stamp of the rules a service's ticket clocks are computed under: its targets, the
    /// calendars they count in, and this code's rules version.
    pub fn rules_stamp(&self, service_id: &str) -> String {
        if let Some(stamp) = self.rule_stamps.lock().ok().and_then(|m| m.get(service_id).cloned()) {
            return stamp;
        }
        let stamp = self.rules_stamp_of(service_id);
        if let Ok(mut m) = self.rule_stamps.lock() {
            m.insert(service_id.to_string(), stamp.clone());
        }
        stamp
    }

    fn rules_stamp_of(&self, service_id: &str) -> String {
        let mut text = format!("v{RULES_VERSION}");
        let mut calendars: Vec<String> = Vec::new();
        if let Some(s) = self.services.get(service_id) {
            text.push_str(&format!("|window {:?}", s.window_calendar_id));
        }
        calendars.push(self.calendar_for(service_id, None).1.to_string());
        if let Some(targets) = self.targets.get(service_id) {
            let mut sorted: Vec<_> = targets.iter().collect();
            sorted.sort_by(|a, b| a.id.cmp(&b.id));
            for t in sorted {
                text.push_str(&format!("|{t:?}"));
                calendars.push(self.calendar_for(service_id, Some(t)).1.to_string());
            }
        }
        calendars.sort();
        calendars.dedup();
        for c in calendars {
            let stamp = self.calendar_stamps.get(&c).copied().unwrap_or(0);
            text.push_str(&format!("|{c}={stamp:x}"));
        }
        format!("{:016x}", fnv(&text))
    }
}

/// Stamps of calendar records by id.
pub fn calendar_stamps(records: &[CalendarRecord]) -> super::IdMap<u64> {
    records.iter().map(|r| (r.id.clone(), calendar_stamp(r))).collect()
}
