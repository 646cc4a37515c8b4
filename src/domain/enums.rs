//! The closed vocabularies of the domain, each stored and typed as a short lowercase word.

use std::fmt;
use std::str::FromStr;

/// A word that is not one of an enum's accepted values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} \"{given}\" is not known: use one of {accepted}")]
pub struct UnknownWord {
    pub what: &'static str,
    pub given: String,
    pub accepted: String,
}

/// A closed-vocabulary word (a kind, a status, a channel): written as its word, read back
/// from it.
pub trait Word: Copy + FromStr<Err = UnknownWord> {
    fn word(&self) -> &'static str;
}

macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal, { $($variant:ident => $word:literal $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }
        }

        impl Word for $name {
            fn word(&self) -> &'static str {
                self.as_str()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownWord;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let lower = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
                match lower.as_str() {
                    $($word $(| $alias)* => Ok($name::$variant),)+
                    _ => Err(UnknownWord {
                        what: $what,
                        given: s.to_string(),
                        accepted: [$($word),+].join(", "),
                    }),
                }
            }
        }
    };
}

word_enum!(
    /// What kind of agreement defines a service.
    AgreementKind, "agreement kind", {
    Contract => "contract",
    Dou => "dou" | "document_of_understanding",
    Ola => "ola",
});

word_enum!(Criticality, "criticality", {
    Low => "low",
    Medium => "medium",
    High => "high",
    Critical => "critical",
});

word_enum!(ServiceStatus, "service status", {
    Active => "active",
    Retiring => "retiring",
    Retired => "retired",
});

word_enum!(
    /// The kind of an SLA target.
    TargetKind, "target kind", {
    Availability => "availability",
    Response => "response",
    Resolution => "resolution",
    Satisfaction => "satisfaction",
});

word_enum!(Priority, "priority", {
    P1 => "p1",
    P2 => "p2",
    P3 => "p3",
    P4 => "p4",
});

impl Priority {
    /// The conventional upper-case label (`P1`).
    pub fn label(self) -> &'static str {
        match self {
            Priority::P1 => "P1",
            Priority::P2 => "P2",
            Priority::P3 => "P3",
            Priority::P4 => "P4",
        }
    }
}

word_enum!(
    /// The scale of a survey's score: 0–10 (the Net Promoter question) or 1–5 (satisfaction).
    SurveyScale, "survey scale", {
    ZeroToTen => "0-10" | "0_10" | "10" | "0..10",
    OneToFive => "1-5" | "1_5" | "5" | "1..5",
});

impl SurveyScale {
    /// The lowest and highest score.
    pub fn range(self) -> (f64, f64) {
        match self {
            SurveyScale::ZeroToTen => (0.0, 10.0),
            SurveyScale::OneToFive => (1.0, 5.0),
        }
    }
}

word_enum!(Verdict, "verdict", {
    Met => "met",
    Breached => "breached",
});

word_enum!(TicketKind, "ticket kind", {
    Incident => "incident",
    Request => "request",
});

word_enum!(
    /// A ticket's state; a cancelled ticket counts for nothing.
    TicketState, "ticket state", {
    Open => "open",
    Resolved => "resolved",
    Closed => "closed",
    Cancelled => "cancelled" | "canceled",
});

word_enum!(BreachSource, "breach source", {
    Ticket => "ticket",
    Availability => "availability",
    Manual => "manual",
});

word_enum!(
    /// "Open breaches" are open or acknowledged ones.
    BreachStatus, "breach status", {
    Open => "open",
    Acknowledged => "acknowledged" | "ack",
    Closed => "closed",
    Void => "void",
});

impl BreachStatus {
    pub fn is_open(self) -> bool {
        matches!(self, BreachStatus::Open | BreachStatus::Acknowledged)
    }
}

word_enum!(Channel, "channel", {
    Meeting => "meeting",
    Call => "call" | "phone",
    Email => "email" | "mail",
    Chat => "chat",
    ServiceReview => "service_review" | "review",
});

word_enum!(ChangeKind, "change kind", {
    Standard => "standard",
    Normal => "normal",
    Emergency => "emergency",
});

word_enum!(ChangeOutcome, "change outcome", {
    Successful => "successful" | "success",
    SuccessfulWithIssues => "successful_with_issues",
    Failed => "failed" | "unsuccessful",
    RolledBack => "rolled_back" | "backed_out",
    Pending => "pending",
    Cancelled => "cancelled" | "canceled",
});

impl ChangeOutcome {
    /// Anything but a plain success asks for a post-implementation review, once the change
    /// has gone in: a change still pending (planned, scheduled) or cancelled asks for none.
    pub fn needs_review(self) -> bool {
        !matches!(
            self,
            ChangeOutcome::Successful | ChangeOutcome::Pending | ChangeOutcome::Cancelled
        )
    }

    /// Whether the change went in (it has an outcome to review).
    pub fn implemented(self) -> bool {
        !matches!(self, ChangeOutcome::Pending | ChangeOutcome::Cancelled)
    }
}

word_enum!(ReviewKind, "review kind", {
    Pir => "pir",
    Postmortem => "postmortem" | "post_mortem",
});

impl ReviewKind {
    /// As an SDM says it: "PIR", "post-mortem".
    pub fn label(self) -> &'static str {
        match self {
            ReviewKind::Pir => "PIR",
            ReviewKind::Postmortem => "post-mortem",
        }
    }
}

word_enum!(
    /// Where an improvement stands.
    ImprovementStatus, "improvement status", {
    Proposed => "proposed",
    InProgress => "in_progress",
    Done => "done",
    Dropped => "dropped",
});

word_enum!(
    /// Where a problem stands, in the order problem management moves it.
    ProblemStatus, "problem status", {
    Open => "open" | "new" | "assess" | "assessed",
    RootCauseKnown => "root_cause_known" | "root_cause" | "rca" | "root_cause_analysis",
    KnownError => "known_error" | "ke",
    FixInProgress => "fix_in_progress" | "fix" | "in_progress" | "work_in_progress",
    Resolved => "resolved" | "fixed",
    Closed => "closed" | "cancelled" | "canceled",
});

impl ProblemStatus {
    /// As an SDM says it: "known error".
    pub fn label(self) -> String {
        self.as_str().replace('_', " ")
    }

    /// Still being worked (not resolved or closed).
    pub fn is_open(self) -> bool {
        !matches!(self, ProblemStatus::Resolved | ProblemStatus::Closed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_and_aliases_parse() {
        for kind in ChangeOutcome::ALL {
            assert_eq!(kind.as_str().parse::<ChangeOutcome>(), Ok(*kind));
        }
        assert_eq!("Rolled back".parse::<ChangeOutcome>(), Ok(ChangeOutcome::RolledBack));
        assert_eq!("DoU".parse::<AgreementKind>(), Ok(AgreementKind::Dou));
        assert_eq!("P1".parse::<Priority>(), Ok(Priority::P1));
    }

    #[test]
    fn unknown_word_lists_the_accepted_ones() {
        let err = "sometimes".parse::<BreachStatus>().err();
        let msg = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains("\"sometimes\""), "{msg}");
        assert!(msg.contains("open, acknowledged, closed, void"), "{msg}");
    }
}
