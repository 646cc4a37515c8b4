//! Stable identities and merge stamps.
//!
//! Every row has a globally unique id so that two copies of a database can later be merged.
//! Rows with a natural key (a ticket reference, a service name, ...) get an id derived from
//! that key, so two copies that import the same export agree on it. Every write carries a
//! hybrid logical clock stamp, ordered first by wall time and then by a counter, so that a
//! merge can pick the last writer of each field deterministically.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

/// The namespace of sdm's name-derived ids (a fixed, random UUID).
const NAMESPACE: Uuid = Uuid::from_u128(0x6d2f_0c3e_8b1a_4f7e_9a55_3c1d_e0b4_7a21);

/// A new time-ordered random id, for rows without a natural key.
pub fn new_id() -> String {
    Uuid::now_v7().to_string()
}

/// The id of a row with a natural key: the same kind and key always give the same id.
/// Keys compare case-insensitively and ignore surrounding white space.
pub fn natural_id(kind: &str, key: &str) -> String {
    natural_uuid(kind, key).to_string()
}

/// [`natural_id`] before it is written out: ids sort as their text does.
pub fn natural_uuid(kind: &str, key: &str) -> Uuid {
    let name = format!("{kind}:{}", key.trim().to_lowercase());
    Uuid::new_v5(&NAMESPACE, name.as_bytes())
}

/// A hybrid logical clock stamp: wall-clock milliseconds, a counter for events within the
/// same millisecond (or when the wall clock went backwards), and the writing replica.
/// Its text form sorts in the same order as the stamps themselves.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hlc {
    pub millis: i64,
    pub counter: u32,
    pub node: String,
}

impl Hlc {
    /// The stamp that follows `last` at wall time `now_millis` on replica `node`.
    pub fn next(last: Option<&Hlc>, now_millis: i64, node: &str) -> Hlc {
        match last {
            Some(last) if last.millis >= now_millis => Hlc {
                millis: last.millis,
                counter: last.counter.saturating_add(1),
                node: node.to_string(),
            },
            _ => Hlc {
                millis: now_millis,
                counter: 0,
                node: node.to_string(),
            },
        }
    }
}

impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:015}-{:06}-{}", self.millis, self.counter, self.node)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not a clock stamp (expected MILLIS-COUNTER-NODE)")]
pub struct BadHlc(pub String);

impl FromStr for Hlc {
    type Err = BadHlc;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut parts = s.splitn(3, '-');
        let bad = || BadHlc(s.to_string());
        let millis = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let counter = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let node = parts.next().filter(|n| !n.is_empty()).ok_or_else(bad)?;
        Ok(Hlc {
            millis,
            counter,
            node: node.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_ids_are_stable_and_case_blind() {
        assert_eq!(natural_id("service", "Payroll"), natural_id("service", " payroll "));
        assert_ne!(natural_id("service", "Payroll"), natural_id("stakeholder", "Payroll"));
        assert_ne!(new_id(), new_id());
    }

    #[test]
    fn hlc_orders_by_time_then_counter_and_text_sorts_alike() {
        let a = Hlc::next(None, 1_000, "aa");
        let b = Hlc::next(Some(&a), 1_000, "aa");
        let c = Hlc::next(Some(&b), 900, "aa");
        let d = Hlc::next(Some(&c), 2_000, "aa");
        assert!(a < b && b < c && c < d);
        assert_eq!(c.millis, 1_000);
        assert_eq!(c.counter, 2);
        assert!(a.to_string() < b.to_string());
        assert!(c.to_string() < d.to_string());
        assert_eq!(d.to_string().parse::<Hlc>(), Ok(d));
        assert!("nonsense".parse::<Hlc>().is_err());
    }
}
