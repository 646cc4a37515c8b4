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
    },
    Change,
    Improvement(Option<String>),
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
}

#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    pub error: Option<String>,
    pub purpose: Purpose,
    /// For an edit: the record and its stamp when the form opened, so a change made
    /// meanwhile by another sdm is not silently overwritten.
    pub base: Option<crate::app::Stamp>,
    /// The user was told of such a change and chose to save over it.
    pub overwrite: bool,
}

impl Form {
    pub fn new(title: impl Into<String>, purpose: Purpose, fields: Vec<Field>) -> Form {
        Form {
            title: title.into(),
            fields,
            focus: 0,
            error: None,
            purpose,
            base: None,
            overwrite: false,
        }
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
        }
    }

    pub fn next(&mut self) {
        self.focus = (self.focus + 1) % self.fields.len().max(1);
    }

    pub fn prev(&mut self) {
        let n = self.fields.len().max(1);
        self.focus = (self.focus + n - 1) % n;
    }

    pub fn type_char(&mut self, c: char) {
        if let Some(f) = self.fields.get_mut(self.focus)
            && f.value.chars().count() < 2000
            && !c.is_control()
        {
            f.value.push(c);
        }
        self.error = None;
    }

    pub fn backspace(&mut self) {
        if let Some(f) = self.fields.get_mut(self.focus) {
            f.value.pop();
        }
        self.error = None;
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
        }
    }

    /// Marks a field as wrong, with the message, and puts the cursor there.
    pub fn fail(&mut self, key: &str, message: impl Into<String>) {
        self.focus_key(key);
        let label = self
            .fields
            .iter()
            .find(|f| f.key == key)
            .map(|f| f.label)
            .unwrap_or(key);
        self.error = Some(format!("{label}: {}", message.into()));
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
        f.fail("name", "must not be empty");
        assert_eq!(f.focus, 0);
        assert_eq!(f.error.as_deref(), Some("Name: must not be empty"));
        f.prev();
        assert_eq!(f.focus, 1);
    }
}
