//! Forms inside the program: fields typed as text, each checked when saved with a message
//! that says what is wrong and what is accepted.

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Text,
    /// One of a closed list; Left/Right (or typing) choose.
    Choice(Vec<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
    pub kind: Kind,
    /// What is accepted, shown under the form for the focused field.
    pub hint: &'static str,
}

impl Field {
    pub fn text(key: &'static str, label: &'static str, value: impl Into<String>, hint: &'static str) -> Field {
        Field {
            key,
            label,
            value: value.into(),
            kind: Kind::Text,
            hint,
        }
    }

    pub fn choice(key: &'static str, label: &'static str, value: &str, options: &[&str], hint: &'static str) -> Field {
        Field {
            key,
            label,
            value: value.to_string(),
            kind: Kind::Choice(options.iter().map(|s| s.to_string()).collect()),
            hint,
        }
    }
}

/// Where a cursor key moves the cursor in a text field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CursorMove {
    Left,
    Right,
    Home,
    End,
}

/// What saving the form does.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Purpose {
    Service(Option<String>),
    Breach(Option<String>),
    Stakeholder(Option<String>),
    Touch {
        stakeholder_id: Option<String>,
    },
    Review(Option<String>),
    Action {
        id: Option<String>,
        review_id: Option<String>,
        /// The problem a new action works towards.
        #[serde(default)]
        problem_id: Option<String>,
    },
    Change,
    Improvement(Option<String>),
    /// A problem: new ones carry the evidence they were raised from.
    Problem {
        id: Option<String>,
        links: crate::app::problems::Links,
    },
    Score,
    Calendar(Option<String>),
    TouchEdit(String),
    /// A step on a breach that asks for details: `close` or `inform`.
    BreachStep {
        id: String,
        step: String,
    },
    /// The SDM's own fields of a ticket: exclusion, critical, pauses.
    Ticket(String),
    /// An outage of this service (by name) left out of the SLA, or brought back.
    Outage(String),
    /// The service review of this service (by id): which period, for whom.
    Report(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Where typing goes in the focused field (a character index; its end by default).
    pub cursor: usize,
    pub error: Option<String>,
    /// The fields found wrong on the last save, by key, each with its message; a field's
    /// own goes when it is edited.
    pub wrong: Vec<(&'static str, String)>,
    pub purpose: Purpose,
    /// For an edit: the record and its stamp when the form opened, so a change made
    /// meanwhile by another sdm is not silently overwritten.
    pub base: Option<crate::app::Stamp>,
    /// The user was told of such a change and chose to save over it.
    pub overwrite: bool,
    /// The values the form opened with, to tell whether anything was typed.
    pub initial: Vec<String>,
}

impl Form {
    pub fn new(title: impl Into<String>, purpose: Purpose, fields: Vec<Field>) -> Form {
        let cursor = fields.first().map_or(0, |f| f.value.chars().count());
        let initial = fields.iter().map(|f| f.value.clone()).collect();
        Form {
            initial,
            title: title.into(),
            fields,
            focus: 0,
            cursor,
            error: None,
            wrong: Vec::new(),
            purpose,
            base: None,
            overwrite: false,
        }
    }

    /// Whether anything was typed or chosen since the form opened.
    pub fn dirty(&self) -> bool {
        self.fields.iter().map(|f| &f.value).ne(self.initial.iter())
    }

    pub fn value(&self, key: &str) -> &str {
        self.fields
            .iter()
            .find(|f| f.key == key)
            .map(|f| f.value.trim())
            .unwrap_or("")
    }

    pub fn focus_key(&mut self, key: &str) {
        if let Some(i) = self.fields.iter().position(|f| f.key == key) {
            self.focus = i;
            self.cursor_to_end();
        }
    }

    pub fn next(&mut self) {
        self.focus = (self.focus + 1) % self.fields.len().max(1);
        self.cursor_to_end();
    }

    pub fn prev(&mut self) {
        let n = self.fields.len().max(1);
        self.focus = (self.focus + n - 1) % n;
        self.cursor_to_end();
    }

    fn focused_len(&self) -> usize {
        self.fields.get(self.focus).map_or(0, |f| f.value.chars().count())
    }

    fn cursor_to_end(&mut self) {
        self.cursor = self.focused_len();
    }

    /// Whether the focused field is free text (the cursor moves in it).
    pub fn on_text(&self) -> bool {
        self.fields.get(self.focus).is_some_and(|f| f.kind == Kind::Text)
    }

    /// The byte offset of a character index in the focused field.
    fn at(&self, chars: usize) -> usize {
        self.fields
            .get(self.focus)
            .and_then(|f| f.value.char_indices().nth(chars).map(|(i, _)| i))
            .unwrap_or_else(|| self.fields.get(self.focus).map_or(0, |f| f.value.len()))
    }

    pub fn type_char(&mut self, c: char) {
        // In a choice, a letter picks the next option starting with it; anything else is
        // ignored (a choice never holds a value outside its list).
        if let Some(f) = self.fields.get_mut(self.focus)
            && let Kind::Choice(options) = &f.kind
        {
            let lower = c.to_lowercase().to_string();
            let from = options.iter().position(|o| o == &f.value).map_or(0, |i| i + 1);
            let n = options.len();
            if let Some(pick) = (0..n)
                .map(|k| &options[(from + k) % n.max(1)])
                .find(|o| o.to_lowercase().starts_with(&lower))
            {
                f.value = pick.clone();
            }
            self.edited();
            return;
        }
        let at = self.at(self.cursor.min(self.focused_len()));
        if let Some(f) = self.fields.get_mut(self.focus)
            && f.value.chars().count() < 2000
            && !c.is_control()
        {
            f.value.insert(at, c);
            self.cursor += 1;
        }
        self.edited();
    }

    /// Erases the character before the cursor.
    pub fn backspace(&mut self) {
        if !self.on_text() {
            return; // a choice changes only to another of its options
        }
        let cursor = self.cursor.min(self.focused_len());
        if cursor > 0 {
            let (from, to) = (self.at(cursor - 1), self.at(cursor));
            if let Some(f) = self.fields.get_mut(self.focus) {
                f.value.replace_range(from..to, "");
            }
            self.cursor = cursor - 1;
        }
        self.edited();
    }

    /// Erases the character under the cursor (Delete).
    pub fn delete(&mut self) {
        if !self.on_text() {
            return; // a choice changes only to another of its options
        }
        let cursor = self.cursor.min(self.focused_len());
        if cursor < self.focused_len() {
            let (from, to) = (self.at(cursor), self.at(cursor + 1));
            if let Some(f) = self.fields.get_mut(self.focus) {
                f.value.replace_range(from..to, "");
            }
        }
        self.edited();
    }

    /// Moves the cursor: by one character, or to the start or the end of the field.
    pub fn move_cursor(&mut self, to: CursorMove) {
        let len = self.focused_len();
        self.cursor = match to {
            CursorMove::Left => self.cursor.min(len).saturating_sub(1),
            CursorMove::Right => (self.cursor + 1).min(len),
            CursorMove::Home => 0,
            CursorMove::End => len,
        };
    }

    /// Erases the word before the cursor (Ctrl-W), as a shell does.
    pub fn erase_word(&mut self) {
        if !self.on_text() {
            return; // a choice changes only to another of its options
        }
        let cursor = self.cursor.min(self.focused_len());
        let chars: Vec<char> = self
            .fields
            .get(self.focus)
            .map(|f| f.value.chars().collect())
            .unwrap_or_default();
        let mut start = cursor;
        while start > 0 && chars[start - 1].is_whitespace() {
            start -= 1;
        }
        while start > 0 && !chars[start - 1].is_whitespace() {
            start -= 1;
        }
        let (from, to) = (self.at(start), self.at(cursor));
        if let Some(f) = self.fields.get_mut(self.focus) {
            f.value.replace_range(from..to, "");
        }
        self.cursor = start;
        self.edited();
    }

    /// Erases from the start of the field to the cursor (Ctrl-U).
    pub fn erase_to_start(&mut self) {
        if !self.on_text() {
            return; // a choice changes only to another of its options
        }
        let cursor = self.cursor.min(self.focused_len());
        let to = self.at(cursor);
        if let Some(f) = self.fields.get_mut(self.focus) {
            f.value.replace_range(..to, "");
        }
        self.cursor = 0;
        self.edited();
    }

    /// Left/Right on a choice field.
    pub fn cycle(&mut self, forward: bool) {
        if let Some(f) = self.fields.get_mut(self.focus)
            && let Kind::Choice(options) = &f.kind
            && !options.is_empty()
        {
            let i = options.iter().position(|o| o == &f.value).unwrap_or(0);
            let n = options.len();
            let j = if forward { (i + 1) % n } else { (i + n - 1) % n };
            f.value = options[j].clone();
            self.edited();
        }
    }

    /// Marks a field as wrong, with the message, and puts the cursor there.
    pub fn fail(&mut self, key: &str, message: impl Into<String>) {
        self.fail_all(vec![(key, message.into())]);
    }

    /// Marks every field named as wrong, each with its message, and puts the cursor on the
    /// first; a key the form does not have is said on the form's error line.
    pub fn fail_all(&mut self, errors: Vec<(&str, String)>) {
        self.wrong.clear();
        self.error = None;
        let mut stray = Vec::new();
        for (key, message) in errors {
            match self
                .fields
                .iter()
                .find(|f| f.key == key || f.label.eq_ignore_ascii_case(key))
            {
                Some(f) => self.wrong.push((f.key, message)),
                None => stray.push(if key.is_empty() {
                    message
                } else {
                    format!("{key}: {message}")
                }),
            }
        }
        // The cursor goes to the first wrong field as the form lists them.
        if let Some(key) = self.fields.iter().map(|f| f.key).find(|k| self.wrong_of(k).is_some()) {
            self.focus_key(key);
        }
        if !stray.is_empty() {
            self.error = Some(stray.join("; "));
        }
    }

    /// The message of a field found wrong, if it is.
    pub fn wrong_of(&self, key: &str) -> Option<&str> {
        self.wrong.iter().find(|(k, _)| *k == key).map(|(_, m)| m.as_str())
    }

    /// The form's errors to show: each wrong field's (`Label: message`) in the form's order,
    /// then the form's own line.
    pub fn errors(&self) -> Vec<String> {
        let mut said: Vec<String> = self
            .fields
            .iter()
            .flat_map(|f| {
                self.wrong
                    .iter()
                    .filter(move |(k, _)| *k == f.key)
                    .map(move |(_, m)| format!("{}: {m}", f.label))
            })
            .collect();
        said.extend(self.error.clone());
        said
    }

    /// All the form's errors on one line, `None` when there are none.
    pub fn message(&self) -> Option<String> {
        let said = self.errors();
        (!said.is_empty()).then(|| said.join("; "))
    }

    /// After an edit of the focused field: its own error and the form's line go.
    fn edited(&mut self) {
        self.error = None;
        if let Some(key) = self.fields.get(self.focus).map(|f| f.key) {
            self.wrong.retain(|(k, _)| *k != key);
        }
    }
}

/// A form being filled in, as kept on disk while it is open: a dropped link or a crash does
/// not lose what was typed.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Draft {
    pub title: String,
    pub purpose: Purpose,
    pub values: Vec<(String, String)>,
    pub focus: usize,
}

