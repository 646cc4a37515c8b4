//! The footer's prompts: the filter and the jump being typed, a question, and the keys of
//! the form, detail or conflicts on screen, all from the key table.

use crate::tui::app::{App, Mode};
use crate::tui::keys::{Action, KeyMode, footer_line};
use crate::tui::view::t;

/// The footer line a mode puts in place of the status and the normal hints.
pub fn line(app: &App) -> Option<String> {
    Some(match &app.mode {
        Mode::Filter => format!(
            " /{}▏ ({})",
            t(&app.filters[app.focus]),
            footer_line(KeyMode::Filter, |_| true)
        ),
        Mode::Command(text) => format!(
            " :{}▏ (a reference, a service, a stakeholder, customer NAME; {})",
            t(text),
            footer_line(KeyMode::Command, |_| true)
        ),
        Mode::Confirm { prompt, .. } => format!(" {}", t(prompt)),
        Mode::Discard { quitting: false, .. } => " Throw away what you typed? y/N".to_string(),
        Mode::Discard { quitting: true, .. } => {
            " Quit? What you typed is kept as a draft for next time. y/N".to_string()
        }
        Mode::Detail(d) => {
            let on_service = d.service_id.is_some();
            let has_links = !d.links.is_empty();
            format!(
                " {}",
                footer_line(KeyMode::Detail, |a| match a {
                    Action::LogTouch => on_service,
                    Action::NextPane | Action::Open => has_links,
                    _ => true,
                })
            )
        }
        mode @ (Mode::Form(_) | Mode::Conflicts { .. } | Mode::Today { .. }) => {
            format!(" {}", footer_line(mode.keys(), |_| true))
        }
        Mode::Normal | Mode::Help => return None,
    })
}
