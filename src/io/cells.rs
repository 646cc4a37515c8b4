//! How one cell's text becomes a value. Each parser takes the trimmed, non-empty text and
//! returns the value, or the reason it is not one (quoting the text and saying what is
//! accepted); the caller adds the place. Parsers are lenient where ITSM exports differ
//! (`P1`, `1`, `1 - Critical`) and strict where guessing would be wrong (dates).

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;

use crate::domain::enums::{ChangeKind, ChangeOutcome, Priority, TicketKind, TicketState, Verdict};
use crate::domain::parse::{ParseError, local_to_utc};
use crate::domain::validate::EARLIEST_FACT;

use super::dates::DateOrder;

/// An instant as unix seconds: RFC 3339 (`2026-11-02T14:30:00Z`, `...+01:00`), a local
/// `YYYY-MM-DD HH:MM[:SS]` read in `tz`, or any form [`super::dates::parse`] reads (a
/// numeric day-month date in the file's `order`).
pub fn time(text: &str, order: Option<DateOrder>, tz: &Tz) -> Result<i64, String> {
    if let Some(naive) = local_time(text) {
        return match local_to_utc(naive, tz) {
            Ok(t) => Ok(t.timestamp()),
            Err(ParseError::Skipped(..)) => Err(format!(
                "\"{text}\" does not exist in {} (the clocks skip that hour)",
                tz.name()
            )),
            Err(_) => super::dates::parse(text, order, tz),
        };
    }
    super::dates::parse(text, order, tz)
}

/// How far past the import's clock a fact may lie (a planned change, a clock a little ahead).
pub const LATEST_AHEAD_SECS: i64 = 366 * 86_400;

/// Whether a cell is one of the placeholders exports write for "no date": `0001-01-01`,
/// `1900-01-01` or `1970-01-01`, alone or at midnight (with or without a zone).
pub fn is_empty_date_placeholder(text: &str) -> bool {
    let t = text.trim();
    let Some(day) = ["0001-01-01", "1900-01-01", "1970-01-01"]
        .into_iter()
        .find(|d| t.starts_with(d))
    else {
        return false;
    };
    let rest = t[day.len()..].trim_start_matches(['T', ' ']);
    let rest = rest
        .trim_end_matches('Z')
        .trim_end_matches("+00:00")
        .trim_end_matches(".000");
    matches!(rest, "" | "00:00" | "00:00:00")
}

/// [`time`], refusing an instant before 1990 or more than a year after `now`: never clamped,
/// never guessed.
pub fn plausible_time(text: &str, order: Option<DateOrder>, tz: &Tz, now: i64) -> Result<i64, String> {
    let t = time(text, order, tz)?;
    if t < EARLIEST_FACT {
        return Err(format!("\"{text}\" is before 1990: not a date sdm takes as a fact"));
    }
    if t > now + LATEST_AHEAD_SECS {
        return Err(format!(
            "\"{text}\" is more than a year after the import's clock: not a date sdm takes as a fact"
        ));
    }
    Ok(t)
}

/// `YYYY-MM-DD HH:MM` or `YYYY-MM-DD HH:MM:SS` (space or `T`), without a zone. Hand-written:
/// it is the hot path of a large ticket import.
fn local_time(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    if !(b.len() == 16 || b.len() == 19) || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b' ' | b'T') {
        return None;
    }
    if b[13] != b':' || (b.len() == 19 && b[16] != b':') {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<u32> {
        b[from..to].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let year = i32::try_from(num(0, 4)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, num(5, 7)?, num(8, 10)?)?;
    let seconds = if b.len() == 19 { num(17, 19)? } else { 0 };
    let time = NaiveTime::from_hms_opt(num(11, 13)?, num(14, 16)?, seconds)?;
    Some(date.and_time(time))
}

/// A calendar date, `YYYY-MM-DD`.
pub fn date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| format!("\"{text}\" is not a date: use YYYY-MM-DD"))
}

