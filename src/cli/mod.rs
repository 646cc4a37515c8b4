//! The command line: the same binary for scripts, cron and a jump host's login message.

/// `println!` for command output: every byte goes through the inert filter (no control
/// character or escape sequence from data reaches the terminal), and a reader that goes away
/// (`sdm agenda | head`) ends the command quietly instead of with a panic.
macro_rules! say {
    () => {{
        $crate::cli::out::stdout_line("");
    }};
    ($($arg:tt)*) => {{
        let text = format!($($arg)*);
        $crate::cli::out::stdout_line(&text);
    }};
}

/// `print!` with the same care.
macro_rules! say_raw {
    ($($arg:tt)*) => {{
        let text = format!($($arg)*);
        $crate::cli::out::stdout_text(&text);
    }};
}

/// `eprintln!` with the same filter, and never a panic when standard error is gone (a
/// dropped SSH link).
macro_rules! note {
    ($($arg:tt)*) => {{
        let text = format!($($arg)*);
        $crate::cli::out::stderr_line(&text);
    }};
}

mod agenda;
mod check;
mod clocks;
mod correct;
mod costs;
mod demo;
mod export;
mod ics;
mod import;
pub mod out;
mod problems;
mod report;
mod sync;
mod touch;

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use color_eyre::Result;

pub use crate::app::Ctx;
pub use export::write_private;

use crate::error::UserError;

#[derive(Debug, Parser)]
#[command(
    name = "sdm",
    version,
    about = "A terminal desk for a service delivery manager: services and SLAs, breaches, stakeholder touch points and review actions.",
    after_help = "Run without a command to open the interface. Data lives in one SQLite file (see --db)."
)]
pub struct Cli {
    /// The database file [default: the platform data dir, e.g. ~/.local/share/sdm/sdm.db]
    #[arg(long, global = true, env = "SDM_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Evaluate as of this moment instead of the clock: RFC 3339 (2026-11-22T09:00:00Z), or a
    /// plain date (2026-11-22: the start of that day in the display zone)
    #[arg(long, global = true, value_name = "TIME", value_parser = parse_now)]
    pub now: Option<crate::app::NowArg>,

    /// The settings file [default: the platform config dir, e.g. ~/.config/sdm/config.toml]
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// No colours in the interface (also when NO_COLOR is set)
    #[arg(long, global = true)]
    pub no_color: bool,

    /// Open the interface on a fresh copy of the demo data in a temporary file
    #[arg(long)]
    pub demo: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the demo data set, or a synthetic one of about N tickets, into the database
    Demo(demo::DemoArgs),
    /// What needs attention now
    Agenda(agenda::AgendaArgs),
    /// A full, versioned dump of the database
    Export(export::ExportArgs),
    /// Load an export into a new, empty database
    Restore(export::RestoreArgs),
    /// Import the portfolio (TOML) or the ITSM tool's tickets, outages, changes or scores (CSV)
    Import(import::ImportArgs),
    /// An online backup of the database to a new file
    Backup(check::BackupArgs),
    /// Check the database: integrity, schema version and row counts
    Check,
    /// Every open or recently closed ticket's response and resolution clocks
    Clocks(clocks::ClocksArgs),
    /// Record breaches and due reviews from the facts as of now (imports do this too)
    Detect(clocks::DetectArgs),
    /// Log a touch point with a stakeholder
    Touch(touch::TouchArgs),
    /// Correct tickets: exclude from the SLA with a reason, critical, pauses by hand
    Ticket(correct::TicketArgs),
    /// Exclude an outage from the SLA with a reason, or include it again
    Outage(correct::OutageArgs),
    /// List outages, with their exclusions
    Outages(correct::OutagesArgs),
    /// Handle a breach: acknowledge, close with a cause and credit, reopen, customer told
    Breach(correct::BreachArgs),
    /// Shell completions: sdm completions bash > ~/.local/share/bash-completion/completions/sdm
    Completions {
        /// bash, zsh, fish, elvish or powershell
        shell: clap_complete::Shell,
    },
    /// The manual page (roff): sdm man > ~/.local/share/man/man1/sdm.1
    Man,
    /// The problems being worked: status, root cause, workaround, owner and due date
    Problems(problems::ProblemsArgs),
    /// A month's charge, cost, service credits and margin per service and customer
    Costs(costs::CostsArgs),
    /// Due touch points and actions as an iCalendar file
    Ics(ics::IcsArgs),
    /// The monthly service review (Markdown or HTML)
    Report(report::ReportArgs),
    /// Merge with another copy: a path, or user@host[:path] over SSH
    Sync(sync::SyncArgs),
    /// List or settle the conflicts a sync kept
    Conflicts(sync::ConflictArgs),
}

