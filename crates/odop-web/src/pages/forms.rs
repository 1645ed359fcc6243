//! What the forms of the site share: field errors shown next to their
//! fields in the visitor's language.

use odop_domain::onboarding::FieldError;

use crate::i18n::{Arg, Tr};

/// Problems with a submitted form, by field, already translated.
#[derive(Clone, Debug, Default)]
pub struct Errors(Vec<(String, String)>);

impl Errors {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn add(&mut self, field: &str, message: String) {
        if self.get(field).is_none() {
            self.0.push((field.to_owned(), message));
        }
    }

    /// The problem with `field`, if any; templates show it under the field.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }

    /// "invalid" for a field with a problem, for its CSS class.
    pub fn class(&self, field: &str) -> &'static str {
        if self.get(field).is_some() {
            "field invalid"
        } else {
            "field"
        }
    }

    /// All problems, in order, for the summary at the top of a form.
    pub fn all(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(_, m)| m.as_str())
    }

    /// The problems as (field, message) pairs, for the API.
    /// Names a field's problem under another name: a skin whose field is
    /// called differently from the use case's.
    pub fn rename(&mut self, from: &str, to: &str) {
        for (field, _) in &mut self.0 {
            if field == from {
                *field = to.to_owned();
            }
        }
    }

    pub fn into_pairs(self) -> Vec<(String, String)> {
        self.0
    }

    pub fn from_fields(tr: &Tr, errors: &[FieldError]) -> Self {
        let mut translated = Errors::default();
        for error in errors {
            let message = match error.limit {
                Some(limit) => tr.with(error.message_id, &[("limit", Arg::from(limit))]),
                None => tr.t(error.message_id),
            };
            translated.add(error.field, message);
        }
        translated
    }
}
