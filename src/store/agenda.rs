//! Gathers the agenda from the store: small, indexed queries, so it stays quick however many
//! tickets the database holds. What is due and how it reads is `domain::due_items`; this
//! only reads the facts.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use chrono_tz::Tz;

use super::{Result, Store, queries};
use crate::domain::agenda::{Agenda, BreachItem, Freshness};
use crate::domain::due_items::{ActionFacts, AgreementFacts, ReviewFacts, TouchFacts};

fn rfc(secs: i64) -> String {
    DateTime::<Utc>::from_timestamp(secs, 0)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default()
}

impl Store {
    /// The agenda as of `now`, with dates counted in `tz` and looking `horizon` days ahead.
    pub fn agenda(&self, now: DateTime<Utc>, tz: Tz, horizon: i64, stale_hours: i64) -> Result<Agenda> {
        let mut pending = super::rule_cache::Pending::default();
        let agenda = self.agenda_listing(now, tz, horizon, stale_hours, None, Some(&mut pending))?;
        pending.flush(self.conn());
        Ok(agenda)
    }

    /// As [`Store::agenda`], listing at most `limit` open breaches, actions and reviews (the
    /// most urgent ones) and counting the rest in `left_out`; the problem signals only when
    /// `keep` is given (they read a window of the history). What the signals' baselines and
    /// the reviews' subjects counted is left in `keep` to write.
    #[allow(clippy::too_many_arguments)]
    pub fn agenda_listing(
        &self,
        now: DateTime<Utc>,
        tz: Tz,
        horizon: i64,
        stale_hours: i64,
        limit: Option<usize>,
        mut keep: Option<&mut super::rule_cache::Pending>,
    ) -> Result<Agenda> {
        let cap = limit.map_or(-1, |l| l as i64);
        let conn = self.conn();
        let today = now.with_timezone(&tz).date_naive();
        let mut agenda = Agenda {
            as_of: now.to_rfc3339_opts(SecondsFormat::Secs, true),
            today: today.to_string(),
            ..Agenda::default()
        };

        // Read from the `breaches_open` index alone.
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT s.name, {}, b.title, b.source, b.status, b.breached_at, b.customer_informed \
             FROM breaches b JOIN services s ON s.id = b.service_id \
             WHERE b.deleted = 0 AND b.status IN ('open', 'acknowledged') ORDER BY b.breached_at, b.id LIMIT ?1",
            super::panes::BREACH_TICKET_REF
        ))?;
        agenda.breaches = stmt
            .query_map([cap], |r| {
                let title: String = r.get(2)?;
                Ok(BreachItem {
                    service: r.get(0)?,
                    reference: r.get::<_, Option<String>>(1)?.unwrap_or_else(|| title.clone()),
                    title,
                    source: r.get(3)?,
                    status: r.get(4)?,
                    breached_at: rfc(r.get(5)?),
                    customer_informed: r.get::<_, i64>(6)? != 0,
                    overdue: true,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        if limit.is_some() {
            let all: i64 = conn.query_row(
                "SELECT count(*) FROM breaches WHERE deleted = 0 AND status IN ('open', 'acknowledged')",
                [],
                |r| r.get(0),
            )?;
            agenda.left_out.breaches = (all as usize).saturating_sub(agenda.breaches.len());
        }

        // Touch points: the last touch plus the cadence; never contacted is due today.
        let mut stmt = conn.prepare_cached(
            "SELECT st.name, st.cadence_days, st.channel, \
               (SELECT max(tp.at) FROM touch_points tp WHERE tp.stakeholder_id = st.id AND tp.deleted = 0), \
               (SELECT group_concat(name, ', ') FROM (SELECT s.name FROM stakeholder_services ss \
                  JOIN services s ON s.id = ss.service_id WHERE ss.stakeholder_id = st.id AND ss.deleted = 0 \
                  AND s.deleted = 0 ORDER BY s.name)) \
             FROM stakeholders st WHERE st.deleted = 0",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        for row in rows {
            let (name, cadence_days, channel, last, services) = row?;
            let last_touch = last
                .and_then(|s| DateTime::<Utc>::from_timestamp(s, 0))
                .map(|t| t.with_timezone(&tz).date_naive());
            let facts = TouchFacts {
                name,
                cadence_days,
                channel,
                last_touch,
                services,
            };
            agenda.touch_points_due.extend(facts.due_item(today, horizon));
        }
        agenda
            .touch_points_due
            .sort_by(|a, b| (a.in_days, &a.name).cmp(&(b.in_days, &b.name)));

        let until = (today + Duration::days(horizon)).to_string();
        let mut stmt = conn.prepare_cached(
            "SELECT a.title, a.owner, a.due, coalesce(s1.name, s2.name), r.title \
             FROM actions a LEFT JOIN reviews r ON r.id = a.review_id \
             LEFT JOIN services s1 ON s1.id = a.service_id LEFT JOIN services s2 ON s2.id = r.service_id \
             WHERE a.deleted = 0 AND a.done_on IS NULL AND a.due IS NOT NULL AND a.due <= ?1 ORDER BY a.due, a.title \
             LIMIT ?2",
        )?;
        let rows = stmt.query_map(rusqlite::params![&until, cap], |r| {
            Ok(ActionFacts {
                title: r.get(0)?,
                owner: r.get(1)?,
                due: r.get(2)?,
                service: r.get(3)?,
                review: r.get(4)?,
            })
        })?;
        for facts in rows {
            agenda.actions_due.extend(facts?.due_item(today, horizon));
        }

        agenda.reviews_due = self.reviews_due(today, horizon, cap, keep.as_deref_mut())?;

        if limit.is_some() {
            let (actions, overdue, reviews): (i64, i64, i64) = conn.query_row(
                "SELECT (SELECT count(*) FROM actions WHERE deleted = 0 AND done_on IS NULL AND due IS NOT NULL AND due <= ?1), \
                        (SELECT count(*) FROM actions WHERE deleted = 0 AND done_on IS NULL AND due IS NOT NULL AND due < ?2), \
                        (SELECT count(*) FROM reviews WHERE deleted = 0 AND held_on IS NULL AND due <= ?1)",
                [&until, &today.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            agenda.left_out.actions = (actions as usize).saturating_sub(agenda.actions_due.len());
            let listed_overdue = agenda.actions_due.iter().filter(|d| d.overdue).count();
            agenda.left_out.actions_overdue = (overdue as usize).saturating_sub(listed_overdue);
            agenda.left_out.reviews = (reviews as usize).saturating_sub(agenda.reviews_due.len());
        }

        let mut stmt = conn.prepare_cached(
            "SELECT name, agreement_kind, agreement_ref, agreement_review, agreement_end, notice_days \
             FROM services WHERE deleted = 0 AND status <> 'retired' ORDER BY name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<i64>>(5)?,
            ))
        })?;
        for row in rows {
            let (service, kind, reference, review, end, notice_days) = row?;
            let facts = AgreementFacts {
                service,
                kind,
                reference,
                review,
                end,
                notice_days,
            };
            agenda.agreements_due.extend(facts.due_items(today, horizon));
        }
        agenda
            .agreements_due
            .sort_by(|a, b| (a.in_days, &a.name).cmp(&(b.in_days, &b.name)));

        // The problem signals read a window of the history: left to the full load where the
        // first frame is drawn without it.
        if let Some(pending) = keep {
            agenda.problem_flags = super::signals::problem_flags_keeping(conn, now, pending)?;
        }

        for (kind, at, file, rows) in queries::import_log(conn)? {
            let age_hours = (now.timestamp() - at) / 3600;
            agenda.freshness.push(Freshness {
                kind,
                last_imported: rfc(at),
                file,
                rows,
                age_hours,
                stale: age_hours >= stale_hours,
            });
        }
        agenda.finish();
        Ok(agenda)
    }

    /// The reviews not held and due by `horizon` days after `today`, the `cap` most urgent
    /// (all with -1); the subjects of the tickets they review kept in `keep` when it is given
    /// ([`super::review_subjects`]).
    pub fn reviews_due(
        &self,
        today: chrono::NaiveDate,
        horizon: i64,
        cap: i64,
        keep: Option<&mut super::rule_cache::Pending>,
    ) -> Result<Vec<crate::domain::agenda::DueItem>> {
        let until = (today + Duration::days(horizon)).to_string();
        // A change reviewed is read with its review; a ticket reviewed, after (below).
        let mut stmt = self.conn().prepare_cached(
            "SELECT r.title, r.kind, r.due, s.name, c.reference, c.implemented_at, \
               CASE WHEN c.id IS NULL THEN r.ticket_id END \
             FROM reviews r JOIN services s ON s.id = r.service_id \
             LEFT JOIN changes c ON c.id = r.change_id \
             WHERE r.deleted = 0 AND r.held_on IS NULL AND r.due <= ?1 ORDER BY r.due, r.title LIMIT ?2",
        )?;
        let rows = stmt.query_map(rusqlite::params![&until, cap], |r| {
            Ok((
                ReviewFacts {
                    title: r.get(0)?,
                    kind: r.get(1)?,
                    due: r.get(2)?,
                    service: r.get(3)?,
                    reference: r.get(4)?,
                    since: r.get::<_, Option<i64>>(5)?.map(rfc),
                },
                r.get::<_, Option<String>>(6)?,
            ))
        })?;
        let reviews = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        let tickets: Vec<&str> = reviews.iter().filter_map(|(_, t)| t.as_deref()).collect();
        let subjects = super::review_subjects::of_tickets(self.conn(), &tickets, keep)?;
        let mut items = Vec::with_capacity(reviews.len());
        for (mut facts, ticket) in reviews {
            if let Some(subject) = ticket.and_then(|t| subjects.get(&t)) {
                facts.reference = Some(subject.reference.clone());
                facts.since = Some(rfc(subject.since()));
            }
            items.extend(facts.due_item(today, horizon));
        }
        Ok(items)
    }
}
