//! Plain types and rules of the domain. Nothing here knows about SQLite or the terminal.

pub mod agenda;
pub mod breach_history;
pub mod costs;
pub mod credits;
pub mod due_items;
pub mod enums;
pub mod fuzzy;
pub mod health;
pub mod ids;
pub mod minutes;
pub mod model;
pub mod parse;
pub mod period;
pub mod problem;
pub mod reviews_due;
pub mod similar;
pub mod sla;
pub mod survey;
pub mod text;
pub mod validate;
pub mod workdays;
