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
    /// When the ticket was closed: its resolution when the file gives no resolved time.
    Closed,
    /// When the row last changed in the tool: where an on-hold pause starts or ends.
    Updated,
    /// When the status last changed (Jira's `Status Category Changed`): preferred to `Updated`.
    StateChanged,
    Summary,
    Pauses,
    /// A waiting total as a duration (`3h 10m`, `190 minutes`, `2 horas`): taken off the clock.
    Waiting,
    State,
    /// Jira's `Status Category` (To Do, In Progress, Done): read where the status is unknown.
    StatusCategory,
    /// Jira's `Resolution`, ServiceNow's `close_code`: a duplicate or rejected ticket counts for nothing.
    Resolution,
    Kind,
    /// Minutes from creation to the first reply (Zendesk's `First reply time in minutes`).
    FirstReplyMinutes,
    /// The tool's verdict on the response: met when true or a time left (`1:05`), breached
    /// when false or a time past (`-2:30`), as Jira's `Time to first response` writes it.
    ToolResponse,
    /// The tool's verdict on the resolution, the same way (ServiceNow's `made_sla`, Jira's
    /// `Time to resolution`).
    ToolResolution,
    /// The tool's verdict on the resolution the other way round: yes is breached (GLPI's
    /// `Time to resolve exceeded`).
    ResolutionExceeded,
    /// A ServiceNow task_sla row's SLA definition (its name says response or resolution).
    SlaName,
    /// A ServiceNow task_sla row's `has_breached`.
    HasBreached,
    /// A ServiceNow task_sla row's stage (in progress, completed, cancelled, ...).
    Stage,
    Start,
    End,
    Planned,
    Implemented,
    Outcome,
    Period,
    Score,
    Scale,
    Responses,
    /// A problem's root cause.
    RootCause,
    /// A known error's workaround.
    Workaround,
    /// Who a record is assigned to.
    Owner,
    /// Whether a problem is a known error (ServiceNow's `known_error`).
    KnownError,
    /// When a survey was answered.
    Answered,
    /// Who answered a survey.
    Respondent,
    /// What they wrote.
    Comment,
}

const FIELD_COUNT: usize = Field::Comment as usize + 1;

const ALL_FIELDS: [Field; FIELD_COUNT] = [
    Field::Ref,
    Field::Service,
    Field::Priority,
    Field::Opened,
    Field::Responded,
    Field::Resolved,
    Field::Closed,
    Field::Updated,
    Field::StateChanged,
    Field::Summary,
    Field::Pauses,
    Field::Waiting,
    Field::State,
    Field::StatusCategory,
    Field::Resolution,
    Field::Kind,
    Field::FirstReplyMinutes,
    Field::ToolResponse,
    Field::ToolResolution,
    Field::ResolutionExceeded,
    Field::SlaName,
    Field::HasBreached,
    Field::Stage,
    Field::Start,
    Field::End,
    Field::Planned,
    Field::Implemented,
    Field::Outcome,
    Field::Period,
    Field::Score,
    Field::Scale,
    Field::Responses,
    Field::RootCause,
    Field::Workaround,
    Field::Owner,
    Field::KnownError,
    Field::Answered,
    Field::Respondent,
    Field::Comment,
];

impl Field {
    /// The generic column name: what `[columns]` in the config maps a header to.
    pub fn name(self) -> &'static str {
        match self {
            Field::Ref => "ref",
            Field::Service => "service",
            Field::Priority => "priority",
            Field::Opened => "opened",
            Field::Responded => "responded",
            Field::Resolved => "resolved",
            Field::Closed => "closed",
            Field::Updated => "updated",
            Field::StateChanged => "state_changed",
            Field::Summary => "summary",
            Field::Pauses => "pauses",
            Field::Waiting => "waiting",
            Field::State => "state",
            Field::StatusCategory => "status_category",
            Field::Resolution => "resolution",
            Field::Kind => "kind",
            Field::FirstReplyMinutes => "first_reply_minutes",
            Field::ToolResponse => "tool_response",
            Field::ToolResolution => "tool_resolution",
            Field::ResolutionExceeded => "resolution_exceeded",
            Field::SlaName => "sla",
            Field::HasBreached => "has_breached",
            Field::Stage => "stage",
            Field::Start => "start",
            Field::End => "end",
            Field::Planned => "planned",
            Field::Implemented => "implemented",
            Field::Outcome => "outcome",
            Field::Period => "period",
            Field::Score => "score",
            Field::Scale => "scale",
            Field::Responses => "responses",
            Field::RootCause => "root_cause",
            Field::Workaround => "workaround",
            Field::Owner => "owner",
            Field::KnownError => "known_error",
            Field::Answered => "date",
            Field::Respondent => "respondent",
            Field::Comment => "comment",
        }
    }

    /// The field of a generic column name.
    pub fn from_name(name: &str) -> Option<Field> {
        let name = name.trim().to_ascii_lowercase();
        ALL_FIELDS.into_iter().find(|f| f.name() == name)
    }

    /// Whether its cells are instants (read in the file's one day-month order).
    pub fn is_time(self) -> bool {
        matches!(
            self,
            Field::Opened
                | Field::Responded
                | Field::Resolved
                | Field::Closed
                | Field::Updated
                | Field::StateChanged
                | Field::Start
                | Field::End
                | Field::Implemented
                | Field::Answered
        )
    }
}

