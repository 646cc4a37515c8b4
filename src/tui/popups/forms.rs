//! The interface's forms, one builder per purpose: the fields, their labels, defaults and
//! hints. What saving one does is the use cases' business (`tui::effects` hands it over).

use super::super::form::{Field, Form, Purpose};

/// Values to pre-fill a form with, by field key.
pub type Prefill = std::collections::HashMap<&'static str, String>;

fn get(p: &Prefill, k: &str, default: &str) -> String {
    p.get(k).cloned().unwrap_or_else(|| default.to_string())
}

pub fn service_form(id: Option<String>, p: &Prefill) -> Form {
    let title = if id.is_some() { "Edit service" } else { "Add a service" };
    Form::new(
        title,
        Purpose::Service(id),
        vec![
            Field::text("name", "Name", get(p, "name", ""), "a unique name"),
            Field::text(
                "aliases",
                "Aliases",
                get(p, "aliases", ""),
                "other names in the ITSM tool's exports, comma-separated: PAYROLL-PRD, HR Pay",
            ),
            Field::text(
                "customer",
                "Customer",
                get(p, "customer", ""),
                "the organisation receiving it",
            ),
            Field::choice(
                "agreement_kind",
                "Agreement",
                &get(p, "agreement_kind", "contract"),
                &["contract", "dou", "ola"],
                "←/→: contract, dou, ola",
            ),
            Field::text(
                "agreement_ref",
                "Agreement ref",
                get(p, "agreement_ref", ""),
                "e.g. C-2024-17",
            ),
            Field::text(
                "agreement_start",
                "Agreement start",
                get(p, "agreement_start", ""),
                "a date: 2025-01-01; empty for none",
            ),
            Field::text(
                "agreement_end",
                "Agreement end",
                get(p, "agreement_end", ""),
                "a date: 2027-12-31; empty for none (the agenda warns as notice falls due)",
            ),
            Field::text(
                "notice_days",
                "Notice (days)",
                get(p, "notice_days", ""),
                "days of notice before the end, e.g. 90; empty for none",
            ),
            Field::text(
                "window",
                "Service window",
                get(p, "window", "24x7"),
                "a calendar name: 24x7 or one of yours",
            ),
            Field::choice(
                "criticality",
                "Criticality",
                &get(p, "criticality", "medium"),
                &["low", "medium", "high", "critical"],
                "←/→ to choose",
            ),
            Field::text(
                "agreement_review",
                "Agreement review",
                get(p, "agreement_review", ""),
                "a date: 2026-12-01, today, fri, +2w; empty for none",
            ),
            Field::text(
                "availability",
                "Availability target",
                get(p, "availability", ""),
                "e.g. 99.9%; empty for none",
            ),
            Field::text(
                "p1",
                "P1 respond / resolve",
                get(p, "p1", ""),
                "working time in the service window, e.g. 15m / 4h",
            ),
            Field::text(
                "p2",
                "P2 respond / resolve",
                get(p, "p2", ""),
                "working time, e.g. 30m / 8h",
            ),
            Field::text(
                "p3",
                "P3 respond / resolve",
                get(p, "p3", ""),
                "working time; 1d = 24 working hours",
            ),
            Field::text(
                "p4",
                "P4 respond / resolve",
                get(p, "p4", ""),
                "working time; 5d = 120 working hours",
            ),
            Field::text(
                "satisfaction",
                "Satisfaction goal",
                get(p, "satisfaction", ""),
                "a score out of 5, e.g. 4.0; empty for none",
            ),
            Field::choice(
                "targets_apply",
                "Changed goals apply",
                "from today",
                &crate::app::services::TargetsApply::CHOICES,
                "←/→: from today (earlier months keep the old goal) or correct the past (re-judged)",
            ),
            Field::text(
                "charge",
                "Monthly charge",
                get(p, "charge", ""),
                "what the customer pays a month, e.g. 10000 EUR; credit percentages apply to it",
            ),
            Field::text(
                "cost",
                "Monthly cost",
                get(p, "cost", ""),
                "what it costs to run a month, e.g. 6200 EUR",
            ),
            Field::text(
                "credits",
                "Service credits",
                get(p, "credits", ""),
                "below 99.9% 10%; below 99% 25%; P1 500 EUR; P2 2%; cap 20%; minimum 50 EUR",
            ),
            Field::text("description", "Description", get(p, "description", ""), "free text"),
        ],
    )
}

