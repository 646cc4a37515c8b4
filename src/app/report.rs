//! The service review of a month, quarter or year: gathered for one service or all, and
//! written as a file into the reports folder.

use std::path::PathBuf;

use chrono::Datelike;

use crate::domain::model::Service;
use crate::domain::period::{PERIOD_FORMS, Period};
use crate::engine::Engine;
use crate::files::{FileError, Replace, write_private};
use crate::report::gather::GatherOptions;
use crate::report::{Audience, ServiceReview, gather, issued, render};
use crate::store::Store;
use crate::store::queries::find_service;
use crate::store::records::{get_in, list_where};

use super::{AppError, AppResult, Ctx};

/// Which services a review is of.
#[derive(Debug, Clone, Copy)]
pub enum Which<'a> {
    /// By name or alias.
    Named(&'a str),
    /// Every service not retired of one customer (by name, any case).
    Customer(&'a str),
    /// Every service not retired.
    All,
}

/// The review of `period` of each service asked for, in name order.
pub fn service_reviews(store: &Store, ctx: &Ctx, which: Which<'_>, period: Period) -> AppResult<Reviews> {
    let services = services_of(store, which)?;
    let conn = store.conn();
    // Today in the display zone, as the default period is chosen.
    let today = ctx.now.with_timezone(&ctx.tz).date_naive();
    if today < period.first_day() {
        return Err(AppError::invalid(
            "period",
            format!(
                "{period} has not started yet: choose {} or earlier",
                Period::Month(today.year(), today.month())
            ),
        ));
    }
    let engine = Engine::load(conn, &ctx.settings)?;
    let opts = GatherOptions {
        now: ctx.now,
        stale_hours: ctx.settings.stale_import_hours,
    };
    let mut reports = Vec::with_capacity(services.len());
    let mut left_out = Vec::new();
    for s in &services {
        // A period before the agreement (or before anything was recorded) has no figures to
        // show: a 100% there would be invented.
        if let Some(why) = before_the_record(conn, s, period)? {
            if matches!(which, Which::Named(_)) {
                return Err(AppError::invalid("period", why));
            }
            left_out.push(why);
            continue;
        }
        let mut review = gather(conn, &engine, s, period, &opts)?;
        if review.complete {
            review.changed_since = compare_with_first(store, ctx, &s.id, &review)?;
        }
        reports.push(review);
    }
    if reports.is_empty() && !left_out.is_empty() {
        return Err(AppError::invalid("period", left_out.join("; ")));
    }
    Ok(Reviews {
        reviews: reports,
        left_out,
    })
}

/// The reviews of a pack, and why any service was left out of it.
pub struct Reviews {
    pub reviews: Vec<ServiceReview>,
    /// "Payment Gateway: its agreement starts 2025-09-29, after 2025-01".
    pub left_out: Vec<String>,
}

/// Why a service has no review for `period`: the period ends before its agreement starts,
/// or (no start known) before the first ticket or outage recorded for it.
fn before_the_record(conn: &rusqlite::Connection, s: &Service, period: Period) -> AppResult<Option<String>> {
    let end = period.end_day();
    if let Some(start) = s.agreement_start {
        return Ok((end <= start).then(|| format!("{}: its agreement starts {start}, after {period}", s.name)));
    }
    let first: Option<i64> = conn
        .query_row(
            "SELECT min(t) FROM (SELECT min(opened_at) AS t FROM tickets WHERE deleted = 0 AND service_id = ?1 \
         UNION ALL SELECT min(start_at) FROM outages WHERE deleted = 0 AND service_id = ?1)",
            [&s.id],
            |r| r.get(0),
        )
        .map_err(crate::store::StoreError::from)?;
    let first_day = first
        .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
        .map(|t| t.date_naive());
    Ok(match first_day {
        Some(day) if end <= day => Some(format!(
            "{}: nothing is recorded for it before {day}, after {period} (set its agreement start if it began earlier)",
            s.name
        )),
        _ => None,
    })
}

/// A finished period's review against the one first written: the first writing keeps its
/// key figures; a later one that differs says when the first was written and what moved.
fn compare_with_first(
    store: &Store,
    ctx: &Ctx,
    service_id: &str,
    review: &ServiceReview,
) -> AppResult<Option<(String, Vec<String>)>> {
    let figures = issued::key_figures(review);
    match crate::store::issued::first_written(store.conn(), service_id, &review.period)? {
        None => {
            // Bookkeeping only: a file another writer holds locked must not stop the review.
            let _ = crate::store::issued::keep_first(
                store.conn(),
                service_id,
                &review.period,
                ctx.now.timestamp(),
                &issued::to_text(&figures),
            );
            Ok(None)
        }
        Some((at, first)) => {
            let moved = issued::changes(&first, &figures);
            let day = chrono::DateTime::from_timestamp(at, 0)
                .map(|t| t.with_timezone(&ctx.tz).format("%Y-%m-%d").to_string())
                .unwrap_or_default();
            Ok((!moved.is_empty()).then_some((day, moved)))
        }
    }
}

/// Reads a period as typed: `2026-11`, `2026-Q4` or `2026`; empty is the last complete month.
pub fn period_of(ctx: &Ctx, text: &str) -> AppResult<Period> {
    if text.trim().is_empty() {
        return Ok(Period::last_complete_month(ctx.now.with_timezone(&ctx.tz).date_naive()));
    }
    Period::parse(text).ok_or_else(|| {
        AppError::invalid(
            "period",
            format!("\"{}\" is not a period: use {PERIOD_FORMS}", text.trim()),
        )
    })
}

/// Where reviews are written: the `reports_dir` setting; else the platform's documents
/// folder; else (a jump host without one) the database's folder.
pub fn reports_dir(store: &Store, ctx: &Ctx) -> PathBuf {
    if let Some(dir) = ctx.settings.reports_dir.as_deref().filter(|d| !d.trim().is_empty()) {
        // `~/reviews` as a shell would read it.
        if let Some(rest) = dir.strip_prefix("~/")
            && let Some(home) = directories::BaseDirs::new()
        {
            return home.home_dir().join(rest);
        }
        return PathBuf::from(dir);
    }
    if let Some(docs) = directories::UserDirs::new().and_then(|u| u.document_dir().map(|d| d.join("sdm")))
        && docs.parent().is_some_and(std::path::Path::is_dir)
    {
        return docs;
    }
    store
        .path()
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."))
        .to_path_buf()
}

/// What writing a file came to.
pub enum Written {
    Done(PathBuf),
    /// The file is there already and replacing it was not allowed (yet).
    Exists(PathBuf),
}

/// The file a review is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Md,
    Html,
    Pdf,
}