/// One field of a format: the header names that carry it, and whether the file must have it.
#[derive(Debug)]
pub struct Column {
    pub field: Field,
    pub required: bool,
    /// Accepted header names, lower case (headers compare case-blind, trimmed), in order of
    /// preference: where a file has two (`opened_at` and `sys_created_on`), the first listed
    /// is read and the summary says so.
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
    /// How the summary names it (`ServiceNow`).
    pub tool: &'static str,
    pub kind: ImportKind,
    pub columns: &'static [Column],
}

use Field::*;

pub static GENERIC_TICKETS: Mapping = Mapping {
    format: "generic",
    tool: "generic",
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
        opt(Closed, &["closed"]),
        opt(Updated, &["updated"]),
        opt(StateChanged, &["state_changed"]),
        opt(Waiting, &["waiting"]),
        opt(Resolution, &["resolution"]),
    ],
};

pub static GENERIC_OUTAGES: Mapping = Mapping {
    format: "generic",
    tool: "generic",
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
    tool: "generic",
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
    tool: "generic",
    kind: ImportKind::Scores,
    columns: &[
        req(Service, &["service"]),
        req(Period, &["period"]),
        req(Score, &["score"]),
        opt(Scale, &["scale"]),
        opt(Responses, &["responses"]),
    ],
};

/// Survey responses one by one: the generic columns, and the headers survey tools and ITSM
/// satisfaction surveys export them under.
pub static GENERIC_RESPONSES: Mapping = Mapping {
    format: "generic",
    tool: "generic",
    kind: ImportKind::Responses,
    columns: &[
        opt(
            Ref,
            &[
                "response id",
                "response_id",
                "respondent id",
                "respondent_id",
                "survey id",
            ],
        ),
        req(
            Service,
            &[
                "service",
                "business_service",
                "business service",
                "cmdb_ci",
                "configuration item",
                "product",
            ],
        ),
        req(
            Answered,
            &[
                "date",
                "answered",
                "answered_on",
                "submitted",
                "submitted at",
                "date submitted",
                "taken_on",
                "taken on",
                "completed",
                "end date",
                "sys_created_on",
                "created",
            ],
        ),
        req(
            Score,
            &[
                "score",
                "rating",
                "nps",
                "likelihood to recommend",
                "actual_value",
                "value",
            ],
        ),
        req(Scale, &["scale"]),
        opt(
            Respondent,
            &["respondent", "taken_by", "taken by", "user", "email", "name"],
        ),
        opt(
            Comment,
            &["comment", "comments", "feedback", "verbatim", "additional comments"],
        ),
    ],
};

pub static GENERIC_PROBLEMS: Mapping = Mapping {
    format: "generic",
    tool: "generic",
    kind: ImportKind::Problems,
    columns: &[
        req(Ref, &["ref"]),
        req(Summary, &["title", "summary"]),
        req(Service, &["service"]),
        opt(State, &["state", "status"]),
        opt(Opened, &["opened", "raised"]),
        opt(RootCause, &["root_cause"]),
        opt(Workaround, &["workaround"]),
        opt(Owner, &["owner"]),
    ],
};

/// A ServiceNow problem export: the field names of a list export (`problem_state`,
/// `cause_notes`) and the column labels (`Problem statement`, `Cause notes`).
pub static SERVICENOW_PROBLEMS: Mapping = Mapping {
    format: "servicenow",
    tool: "ServiceNow",
    kind: ImportKind::Problems,
    columns: &[
        req(Ref, &["number", "nummer", "numéro", "número"]),
        req(
            Summary,
            &[
                "short_description",
                "problem statement",
                "short description",
                "korte omschrijving",
            ],
        ),
        req(
            Service,
            &[
                "business_service",
                "cmdb_ci",
                "service_offering",
                "business service",
                "configuration item",
                "service",
            ],
        ),
        opt(State, &["problem_state", "state", "problem state", "status"]),
        opt(Opened, &["opened_at", "sys_created_on", "opened", "created"]),
        opt(RootCause, &["cause_notes", "cause notes", "root cause", "u_root_cause"]),
        opt(Workaround, &["workaround"]),
        opt(Owner, &["assigned_to", "assigned to", "owner"]),
        opt(KnownError, &["known_error", "known error"]),
    ],
};