fn parse_now(s: &str) -> std::result::Result<crate::app::NowArg, String> {
    if let Ok(t) = crate::domain::parse::parse_rfc3339(s) {
        return Ok(crate::app::NowArg::Instant(t));
    }
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map(crate::app::NowArg::Day)
        .map_err(|_| {
            format!(
                "\"{s}\" is neither an RFC 3339 time nor a date: use e.g. 2026-11-22T09:00:00Z, 2026-11-22T10:00:00+01:00 or 2026-11-22"
            )
        })
}

/// Parses the command line, then runs the command.
pub fn run() -> Result<()> {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                e.print()?;
                return Ok(());
            }
            if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                e.print()?;
                return Err(UserError::new("a subcommand is needed (see above)").into());
            }
            return Err(UserError::new(clap_one_line(&e)).into());
        }
    };
    dispatch(cli)
}

/// Clap's message without its "error:" prefix and its usage block: one line.
fn clap_one_line(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("bad usage");
    let first = first.trim_start_matches("error: ").trim();
    format!("{first} (see sdm --help)")
}

fn dispatch(cli: Cli) -> Result<()> {
    let result = dispatch_command(cli);
    // Rows a reader had to leave out are said once, whatever the command.
    for line in crate::store::unreadable::summary(&crate::store::unreadable::take()) {
        note!("sdm: note: {line}");
    }
    result
}

fn dispatch_command(cli: Cli) -> Result<()> {
    let ctx = Ctx::new(&crate::app::CtxOptions {
        db: cli.db.clone(),
        now: cli.now,
        config: cli.config.clone(),
        no_color: cli.no_color,
    })?;
    match cli.command {
        None => crate::tui::launch(&ctx, cli.demo),
        Some(_) if cli.demo => Err(UserError::new("--demo opens the interface; it takes no command").into()),
        Some(Command::Demo(args)) => demo::run(&ctx, &args),
        Some(Command::Agenda(args)) => agenda::run(&ctx, &args),
        Some(Command::Export(args)) => export::export(&ctx, &args),
        Some(Command::Restore(args)) => export::restore(&ctx, &args),
        Some(Command::Import(args)) => import::run(&ctx, &args),
        Some(Command::Backup(args)) => check::backup(&ctx, &args),
        Some(Command::Check) => check::check(&ctx),
        Some(Command::Clocks(args)) => clocks::run(&ctx, &args),
        Some(Command::Detect(args)) => clocks::detect(&ctx, &args),
        Some(Command::Touch(args)) => touch::run(&ctx, &args),
        Some(Command::Ticket(args)) => correct::ticket(&ctx, &args),
        Some(Command::Outage(args)) => correct::outage(&ctx, &args),
        Some(Command::Outages(args)) => correct::list(&ctx, &args),
        Some(Command::Breach(args)) => correct::breach(&ctx, &args),
        Some(Command::Completions { shell }) => {
            use clap::CommandFactory;
            let mut cmd = Cli::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd, "sdm", &mut out);
            say_raw!("{}", String::from_utf8_lossy(&out));
            Ok(())
        }
        Some(Command::Man) => {
            use clap::CommandFactory;
            let mut out = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut out)?;
            say_raw!("{}", String::from_utf8_lossy(&out));
            Ok(())
        }
        Some(Command::Problems(args)) => problems::run(&ctx, &args),
        Some(Command::Costs(args)) => costs::run(&ctx, &args),
        Some(Command::Ics(args)) => ics::run(&ctx, &args),
        Some(Command::Report(args)) => report::run(&ctx, &args),
        Some(Command::Sync(args)) => sync::run(&ctx, &args),
        Some(Command::Conflicts(args)) => sync::conflicts(&ctx, &args),
    }
}
