//! Which header names mean which field, per file format. A format is nothing but a
//! [`Mapping`]: adding ServiceNow or Jira is adding their header names here (and, where their
//! values differ, teaching [`super::cells`] the new spelling). `--format auto` picks the
//! mapping whose required headers are all present.

use super::ImportKind;

/// A field an import can read. Which ones a kind uses is in its mappings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Ref,
    Service,
    Priority,
    Opened,
    Responded,
    Resolved,
    Summary,
    Pauses,
    State,
    Kind,
    Start,
    End,
    Planned,
    Implemented,
    Outcome,
    Period,
    Score,
    Scale,
    Responses,
}

const FIELD_COUNT: usize = Field::Responses as usize + 1;

/// One field of a format: the header names that carry it, and whether the file must have it.
#[derive(Debug)]
pub struct Column {
    pub field: Field,
    pub required: bool,
    /// Accepted header names, lower case (headers compare case-blind, trimmed).
    pub headers: &'static [&'static str],
}

const fn req(field: Field, headers: &'static [&'static str]) -> Column {
    Column {
        field,
        required: true,
        headers,
    }
}

const fn opt(field: Field, headers: &'static [&'static str]) -> Column {
    Column {
        field,
        required: false,
        headers,
    }
}

/// A file format for one kind of data.
#[derive(Debug)]
pub struct Mapping {
    /// The name on the command line (`--format generic`).
    pub format: &'static str,
    pub kind: ImportKind,
    pub columns: &'static [Column],
}

use Field::*;

pub static GENERIC_TICKETS: Mapping = Mapping {
    format: "generic",
    kind: ImportKind::Tickets,
    columns: &[
        req(Ref, &["ref"]),
        req(Service, &["service"]),
        req(Priority, &["priority"]),
        req(Opened, &["opened"]),
        opt(Responded, &["responded"]),
        opt(Resolved, &["resolved"]),
        opt(Summary, &["summary"]),
        opt(Pauses, &["pauses"]),
        opt(State, &["state"]),
        opt(Kind, &["kind"]),
    ],
};

pub static GENERIC_OUTAGES: Mapping = Mapping {
    format: "generic",
    kind: ImportKind::Outages,
    columns: &[
        req(Service, &["service"]),
        req(Start, &["start"]),
        opt(End, &["end"]),
        opt(Planned, &["planned"]),
        opt(Summary, &["summary"]),
    ],
};

pub static GENERIC_CHANGES: Mapping = Mapping {
    format: "generic",
    kind: ImportKind::Changes,
    columns: &[
        req(Ref, &["ref"]),
        req(Service, &["service"]),
        req(Kind, &["kind"]),
        req(Implemented, &["implemented"]),
        req(Outcome, &["outcome"]),
        opt(Summary, &["summary"]),
    ],
};

pub static GENERIC_SCORES: Mapping = Mapping {
    format: "generic",
    kind: ImportKind::Scores,
    columns: &[
        req(Service, &["service"]),
        req(Period, &["period"]),
        req(Score, &["score"]),
        opt(Scale, &["scale"]),
        opt(Responses, &["responses"]),
    ],
};

/// A ServiceNow incident (or request item) list export.
pub static SERVICENOW_TICKETS: Mapping = Mapping {
    format: "servicenow",
    kind: ImportKind::Tickets,
    columns: &[
        req(Ref, &["number"]),
        req(
            Service,
            &["business_service", "cmdb_ci", "service_offering", "u_service"],
        ),
        req(Priority, &["priority"]),
        req(Opened, &["opened_at", "sys_created_on"]),
        opt(Responded, &["u_responded_at", "responded_at", "first_response_time"]),
        opt(Resolved, &["resolved_at"]),
        opt(Summary, &["short_description"]),
        opt(State, &["state", "incident_state"]),
    ],
};

/// A ServiceNow change_request list export.
pub static SERVICENOW_CHANGES: Mapping = Mapping {
    format: "servicenow",
    kind: ImportKind::Changes,
    columns: &[
        req(Ref, &["number"]),
        req(Service, &["business_service", "cmdb_ci", "service_offering"]),
        req(Kind, &["type", "chg_model"]),
        req(Implemented, &["work_end", "end_date", "closed_at"]),
        req(Outcome, &["close_code"]),
        opt(Summary, &["short_description"]),
    ],
};

/// A Jira Service Management issue export.
pub static JIRA_TICKETS: Mapping = Mapping {
    format: "jira",
    kind: ImportKind::Tickets,
    columns: &[
        req(Ref, &["issue key", "key"]),
        req(Service, &["component/s", "components", "service", "affected services"]),
        req(Priority, &["priority"]),
        req(Opened, &["created"]),
        opt(Responded, &["time to first response", "first response"]),
        opt(Resolved, &["resolved", "resolution date"]),
        opt(Summary, &["summary"]),
        opt(State, &["status"]),
        opt(Kind, &["issue type"]),
    ],
};

/// Every known format, in the order `auto` tries them.
pub static MAPPINGS: &[&Mapping] = &[
    &GENERIC_TICKETS,
    &GENERIC_OUTAGES,
    &GENERIC_CHANGES,
    &GENERIC_SCORES,
    &SERVICENOW_TICKETS,
    &SERVICENOW_CHANGES,
    &JIRA_TICKETS,
];

/// The values `--format` accepts: `auto` and every format name.
pub fn format_names() -> Vec<&'static str> {
    let mut names = vec!["auto"];
    for m in MAPPINGS {
        if !names.contains(&m.format) {
            names.push(m.format);
        }
    }
    names
}

/// Where each field is in a file: the column index, and the file's own header text.
#[derive(Debug, Clone)]
pub struct Columns {
    slots: [Option<usize>; FIELD_COUNT],
    headers: Vec<String>,
}