pub fn breach_form(id: Option<String>, p: &Prefill) -> Form {
    let title = if id.is_some() {
        "Edit breach"
    } else {
        "Record a breach by hand"
    };
    Form::new(
        title,
        Purpose::Breach(id),
        vec![
            Field::text("service", "Service", get(p, "service", ""), "a service name or alias"),
            Field::text(
                "title",
                "What was missed",
                get(p, "title", ""),
                "e.g. monthly report delivered late",
            ),
            Field::text(
                "when",
                "When",
                get(p, "when", "today"),
                "a date: 2026-11-20, today, -3d",
            ),
            Field::choice(
                "status",
                "Status",
                &get(p, "status", "open"),
                &["open", "acknowledged", "closed", "void"],
                "←/→ to choose",
            ),
            Field::choice(
                "informed",
                "Customer told",
                &get(p, "informed", "no"),
                &["no", "yes"],
                "←/→: yes or no",
            ),
            Field::text(
                "credit",
                "Service credit",
                get(p, "credit", ""),
                "an amount, e.g. 500; empty for none",
            ),
            Field::text("notes", "Notes", get(p, "notes", ""), "free text"),
        ],
    )
}

pub fn stakeholder_form(id: Option<String>, p: &Prefill) -> Form {
    let title = if id.is_some() {
        "Edit stakeholder"
    } else {
        "Add a stakeholder"
    };
    Form::new(
        title,
        Purpose::Stakeholder(id),
        vec![
            Field::text("name", "Name", get(p, "name", ""), "a unique name"),
            Field::text("organisation", "Organisation", get(p, "organisation", ""), "free text"),
            Field::text("role", "Role", get(p, "role", ""), "e.g. IT manager"),
            Field::text("contact", "Contact", get(p, "contact", ""), "e-mail or phone"),
            Field::choice(
                "channel",
                "Preferred channel",
                &get(p, "channel", "call"),
                &["meeting", "call", "email", "chat", "service_review"],
                "←/→ to choose",
            ),
            Field::text(
                "cadence",
                "Touch every (days)",
                get(p, "cadence", "30"),
                "a number of days, 1 to 366",
            ),
            Field::text(
                "services",
                "Services",
                get(p, "services", ""),
                "service names, separated by commas",
            ),
            Field::text("notes", "Notes", get(p, "notes", ""), "free text"),
        ],
    )
}

/// The quick log: the summary first, so `t`, the text and Enter log a touch point.
/// Logging a touch point: with a stakeholder (picked, or by name), about `services` (names,
/// comma-separated: the service it was logged from, else the stakeholder's).
pub fn touch_form(stakeholder_id: Option<String>, name: &str, channel: &str, services: &str) -> Form {
    let mut fields = vec![
        Field::text("summary", "Summary", "", "what was discussed"),
        Field::text(
            "sentiment",
            "Sentiment",
            "",
            "1 (unhappy) to 5 (happy); empty if unsure",
        ),
        Field::choice(
            "channel",
            "Channel",
            &channel.replace(' ', "_"),
            &["meeting", "call", "email", "chat", "service_review"],
            "←/→ to choose",
        ),
        Field::text(
            "when",
            "When",
            "now",
            "now, or a time: 2026-11-20 14:00, yesterday 10:00",
        ),
        Field::text(
            "services",
            "About",
            services,
            "the services it was about, comma-separated; a follow-up goes to the first",
        ),
        Field::text(
            "follow_up",
            "Follow-up",
            "",
            "becomes an action due in a week, owned by you",
        ),
    ];
    if stakeholder_id.is_none() {
        fields.insert(
            1,
            Field::text("stakeholder", "Stakeholder", name, "a stakeholder's name"),
        );
    }
    let title = if name.is_empty() {
        "Log a touch point".to_string()
    } else {
        format!("Log a touch point with {name}")
    };
    Form::new(title, Purpose::Touch { stakeholder_id }, fields)
}

