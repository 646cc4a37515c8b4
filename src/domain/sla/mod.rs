//! The SLA rules, pure: business-hours calendars, ticket clocks with pauses, availability and
//! error budgets. Instants are unix seconds (UTC); durations are seconds.

pub mod availability;
pub mod calendar;
pub mod clock;
pub mod explain;
mod timeline;

pub use availability::{Availability, Downtime, month_availability};
pub use calendar::{Calendar, CalendarError, WeekHours};
pub use clock::{ClockEval, ClockInput, ClockState, Level, Thresholds, countdown, evaluate};