impl Columns {
    /// The index of the field's column, if the file has it.
    pub fn index(&self, field: Field) -> Option<usize> {
        self.slots[field as usize]
    }

    pub fn has(&self, field: Field) -> bool {
        self.index(field).is_some()
    }

    /// The header as the file spells it, for messages.
    pub fn header(&self, field: Field) -> &str {
        self.index(field)
            .and_then(|i| self.headers.get(i))
            .map_or("?", String::as_str)
    }

    /// How many columns the header has.
    pub fn width(&self) -> usize {
        self.headers.len()
    }
}

/// The format chosen for a file.
#[derive(Debug)]
pub struct Chosen {
    pub mapping: &'static Mapping,
    pub columns: Columns,
    /// Header names no field uses (left out of the import).
    pub ignored: Vec<String>,
}

struct Fit {
    columns: Columns,
    matched: usize,
    missing: Vec<&'static str>,
    ignored: Vec<String>,
}

fn fit(mapping: &Mapping, headers: &[String]) -> Result<Fit, String> {
    let mut slots = [None; FIELD_COUNT];
    let mut matched = 0;
    let mut ignored = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let norm = h.trim().to_lowercase();
        let Some(col) = mapping.columns.iter().find(|c| c.headers.contains(&norm.as_str())) else {
            if !norm.is_empty() {
                ignored.push(h.trim().to_string());
            }
            continue;
        };
        if let Some(first) = slots[col.field as usize] {
            return Err(format!(
                "columns {} and {} are both \"{}\": keep one",
                first + 1,
                i + 1,
                col.headers[0]
            ));
        }
        slots[col.field as usize] = Some(i);
        matched += 1;
    }
    let missing = mapping
        .columns
        .iter()
        .filter(|c| c.required && slots[c.field as usize].is_none())
        .map(|c| c.headers[0])
        .collect();
    Ok(Fit {
        columns: Columns {
            slots,
            headers: headers.to_vec(),
        },
        matched,
        missing,
        ignored,
    })
}

fn needs(mapping: &Mapping) -> String {
    let required: Vec<&str> = mapping
        .columns
        .iter()
        .filter(|c| c.required)
        .map(|c| c.headers[0])
        .collect();
    let optional: Vec<&str> = mapping
        .columns
        .iter()
        .filter(|c| !c.required)
        .map(|c| c.headers[0])
        .collect();
    format!(
        "{} {} needs the columns {} (optional: {})",
        mapping.format,
        mapping.kind,
        required.join(", "),
        optional.join(", ")
    )
}

/// Picks the mapping for a file of `kind` by its header. `format` is `auto` or a format name.
pub fn choose(kind: ImportKind, format: &str, headers: &[String]) -> Result<Chosen, String> {
    let candidates: Vec<&'static Mapping> = MAPPINGS
        .iter()
        .copied()
        .filter(|m| m.kind == kind && (format == "auto" || m.format == format))
        .collect();
    if candidates.is_empty() {
        let known: Vec<&str> = MAPPINGS.iter().filter(|m| m.kind == kind).map(|m| m.format).collect();
        return Err(format!(
            "there is no \"{format}\" format for {kind}: use auto or {}",
            known.join(", ")
        ));
    }
    let found: Vec<&str> = headers.iter().map(|h| h.trim()).collect();
    let mut best: Option<(Fit, &'static Mapping)> = None;
    let mut misses = Vec::new();
    for mapping in candidates {
        let fit = fit(mapping, headers)?;
        if fit.missing.is_empty() {
            if best.as_ref().is_none_or(|(b, _)| fit.matched > b.matched) {
                best = Some((fit, mapping));
            }
        } else {
            let noun = if fit.missing.len() == 1 { "column" } else { "columns" };
            misses.push(format!("no {noun} {}; {}", fit.missing.join(", "), needs(mapping)));
        }
    }
    match best {
        Some((fit, mapping)) => Ok(Chosen {
            mapping,
            columns: fit.columns,
            ignored: fit.ignored,
        }),
        None => Err(format!(
            "the header does not fit: {}; the header has: {}",
            misses.join("; or "),
            found.join(", ")
        )),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn headers(s: &str) -> Vec<String> {
        s.split(',').map(str::to_string).collect()
    }

    #[test]
    fn generic_tickets_fit_in_any_order_and_case() {
        let chosen = choose(
            ImportKind::Tickets,
            "auto",
            &headers("Service,REF,priority,opened,team,summary"),
        )
        .unwrap();
        assert_eq!(chosen.mapping.format, "generic");
        assert_eq!(chosen.columns.index(Field::Ref), Some(1));
        assert_eq!(chosen.columns.header(Field::Ref), "REF");
        assert!(!chosen.columns.has(Field::Pauses));
        assert_eq!(chosen.ignored, vec!["team".to_string()]);
    }

    #[test]
    fn a_missing_column_is_named() {
        let err = choose(ImportKind::Tickets, "auto", &headers("ref,service,priority")).unwrap_err();
        assert!(err.contains("no column opened"), "{err}");
        assert!(err.contains("the header has: ref, service, priority"), "{err}");
        let err = choose(ImportKind::Scores, "jira", &headers("ref")).unwrap_err();
        assert!(err.contains("no \"jira\" format for scores"), "{err}");
        let err = choose(ImportKind::Scores, "auto", &headers("service,period,score,Score")).unwrap_err();
        assert!(err.contains("columns 3 and 4"), "{err}");
    }

    #[test]
    fn format_names_start_with_auto() {
        assert_eq!(format_names(), vec!["auto", "generic", "servicenow", "jira"]);
    }
}