pub fn review_form(id: Option<String>, p: &Prefill) -> Form {
    let title = if id.is_some() {
        "Record the review"
    } else {
        "Add a review"
    };
    Form::new(
        title,
        Purpose::Review(id),
        vec![
            Field::text("title", "Title", get(p, "title", ""), "what is reviewed"),
            Field::text("service", "Service", get(p, "service", ""), "a service name"),
            Field::choice(
                "kind",
                "Kind",
                &get(p, "kind", "pir"),
                &["pir", "postmortem"],
                "←/→: PIR or post-mortem",
            ),
            Field::text("due", "Due", get(p, "due", "+1w"), "a date: 2026-12-01, fri, +1w"),
            Field::text(
                "held_on",
                "Held on",
                get(p, "held_on", ""),
                "a date once held (today); empty while not held",
            ),
            Field::text("attendees", "Attendees", get(p, "attendees", ""), "free text"),
            Field::text(
                "what_went_wrong",
                "What went wrong",
                get(p, "what_went_wrong", ""),
                "free text",
            ),
            Field::text("findings", "Findings", get(p, "findings", ""), "free text"),
        ],
    )
}

pub fn action_form(id: Option<String>, review_id: Option<String>, p: &Prefill) -> Form {
    let title = if id.is_some() { "Edit action" } else { "Add an action" };
    Form::new(
        title,
        Purpose::Action {
            id,
            review_id,
            problem_id: None,
        },
        vec![
            Field::text("title", "Action", get(p, "title", ""), "what is to be done"),
            Field::text("owner", "Owner", get(p, "owner", ""), "who does it"),
            Field::text(
                "due",
                "Due",
                get(p, "due", "+1w"),
                "a date: 2026-12-01, today, fri, +2w; empty for none",
            ),
            Field::text(
                "service",
                "Service",
                get(p, "service", ""),
                "a service name; empty for none",
            ),
            Field::text("notes", "Notes", get(p, "notes", ""), "free text"),
        ],
    )
}

/// A blank form for a purpose, to fill from a draft.
pub fn blank_form(purpose: &Purpose) -> Form {
    let p = Prefill::new();
    match purpose.clone() {
        Purpose::Service(id) => service_form(id, &p),
        Purpose::Breach(id) => breach_form(id, &p),
        Purpose::Stakeholder(id) => stakeholder_form(id, &p),
        Purpose::Touch { stakeholder_id } => touch_form(stakeholder_id, "", "call", ""),
        Purpose::Review(id) => review_form(id, &p),
        Purpose::Action {
            id,
            review_id,
            problem_id,
        } => {
            let mut f = action_form(id, review_id, &p);
            if let Purpose::Action { problem_id: slot, .. } = &mut f.purpose {
                *slot = problem_id;
            }
            f
        }
        Purpose::Change => change_form(),
        Purpose::Improvement(id) => improvement_form(id, &p),
        Purpose::Problem { id, links } => problem_form(id, links, &p),
        Purpose::Score => score_form(&p),
        Purpose::Calendar(id) => calendar_form(id, &p),
        Purpose::TouchEdit(id) => touch_edit_form(id, &p),
        Purpose::BreachStep { id, step } if step == "close" => close_breach_form(id, &Default::default()),
        Purpose::BreachStep { id, .. } => inform_form(id, &Default::default()),
        Purpose::Ticket(id) => ticket_form(id, &p, &[]),
        Purpose::Outage(service) => outage_form(service, &[], &[]),
        Purpose::Report(service_id) => report_form(service_id, "", ""),
    }
}

/// The audiences a review is written for, as the form offers them.
pub const AUDIENCES: [&str; 2] = ["customer", "internal"];