/// A Jira Service Management problem export (the Problem issue type): its key and summary,
/// the service it affects, and the root cause and workaround custom fields JSM's problem
/// template has.
pub static JIRA_PROBLEMS: Mapping = Mapping {
    format: "jira",
    tool: "Jira",
    kind: ImportKind::Problems,
    columns: &[
        req(Ref, &["issue key", "key"]),
        req(
            Summary,
            &[
                "summary",
                "resumen",
                "resumo",
                "zusammenfassung",
                "résumé",
                "samenvatting",
            ],
        ),
        req(
            Service,
            &[
                "custom field (affected services)",
                "affected services",
                "custom field (service)",
                "component/s",
                "components",
            ],
        ),
        opt(State, &["status", "estado", "statut"]),
        opt(Opened, &["created", "creado", "criado", "erstellt", "créé", "gemaakt"]),
        opt(RootCause, &["custom field (root cause)", "root cause"]),
        opt(Workaround, &["custom field (workaround)", "workaround"]),
        opt(Owner, &["assignee", "responsable", "bearbeiter"]),
        opt(
            Kind,
            &["issue type", "tipo de incidencia", "vorgangstyp", "type de ticket"],
        ),
    ],
};

/// A ServiceNow incident (or request item) export: the field names of a list export
/// (`opened_at`) and the column labels of a list or report export and of Export → Excel
/// (`Opened`). A list export has no service column unless the list shows one.
pub static SERVICENOW_TICKETS: Mapping = Mapping {
    format: "servicenow",
    tool: "ServiceNow",
    kind: ImportKind::Tickets,
    columns: &[
        req(
            Ref,
            &["number", "task", "incident", "nummer", "numéro", "número", "numero"],
        ),
        req(
            Service,
            &[
                "business_service",
                "cmdb_ci",
                "service_offering",
                "u_service",
                "business service",
                "service",
                "configuration item",
                "service offering",
                "bedrijfsservice",
                "configuratie-item",
                "service métier",
                "élément de configuration",
            ],
        ),
        req(
            Priority,
            &[
                "priority",
                "prioriteit",
                "priorität",
                "priorité",
                "prioridad",
                "prioridade",
            ],
        ),
        req(
            Opened,
            &[
                "opened_at",
                "sys_created_on",
                "opened",
                "created",
                "geopend",
                "geöffnet",
                "ouvert",
                "abierto",
                "aberto",
            ],
        ),
        opt(
            Responded,
            &["u_responded_at", "responded_at", "first_response_time", "responded"],
        ),
        opt(
            Resolved,
            &[
                "resolved_at",
                "resolved",
                "opgelost",
                "gelöst",
                "résolu",
                "resuelto",
                "resolvido",
            ],
        ),
        opt(
            Closed,
            &[
                "closed_at",
                "closed",
                "gesloten",
                "geschlossen",
                "fermé",
                "cerrado",
                "fechado",
            ],
        ),
        opt(
            Updated,
            &[
                "sys_updated_on",
                "updated",
                "bijgewerkt",
                "aktualisiert",
                "mis à jour",
                "actualizado",
                "atualizado",
            ],
        ),
        opt(
            Summary,
            &[
                "short_description",
                "short description",
                "korte omschrijving",
                "kurzbeschreibung",
                "description courte",
                "descripción corta",
                "descrição resumida",
            ],
        ),
        opt(
            State,
            &[
                "state",
                "incident_state",
                "incident state",
                "status",
                "staat",
                "status",
                "état",
                "estado",
            ],
        ),
        opt(
            Resolution,
            &["close_code", "resolution code", "close code", "resolution_code"],
        ),
        opt(Kind, &["sys_class_name", "task type"]),
        opt(ToolResolution, &["made_sla", "made sla"]),
    ],
};

