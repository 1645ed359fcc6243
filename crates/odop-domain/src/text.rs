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

fn escape(text: &str, into: &mut String) {
    for c in text.chars() {
        match c {
            '&' => into.push_str("&amp;"),
            '<' => into.push_str("&lt;"),
            '>' => into.push_str("&gt;"),
            '"' => into.push_str("&quot;"),
            '\'' => into.push_str("&#39;"),
            c => into.push(c),
        }
    }
}

/// A line with `**bold**` spans, escaped. An unpaired `**` stays as typed.
fn inline(line: &str, into: &mut String) {
    let parts: Vec<&str> = line.split("**").collect();
    let markers = parts.len() - 1;
    let paired = markers - markers % 2;
    for (i, part) in parts.iter().enumerate() {
        escape(part, into);
        if i < markers {
            into.push_str(match (i < paired, i % 2) {
                (false, _) => "**",
                (true, 0) => "<strong>",
                (true, _) => "</strong>",
            });
        }
    }
}

/// Renders a seller's description, plain text with light formatting, as
/// HTML: a blank line starts a paragraph, a line starting with `- ` or `• `
/// is a bullet, `**words**` are bold. Everything else is escaped, so that no
/// markup a person types ever reaches a page as markup.
pub fn render_light(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + 32);
    for block in text.split("\n\n").map(str::trim).filter(|b| !b.is_empty()) {
        let lines: Vec<&str> = block.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        let bullet = |l: &str| l.strip_prefix("- ").or_else(|| l.strip_prefix("• ")).map(str::to_owned);
        if lines.iter().all(|l| bullet(l).is_some()) {
            html.push_str("<ul>");
            for line in &lines {
                html.push_str("<li>");
                inline(&bullet(line).unwrap_or_default(), &mut html);
                html.push_str("</li>");
            }
            html.push_str("</ul>");
        } else {
            html.push_str("<p>");
            for (i, line) in lines.iter().enumerate() {
                if i > 0 {
                    html.push_str("<br>");
                }
                inline(line, &mut html);
            }
            html.push_str("</p>");
        }
    }
    html
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
    fn light_formatting_becomes_html_and_nothing_else_does() {
        let cases = [
            ("Hand embroidered.", "<p>Hand embroidered.</p>"),
            ("Line one\nline two", "<p>Line one<br>line two</p>"),
            ("First.\n\nSecond.", "<p>First.</p><p>Second.</p>"),
            (
                "- cotton\n- white thread",
                "<ul><li>cotton</li><li>white thread</li></ul>",
            ),
            ("**Pure** silk", "<p><strong>Pure</strong> silk</p>"),
            ("2 ** 3", "<p>2 ** 3</p>"),
            (
                "<script>alert(1)</script>",
                "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
            ),
            (
                "<img src=x onerror=alert(1)>",
                "<p>&lt;img src=x onerror=alert(1)&gt;</p>",
            ),
            (
                "\"quoted\" & 'single'",
                "<p>&quot;quoted&quot; &amp; &#39;single&#39;</p>",
            ),
            ("**<b>**", "<p><strong>&lt;b&gt;</strong></p>"),
            ("शुद्ध **रेशम**", "<p>शुद्ध <strong>रेशम</strong></p>"),
            ("", ""),
        ];
        for (text, html) in cases {
            assert_eq!(render_light(text), html, "{text:?}");
        }
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

    proptest::proptest! {
        /// Whatever a seller types, the only markup in the result is the
        /// formatting's own tags, and the text comes back whole.
        #[test]
        fn only_the_formattings_own_tags_come_out(text in "(\\PC|[<>&\"'*\n-]){0,200}") {
            let html = render_light(&text);
            let mut rest = html.clone();
            for tag in ["<p>", "</p>", "<br>", "<ul>", "</ul>", "<li>", "</li>", "<strong>", "</strong>"] {
                rest = rest.replace(tag, "");
            }
            proptest::prop_assert!(!rest.contains('<') && !rest.contains('>'), "{html}");
            proptest::prop_assert!(!rest.contains('"'), "{html}");
            let words = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).count();
            let unescaped = rest.replace("&lt;", "").replace("&gt;", "").replace("&quot;", "")
                .replace("&#39;", "").replace("&amp;", "");
            proptest::prop_assert!(words(&unescaped) <= words(&text));
        }
    }
}