/// A service review: the period (default: the last complete month) and the audience.
pub fn report_form(service_id: String, service: &str, last_month: &str) -> Form {
    Form::new(
        format!("Service review of {service}"),
        Purpose::Report(service_id),
        vec![
            Field::text(
                "period",
                "Period",
                last_month,
                "a month 2026-11, a quarter 2026-Q4 or a year 2026 (empty: the last complete month)",
            ),
            Field::choice(
                "audience",
                "For",
                AUDIENCES[0],
                &AUDIENCES,
                "←/→: customer (what they receive) or internal (with verdicts, notes, freshness)",
            ),
            Field::choice(
                "format",
                "As",
                crate::app::report::FileFormat::CHOICES[0],
                crate::app::report::FileFormat::CHOICES,
                "←/→: html (opens in a browser, prints to A4) or pdf",
            ),
        ],
    )
}

/// Closing a breach: why it happened, the service credit, a note.
pub fn close_breach_form(id: String, c: &crate::app::breaches::StepChoices) -> Form {
    let causes: Vec<&str> = c.causes.iter().map(String::as_str).collect();
    let causes = if causes.is_empty() { vec!["other"] } else { causes };
    Form::new(
        if c.title.is_empty() {
            "Close the breach".to_string()
        } else {
            format!("Close: {}", c.title)
        },
        Purpose::BreachStep {
            id,
            step: "close".into(),
        },
        vec![
            Field::choice(
                "cause",
                "Cause",
                causes[0],
                &causes,
                "←/→: why it happened (the breach_causes setting)",
            ),
            Field::text(
                "credit",
                "Service credit",
                c.credit.clone(),
                "an amount in the service's currency, e.g. 500; empty for none",
            ),
            Field::text("note", "Note", "", "what was done about it (kept in its history)"),
        ],
    )
}

/// Telling the customer about a breach: to whom, how, when, what was said. Telling a
/// stakeholder logs a touch point with them.
pub fn inform_form(id: String, c: &crate::app::breaches::StepChoices) -> Form {
    let channel = if c.channel.is_empty() {
        "email"
    } else {
        c.channel.as_str()
    };
    Form::new(
        if c.title.is_empty() {
            "Customer told".to_string()
        } else {
            format!("Customer told: {}", c.title)
        },
        Purpose::BreachStep {
            id,
            step: "inform".into(),
        },
        vec![
            Field::text(
                "to",
                "To whom",
                c.stakeholders.first().cloned().unwrap_or_default(),
                "a stakeholder's name (logs a touch point with them), or anyone else",
            ),
            Field::choice(
                "channel",
                "Channel",
                channel,
                &["call", "email", "meeting", "chat", "service_review"],
                "←/→: how they were told",
            ),
            Field::text("when", "When", "now", "now, 14:10, yesterday 16:00, 2026-11-20 14:10"),
            Field::text("note", "Note", "", "what they were told (kept in its history)"),
        ],
    )
}

pub use crate::app::corrections::IN_THE_SLA;

/// One of a service's outages left out of the SLA (or brought back): which one (by its
/// start, newest first), the reason, a note.
pub fn outage_form(service: String, starts: &[String], reasons: &[String]) -> Form {
    let starts: Vec<&str> = starts.iter().map(String::as_str).collect();
    let mut options: Vec<&str> = vec![IN_THE_SLA];
    options.extend(reasons.iter().map(String::as_str));
    Form::new(
        format!("An outage of {service}"),
        Purpose::Outage(service),
        vec![
            Field::choice(
                "start",
                "Outage from",
                starts.first().copied().unwrap_or(""),
                &starts,
                "←/→: which outage (by its start, newest first)",
            ),
            Field::choice(
                "exclude",
                "SLA exclusion",
                options.get(1).copied().unwrap_or(IN_THE_SLA),
                &options,
                "←/→: left out for a reason, or back in the SLA",
            ),
            Field::text("note", "Note", "", "why, in a few words"),
        ],
    )
}