/// A ServiceNow change_request list export.
pub static SERVICENOW_CHANGES: Mapping = Mapping {
    format: "servicenow",
    tool: "ServiceNow",
    kind: ImportKind::Changes,
    columns: &[
        req(Ref, &["number"]),
        req(
            Service,
            &[
                "business_service",
                "cmdb_ci",
                "service_offering",
                "business service",
                "configuration item",
            ],
        ),
        req(Kind, &["type", "chg_model", "model"]),
        req(
            Implemented,
            &[
                "work_end",
                "actual end",
                "closed_at",
                "closed",
                "end_date",
                "planned end date",
                "work_start",
                "start_date",
            ],
        ),
        opt(Outcome, &["close_code", "close code"]),
        opt(State, &["state", "stage"]),
        opt(Summary, &["short_description", "short description"]),
    ],
};

/// A ServiceNow outage export (`cmdb_ci_outage`).
pub static SERVICENOW_OUTAGES: Mapping = Mapping {
    format: "servicenow",
    tool: "ServiceNow",
    kind: ImportKind::Outages,
    columns: &[
        req(
            Service,
            &[
                "cmdb_ci",
                "business_service",
                "configuration item",
                "u_affected_services",
            ],
        ),
        req(Start, &["begin", "u_begin_time", "start"]),
        opt(End, &["end", "u_end_time", "u_cleared"]),
        opt(Planned, &["type", "u_om_type"]),
        opt(Summary, &["short_description", "short description", "message"]),
    ],
};

/// A ServiceNow `task_sla` export: one row per SLA of a ticket, with the tool's verdict and,
/// for a completed response SLA, when the response came (incident list exports carry no
/// response times; this is where they are).
pub static SERVICENOW_TASK_SLAS: Mapping = Mapping {
    format: "servicenow",
    tool: "ServiceNow",
    kind: ImportKind::Slas,
    columns: &[
        req(Ref, &["task", "task.number", "task number"]),
        req(SlaName, &["sla", "sla definition", "sla.name"]),
        req(HasBreached, &["has_breached", "has breached", "breached"]),
        opt(Stage, &["stage"]),
        opt(Start, &["start_time", "start time"]),
        opt(End, &["end_time", "end time", "stop_time", "stop time"]),
    ],
};

/// A Jira (Service Management) CSV export, "all fields" or "current fields", with headers in
/// English, Dutch, German, French, Spanish or Portuguese. Jira has no service column by
/// default: the first `Component/s` is read, else say `--service-column` or `--service`.
pub static JIRA_TICKETS: Mapping = Mapping {
    format: "jira",
    tool: "Jira",
    kind: ImportKind::Tickets,
    columns: &[
        req(
            Ref,
            &[
                "issue key",
                "key",
                "sleutel",
                "schlüssel",
                "clé",
                "clave",
                "chave",
                "clave de incidencia",
                "chave do item",
            ],
        ),
        req(
            Service,
            &[
                "component/s",
                "components",
                "affected services",
                "custom field (affected services)",
                "component/en",
                "komponente/n",
                "composant/s",
                "componente/s",
            ],
        ),
        req(
            Priority,
            &[
                "priority",
                "prioriteit",
                "priorität",
                "priorité",
                "prioridad",
                "prioridade",
            ],
        ),
        req(
            Opened,
            &[
                "created",
                "aangemaakt",
                "erstellt",
                "création",
                "creada",
                "criado",
                "créé",
                "creado",
            ],
        ),
        opt(
            Resolved,
            &[
                "resolved",
                "resolution date",
                "opgelost",
                "erledigt",
                "résolu",
                "résolue",
                "resuelta",
                "resolvido",
                "resuelto",
            ],
        ),
        opt(
            Updated,
            &[
                "updated",
                "bijgewerkt",
                "aktualisiert",
                "mise à jour",
                "actualizada",
                "atualizado",
                "actualizado",
            ],
        ),
        opt(StateChanged, &["status category changed"]),
        opt(
            Summary,
            &[
                "summary",
                "samenvatting",
                "zusammenfassung",
                "résumé",
                "resumen",
                "resumo",
            ],
        ),
        opt(State, &["status", "statut", "estado"]),
        opt(
            StatusCategory,
            &[
                "status category",
                "statuscategorie",
                "statuskategorie",
                "catégorie de statut",
                "categoría de estado",
                "categoria de status",
            ],
        ),
        opt(
            Resolution,
            &[
                "resolution",
                "oplossing",
                "lösung",
                "résolution",
                "resolución",
                "resolução",
            ],
        ),
        opt(
            Kind,
            &[
                "issue type",
                "request type",
                "customer request type",
                "type melding",
                "vorgangstyp",
                "type de ticket",
                "tipo de incidencia",
                "tipo de item",
                "tipo de ticket",
            ],
        ),
        opt(
            ToolResponse,
            &["custom field (time to first response)", "time to first response"],
        ),
        opt(
            ToolResolution,
            &["custom field (time to resolution)", "time to resolution"],
        ),
    ],
};