impl FileFormat {
    /// The formats this build writes, as the interface offers them.
    pub const CHOICES: &'static [&'static str] = if cfg!(feature = "pdf") {
        &["html", "pdf"]
    } else {
        &["html"]
    };

    pub fn parse(text: &str) -> FileFormat {
        if text.eq_ignore_ascii_case("pdf") {
            FileFormat::Pdf
        } else {
            FileFormat::Html
        }
    }

    /// The format a file name says (`.md`, `.html`, `.pdf`), if it says one.
    pub fn from_name(path: &std::path::Path) -> Option<FileFormat> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "md" | "markdown" => Some(FileFormat::Md),
            "html" | "htm" => Some(FileFormat::Html),
            "pdf" => Some(FileFormat::Pdf),
            _ => None,
        }
    }

    /// The reviews in this format.
    pub fn render(self, reports: &[ServiceReview], audience: Audience) -> AppResult<Vec<u8>> {
        match self {
            FileFormat::Md => Ok(render::markdown(reports, audience).into_bytes()),
            FileFormat::Html => Ok(render::to_html(reports, audience).into_bytes()),
            #[cfg(feature = "pdf")]
            FileFormat::Pdf => Ok(crate::report::pdf::to_pdf(reports, audience)),
            #[cfg(not(feature = "pdf"))]
            FileFormat::Pdf => Err(AppError::invalid(
                "format",
                "this sdm was built without PDF: choose html",
            )),
        }
    }

    /// Its usual file name ending, which is also its name on the command line.
    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Md => "md",
            FileFormat::Html => "html",
            FileFormat::Pdf => "pdf",
        }
    }
}

/// Writes one service's review of `period` for `audience` into the reports folder.
pub fn write_service_review(
    store: &Store,
    ctx: &Ctx,
    service_id: &str,
    period: Period,
    audience: Audience,
    format: FileFormat,
    replace: bool,
) -> AppResult<Written> {
    let conn = store.conn();
    let service: Service = get_in(conn, service_id)?.ok_or_else(|| AppError::not_found("that service is gone"))?;
    let reports = service_reviews(store, ctx, Which::Named(&service.name), period)?.reviews;
    let safe: String = service
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let dir = reports_dir(store, ctx);
    std::fs::create_dir_all(&dir)
        .map_err(|e| AppError::invalid("file", format!("cannot make the reports folder {}: {e}", dir.display())))?;
    let internal = if audience == Audience::Internal {
        "-internal"
    } else {
        ""
    };
    let path = dir.join(format!("review-{safe}-{period}{internal}.{}", format.extension()));
    let bytes = format.render(&reports, audience)?;
    match write_private(&path, &bytes, Replace::when(replace)) {
        Ok(()) => Ok(Written::Done(path)),
        Err(FileError::Exists(_)) => Ok(Written::Exists(path)),
        Err(e) => Err(AppError::invalid("file", e.to_string())),
    }
}