/// Pauses as `start/end;start/end`; an empty end is a pause still running.
pub fn pauses(text: &str, order: Option<DateOrder>, tz: &Tz) -> Result<Vec<(i64, Option<i64>)>, String> {
    let mut out = Vec::new();
    for (n, piece) in text.split(';').map(str::trim).filter(|p| !p.is_empty()).enumerate() {
        let Some((start, end)) = piece.split_once('/') else {
            return Err(format!(
                "pause {} \"{piece}\" has no end: write start/end, separated by ; (an empty end is a pause still running)",
                n + 1
            ));
        };
        let start = time(start.trim(), order, tz).map_err(|e| format!("pause {}: {e}", n + 1))?;
        let end = match end.trim() {
            "" => None,
            e => Some(time(e, order, tz).map_err(|e| format!("pause {}: {e}", n + 1))?),
        };
        if let Some(e) = end
            && e < start
        {
            return Err(format!("pause {} \"{piece}\" ends before it starts", n + 1));
        }
        out.push((start, end));
    }
    Ok(out)
}

/// `P1`..`P4`, also `1`..`5` (ServiceNow's `5 - Planning` is the lowest) and labelled forms
/// such as `1 - Critical` or `P2 (High)`, and the priority words of Jira, GLPI, Zendesk and
/// TOPdesk in English, Dutch, German, French, Spanish and Portuguese.
pub fn priority(text: &str) -> Result<Priority, String> {
    let digits = text.strip_prefix(['p', 'P']).unwrap_or(text);
    let mut chars = digits.chars();
    let level = chars.next();
    let rest_ok = chars.next().is_none_or(|c| !c.is_alphanumeric());
    match (level, rest_ok) {
        (Some('1'), true) => Ok(Priority::P1),
        (Some('2'), true) => Ok(Priority::P2),
        (Some('3'), true) => Ok(Priority::P3),
        (Some('4'), true) => Ok(Priority::P4),
        (Some('5'), true) if !text.starts_with(['p', 'P']) => Ok(Priority::P4),
        _ => match words(text).as_str() {
            "highest" | "blocker" | "critical" | "urgent" | "very high" | "muito alta" | "crítica" | "critica"
            | "urgente" | "muy alta" | "très haute" | "tres haute" | "critique" | "sehr hoch" | "kritisch"
            | "dringend" | "zeer hoog" | "kritiek" | "hoogste" => Ok(Priority::P1),
            "high" | "major" | "alta" | "haute" | "hoch" | "hoog" | "élevée" | "elevee" => Ok(Priority::P2),
            "medium" | "normal" | "moderate" | "média" | "media" | "moyenne" | "mittel" | "gemiddeld" | "normaal"
            | "normale" => Ok(Priority::P3),
            "low" | "lowest" | "minor" | "trivial" | "planning" | "very low" | "baixa" | "muito baixa" | "baja"
            | "muy baja" | "basse" | "très basse" | "tres basse" | "niedrig" | "sehr niedrig" | "laag"
            | "zeer laag" | "laagste" => Ok(Priority::P4),
            _ => Err(format!(
                "\"{text}\" is not a priority: use P1, P2, P3 or P4 (or 1 - Critical, Highest, High, Medium, Low), or map it in the config: [priorities] \"{text}\" = \"P3\""
            )),
        },
    }
}

/// Lower case, `_` and `-` as spaces, runs of spaces as one.
fn words(text: &str) -> String {
    text.to_lowercase()
        .replace(['_', '-'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A ticket's state as a file says it. `OnHold` is an open ticket whose clocks are paused
/// (waiting on the customer or a third party); the store keeps it as an open ticket with a
/// running pause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    Open,
    OnHold,
    Resolved,
    Closed,
    Cancelled,
}

impl FileState {
    pub fn as_str(self) -> &'static str {
        match self {
            FileState::Open => "open",
            FileState::OnHold => "on_hold",
            FileState::Resolved => "resolved",
            FileState::Closed => "closed",
            FileState::Cancelled => "cancelled",
        }
    }

    /// The stored state.
    pub fn stored(self) -> TicketState {
        match self {
            FileState::Open | FileState::OnHold => TicketState::Open,
            FileState::Resolved => TicketState::Resolved,
            FileState::Closed => TicketState::Closed,
            FileState::Cancelled => TicketState::Cancelled,
        }
    }

    /// Whether the ticket is over (resolved or closed): a clock with no stop is not measured.
    pub fn is_done(self) -> bool {
        matches!(self, FileState::Resolved | FileState::Closed)
    }
}

impl std::str::FromStr for FileState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match words(s).replace(' ', "_").as_str() {
            "open" => Ok(FileState::Open),
            "on_hold" | "onhold" | "hold" | "paused" => Ok(FileState::OnHold),
            "resolved" => Ok(FileState::Resolved),
            "closed" => Ok(FileState::Closed),
            "cancelled" | "canceled" => Ok(FileState::Cancelled),
            other => Err(format!(
                "\"{other}\" is not a state sdm knows: use open, on_hold, resolved, closed or cancelled"
            )),
        }
    }
}

