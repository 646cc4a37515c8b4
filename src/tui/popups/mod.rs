//! What opens over the panes, one file each: the forms (built in `forms`, drawn in
//! `form_view`; their editing is `tui::form`), the help, a record's detail, the sync conflicts,
//! and the footer's prompts (filter, jump, questions).

pub mod conflicts;
pub mod detail;
pub mod form_view;
pub mod forms;
pub mod help;
pub mod jump_list;
pub mod prompt;
pub mod today;
