//! What opens over the panes. Forms are built here; the form's editing is `tui::form`.

pub mod forms;