/// What recording a review meeting's minutes did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MinutesRecorded {
    /// Follow-ups recorded as actions (new or changed), and those already recorded as written.
    pub recorded: usize,
    pub unchanged: usize,
    /// Items ticked in the file: done in the meeting, not recorded.
    pub done: usize,
    /// The next agreement review, and the services it was set on.
    pub next_review: Option<(chrono::NaiveDate, usize)>,
}

/// Records the minutes of the review meeting of `period` over `services`: each follow-up
/// becomes an action on its service (the item's `service:NAME`, else the review's one
/// service), owned and due as written; "Next review:" sets the services' agreement review.
/// One undoable step; recording the same minutes again changes nothing (an action's id comes
/// from the period, the service and its title).
pub fn record_minutes(
    store: &mut Store,
    services: &[Service],
    period: Period,
    text: &str,
) -> AppResult<MinutesRecorded> {
    use crate::domain::ids::natural_id;
    use crate::domain::model::Action;
    use crate::store::Upserted;
    use crate::store::records::Record;

    let minutes = crate::domain::minutes::parse(text).map_err(|problems| {
        let lines: Vec<String> = problems
            .iter()
            .map(|p| format!("line {}: {}", p.line, p.message))
            .collect();
        AppError::invalid("minutes", lines.join("; "))
    })?;
    let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
    let mut actions = Vec::with_capacity(minutes.actions.len());
    let mut problems = Vec::new();
    for item in &minutes.actions {
        let service = match (&item.service, services) {
            (Some(name), _) => services.iter().find(|s| {
                s.name.eq_ignore_ascii_case(name.trim())
                    || s.aliases.iter().any(|a| a.eq_ignore_ascii_case(name.trim()))
            }),
            (None, [only]) => Some(only),
            (None, _) => None,
        };
        let Some(service) = service else {
            problems.push(match &item.service {
                Some(name) => format!(
                    "line {}: \"{name}\" is not a service of this review ({})",
                    item.line,
                    names.join(", ")
                ),
                None => format!(
                    "line {}: say which service (service:\"NAME\"): this review covers {}",
                    item.line,
                    names.join(", ")
                ),
            });
            continue;
        };
        actions.push(Action {
            id: natural_id(
                "action",
                &format!("minutes/{period}/{}/{}", service.id, item.title.to_lowercase()),
            ),
            title: item.title.clone(),
            owner: item.owner.clone(),
            due: Some(item.due),
            done_on: None,
            review_id: None,
            touch_point_id: None,
            service_id: Some(service.id.clone()),
            notes: format!("agreed in the service review of {period}"),
            problem_id: None,
        });
    }
    if !problems.is_empty() {
        return Err(AppError::invalid("minutes", problems.join("; ")));
    }
    let mut done = MinutesRecorded {
        done: minutes.done,
        ..MinutesRecorded::default()
    };
    let label = format!("record the minutes of the {period} review");
    store.write(Some(&label), |w| {
        for a in &actions {
            match w.save(a)? {
                Upserted::Unchanged => done.unchanged += 1,
                _ => done.recorded += 1,
            }
        }
        if let Some(next) = minutes.next_review {
            for s in services {
                w.update(
                    Service::TABLE,
                    &s.id,
                    &[("agreement_review", crate::store::records::date(next))],
                )?;
            }
            done.next_review = Some((next, services.len()));
        }
        Ok(())
    })?;
    Ok(done)
}

/// The services a review of `which` covers (for its minutes), in name order.
pub fn services_of(store: &Store, which: Which<'_>) -> AppResult<Vec<Service>> {
    let conn = store.conn();
    Ok(match which {
        Which::Named(name) => vec![find_service(conn, name).map_err(|e| AppError::at("service", e))?],
        Which::Customer(name) => {
            let theirs: Vec<Service> = list_where(
                conn,
                "deleted = 0 AND status <> 'retired' AND trim(customer) = trim(?1) COLLATE NOCASE ORDER BY name COLLATE NOCASE",
                [name],
            )?;
            if theirs.is_empty() {
                let known: Vec<String> = crate::store::queries::customers(conn)?;
                return Err(AppError::invalid(
                    "customer",
                    if known.is_empty() {
                        format!("no service has the customer \"{name}\": no service has a customer yet")
                    } else {
                        format!(
                            "no service has the customer \"{name}\": the customers are {}",
                            known.join(", ")
                        )
                    },
                ));
            }
            theirs
        }
        Which::All => list_where(
            conn,
            "deleted = 0 AND status <> 'retired' ORDER BY name COLLATE NOCASE",
            [],
        )?,
    })
}