/// The state words of ServiceNow, Jira, GLPI, Zendesk and TOPdesk, in English, Dutch, German,
/// French, Spanish and Portuguese; `None` for a word that is not one (a custom workflow
/// status: map it in `[states]`, or Jira's `Status Category` settles it).
pub fn known_state(text: &str) -> Option<FileState> {
    let w = words(text);
    let state = match w.as_str() {
        "open"
        | "opened"
        | "new"
        | "active"
        | "assigned"
        | "in progress"
        | "work in progress"
        | "reopened"
        | "to do"
        | "todo"
        | "in review"
        | "escalated"
        | "waiting for support"
        | "backlog"
        | "selected for development"
        | "processing (assigned)"
        | "processing (planned)"
        | "processing"
        | "nieuw"
        | "in behandeling"
        | "toegewezen"
        | "heropend"
        | "neu"
        | "offen"
        | "in bearbeitung"
        | "zugewiesen"
        | "wiedereröffnet"
        | "nouveau"
        | "en cours"
        | "en cours (attribué)"
        | "en cours (planifié)"
        | "attribué"
        | "rouvert"
        | "nuevo"
        | "abierto"
        | "en curso"
        | "en curso (asignado)"
        | "en curso (planificado)"
        | "asignado"
        | "reabierto"
        | "novo"
        | "aberto"
        | "em andamento"
        | "em atendimento"
        | "em atendimento (atribuído)"
        | "em atendimento (planejado)"
        | "atribuído"
        | "reaberto"
        | "registered"
        | "geregistreerd" => FileState::Open,
        "on hold"
        | "hold"
        | "pending"
        | "waiting"
        | "awaiting customer"
        | "awaiting caller"
        | "awaiting user info"
        | "awaiting third party"
        | "awaiting vendor"
        | "awaiting evidence"
        | "awaiting change"
        | "awaiting problem"
        | "waiting for customer"
        | "waiting for third party"
        | "waiting for vendor"
        | "waiting on customer"
        | "in wacht"
        | "wachtend"
        | "wachten op klant"
        | "wachten op leverancier"
        | "aangehouden"
        | "wartend"
        | "warten auf kunde"
        | "zurückgestellt"
        | "angehalten"
        | "en attente"
        | "en attente du client"
        | "en espera"
        | "pendiente"
        | "pendente"
        | "em espera"
        | "aguardando"
        | "aguardando cliente" => FileState::OnHold,
        "resolved" | "done" | "fixed" | "completed" | "complete" | "solved" | "opgelost" | "gereed" | "afgehandeld"
        | "gelöst" | "erledigt" | "fertig" | "résolu" | "resolu" | "terminé" | "resuelto" | "resuelta"
        | "solucionado" | "resolvido" | "concluído" | "listo" => FileState::Resolved,
        "closed" | "gesloten" | "afgemeld" | "afgesloten" | "geschlossen" | "clos" | "fermé" | "clôturé"
        | "cerrado" | "fechado" | "encerrado" => FileState::Closed,
        "cancelled" | "canceled" | "won't do" | "declined" | "duplicate" | "rejected" | "withdrawn" | "geannuleerd"
        | "vervallen" | "afgewezen" | "abgebrochen" | "storniert" | "abgelehnt" | "annulé" | "rejeté" | "cancelado"
        | "rechazado" | "rejeitado" | "anulado" => FileState::Cancelled,
        _ => return None,
    };
    Some(state)
}