/// The SDM's own fields of a ticket: exclusion, critical, pauses by hand.
pub fn ticket_form(id: String, p: &Prefill, reasons: &[String]) -> Form {
    let mut options: Vec<&str> = vec![IN_THE_SLA];
    options.extend(reasons.iter().map(String::as_str));
    let current = get(p, "exclude", IN_THE_SLA);
    Form::new(
        format!("Correct ticket {}", get(p, "reference", "")),
        Purpose::Ticket(id),
        vec![
            Field::choice(
                "exclude",
                "SLA exclusion",
                &current,
                &options,
                "←/→: in the SLA, or left out for a reason (the exclusion_reasons setting)",
            ),
            Field::text("note", "Exclusion note", get(p, "note", ""), "why, in a few words"),
            Field::choice(
                "critical",
                "Critical",
                &get(p, "critical", "no"),
                &["no", "yes"],
                "←/→: yes asks for a post-mortem",
            ),
            Field::text(
                "pause",
                "Add a pause",
                "",
                "START/END, e.g. 2026-11-20 10:00/2026-11-20 12:30 (display zone)",
            ),
            Field::text(
                "unpause",
                "Remove pauses",
                "",
                "numbers as its detail lists them, e.g. 1 3",
            ),
        ],
    )
}

pub fn touch_edit_form(id: String, p: &Prefill) -> Form {
    Form::new(
        "Edit the touch point",
        Purpose::TouchEdit(id),
        vec![
            Field::text("summary", "Summary", get(p, "summary", ""), "what was discussed"),
            Field::text(
                "sentiment",
                "Sentiment",
                get(p, "sentiment", ""),
                "1 (unhappy) to 5 (happy); empty if unsure",
            ),
            Field::choice(
                "channel",
                "Channel",
                &get(p, "channel", "call"),
                &["meeting", "call", "email", "chat", "service_review"],
                "←/→ to choose",
            ),
            Field::text(
                "when",
                "When",
                get(p, "when", "now"),
                "a time: 2026-11-20 14:00, yesterday 10:00",
            ),
            Field::text("follow_up", "Follow-ups", get(p, "follow_up", ""), "free text"),
        ],
    )
}

pub fn score_form(p: &Prefill) -> Form {
    Form::new(
        "Record a satisfaction score",
        Purpose::Score,
        vec![
            Field::text("service", "Service", get(p, "service", ""), "a service name"),
            Field::text(
                "period",
                "Period",
                get(p, "period", ""),
                "the month or quarter: 2026-11 or 2026-Q4",
            ),
            Field::text("score", "Score", get(p, "score", ""), "the average score, e.g. 4.2"),
            Field::text(
                "scale",
                "Out of",
                get(p, "scale", "5"),
                "the top of the scale: 5, 10 or 100",
            ),
            Field::text("responses", "Responses", get(p, "responses", "0"), "how many answered"),
        ],
    )
}

pub fn calendar_form(id: Option<String>, p: &Prefill) -> Form {
    let title = if id.is_some() {
        "Edit calendar"
    } else {
        "Add a calendar"
    };
    Form::new(
        title,
        Purpose::Calendar(id),
        vec![
            Field::text("name", "Name", get(p, "name", ""), "a unique name, e.g. Office NL"),
            Field::text(
                "timezone",
                "Time zone",
                get(p, "timezone", "Europe/Amsterdam"),
                "an IANA name, e.g. Europe/Amsterdam",
            ),
            Field::text(
                "mon",
                "Monday",
                get(p, "mon", "08:00-18:00"),
                "working hours: 08:00-18:00, or 08:00-12:00 13:00-17:00; empty for none",
            ),
            Field::text(
                "tue",
                "Tuesday",
                get(p, "tue", "08:00-18:00"),
                "working hours, e.g. 08:00-18:00",
            ),
            Field::text(
                "wed",
                "Wednesday",
                get(p, "wed", "08:00-18:00"),
                "working hours, e.g. 08:00-18:00",
            ),
            Field::text(
                "thu",
                "Thursday",
                get(p, "thu", "08:00-18:00"),
                "working hours, e.g. 08:00-18:00",
            ),
            Field::text(
                "fri",
                "Friday",
                get(p, "fri", "08:00-18:00"),
                "working hours, e.g. 08:00-12:00 13:00-17:00",
            ),
            Field::text("sat", "Saturday", get(p, "sat", ""), "working hours; empty for none"),
            Field::text("sun", "Sunday", get(p, "sun", ""), "working hours; empty for none"),
            Field::text(
                "holidays",
                "Holidays",
                get(p, "holidays", ""),
                "dates separated by commas: 2026-12-25, 2026-12-26",
            ),
        ],
    )
}

