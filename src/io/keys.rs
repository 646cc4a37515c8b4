//! The natural ids imported records are upserted by. Two copies of a database that import
//! the same file agree on them, and a re-import finds the rows it wrote before.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::domain::enums::{Priority, TargetKind};
use crate::domain::ids::natural_id;

pub fn calendar_id(name: &str) -> String {
    natural_id("calendar", name)
}

pub fn service_id(name: &str) -> String {
    natural_id("service", name)
}

pub fn stakeholder_id(name: &str) -> String {
    natural_id("stakeholder", name)
}

/// A service's target: one per kind and priority (`<service id>/<kind>/<priority or ->`).
pub fn target_id(service_id: &str, kind: TargetKind, priority: Option<Priority>) -> String {
    let priority = priority.map_or("-", Priority::label);
    natural_id("target", &format!("{service_id}/{}/{priority}", kind.as_str()))
}

/// A version of a target whose terms start on `from` (none: the first, from the start).
pub fn target_version_id(
    service_id: &str,
    kind: TargetKind,
    priority: Option<Priority>,
    from: Option<chrono::NaiveDate>,
) -> String {
    match from {
        None => target_id(service_id, kind, priority),
        Some(d) => {
            let priority = priority.map_or("-", Priority::label);
            natural_id("target", &format!("{service_id}/{}/{priority}/{d}", kind.as_str()))
        }
    }
}

/// A ticket by its reference.
pub fn ticket_id(reference: &str) -> String {
    natural_id("ticket", reference)
}

/// A change by its reference.
pub fn change_id(reference: &str) -> String {
    natural_id("change", reference)
}

/// An outage by its service and start (`<service id>/<start as RFC 3339 UTC>`).
pub fn outage_id(service_id: &str, start: i64) -> String {
    let start = DateTime::<Utc>::from_timestamp(start, 0)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_else(|| start.to_string());
    natural_id("outage", &format!("{service_id}/{start}"))
}

/// A satisfaction score by its service and period (`<service id>/<period>`).
pub fn score_id(service_id: &str, period: &str) -> String {
    natural_id("score", &format!("{service_id}/{period}"))
}

/// The link of a stakeholder to a service (the same id the store's link writer uses).
pub fn stakeholder_service_id(stakeholder_id: &str, service_id: &str) -> String {
    natural_id("stakeholder_services", &format!("{stakeholder_id}/{service_id}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_and_distinct() {
        assert_eq!(ticket_id("INC001"), ticket_id(" inc001 "));
        assert_ne!(ticket_id("INC001"), change_id("INC001"));
        let s = service_id("Payroll");
        assert_eq!(
            target_id(&s, TargetKind::Response, Some(Priority::P1)),
            natural_id("target", &format!("{s}/response/P1"))
        );
        assert_eq!(
            target_id(&s, TargetKind::Availability, None),
            natural_id("target", &format!("{s}/availability/-"))
        );
        assert_eq!(
            outage_id(&s, 1_700_000_000),
            natural_id("outage", &format!("{s}/2023-11-14T22:13:20Z"))
        );
    }
}