/// Jira's `Status Category` (To Do, In Progress, Done), in the six languages.
pub fn status_category(text: &str) -> Option<FileState> {
    match words(text).as_str() {
        "to do" | "in progress" | "te doen" | "bezig" | "zu erledigen" | "in arbeit" | "à faire" | "en cours"
        | "por hacer" | "en curso" | "itens pendentes" | "em andamento" | "a fazer" => Some(FileState::Open),
        "done" | "gereed" | "klaar" | "fertig" | "terminé" | "listo" | "itens concluídos" | "concluído" => {
            Some(FileState::Resolved)
        }
        _ => None,
    }
}

/// Whether a resolution (Jira's `Resolution`, ServiceNow's close code) makes a ticket count
/// for nothing: a duplicate, or one rejected or not done.
pub fn resolution_voids(text: &str) -> bool {
    matches!(
        words(text).as_str(),
        "duplicate"
            | "won't do"
            | "won't fix"
            | "wont fix"
            | "rejected"
            | "declined"
            | "cancelled"
            | "canceled"
            | "duplicado"
            | "doublon"
            | "duplikat"
            | "dubbel"
            | "duplicaat"
            | "cancelado"
            | "annulé"
            | "geannuleerd"
    )
}

/// Incident or request, from the words of the ITSM tools in six languages; `None` for a type
/// sdm does not know (read as an incident unless `[ticket_kinds]` maps it).
pub fn ticket_kind(text: &str) -> Option<TicketKind> {
    let w = words(text);
    match w.as_str() {
        "incident" | "inc" | "incidente" | "störung" | "storing" | "problem" | "incidentes" => {
            Some(TicketKind::Incident)
        }
        "request" | "service request" | "req" | "sr" | "ritm" | "question" | "task" | "requisição" | "requisicao"
        | "solicitud" | "solicitação" | "demande" | "anfrage" | "serviceanfrage" | "verzoek" | "aanvraag"
        | "requested item" | "service task" => Some(TicketKind::Request),
        // Jira's issue types: "[System] Incident", "Service request with approvals", ...
        w if w.contains("incident") || w.contains("problem") || w.contains("outage") => Some(TicketKind::Incident),
        w if w.contains("request") || w.contains("change") || w.contains("task") || w.contains("question") => {
            Some(TicketKind::Request)
        }
        _ => None,
    }
}

/// A change's kind from the words of the ITSM tools; `None` for one sdm does not know (an
/// instance's own type: map it in `[change_kinds]`).
pub fn change_kind(text: &str) -> Option<ChangeKind> {
    match words(text).as_str() {
        "standard" | "std" | "pre approved" | "preapproved" | "standaard" | "estándar" | "estandar" | "padrão"
        | "padrao" => Some(ChangeKind::Standard),
        "normal" | "normaal" | "normale" | "minor" | "major" | "significant" => Some(ChangeKind::Normal),
        "emergency" | "urgent" | "expedited" | "spoed" | "nood" | "notfall" | "urgence" | "emergencia"
        | "emergência" | "emergencial" => Some(ChangeKind::Emergency),
        _ => None,
    }
}

/// A change's outcome from the close codes and sub-states of the ITSM tools; `None` for one
/// sdm does not know (map it in `[change_outcomes]`).
pub fn change_outcome(text: &str) -> Option<ChangeOutcome> {
    let w = words(text);
    let outcome = match w.as_str() {
        "successful"
        | "success"
        | "implemented"
        | "completed"
        | "complete"
        | "all changes completed"
        | "closed complete"
        | "geslaagd"
        | "erfolgreich"
        | "réussi"
        | "exitoso"
        | "bem sucedido"
        | "sucesso" => ChangeOutcome::Successful,
        "successful with issues"
        | "successful issues"
        | "completed with issues"
        | "partial change completed"
        | "partially successful"
        | "change completed unexpected impact"
        | "closed incomplete" => ChangeOutcome::SuccessfulWithIssues,
        "unsuccessful" | "failed" | "fail" | "mislukt" | "fehlgeschlagen" | "échoué" | "fallido" | "falhou" => {
            ChangeOutcome::Failed
        }
        "rolled back" | "backed out" | "rollback" | "change unsuccessful rolled back" | "teruggedraaid" => {
            ChangeOutcome::RolledBack
        }
        "cancelled"
        | "canceled"
        | "withdrawn"
        | "rejected"
        | "change cancelled will not be performed"
        | "closed skipped"
        | "geannuleerd"
        | "abgebrochen"
        | "annulé"
        | "cancelado" => ChangeOutcome::Cancelled,
        "pending" | "planned" | "scheduled" => ChangeOutcome::Pending,
        _ if w.contains("cancel") => ChangeOutcome::Cancelled,
        _ if w.contains("rolled back") || w.contains("backed out") => ChangeOutcome::RolledBack,
        _ => return None,
    };
    Some(outcome)
}

