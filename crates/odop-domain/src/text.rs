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
/// (which arrive as `\r\n` from browsers and are kept as `\n`), and the
/// invisible format characters ([`is_invisible`]) that could make a title
/// read differently from what it says: a right-to-left override turns
/// `Silk saree` into something else on screen, a zero-width space makes
/// two identical-looking names differ. The joiners that Devanagari (and
/// emoji) need to shape a letter stay where they do that. The result is
/// plain text: it is escaped wherever it is shown, never interpreted.
pub fn clean(input: &str) -> String {
    let text = input.replace("\r\n", "\n");
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let keep = match c {
            '\n' => true,
            '\u{200C}' | '\u{200D}' => {
                let before = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
                joins(before, chars.get(i + 1).copied())
            }
            c => !c.is_control() && !is_invisible(c),
        };
        if keep {
            out.push(c);
        }
    }
    out.trim().to_owned()
}

/// Unicode's format characters (general category Cf) and the fillers that
/// draw nothing: bidirectional embeddings, overrides, isolates and marks,
/// zero-width spaces, the byte-order mark, invisible operators, tags.
/// Zero-width joiner and non-joiner are decided by [`joins`].
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{0600}'..='\u{0605}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{08E2}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'
            | '\u{200E}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// Whether a zero-width joiner or non-joiner between `before` and `after`
/// does work: after the virama of an Indian script (Devanagari to Sinhala)
/// and before a letter of it, where it chooses between a half form, a
/// conjunct and a visible virama (`क्‍ष`, `क्‌ष`), or inside an emoji
/// sequence. Anywhere else it changes nothing drawn, and `क‌म` would look
/// like `कम` while differing from it.
fn joins(before: Option<char>, after: Option<char>) -> bool {
    let virama = |c: char| {
        matches!(
            c,
            '\u{094D}'
                | '\u{09CD}'
                | '\u{0A4D}'
                | '\u{0ACD}'
                | '\u{0B4D}'
                | '\u{0BCD}'
                | '\u{0C4D}'
                | '\u{0CCD}'
                | '\u{0D4D}'
                | '\u{0DCA}'
        )
    };
    let indic = |c: char| ('\u{0900}'..='\u{0DFF}').contains(&c);
    let pictograph = |c: char| ('\u{1F000}'..='\u{1FAFF}').contains(&c) || ('\u{2600}'..='\u{27BF}').contains(&c);
    match (before, after) {
        (Some(b), Some(a)) => {
            virama(b) && indic(a) || pictograph(b) && (pictograph(a) || a == '\u{2640}' || a == '\u{2642}')
        }
        _ => false,
    }
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
    fn invisible_characters_are_dropped_and_needed_joiners_kept() {
        let cases = [
            ("Silk\u{202E}eeras", "Silkeeras"),
            ("\u{202D}Banarasi\u{202C} saree", "Banarasi saree"),
            ("Brass\u{200B}ware", "Brassware"),
            ("\u{FEFF}Chikan", "Chikan"),
            ("Zari\u{2066}work\u{2069}", "Zariwork"),
            ("Toy\u{E0041}\u{E007F}", "Toy"),
            ("left\u{200E}right\u{200F}", "leftright"),
            ("soft\u{00AD}hyphen", "softhyphen"),
            // Devanagari keeps the joiner that asks for a half form, and
            // the non-joiner that asks for a visible virama.
            ("क्\u{200D}ष", "क्\u{200D}ष"),
            ("क्\u{200C}ष", "क्\u{200C}ष"),
            // Between two letters it draws nothing: कम and क‌म would differ
            // unseen.
            ("क\u{200C}म", "कम"),
            ("क\u{200D}म", "कम"),
            // An emoji sequence keeps its joiner: 👩‍🎨 is one picture.
            ("\u{1F469}\u{200D}\u{1F3A8} artist", "\u{1F469}\u{200D}\u{1F3A8} artist"),
            // Between Latin letters, or at an edge, a joiner only hides.
            ("Sil\u{200D}k", "Silk"),
            ("\u{200C}Silk", "Silk"),
            ("Silk\u{200D}", "Silk"),
        ];
        for (typed, kept) in cases {
            assert_eq!(clean(typed), kept, "{typed:?}");
        }
        assert_eq!(required("\u{200B}\u{202E}", 1, 10), Err(TextError::Missing));
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
