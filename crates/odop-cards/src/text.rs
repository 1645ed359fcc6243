//! Cleaning, measuring, wrapping and shortening of the strings on a card.
//!
//! Widths are kept in ems so that a string measured once can be tried at
//! several font sizes: the embedded fonts are static and unhinted, so an
//! advance scales exactly with the size.

use crate::fonts::{Measurer, Script, Weight, face, is_devanagari};

/// The ellipsis put where text was cut short.
const ELLIPSIS: char = '\u{2026}';

/// How many characters of any one string are looked at. Admins could paste
/// a whole article into a question; nothing past this could fit on a card,
/// and the limit bounds the work done for one render.
const MAX_CHARS: usize = 600;

/// A piece of one line drawn in one font, placed from the line's start.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Run {
    pub(crate) script: Script,
    pub(crate) text: String,
    pub(crate) x_em: f32,
}

/// One line of text, laid out: its runs and its total advance.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Line {
    /// The characters of the line, with single spaces between words.
    pub(crate) text: String,
    pub(crate) runs: Vec<Run>,
    pub(crate) width_em: f32,
}

/// Makes user text safe to lay out: control characters and any run of
/// whitespace become one space, invisible formatting characters and
/// characters that neither embedded font can draw are dropped (the latter
/// would show as empty boxes), and the length is capped.
pub(crate) fn clean(raw: &str) -> String {
    let latin = face(Script::Latin, Weight::Regular);
    let deva = face(Script::Devanagari, Weight::Regular);
    let mut out = String::with_capacity(raw.len().min(MAX_CHARS * 3));
    let mut pending_space = false;
    for c in raw.chars().take(MAX_CHARS) {
        if c.is_whitespace() || c.is_control() {
            pending_space = !out.is_empty();
            continue;
        }
        if is_invisible_control(c) {
            continue;
        }
        let drawable = if is_devanagari(c) {
            deva.has_char(c)
        } else {
            latin.has_char(c) || deva.has_char(c)
        };
        if !drawable {
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// Invisible formatting characters that are dropped: bidirectional
/// embeddings, overrides and isolates (Fluent wraps every placeable in
/// isolates, and an override would let a string reverse itself on the
/// card), marks, word joiners, the byte-order mark and the soft hyphen.
/// The zero-width joiner and non-joiner stay: Hindi spelling uses them.
fn is_invisible_control(c: char) -> bool {
    matches!(c,
        '\u{00AD}'
        | '\u{200B}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}')
}

/// The script whose font draws the digits, spaces and punctuation of a
/// string: Devanagari as soon as the string holds a Devanagari letter, so
/// that a Hindi sentence keeps one typeface for its numbers.
fn base_script(text: &str) -> Script {
    if text.chars().any(is_devanagari) {
        Script::Devanagari
    } else {
        Script::Latin
    }
}

/// The font for one character given the font of the character before it.
/// Characters both fonts carry stay with the current font, so runs only
/// change where they must.
fn script_of(c: char, current: Script) -> Script {
    if is_devanagari(c) {
        return Script::Devanagari;
    }
    if face(current, Weight::Regular).has_char(c) {
        return current;
    }
    if face(Script::Latin, Weight::Regular).has_char(c) {
        Script::Latin
    } else {
        Script::Devanagari
    }
}

/// Whether a line may be cut between `before` and `after` without tearing
/// a syllable apart: never before a vowel sign, nasal sign or combining
/// accent, and never after a virama or a zero-width joiner, since those
/// bind the next consonant into a conjunct.
fn may_cut_between(before: char, after: char) -> bool {
    let binds_back = matches!(after,
        '\u{0300}'..='\u{036F}'
        | '\u{0900}'..='\u{0903}'
        | '\u{093A}'..='\u{094F}'
        | '\u{0951}'..='\u{0957}'
        | '\u{0962}'..='\u{0963}'
        | '\u{1CD0}'..='\u{1CF9}'
        | '\u{A8E0}'..='\u{A8F1}'
        | '\u{200C}'
        | '\u{200D}');
    let binds_forward = matches!(before, '\u{094D}' | '\u{200C}' | '\u{200D}');
    !binds_back && !binds_forward
}

/// Lays out and shortens text for one font weight.
pub(crate) struct Typesetter<'m> {
    measurer: &'m Measurer,
    weight: Weight,
}

impl<'m> Typesetter<'m> {
    pub(crate) fn new(measurer: &'m Measurer, weight: Weight) -> Self {
        Self { measurer, weight }
    }

    /// Lays out cleaned text on one line, without any limit.
    pub(crate) fn line(&self, text: &str) -> Line {
        let base = base_script(text);
        let space = self.measurer.advance_em(" ", base, self.weight);
        let mut runs = Vec::new();
        let mut x = 0.0;
        let mut current = base;
        for (i, word) in text.split(' ').filter(|w| !w.is_empty()).enumerate() {
            if i > 0 {
                x += space;
            }
            let mut start = 0;
            let mut run_script = None;
            for (at, c) in word.char_indices() {
                let script = script_of(c, current);
                current = script;
                match run_script {
                    None => run_script = Some(script),
                    Some(s) if s != script => {
                        x += self.push_run(&mut runs, s, &word[start..at], x);
                        start = at;
                        run_script = Some(script);
                    }
                    Some(_) => {}
                }
            }
            if let Some(s) = run_script {
                x += self.push_run(&mut runs, s, &word[start..], x);
            }
        }
        Line {
            text: text.to_owned(),
            runs,
            width_em: x,
        }
    }

    fn push_run(&self, runs: &mut Vec<Run>, script: Script, text: &str, x: f32) -> f32 {
        let width = self.measurer.advance_em(text, script, self.weight);
        runs.push(Run {
            script,
            text: text.to_owned(),
            x_em: x,
        });
        width
    }

    fn width(&self, text: &str) -> f32 {
        self.line(text).width_em
    }

    /// One line no wider than `max_em`, cut short with an ellipsis if it
    /// does not fit (or always, when `force_ellipsis` says more text was
    /// dropped after it).
    pub(crate) fn fit(&self, text: &str, max_em: f32, force_ellipsis: bool) -> Line {
        if !force_ellipsis {
            let line = self.line(text);
            if line.width_em <= max_em {
                return line;
            }
        }
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        // Byte offsets where the text may be cut, shortest prefix first.
        let mut cuts: Vec<usize> = vec![0];
        for pair in chars.windows(2) {
            if may_cut_between(pair[0].1, pair[1].1) {
                cuts.push(pair[1].0);
            }
        }
        cuts.push(text.len());
        let with_ellipsis = |cut: usize| {
            let mut s = text[..cut].trim_end().to_owned();
            s.push(ELLIPSIS);
            s
        };
        // Widths grow with the prefix, so the longest fitting prefix can be
        // found by bisection rather than by measuring every candidate.
        let (mut lo, mut hi) = (0usize, cuts.len() - 1);
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if self.width(&with_ellipsis(cuts[mid])) <= max_em {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        let best = cuts[lo];
        // Prefer ending on a whole word, unless that throws away too much.
        let at_word = text[..best].rfind(' ').filter(|&space| {
            best < text.len() && !text[best..].starts_with(' ') && self.width(&text[..space]) >= max_em * 0.6
        });
        let cut = at_word.unwrap_or(best);
        self.line(&with_ellipsis(cut))
    }

    /// Wraps text onto at most `max_lines` lines of `max_em`; the last line
    /// ends in an ellipsis if text was left over. Returns the lines and
    /// whether anything was dropped.
    pub(crate) fn wrap(&self, text: &str, max_em: f32, max_lines: usize) -> (Vec<Line>, bool) {
        let mut lines: Vec<String> = Vec::new();
        let mut current = String::new();
        let mut words = text.split(' ').filter(|w| !w.is_empty());
        let mut rest: Option<String> = None;
        loop {
            let word = match rest.take() {
                Some(w) => w,
                None => match words.next() {
                    Some(w) => w.to_owned(),
                    None => break,
                },
            };
            let candidate = if current.is_empty() {
                word.clone()
            } else {
                format!("{current} {word}")
            };
            if self.width(&candidate) <= max_em {
                current = candidate;
                continue;
            }
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
                rest = Some(word);
                if lines.len() > max_lines {
                    break;
                }
                continue;
            }
            // A single word wider than the line (a long URL, say) is broken
            // at the last syllable boundary that fits, but always after at
            // least one syllable so that wrapping makes progress.
            let (head, tail) = self.break_word(&word, max_em);
            lines.push(head);
            if !tail.is_empty() {
                rest = Some(tail);
            }
            if lines.len() > max_lines {
                break;
            }
        }
        if !current.is_empty() {
            lines.push(current);
        }
        let truncated = lines.len() > max_lines;
        lines.truncate(max_lines);
        let count = lines.len();
        let laid_out = lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                if truncated && i + 1 == count {
                    self.fit(l, max_em, true)
                } else {
                    self.line(l)
                }
            })
            .collect();
        (laid_out, truncated)
    }

    fn break_word(&self, word: &str, max_em: f32) -> (String, String) {
        let chars: Vec<(usize, char)> = word.char_indices().collect();
        let mut cuts = Vec::new();
        for pair in chars.windows(2) {
            if may_cut_between(pair[0].1, pair[1].1) {
                cuts.push(pair[1].0);
            }
        }
        let mut best = None;
        let (mut lo, mut hi) = (0usize, cuts.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.width(&word[..cuts[mid]]) <= max_em {
                best = Some(cuts[mid]);
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let at = best.or_else(|| cuts.first().copied()).unwrap_or(word.len());
        (word[..at].to_owned(), word[at..].to_owned())
    }
}
