//! Each service's money for a month: the charge and cost in force then, its credits (under
//! its schedule, or as typed on its breaches), the margin, and cost per resolved ticket and
//! per availability point.

use rusqlite::Connection;

use super::Engine;
use crate::domain::costs::{CostRow, money_in};
use crate::domain::enums::{ServiceStatus, TargetKind};
use crate::store::Result;

impl Engine {
    /// Every active service's month, by customer then service.
    pub fn month_costs(&self, conn: &Connection, year: i32, month: u32, now: i64) -> Result<Vec<CostRow>> {
        let mut services: Vec<_> = self
            .services
            .values()
            .filter(|s| s.status != ServiceStatus::Retired)
            .collect();
        services.sort_by_key(|s| (s.customer.to_lowercase(), s.name.to_lowercase()));
        let mut out = Vec::new();
        for s in services {
            out.push(self.service_month_cost(conn, s, year, month, now)?);
        }
        Ok(out)
    }

    /// One service's month.
    pub fn service_month_cost(
        &self,
        conn: &Connection,
        s: &crate::domain::model::Service,
        year: i32,
        month: u32,
        now: i64,
    ) -> Result<CostRow> {
        let first = chrono::NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_default();
        let (window, _) = self.calendar_for(&s.id, None);
        let (from, to) = super::adapter::month_bounds(window, year, month);
        let (credits, tier) = match self.month_credit(conn, &s.id, year, month, now)? {
            Some(c) => (c.credit.total, c.credit.tier.map(|t| t.text())),
            None => (typed_in(conn, &s.id, from, to)?, None),
        };
        let resolved: i64 = conn
            .prepare_cached(
                "SELECT count(*) FROM tickets WHERE service_id = ?1 AND deleted = 0 AND state <> 'cancelled' \
                 AND resolved_at >= ?2 AND resolved_at < ?3 AND resolved_at <= ?4",
            )?
            .query_row(rusqlite::params![s.id, from, to, now], |r| r.get(0))?;
        let availability = self
            .month_figures(conn, &s.id, year, month, now)?
            .into_iter()
            .find(|f| f.kind == TargetKind::Availability)
            .and_then(|f| f.actual);
        Ok(CostRow::new(
            &s.name,
            &s.customer,
            s.currency.as_deref().unwrap_or(""),
            money_in(&s.money_history, (s.charge, s.monthly_cost), first),
            credits,
            tier,
            resolved as usize,
            availability,
        ))
    }
}

/// Credits typed on a service's breaches of a month (void ones aside), for a service with no
/// credit schedule.
fn typed_in(conn: &Connection, service_id: &str, from: i64, to: i64) -> Result<f64> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(sum(credit), 0) FROM breaches WHERE service_id = ?1 AND deleted = 0 \
             AND status <> 'void' AND breached_at >= ?2 AND breached_at < ?3",
        )?
        .query_row(rusqlite::params![service_id, from, to], |r| r.get(0))?)
}
