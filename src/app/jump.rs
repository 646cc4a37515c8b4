//! `:` in the interface: from what a person types to the record it names.

use crate::domain::text::inert;
use crate::store::queries::{find_service, find_stakeholder};
use crate::store::{Store, read};

use super::Ctx;
use super::detail::{Detail, Subject};

/// Where a jump lands.
pub enum Jumped {
    /// A ticket's clocks or a change and what followed it.
    Detail(Detail),
    Service(String),
    Stakeholder(String),
    Nothing(String),
}

/// A record's detail, or why it could not be read.
fn opened(store: &Store, ctx: &Ctx, subject: Subject) -> Jumped {
    match super::detail::detail(store, ctx, &subject) {
        Ok(d) => Jumped::Detail(d),
        Err(e) => Jumped::Nothing(e.to_string()),
    }
}

/// A ticket or change reference, a service (name or alias) or a stakeholder, in that order.
pub fn jump(store: &Store, ctx: &Ctx, text: &str) -> Jumped {
    let conn = store.conn();
    let text = text.trim();
    if let Ok(Some(t)) = read::ticket_by_reference(conn, text) {
        return opened(store, ctx, Subject::Ticket(t.id));
    }
    if let Ok(Some(c)) = read::change_by_reference(conn, text) {
        return opened(store, ctx, Subject::Change(c.id));
    }
    if let Ok(s) = find_service(conn, text) {
        return Jumped::Service(s.id);
    }
    // A ticket or change number without its prefix and leading zeros.
    if let Ok(found) = read::references_numbered(conn, text, 6) {
        match found.as_slice() {
            [one] => return jump(store, ctx, one),
            [] => {}
            many => {
                return Jumped::Nothing(format!(
                    "{} is the number of more than one: {}",
                    inert(text),
                    many.iter()
                        .map(|r| inert(r).into_owned())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
    }
    match find_stakeholder(conn, text) {
        Ok(s) => Jumped::Stakeholder(s.id),
        Err(crate::store::StoreError::NotFound(m)) if m.contains("more than one") => {
            Jumped::Nothing(inert(&m).into_owned())
        }
        Err(_) => Jumped::Nothing(format!(
            "nothing called \"{}\": give a ticket or change reference (or its number), a service or a stakeholder",
            inert(text)
        )),
    }
}