/// A GLPI ticket search export (`;`, a BOM, `dd/MM/yyyy` dates), in English, French,
/// Portuguese, Spanish, German or Dutch. GLPI names no service: say `--service-column`
/// (`Categoria`, `Entité`) or `--service`.
pub static GLPI_TICKETS: Mapping = Mapping {
    format: "glpi",
    tool: "GLPI",
    kind: ImportKind::Tickets,
    columns: &[
        req(Ref, &["id"]),
        req(Service, &["service"]),
        req(
            Priority,
            &[
                "priority",
                "prioridade",
                "priorité",
                "prioridad",
                "priorität",
                "prioriteit",
            ],
        ),
        req(
            Opened,
            &[
                "opening date",
                "data de abertura",
                "date d'ouverture",
                "fecha de apertura",
                "eröffnungsdatum",
                "openingsdatum",
            ],
        ),
        opt(
            Resolved,
            &[
                "resolution date",
                "solve date",
                "data da solução",
                "date de résolution",
                "date de solution",
                "fecha de resolución",
                "fecha de solución",
                "lösungsdatum",
                "oplossingsdatum",
            ],
        ),
        opt(
            Closed,
            &[
                "closing date",
                "close date",
                "data de fechamento",
                "date de clôture",
                "fecha de cierre",
                "schließungsdatum",
                "sluitingsdatum",
            ],
        ),
        opt(
            Updated,
            &[
                "last update",
                "last updated",
                "última atualização",
                "dernière modification",
                "última actualización",
                "letzte änderung",
                "laatste wijziging",
            ],
        ),
        opt(Summary, &["title", "título", "titre", "titel"]),
        opt(State, &["status", "statut", "estado"]),
        opt(Kind, &["type", "tipo", "typ"]),
        opt(
            Waiting,
            &[
                "statistics - waiting time",
                "estatísticas - tempo de espera",
                "statistiques - temps d'attente",
                "estadísticas - tiempo de espera",
                "statistiken - wartezeit",
                "statistieken - wachttijd",
            ],
        ),
        opt(
            ResolutionExceeded,
            &[
                "time to resolve exceeded",
                "tempo para resolver excedido",
                "temps de résolution dépassé",
                "tiempo para resolver excedido",
                "lösungszeit überschritten",
                "oplostijd overschreden",
            ],
        ),
    ],
};

/// A Zendesk ticket export (CSV from the Explore or the admin export).
pub static ZENDESK_TICKETS: Mapping = Mapping {
    format: "zendesk",
    tool: "Zendesk",
    kind: ImportKind::Tickets,
    columns: &[
        req(Ref, &["id", "ticket id"]),
        req(Service, &["service", "brand", "product"]),
        req(Priority, &["priority", "ticket priority"]),
        req(Opened, &["created at", "ticket created - timestamp", "created"]),
        opt(Resolved, &["solved at", "ticket solved - timestamp", "solved"]),
        opt(Updated, &["updated at", "ticket updated - timestamp", "updated"]),
        opt(Summary, &["subject", "ticket subject"]),
        opt(State, &["status", "ticket status"]),
        opt(Kind, &["type", "ticket type"]),
        opt(
            FirstReplyMinutes,
            &["first reply time in minutes", "first reply time (min)"],
        ),
        opt(
            Waiting,
            &[
                "on hold time in minutes",
                "on-hold time in minutes",
                "requester wait time in minutes",
            ],
        ),
    ],
};

/// A TOPdesk incident export, in English or Dutch.
pub static TOPDESK_TICKETS: Mapping = Mapping {
    format: "topdesk",
    tool: "TOPdesk",
    kind: ImportKind::Tickets,
    columns: &[
        req(
            Ref,
            &["incident number", "number", "meldingnummer", "nummer", "incidentnummer"],
        ),
        req(Service, &["service", "dienst", "object", "asset"]),
        req(Priority, &["priority", "prioriteit"]),
        req(
            Opened,
            &[
                "call date",
                "date of call",
                "creation date",
                "datum aanmelding",
                "aanmelddatum",
                "datum melding",
            ],
        ),
        opt(
            Resolved,
            &[
                "completed date",
                "date completed",
                "completion date",
                "datum gereed",
                "gereed datum",
                "gereedmelddatum",
            ],
        ),
        opt(
            Closed,
            &[
                "closed date",
                "closure date",
                "date closed",
                "datum afgemeld",
                "afmelddatum",
            ],
        ),
        opt(
            Updated,
            &["modification date", "last modified", "datum wijziging", "gewijzigd"],
        ),
        opt(
            Summary,
            &[
                "brief description",
                "request",
                "korte omschrijving",
                "korte omschrijving (details)",
                "verzoek",
            ],
        ),
        opt(State, &["status", "processing status", "behandelstatus"]),
        opt(Kind, &["call type", "soort melding", "type melding"]),
    ],
};