/// Whether a change's state says it has not gone in yet (ServiceNow's New, Assess, Authorize,
/// Scheduled, Implement; a stage such as Planning or Pending Approval).
pub fn change_not_done(state: &str) -> bool {
    matches!(
        words(state).as_str(),
        "new"
            | "assess"
            | "authorize"
            | "scheduled"
            | "implement"
            | "planning"
            | "active"
            | "pending approval"
            | "draft"
            | "requested"
            | "approved"
            | "in progress"
            | "open"
    )
}

/// Any word of one of the domain's closed vocabularies (change kind, outcome, ...).
pub fn word<T: std::str::FromStr>(text: &str) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    text.parse().map_err(|e: T::Err| e.to_string())
}

/// A tool's verdict where yes (or a time left) is met: ServiceNow's `made_sla` (true or
/// false), Jira's SLA fields (`1:05` left, `-2:30` past the goal).
pub fn verdict_met(text: &str) -> Result<Verdict, String> {
    if let Ok(met) = yes_no(text) {
        return Ok(if met { Verdict::Met } else { Verdict::Breached });
    }
    let t = text.trim();
    let (negative, clock) = match t.strip_prefix('-') {
        Some(rest) => (true, rest.trim()),
        None => (false, t),
    };
    let is_clock = clock.split_once(':').is_some_and(|(h, m)| {
        !h.is_empty() && h.bytes().all(|b| b.is_ascii_digit()) && m.len() == 2 && m.bytes().all(|b| b.is_ascii_digit())
    });
    match (is_clock, words(t).as_str()) {
        (true, _) => Ok(if negative { Verdict::Breached } else { Verdict::Met }),
        (false, "met" | "made" | "within sla" | "achieved") => Ok(Verdict::Met),
        (false, "breached" | "missed" | "not met" | "failed") => Ok(Verdict::Breached),
        _ => Err(format!(
            "\"{text}\" is not an SLA verdict: use true/false, met/breached, or a time such as 1:05 (left) or -2:30 (past)"
        )),
    }
}

/// A tool's verdict where yes is breached: GLPI's `Time to resolve exceeded` (Sim/Não,
/// Oui/Non, Yes/No).
pub fn verdict_exceeded(text: &str) -> Result<Verdict, String> {
    yes_no(text).map(|exceeded| if exceeded { Verdict::Breached } else { Verdict::Met })
}

/// What an outage row is: ServiceNow's outage types, or a planned column's yes and no.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutageType {
    Outage,
    Planned,
    Degradation,
}

/// An outage type (`Outage`, `Degradation`, `Planned`, `Outage Node`, ...) or a planned
/// column's yes or no.
pub fn outage_type(text: &str) -> Result<OutageType, String> {
    if let Ok(planned) = yes_no(text) {
        return Ok(if planned {
            OutageType::Planned
        } else {
            OutageType::Outage
        });
    }
    let w = words(text);
    if w.contains("degrad") {
        Ok(OutageType::Degradation)
    } else if [
        "planned",
        "maintenance",
        "gepland",
        "onderhoud",
        "geplant",
        "wartung",
        "planifié",
        "programado",
        "planejado",
        "planificado",
    ]
    .iter()
    .any(|p| w.contains(p))
        && !w.contains("unplanned")
    {
        Ok(OutageType::Planned)
    } else if [
        "outage",
        "down",
        "unplanned",
        "storing",
        "uitval",
        "ausfall",
        "störung",
        "panne",
        "interruption",
        "caída",
        "interrupção",
        "queda",
    ]
    .iter()
    .any(|p| w.contains(p))
    {
        Ok(OutageType::Outage)
    } else {
        Err(format!(
            "\"{text}\" is not an outage type: use Outage, Planned or Degradation (or yes/no in a planned column)"
        ))
    }
}

