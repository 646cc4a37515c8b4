//! A breach as it stood at an earlier moment, read from its dated steps: a review of November
//! written in December shows a breach closed on 5 December as open at November's end. A void
//! is a correction of the record (the breach never was one), so it holds for every date.

use super::enums::BreachStatus;
use super::model::Breach;

/// The status a step leaves the breach in, if it is a step that moves the status.
pub fn status_after(step: &str) -> Option<BreachStatus> {
    match step {
        "acknowledged" => Some(BreachStatus::Acknowledged),
        "closed" => Some(BreachStatus::Closed),
        "reopened" | "breached again" => Some(BreachStatus::Open),
        "void" => Some(BreachStatus::Void),
        // "edited: open → closed"
        s => s
            .strip_prefix("edited:")
            .and_then(|rest| rest.rsplit('→').next())
            .and_then(|to| to.trim().parse().ok()),
    }
}

impl Breach {
    /// The status at `at` (Unix seconds). A breach whose history records no status step
    /// (made before steps were kept, or imported) is taken as it stands.
    pub fn status_at(&self, at: i64) -> BreachStatus {
        if self.status == BreachStatus::Void {
            return BreachStatus::Void;
        }
        let moves: Vec<(i64, BreachStatus)> = self
            .history
            .iter()
            .filter_map(|s| status_after(&s.step).map(|st| (s.at, st)))
            .collect();
        if moves.is_empty() {
            return self.status;
        }
        moves
            .iter()
            .filter(|(t, _)| *t <= at)
            .map(|(_, st)| *st)
            .next_back()
            .unwrap_or(BreachStatus::Open)
    }

    /// The cause given by `at`: the last step that named one, else (no step names any) the
    /// cause as it stands when the breach was closed by then.
    pub fn cause_at(&self, at: i64) -> Option<String> {
        if self.history.iter().any(|s| s.cause.is_some()) {
            return self
                .history
                .iter()
                .filter(|s| s.at <= at)
                .filter_map(|s| s.cause.clone())
                .next_back();
        }
        self.cause
            .clone()
            .filter(|_| self.status_at(at) == BreachStatus::Closed)
    }

    /// Whether the customer had been told by `at`.
    pub fn informed_at(&self, at: i64) -> bool {
        let told: Vec<i64> = self
            .history
            .iter()
            .filter(|s| s.step == "informed")
            .map(|s| s.at)
            .collect();
        if told.is_empty() {
            self.customer_informed
        } else {
            told.iter().any(|t| *t <= at)
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::model::BreachStep;

    fn breach(status: BreachStatus, steps: &[(i64, &str)]) -> Breach {
        Breach {
            id: "b".into(),
            service_id: "s".into(),
            target_id: None,
            source: crate::domain::enums::BreachSource::Ticket,
            ticket_id: None,
            ticket_ref: None,
            period: None,
            title: "P1 response target missed".into(),
            breached_at: 0,
            customer_informed: false,
            credit: None,
            notes: String::new(),
            cause: None,
            status,
            history: steps
                .iter()
                .map(|(at, step)| BreachStep {
                    at: *at,
                    step: (*step).to_string(),
                    ..BreachStep::default()
                })
                .collect(),
        }
    }

    #[test]
    fn a_step_after_the_moment_is_not_known_then() {
        let b = breach(
            BreachStatus::Closed,
            &[(100, "acknowledged"), (200, "informed"), (300, "closed")],
        );
        assert_eq!(b.status_at(50), BreachStatus::Open);
        assert_eq!(b.status_at(100), BreachStatus::Acknowledged);
        assert_eq!(b.status_at(299), BreachStatus::Acknowledged);
        assert_eq!(b.status_at(300), BreachStatus::Closed);
        assert!(!b.informed_at(199));
        assert!(b.informed_at(200));
    }

    #[test]
    fn a_void_holds_for_every_date_and_edits_and_reopenings_are_read() {
        assert_eq!(
            breach(BreachStatus::Void, &[(500, "void")]).status_at(10),
            BreachStatus::Void
        );
        let b = breach(BreachStatus::Open, &[(100, "edited: open → closed"), (200, "reopened")]);
        assert_eq!(b.status_at(150), BreachStatus::Closed);
        assert_eq!(b.status_at(250), BreachStatus::Open);
        // No status step: as it stands.
        let told = Breach {
            customer_informed: true,
            ..breach(BreachStatus::Closed, &[])
        };
        assert_eq!(told.status_at(0), BreachStatus::Closed);
        assert!(told.informed_at(0));
    }
}
