//! Free text people type into forms: names, addresses, bios, reasons.

/// Why a text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("this field is required")]
    Missing,
    #[error("this is too short: at least {0} characters")]
    TooShort(usize),
    #[error("this is too long: at most {0} characters")]
    TooLong(usize),
}

/// Trims the text and removes control characters other than line breaks
/// (which arrive as `\r\n` from browsers and are kept as `\n`). The result
/// is plain text: it is escaped wherever it is shown, never interpreted.
pub fn clean(input: &str) -> String {
    input
        .replace("\r\n", "\n")
        .chars()
        .filter(|c| *c == '\n' || !c.is_control())
        .collect::<String>()
        .trim()
        .to_owned()
}

/// A required text of `min..=max` characters after cleaning.
pub fn required(input: &str, min: usize, max: usize) -> Result<String, TextError> {
    let text = clean(input);
    let length = text.chars().count();
    if length == 0 {
        Err(TextError::Missing)
    } else if length < min {
        Err(TextError::TooShort(min))
    } else if length > max {
        Err(TextError::TooLong(max))
    } else {
        Ok(text)
    }
}

/// An optional text of at most `max` characters; empty means absent.
pub fn optional(input: &str, max: usize) -> Result<Option<String>, TextError> {
    let text = clean(input);
    if text.is_empty() {
        Ok(None)
    } else if text.chars().count() > max {
        Err(TextError::TooLong(max))
    } else {
        Ok(Some(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_keeps_line_breaks_and_drops_other_controls() {
        assert_eq!(clean("  Ram\u{0}esh \r\nKumar\u{7}  "), "Ramesh \nKumar");
        assert_eq!(
            clean("<script>alert(1)</script>"),
            "<script>alert(1)</script>",
            "escaping is the page's job"
        );
    }

    #[test]
    fn lengths_are_counted_in_characters_not_bytes() {
        assert_eq!(required("लखनऊ", 2, 4).unwrap(), "लखनऊ");
        assert_eq!(required("   ", 2, 4), Err(TextError::Missing));
        assert_eq!(required("a", 2, 4), Err(TextError::TooShort(2)));
        assert_eq!(required("abcde", 2, 4), Err(TextError::TooLong(4)));
        assert_eq!(optional(" ", 4), Ok(None));
        assert_eq!(optional("abcde", 4), Err(TextError::TooLong(4)));
    }
}
