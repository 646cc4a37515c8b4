//! What the services cost and earn in a month: charge, cost, credits and margin per service,
//! per customer and in all, per currency.

use serde::Serialize;

use crate::domain::costs::{CostRow, Total, totals};
use crate::domain::period::Period;
use crate::engine::Engine;
use crate::store::Store;

use super::{AppError, AppResult, Ctx};

/// A month's costs: per service (by customer), each customer's totals and the grand totals.
#[derive(Debug, Clone, Serialize)]
pub struct Costs {
    pub month: String,
    /// Whether the month is over (else its credits are those so far).
    pub finished: bool,
    pub services: Vec<CostRow>,
    pub customers: Vec<CustomerTotals>,
    pub totals: Vec<Total>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CustomerTotals {
    pub customer: String,
    pub totals: Vec<Total>,
}

/// The costs of `month` (`2026-11`; empty: the last complete month).
pub fn month(store: &Store, ctx: &Ctx, month: &str) -> AppResult<Costs> {
    let period = super::report::period_of(ctx, month)?;
    let Period::Month(year, m) = period else {
        return Err(AppError::invalid("month", "give a month: 2026-11"));
    };
    let conn = store.conn();
    let engine = Engine::load(conn, &ctx.settings)?;
    let now = ctx.now.timestamp();
    let rows = engine.month_costs(conn, year, m, now)?;
    let mut customers: Vec<CustomerTotals> = Vec::new();
    for r in &rows {
        if !customers.iter().any(|c| c.customer == r.customer) {
            customers.push(CustomerTotals {
                customer: r.customer.clone(),
                totals: totals(rows.iter().filter(|x| x.customer == r.customer)),
            });
        }
    }
    let today = ctx.now.with_timezone(&ctx.tz).date_naive();
    Ok(Costs {
        month: format!("{year:04}-{m:02}"),
        finished: today >= period.end_day(),
        totals: totals(&rows),
        services: rows,
        customers,
    })
}