/// Every known format, in the order `auto` tries them.
pub static MAPPINGS: &[&Mapping] = &[
    &GENERIC_TICKETS,
    &GENERIC_OUTAGES,
    &GENERIC_CHANGES,
    &GENERIC_SCORES,
    &GENERIC_RESPONSES,
    &SERVICENOW_TICKETS,
    &SERVICENOW_CHANGES,
    &SERVICENOW_OUTAGES,
    &SERVICENOW_TASK_SLAS,
    &JIRA_TICKETS,
    &GLPI_TICKETS,
    &ZENDESK_TICKETS,
    &TOPDESK_TICKETS,
    &GENERIC_PROBLEMS,
    &SERVICENOW_PROBLEMS,
    &JIRA_PROBLEMS,
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

    /// Every header with the field it is read as (`None`: ignored), in the file's order.
    pub fn described(&self) -> Vec<(String, Option<Field>)> {
        self.headers
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let field = ALL_FIELDS.into_iter().find(|f| self.slots[*f as usize] == Some(i));
                (h.trim().to_string(), field)
            })
            .collect()
    }

    /// The time fields the file has, with their column index and header.
    pub fn time_columns(&self) -> Vec<(Field, usize, String)> {
        ALL_FIELDS
            .into_iter()
            .filter(|f| f.is_time())
            .filter_map(|f| self.index(f).map(|i| (f, i, self.header(f).to_string())))
            .collect()
    }
}

/// What the user says about a file that its header does not: which column is which field
/// (`--service-column`, the config's `[columns]`), and that every row has one service
/// (`--service`).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Header (compared case-blind, trimmed) → field; the first listed wins.
    pub columns: Vec<(String, Field)>,
    /// `--service NAME`: no service column is needed, and one in the file is not read.
    pub fixed_service: bool,
}

impl Overrides {
    fn field_of(&self, header: &str) -> Option<Field> {
        self.columns
            .iter()
            .find(|(h, _)| h.trim().eq_ignore_ascii_case(header) || h.trim().to_lowercase() == header)
            .map(|(_, f)| *f)
    }
}

/// The format chosen for a file.
#[derive(Debug)]
pub struct Chosen {
    pub mapping: &'static Mapping,
    pub columns: Columns,
    /// Header names no field uses (left out of the import), each once.
    pub ignored: Vec<String>,
    /// What the summary says about the choice: which of two columns of the same meaning was
    /// read, a repeated column, a service column left aside for `--service`.
    pub notes: Vec<String>,
}

struct Fit {
    columns: Columns,
    matched: usize,
    missing: Vec<&'static str>,
    ignored: Vec<String>,
    notes: Vec<String>,
}

