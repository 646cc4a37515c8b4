use std::process::ExitCode;

fn main() -> ExitCode {
    sdm::error::install_hooks();
    match sdm::cli::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(report) => sdm::error::exit_with(report),
    }
}