/// Yes or no.
pub fn yes_no(text: &str) -> Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "t" | "1" | "planned" | "sim" | "oui" | "ja" | "sí" | "si" => Ok(true),
        "no" | "n" | "false" | "f" | "0" | "unplanned" | "não" | "nao" | "non" | "nee" | "nein" => Ok(false),
        _ => Err(format!("\"{text}\" is not yes or no: use yes/no, true/false or 1/0")),
    }
}

/// A survey period: a month `2026-11` or a quarter `2026-Q4` (returned in that form).
pub fn period(text: &str) -> Result<String, String> {
    let bad = || format!("\"{text}\" is not a period: use a month (2026-11) or a quarter (2026-Q4)");
    let (year, rest) = text.split_at_checked(4).ok_or_else(bad)?;
    if !year.bytes().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    if let Some(q) = rest.strip_prefix(['q', 'Q']) {
        return match q {
            "1" | "2" | "3" | "4" => Ok(format!("{year}-Q{q}")),
            _ => Err(bad()),
        };
    }
    match rest.parse::<u32>() {
        Ok(m) if (1..=12).contains(&m) && rest.len() == 2 => Ok(format!("{year}-{rest}")),
        _ => Err(bad()),
    }
}

/// A number (a score, a scale).
pub fn number(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!("\"{text}\" is not a number: use e.g. 4.2")),
    }
}

/// A waiting total as exported: `3h 10m`, `190 minutes`, `2 horas 5 minutos`, `1 jour 3
/// heures`, `0 segundo` (GLPI), or a plain number of minutes (Zendesk's `... in minutes`).
/// Returned in seconds.
pub fn waiting(text: &str) -> Result<i64, String> {
    let bad = || format!("\"{text}\" is not a duration: use e.g. 3h 10m, 190 minutes, or a number of minutes");
    if let Ok(minutes) = text.trim().replace(',', ".").parse::<f64>() {
        if !minutes.is_finite() || minutes < 0.0 {
            return Err(bad());
        }
        return Ok((minutes * 60.0).round() as i64);
    }
    let lower = text.to_lowercase();
    let mut total = 0i64;
    let mut rest = lower.trim();
    let mut any = false;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        if digits == 0 {
            return Err(bad());
        }
        let n: i64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = rest[digits..].trim_start();
        let unit_end = rest.find(|c: char| !c.is_alphabetic()).unwrap_or(rest.len());
        let unit = &rest[..unit_end];
        let secs = match unit {
            "s" | "sec" | "secs" | "second" | "seconds" | "segundo" | "segundos" | "seconde" | "secondes"
            | "sekunde" | "sekunden" | "seconden" | "seg" => 1,
            "m" | "min" | "mins" | "minute" | "minutes" | "minuto" | "minutos" | "minuten" | "minuut" => 60,
            "h" | "hr" | "hrs" | "hour" | "hours" | "hora" | "horas" | "heure" | "heures" | "stunde" | "stunden"
            | "uur" | "uren" => 3_600,
            "d" | "day" | "days" | "dia" | "dias" | "día" | "días" | "jour" | "jours" | "tag" | "tage" | "dag"
            | "dagen" => 86_400,
            _ => return Err(bad()),
        };
        total += n * secs;
        any = true;
        rest = rest[unit_end..].trim_start_matches([' ', ',']).trim_start();
        if let Some(r) = rest
            .strip_prefix("and ")
            .or_else(|| rest.strip_prefix("e "))
            .or_else(|| rest.strip_prefix("et "))
        {
            rest = r;
        }
    }
    if any { Ok(total) } else { Err(bad()) }
}

/// A whole number of zero or more (a count of survey responses).
pub fn count(text: &str) -> Result<i64, String> {
    match text.parse::<i64>() {
        Ok(v) if v >= 0 => Ok(v),
        _ => Err(format!("\"{text}\" is not a count: use a whole number of 0 or more")),
    }
}

/// Up to three IANA zone names a few letters off `given`, nearest first, for an error message.
pub fn close_zones(given: &str) -> Vec<String> {
    let given = given.to_lowercase();
    let mut scored: Vec<(usize, &str)> = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|z| {
            (
                crate::domain::text::edit_distance(&z.name().to_lowercase(), &given),
                z.name(),
            )
        })
        .filter(|(d, _)| *d <= 3)
        .collect();
    scored.sort_unstable();
    scored.into_iter().take(3).map(|(_, n)| n.to_string()).collect()
}