fn fit(mapping: &Mapping, headers: &[String], overrides: &Overrides) -> Fit {
    // Per field: the column read, its rank (0 for a column the user named), and the others.
    let mut best: [Option<(usize, usize)>; FIELD_COUNT] = [None; FIELD_COUNT];
    let mut others: Vec<(Field, usize)> = Vec::new();
    let mut ignored: Vec<String> = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let norm = h.trim().to_lowercase();
        let found = match overrides.field_of(&norm) {
            Some(field) if mapping.columns.iter().any(|c| c.field == field) => Some((field, 0)),
            _ => mapping.columns.iter().find_map(|c| {
                c.headers
                    .iter()
                    .position(|name| *name == norm)
                    .map(|rank| (c.field, rank + 1))
            }),
        };
        let Some((field, rank)) = found else {
            if !norm.is_empty() && !ignored.iter().any(|g| g.eq_ignore_ascii_case(h.trim())) {
                ignored.push(h.trim().to_string());
            }
            continue;
        };
        let slot = &mut best[field as usize];
        match *slot {
            Some((_, held)) if held <= rank => others.push((field, i)),
            Some((prev, _)) => {
                others.push((field, prev));
                *slot = Some((i, rank));
            }
            None => *slot = Some((i, rank)),
        }
    }
    let mut notes = Vec::new();
    if overrides.fixed_service
        && let Some((i, _)) = best[Field::Service as usize].take()
    {
        notes.push(format!(
            "column {} left aside: every row belongs to the --service given",
            headers[i].trim()
        ));
    }
    let mut slots = [None; FIELD_COUNT];
    let mut matched = 0;
    for field in ALL_FIELDS {
        if let Some((i, _)) = best[field as usize] {
            slots[field as usize] = Some(i);
            matched += 1;
        }
    }
    // One note per field read from one of several columns.
    others.sort_by_key(|(f, i)| (*f as usize, *i));
    let mut f_done: Vec<Field> = Vec::new();
    for (field, _) in &others {
        if f_done.contains(field) {
            continue;
        }
        f_done.push(*field);
        let Some(used) = slots[*field as usize] else {
            continue;
        };
        let used_name = headers[used].trim();
        let rest: Vec<&str> = others
            .iter()
            .filter(|(f, _)| f == field)
            .map(|(_, i)| headers[*i].trim())
            .collect();
        if rest.iter().all(|r| r.eq_ignore_ascii_case(used_name)) {
            notes.push(format!(
                "{used_name} is repeated {} times: the first is read as {}",
                rest.len() + 1,
                field.name()
            ));
        } else {
            let mut names: Vec<&str> = rest
                .into_iter()
                .filter(|r| !r.eq_ignore_ascii_case(used_name))
                .collect();
            names.dedup();
            notes.push(format!(
                "{} is read from {used_name} (not {})",
                field.name(),
                names.join(", ")
            ));
        }
    }
    let missing = mapping
        .columns
        .iter()
        .filter(|c| c.required && slots[c.field as usize].is_none())
        .filter(|c| !(c.field == Field::Service && overrides.fixed_service))
        .map(|c| c.headers[0])
        .collect();
    Fit {
        columns: Columns {
            slots,
            headers: headers.to_vec(),
        },
        matched,
        missing,
        ignored,
        notes,
    }
}

fn needs(mapping: &Mapping) -> String {
    let required: Vec<&str> = mapping
        .columns
        .iter()
        .filter(|c| c.required)
        .map(|c| c.headers[0])
        .collect();
    format!("{} {} needs {}", mapping.format, mapping.kind, required.join(", "))
}