impl Form {
    pub fn draft(&self) -> Draft {
        Draft {
            title: self.title.clone(),
            purpose: self.purpose.clone(),
            values: self
                .fields
                .iter()
                .map(|f| (f.key.to_string(), f.value.clone()))
                .collect(),
            focus: self.focus,
        }
    }

    /// Puts a draft's values into this (blank) form of the same purpose.
    pub fn fill(&mut self, draft: &Draft) {
        self.title = draft.title.clone();
        for f in &mut self.fields {
            if let Some((_, v)) = draft.values.iter().find(|(k, _)| k == f.key) {
                f.value = v.clone();
            }
        }
        self.focus = draft.focus.min(self.fields.len().saturating_sub(1));
        self.cursor_to_end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_moving_and_choosing() {
        let mut f = Form::new(
            "Test",
            Purpose::Stakeholder(None),
            vec![
                Field::text("name", "Name", "", "a name"),
                Field::choice("channel", "Channel", "call", &["call", "email", "meeting"], "how"),
            ],
        );
        for c in "Ann".chars() {
            f.type_char(c);
        }
        f.backspace();
        assert_eq!(f.value("name"), "An");
        f.next();
        f.cycle(true);
        assert_eq!(f.value("channel"), "email");
        f.cycle(false);
        f.cycle(false);
        assert_eq!(f.value("channel"), "meeting");
        // A shell's editing keys: the cursor moves, words and lines go.
        f.focus_key("name");
        for c in "n de Vries".chars() {
            f.type_char(c);
        }
        assert_eq!(f.value("name"), "Ann de Vries");
        f.move_cursor(CursorMove::Home);
        f.delete();
        f.type_char('J');
        assert_eq!(f.value("name"), "Jnn de Vries");
        f.move_cursor(CursorMove::End);
        f.erase_word();
        assert_eq!(f.value("name"), "Jnn de");
        // Ctrl-W keeps the space before the word: "Jnn de ", the cursor at its end.
        f.move_cursor(CursorMove::Left);
        f.move_cursor(CursorMove::Left);
        f.erase_to_start();
        assert_eq!(f.value("name"), "e");
        f.move_cursor(CursorMove::Right);
        f.backspace();
        assert_eq!(f.value("name"), "");
        f.fail("name", "must not be empty");
        assert_eq!(f.focus, 0);
        assert_eq!(f.wrong_of("name"), Some("must not be empty"));
        f.prev();
        assert_eq!(f.focus, 1);
    }

    #[test]
    fn every_wrong_field_is_marked_and_an_edit_clears_only_its_own() {
        let mut f = Form::new(
            "t",
            Purpose::Change,
            vec![
                Field::text("name", "Name", "", ""),
                Field::text("due", "Due", "", ""),
                Field::text("owner", "Owner", "", ""),
            ],
        );
        f.fail_all(vec![
            ("due", "not a date".into()),
            ("name", "must not be empty".into()),
            ("elsewhere", "gone".into()),
        ]);
        assert_eq!(f.focus, 0, "the cursor goes to the first wrong field in the form");
        assert_eq!(f.wrong_of("name"), Some("must not be empty"));
        assert_eq!(f.wrong_of("due"), Some("not a date"));
        assert_eq!(f.wrong_of("owner"), None);
        assert_eq!(
            f.error.as_deref(),
            Some("elsewhere: gone"),
            "a field the form lacks is said on its line"
        );
        f.type_char('x');
        assert_eq!(f.wrong_of("name"), None, "typing in a field clears its own error");
        assert_eq!(f.wrong_of("due"), Some("not a date"), "and no other");
    }

    #[test]
    fn typing_in_a_choice_picks_an_option_and_never_leaves_the_list() {
        let mut f = Form::new(
            "t",
            Purpose::Change,
            vec![Field::choice("format", "As", "html", &["html", "pdf", "png"], "")],
        );
        f.type_char(' ');
        assert_eq!(f.value("format"), "html", "a space is no option");
        f.type_char('p');
        assert_eq!(f.value("format"), "pdf");
        f.type_char('p');
        assert_eq!(f.value("format"), "png", "the next option with that letter");
        f.backspace();
        f.erase_word();
        assert_eq!(f.value("format"), "png", "erasing does not cut a choice");
    }
}