pub fn change_form() -> Form {
    Form::new(
        "Record a change",
        Purpose::Change,
        vec![
            Field::text("reference", "Reference", "", "the change's reference, e.g. CHG0031234"),
            Field::text("service", "Service", "", "a service name or alias"),
            Field::choice(
                "kind",
                "Kind",
                "normal",
                &["standard", "normal", "emergency"],
                "←/→ to choose",
            ),
            Field::text(
                "implemented",
                "Implemented",
                "now",
                "when: now, 2026-11-20 22:00, yesterday 23:00",
            ),
            Field::choice(
                "outcome",
                "Outcome",
                "successful",
                &["successful", "successful_with_issues", "failed", "rolled_back"],
                "←/→ to choose",
            ),
            Field::text("summary", "Summary", "", "what was changed"),
        ],
    )
}

pub fn improvement_form(id: Option<String>, p: &Prefill) -> Form {
    let title = if id.is_some() {
        "Edit improvement"
    } else {
        "Add an improvement"
    };
    Form::new(
        title,
        Purpose::Improvement(id),
        vec![
            Field::text("title", "Improvement", get(p, "title", ""), "what is to get better"),
            Field::text(
                "service",
                "Service",
                get(p, "service", ""),
                "a service name; empty for the whole portfolio",
            ),
            Field::text(
                "kpi",
                "KPI it should move",
                get(p, "kpi", ""),
                "e.g. P2 resolution attainment",
            ),
            Field::text("raised", "Raised on", get(p, "raised", ""), "a date; empty is today"),
            Field::text("owner", "Owner", get(p, "owner", ""), "who drives it"),
            Field::text(
                "due",
                "Due",
                get(p, "due", "+4w"),
                "a date: 2027-01-31, +4w; empty for none",
            ),
            Field::choice(
                "status",
                "Status",
                &get(p, "status", "proposed"),
                &["proposed", "in_progress", "done", "dropped"],
                "←/→ to choose",
            ),
            Field::text("notes", "Notes", get(p, "notes", ""), "free text"),
        ],
    )
}

/// A problem: what keeps happening, where it stands, its root cause, a known error's
/// workaround and the change that fixes it. A new one carries the evidence it was raised from.
pub fn problem_form(id: Option<String>, links: crate::app::problems::Links, p: &Prefill) -> Form {
    let statuses: Vec<&str> = crate::domain::enums::ProblemStatus::ALL
        .iter()
        .map(|s| s.as_str())
        .collect();
    let title = if id.is_some() {
        "Edit problem"
    } else {
        "Raise a problem"
    };
    Form::new(
        title,
        Purpose::Problem { id, links },
        vec![
            Field::text("title", "Problem", get(p, "title", ""), "what keeps happening"),
            Field::text(
                "services",
                "Services",
                get(p, "services", ""),
                "service names, comma-separated",
            ),
            Field::choice(
                "status",
                "Status",
                &get(p, "status", "open"),
                &statuses,
                "←/→ or a letter",
            ),
            Field::text(
                "root_cause",
                "Root cause",
                get(p, "root_cause", ""),
                "why it happens; empty while not known",
            ),
            Field::text(
                "workaround",
                "Workaround",
                get(p, "workaround", ""),
                "what restores service meanwhile (shown on its incidents)",
            ),
            Field::text("owner", "Owner", get(p, "owner", ""), "who drives it"),
            Field::text(
                "due",
                "Due",
                get(p, "due", ""),
                "a date: 2027-01-31, +4w; empty for none",
            ),
            Field::text(
                "fix_change",
                "Fixing change",
                get(p, "fix_change", ""),
                "the change's reference, e.g. CHG0003139; empty for none yet",
            ),
            Field::text(
                "reference",
                "Reference",
                get(p, "reference", ""),
                "the ITSM tool's, e.g. PRB0040012",
            ),
            Field::text("notes", "Notes", get(p, "notes", ""), "free text"),
        ],
    )
}