/// A time zone by its IANA name, or why not.
pub fn zone(text: &str) -> Result<Tz, String> {
    text.trim().parse::<Tz>().map_err(|_| {
        let close = close_zones(text.trim());
        let hint = if close.is_empty() {
            String::new()
        } else {
            format!(" (did you mean {}?)", close.join(", "))
        };
        format!("\"{text}\" is not a time zone: use an IANA name such as Europe/Amsterdam{hint}")
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const AMS: Tz = chrono_tz::Europe::Amsterdam;

    #[test]
    fn times_rfc3339_and_local() {
        assert_eq!(time("2026-11-02T14:30:00Z", None, &AMS), Ok(1_793_629_800));
        assert_eq!(time("2026-11-02T15:30:00+01:00", None, &AMS), Ok(1_793_629_800));
        assert_eq!(time("2026-11-02 15:30", None, &AMS), Ok(1_793_629_800));
        assert_eq!(time("2026-11-02 15:30:00", None, &AMS), Ok(1_793_629_800));
        assert_eq!(time("2026-11-02T15:30", None, &AMS), Ok(1_793_629_800));
        let err = time("31/02/2026", None, &AMS).unwrap_err();
        assert!(err.starts_with("\"31/02/2026\" is not a real date"), "{err}");
        let err = time("soon", None, &AMS).unwrap_err();
        assert!(err.starts_with("\"soon\" is not a time: use RFC 3339"), "{err}");
        assert!(err.contains("Europe/Amsterdam"), "{err}");
        assert!(time("2026-02-31 10:00", None, &AMS).is_err());
        assert!(time("2026-11-02 25:00", None, &AMS).is_err());
        let skipped = time("2026-03-29 02:30", None, &AMS).unwrap_err();
        assert!(skipped.contains("does not exist"), "{skipped}");
    }

    #[test]
    fn empty_date_placeholders_and_implausible_dates() {
        for p in [
            "0001-01-01",
            "1900-01-01 00:00:00",
            "1970-01-01T00:00:00Z",
            "0001-01-01T00:00:00.000Z",
        ] {
            assert!(is_empty_date_placeholder(p), "{p}");
        }
        assert!(!is_empty_date_placeholder("1970-01-01 10:00"));
        assert!(!is_empty_date_placeholder("2026-01-01"));
        let now = 1_795_000_000; // 2026-11
        assert!(plausible_time("1989-12-31T23:59:59Z", None, &Tz::UTC, now).is_err());
        assert!(plausible_time("2030-01-01T00:00:00Z", None, &Tz::UTC, now).is_err());
        assert!(plausible_time("2026-11-02 14:30", None, &Tz::UTC, now).is_ok());
    }

    #[test]
    fn pauses_in_pairs() {
        let p = pauses(
            "2026-11-02 10:00/2026-11-02 11:00; 2026-11-03 09:00/",
            None,
            &chrono_tz::UTC,
        )
        .unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].1.map(|e| e - p[0].0), Some(3600));
        assert_eq!(p[1].1, None);
        assert!(pauses("2026-11-02 10:00", None, &AMS).unwrap_err().contains("no end"));
        assert!(
            pauses("2026-11-02 11:00/2026-11-02 10:00", None, &AMS)
                .unwrap_err()
                .contains("ends before")
        );
        assert_eq!(pauses("", None, &AMS), Ok(vec![]));
    }

    #[test]
    fn lenient_words() {
        assert_eq!(priority("P1"), Ok(Priority::P1));
        assert_eq!(priority("p3"), Ok(Priority::P3));
        assert_eq!(priority("2 - High"), Ok(Priority::P2));
        assert_eq!(priority("4"), Ok(Priority::P4));
        assert!(priority("P5").is_err());
        assert!(priority("12").is_err());
        assert!(priority("whenever").is_err());
        assert_eq!(priority("Highest"), Ok(Priority::P1));
        assert_eq!(priority("Low"), Ok(Priority::P4));
        assert_eq!(priority("5 - Planning"), Ok(Priority::P4));
        assert_eq!(priority("Média"), Ok(Priority::P3));
        assert_eq!(priority("Très haute"), Ok(Priority::P1));
        assert_eq!(known_state("In Progress"), Some(FileState::Open));
        assert_eq!(known_state("Canceled"), Some(FileState::Cancelled));
        assert_eq!(known_state("On Hold"), Some(FileState::OnHold));
        assert_eq!(known_state("Awaiting Customer"), Some(FileState::OnHold));
        assert_eq!(known_state("Solucionado"), Some(FileState::Resolved));
        assert_eq!(known_state("Em atendimento (atribuído)"), Some(FileState::Open));
        assert_eq!(known_state("En attente"), Some(FileState::OnHold));
        assert_eq!(known_state("Gesloten"), Some(FileState::Closed));
        assert_eq!(known_state("limbo"), None);
        assert_eq!(status_category("Done"), Some(FileState::Resolved));
        assert_eq!("on hold".parse::<FileState>(), Ok(FileState::OnHold));
        assert!(resolution_voids("Duplicate"));
        assert!(!resolution_voids("Fixed"));
        assert_eq!(ticket_kind("Service Request"), Some(TicketKind::Request));
        assert_eq!(ticket_kind("Requisição"), Some(TicketKind::Request));
        assert_eq!(ticket_kind("Bug"), None);
        assert_eq!(change_kind("Pre-approved"), Some(ChangeKind::Standard));
        assert_eq!(change_kind("Comprehensive"), None);
        assert_eq!(
            change_outcome("Change Cancelled - Will Not Be Performed"),
            Some(ChangeOutcome::Cancelled)
        );
        assert_eq!(
            change_outcome("Change Unsuccessful-Rolled Back"),
            Some(ChangeOutcome::RolledBack)
        );
        assert_eq!(change_outcome("All Changes Completed"), Some(ChangeOutcome::Successful));
        assert_eq!(
            change_outcome("successful_issues"),
            Some(ChangeOutcome::SuccessfulWithIssues)
        );
        assert!(change_not_done("Pending Approval"));
        assert_eq!(outage_type("Outage Node"), Ok(OutageType::Outage));
        assert_eq!(outage_type("Planned"), Ok(OutageType::Planned));
        assert_eq!(outage_type("Degradation"), Ok(OutageType::Degradation));
        assert_eq!(outage_type("no"), Ok(OutageType::Outage));
        assert!(outage_type("maybe").is_err());
        assert_eq!(verdict_met("false"), Ok(Verdict::Breached));
        assert_eq!(verdict_met("1:05"), Ok(Verdict::Met));
        assert_eq!(verdict_met("-2:30"), Ok(Verdict::Breached));
        assert!(verdict_met("soon").is_err());
        assert_eq!(verdict_exceeded("Não"), Ok(Verdict::Met));
        assert_eq!(verdict_exceeded("Sim"), Ok(Verdict::Breached));

        assert_eq!(yes_no("Yes"), Ok(true));
        assert!(yes_no("maybe").is_err());
    }

    #[test]
    fn waiting_totals() {
        assert_eq!(waiting("0 segundo"), Ok(0));
        assert_eq!(waiting("3 minutos"), Ok(180));
        assert_eq!(waiting("3h 10m"), Ok(11_400));
        assert_eq!(waiting("2 horas 5 minutos"), Ok(7_500));
        assert_eq!(waiting("1 jour 3 heures"), Ok(97_200));
        assert_eq!(waiting("190"), Ok(11_400));
        assert!(waiting("soon").is_err());
        assert!(waiting("-5").is_err());
    }

    #[test]
    fn periods() {
        assert_eq!(period("2026-11"), Ok("2026-11".to_string()));
        assert_eq!(period("2026-q4"), Ok("2026-Q4".to_string()));
        assert_eq!(period("2026Q1"), Ok("2026-Q1".to_string()));
        for bad in ["2026-13", "2026-1", "Nov 2026", "2026-Q5", "26-11"] {
            assert!(period(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn zones_suggest_close_names() {
        assert!(zone("Europe/Amsterdam").is_ok());
        let err = zone("Europe/Amsterdm").unwrap_err();
        assert!(err.contains("(did you mean Europe/Amsterdam?)"), "{err}");
    }
}
