//! sdm: a terminal desk for a service delivery manager.
//!
//! `domain` holds the rules (no SQLite, no terminal), `store` the SQLite file, `io` the
//! imports, `cli` the commands, `demo` the demo data, `tui` the interface.

pub mod app;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod engine;
pub mod error;
pub mod files;
pub mod io;
pub mod report;
pub mod store;
pub mod sync;
pub mod tui;
