//! The monthly service review: gathered for one service or all, and written as a file.

use std::path::PathBuf;

use chrono::Datelike;

use crate::domain::model::Service;
use crate::engine::Engine;
use crate::files::{FileError, Replace, write_private};
use crate::report::{MonthReport, gather, render};
use crate::store::Store;
use crate::store::queries::find_service;
use crate::store::records::{get_in, list_where};

use super::{AppError, AppResult, Ctx};

/// Which services a review is of.
pub enum Which<'a> {
    /// By name or alias.
    Named(&'a str),
    /// Every service not retired.
    All,
}

/// The month's review of each service asked for, in name order.
pub fn month_reviews(store: &Store, ctx: &Ctx, which: Which<'_>, year: i32, month: u32) -> AppResult<Vec<MonthReport>> {
    let conn = store.conn();
    let services: Vec<Service> = match which {
        Which::Named(name) => vec![find_service(conn, name).map_err(|e| AppError::at("service", e))?],
        Which::All => list_where(
            conn,
            "deleted = 0 AND status <> 'retired' ORDER BY name COLLATE NOCASE",
            [],
        )?,
    };
    let engine = Engine::load(conn, &ctx.settings)?;
    let mut reports = Vec::with_capacity(services.len());
    for s in &services {
        reports.push(gather(
            conn,
            &engine,
            s,
            year,
            month,
            ctx.now,
            ctx.settings.stale_import_hours,
        )?);
    }
    Ok(reports)
}

/// What writing a file came to.
pub enum Written {
    Done(PathBuf),
    /// The file is there already and replacing it was not allowed (yet).
    Exists(PathBuf),
}

/// Writes this month's review of a service as HTML beside the database.
pub fn write_service_review(store: &Store, ctx: &Ctx, service_id: &str, replace: bool) -> AppResult<Written> {
    let conn = store.conn();
    let service: Service = get_in(conn, service_id)?.ok_or_else(|| AppError::not_found("that service is gone"))?;
    let engine = Engine::load(conn, &ctx.settings)?;
    let (window, _) = engine.calendar_for(&service.id, None);
    let day = window.local_date(ctx.now.timestamp());
    let report = gather(
        conn,
        &engine,
        &service,
        day.year(),
        day.month(),
        ctx.now,
        ctx.settings.stale_import_hours,
    )?;
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
    let dir = store
        .path()
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let path = dir.join(format!("review-{safe}-{}.html", report.month));
    let html = render::to_html(std::slice::from_ref(&report));
    match write_private(&path, html.as_bytes(), Replace::when(replace)) {
        Ok(()) => Ok(Written::Done(path)),
        Err(FileError::Exists(_)) => Ok(Written::Exists(path)),
        Err(e) => Err(AppError::invalid("file", e.to_string())),
    }
}
