use std::process::ExitCode;

fn main() -> ExitCode {
    sdm::tui::timing::mark_start();
    sdm::error::install_hooks();
    match sdm::cli::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(report) => sdm::error::exit_with(report),
    }
}