/// Picks the mapping for a file of `kind` by its header. `format` is `auto` or a format name.
pub fn choose(kind: ImportKind, format: &str, headers: &[String], overrides: &Overrides) -> Result<Chosen, String> {
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
    for (header, _) in &overrides.columns {
        if !headers.iter().any(|h| h.trim().eq_ignore_ascii_case(header.trim())) {
            return Err(format!(
                "the file has no column \"{header}\" (named by --service-column or [columns] in the config); the header has: {}",
                header_list(headers)
            ));
        }
    }
    let found = header_list(headers);
    let mut best: Option<(Fit, &'static Mapping)> = None;
    // The closest miss: the format that lacks the fewest required columns.
    let mut closest: Option<(Fit, &'static Mapping)> = None;
    for mapping in candidates {
        let fit = fit(mapping, headers, overrides);
        if fit.missing.is_empty() {
            if best.as_ref().is_none_or(|(b, _)| fit.matched > b.matched) {
                best = Some((fit, mapping));
            }
        } else if closest.as_ref().is_none_or(|(c, _)| {
            (fit.missing.len(), usize::MAX - fit.matched) < (c.missing.len(), usize::MAX - c.matched)
        }) {
            closest = Some((fit, mapping));
        }
    }
    if let Some((fit, mapping)) = best {
        return Ok(Chosen {
            mapping,
            columns: fit.columns,
            ignored: fit.ignored,
            notes: fit.notes,
        });
    }
    let Some((fit, mapping)) = closest else {
        return Err(format!("the header does not fit; the header has: {found}"));
    };
    let noun = if fit.missing.len() == 1 { "column" } else { "columns" };
    let service_hint = if fit.missing.contains(&"service")
        || mapping
            .columns
            .iter()
            .any(|c| c.field == Field::Service && fit.missing.contains(&c.headers[0]))
    {
        "; an export without a service column takes --service NAME (every row one service) or --service-column COLUMN (which column names it)"
    } else {
        ""
    };
    let looks = if mapping.format == "generic" {
        "the header does not fit:".to_string()
    } else {
        format!("the header looks like a {} export but has", mapping.tool)
    };
    Err(format!(
        "{looks} no {noun} {} ({}){service_hint}; the header has: {}",
        fit.missing.join(", "),
        needs(mapping),
        found
    ))
}

/// The header's names for a message: each once, at most 40, then how many more.
fn header_list(headers: &[String]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for h in headers {
        let h = h.trim();
        if !h.is_empty() && !names.contains(&h) {
            names.push(h);
        }
    }
    if names.len() > 40 {
        let more = names.len() - 40;
        names.truncate(40);
        format!("{} and {more} more", names.join(", "))
    } else {
        names.join(", ")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn headers(s: &str) -> Vec<String> {
        s.split(',').map(str::to_string).collect()
    }

    fn auto(kind: ImportKind, line: &str) -> Result<Chosen, String> {
        choose(kind, "auto", &headers(line), &Overrides::default())
    }

    #[test]
    fn generic_tickets_fit_in_any_order_and_case() {
        let chosen = auto(ImportKind::Tickets, "Service,REF,priority,opened,team,summary").unwrap();
        assert_eq!(chosen.mapping.format, "generic");
        assert_eq!(chosen.columns.index(Field::Ref), Some(1));
        assert_eq!(chosen.columns.header(Field::Ref), "REF");
        assert!(!chosen.columns.has(Field::Pauses));
        assert_eq!(chosen.ignored, vec!["team".to_string()]);
    }

    #[test]
    fn a_missing_column_is_named() {
        let err = auto(ImportKind::Tickets, "ref,service,priority").unwrap_err();
        assert!(err.contains("no column opened"), "{err}");
        assert!(err.contains("the header has: ref, service, priority"), "{err}");
        let err = choose(ImportKind::Scores, "jira", &headers("ref"), &Overrides::default()).unwrap_err();
        assert!(err.contains("no \"jira\" format for scores"), "{err}");
    }

    #[test]
    fn columns_of_one_meaning_are_read_by_preference_and_said() {
        // ServiceNow: opened_at is preferred to sys_created_on, state to incident_state,
        // whatever their order in the file.
        let chosen = auto(
            ImportKind::Tickets,
            "number,sys_created_on,opened_at,incident_state,state,priority,cmdb_ci,business_service",
        )
        .unwrap();
        assert_eq!(chosen.mapping.format, "servicenow");
        assert_eq!(chosen.columns.header(Field::Opened), "opened_at");
        assert_eq!(chosen.columns.header(Field::State), "state");
        assert_eq!(chosen.columns.header(Field::Service), "business_service");
        let notes = chosen.notes.join("\n");
        assert!(
            notes.contains("opened is read from opened_at (not sys_created_on)"),
            "{notes}"
        );
        assert!(
            notes.contains("service is read from business_service (not cmdb_ci)"),
            "{notes}"
        );
        // A repeated column: the first is read.
        let chosen = auto(ImportKind::Scores, "service,period,score,Score").unwrap();
        assert_eq!(chosen.columns.index(Field::Score), Some(2));
        assert!(chosen.notes[0].contains("repeated 2 times"), "{:?}", chosen.notes);
    }

    #[test]
    fn the_user_names_what_the_header_does_not_say() {
        let line = "\"number\",\"opened_at\",\"short_description\",\"caller_id\",\"priority\",\"state\",\"assignment_group\",\"assigned_to\"";
        let hs: Vec<String> = line.split(',').map(|h| h.trim_matches('"').to_string()).collect();
        let err = choose(ImportKind::Tickets, "auto", &hs, &Overrides::default()).unwrap_err();
        assert!(err.contains("ServiceNow"), "{err}");
        assert!(err.contains("--service NAME"), "{err}");
        let fixed = Overrides {
            columns: vec![],
            fixed_service: true,
        };
        let chosen = choose(ImportKind::Tickets, "auto", &hs, &fixed).unwrap();
        assert_eq!(chosen.mapping.format, "servicenow");
        let by_column = Overrides {
            columns: vec![("Assignment_Group".into(), Field::Service)],
            fixed_service: false,
        };
        let chosen = choose(ImportKind::Tickets, "auto", &hs, &by_column).unwrap();
        assert_eq!(chosen.columns.header(Field::Service), "assignment_group");
        let missing = Overrides {
            columns: vec![("u_product".into(), Field::Service)],
            fixed_service: false,
        };
        let err = choose(ImportKind::Tickets, "auto", &hs, &missing).unwrap_err();
        assert!(err.contains("no column \"u_product\""), "{err}");
    }

    #[test]
    fn format_names_start_with_auto() {
        assert_eq!(
            format_names(),
            vec!["auto", "generic", "servicenow", "jira", "glpi", "zendesk", "topdesk"]
        );
    }
}
