//! Every word a person reads, in English and Hindi, from Fluent files
//! compiled into the binary (`i18n/en.ftl`, `i18n/hi.ftl`).

use std::borrow::Cow;
use std::sync::Arc;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_langneg::{NegotiationStrategy, negotiate_languages};
use odop_domain::Locale;
use unic_langid::LanguageIdentifier;

const SOURCES: [(Locale, &str); 2] = [
    (Locale::En, include_str!("../i18n/en.ftl")),
    (Locale::Hi, include_str!("../i18n/hi.ftl")),
];

/// The message catalogue of both languages.
pub struct Catalog {
    en: FluentBundle<FluentResource>,
    hi: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Catalog")
    }
}

fn language_id(locale: Locale) -> LanguageIdentifier {
    locale
        .code()
        .parse()
        .expect("locale codes are valid language identifiers")
}

fn bundle(locale: Locale, source: &str) -> Result<FluentBundle<FluentResource>, String> {
    let resource = FluentResource::try_new(source.to_owned())
        .map_err(|(_, errors)| format!("{locale}.ftl does not parse: {errors:?}"))?;
    let mut bundle = FluentBundle::new_concurrent(vec![language_id(locale)]);
    // Unicode isolation marks are for plain-text output; in HTML they only
    // get in the way of copy and paste.
    bundle.set_use_isolating(false);
    bundle
        .add_resource(resource)
        .map_err(|errors| format!("{locale}.ftl has duplicate messages: {errors:?}"))?;
    Ok(bundle)
}

impl Catalog {
    /// Loads the catalogue compiled into the binary. Its files are checked by
    /// tests, so a failure here is a build defect, reported as such.
    pub fn load() -> Result<Self, String> {
        let [(_, en), (_, hi)] = SOURCES;
        Ok(Self {
            en: bundle(Locale::En, en)?,
            hi: bundle(Locale::Hi, hi)?,
        })
    }

    fn bundle(&self, locale: Locale) -> &FluentBundle<FluentResource> {
        match locale {
            Locale::En => &self.en,
            Locale::Hi => &self.hi,
        }
    }

    /// The message `id` in `locale`, falling back to English and then to the
    /// id itself, so that a missing translation shows, but never breaks a page.
    pub fn message(&self, locale: Locale, id: &str, args: Option<&FluentArgs>) -> Cow<'_, str> {
        for candidate in [locale, Locale::En] {
            let bundle = self.bundle(candidate);
            if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, args, &mut errors);
                if !errors.is_empty() {
                    tracing::warn!(message_id = id, %candidate, ?errors, "message formatted with errors");
                    // A variable left unfilled shows as `{$limit}` to the
                    // reader: in tests (debug builds) it fails at once.
                    debug_assert!(false, "message {id} formatted with errors: {errors:?}");
                }
                return text;
            }
            tracing::warn!(message_id = id, %candidate, "message missing");
        }
        Cow::Owned(id.to_owned())
    }

    /// Every message id of a language, for the tests that keep both files in step.
    pub fn ids(locale: Locale) -> Vec<String> {
        let source = SOURCES
            .iter()
            .find(|(l, _)| *l == locale)
            .map(|(_, s)| *s)
            .unwrap_or_default();
        let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(r, _)| r);
        resource
            .entries()
            .filter_map(|entry| match entry {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                _ => None,
            })
            .collect()
    }
}

/// Picks the language for a visitor without a choice on record, from the
/// browser's `Accept-Language`: Hindi when the browser prefers it to English,
/// English otherwise.
pub fn negotiate(accept_language: &str) -> Locale {
    let requested = fluent_langneg::accepted_languages::parse(accept_language);
    let available: Vec<LanguageIdentifier> = Locale::ALL.into_iter().map(language_id).collect();
    let default = language_id(Locale::default());
    negotiate_languages(&requested, &available, Some(&default), NegotiationStrategy::Lookup)
        .first()
        .and_then(|id| id.language.as_str().parse().ok())
        .unwrap_or_default()
}

/// The translator a page renders with: a locale and the catalogue.
#[derive(Clone, Debug)]
pub struct Tr {
    locale: Locale,
    catalog: Arc<Catalog>,
}

impl Tr {
    pub fn new(locale: Locale, catalog: Arc<Catalog>) -> Self {
        Self { locale, catalog }
    }

    pub fn locale(&self) -> Locale {
        self.locale
    }

    /// The language code for `lang` attributes.
    pub fn lang(&self) -> &'static str {
        self.locale.code()
    }

    /// A message without arguments.
    pub fn t(&self, id: &str) -> String {
        self.catalog.message(self.locale, id, None).into_owned()
    }

    /// A message with one argument, the common case in templates.
    pub fn t1(&self, id: &str, name: &str, value: impl ToString) -> String {
        self.with(id, &[(name, Arg::from(value.to_string()))])
    }

    /// A message with several arguments; numbers select plural forms.
    pub fn with(&self, id: &str, args: &[(&str, Arg)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            let value = match value {
                Arg::Text(text) => FluentValue::from(text.clone()),
                Arg::Number(n) => FluentValue::from(*n),
            };
            fluent_args.set(*name, value);
        }
        self.catalog.message(self.locale, id, Some(&fluent_args)).into_owned()
    }

    /// An instant as people in India read it: in IST, whatever the server's zone.
    pub fn when(&self, instant: chrono::DateTime<chrono::Utc>) -> String {
        let ist = chrono::FixedOffset::east_opt(5 * 3600 + 30 * 60).expect("IST is a valid offset");
        let local = instant.with_timezone(&ist);
        match self.locale {
            Locale::En => local.format("%-d %b %Y, %H:%M IST").to_string(),
            Locale::Hi => local.format("%d-%m-%Y, %H:%M IST").to_string(),
        }
    }

    /// How long ago `since` was, in the largest whole unit: "3 days".
    pub fn age(&self, since: chrono::DateTime<chrono::Utc>, now: chrono::DateTime<chrono::Utc>) -> String {
        let elapsed = (now - since).max(chrono::Duration::zero());
        let (id, count) = if elapsed.num_days() >= 1 {
            ("age-days", elapsed.num_days())
        } else if elapsed.num_hours() >= 1 {
            ("age-hours", elapsed.num_hours())
        } else {
            ("age-minutes", elapsed.num_minutes())
        };
        self.with(id, &[("count", Arg::Number(count))])
    }

    /// A bilingual value in this translator's language.
    pub fn pick<'a>(&self, text: &'a odop_domain::Bilingual) -> &'a str {
        text.get(self.locale)
    }
}

/// A message argument: text is shown as is, a number also chooses the plural form.
#[derive(Clone, Debug)]
pub enum Arg {
    Text(String),
    Number(i64),
}

impl From<String> for Arg {
    fn from(text: String) -> Self {
        Arg::Text(text)
    }
}

impl From<&str> for Arg {
    fn from(text: &str) -> Self {
        Arg::Text(text.to_owned())
    }
}

impl From<usize> for Arg {
    fn from(n: usize) -> Self {
        Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_define_the_same_messages() {
        let mut en = Catalog::ids(Locale::En);
        let mut hi = Catalog::ids(Locale::Hi);
        en.sort();
        hi.sort();
        let missing_in_hi: Vec<_> = en.iter().filter(|id| !hi.contains(id)).collect();
        let missing_in_en: Vec<_> = hi.iter().filter(|id| !en.contains(id)).collect();
        assert!(missing_in_hi.is_empty(), "untranslated into Hindi: {missing_in_hi:?}");
        assert!(missing_in_en.is_empty(), "only in Hindi: {missing_in_en:?}");
        assert!(en.len() > 20);
    }

    #[test]
    fn both_catalogues_parse_and_hindi_is_written_in_devanagari() {
        let catalog = Arc::new(Catalog::load().unwrap());
        let hi = Tr::new(Locale::Hi, catalog.clone());
        let en = Tr::new(Locale::En, catalog);
        assert_eq!(en.t("site-tagline"), "One District One Product");
        assert_eq!(hi.t("site-tagline"), "एक जनपद एक उत्पाद");
    }

    #[test]
    fn every_message_the_templates_and_handlers_use_exists() {
        let catalog = Catalog::load().unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut used = Vec::new();
        let mut stack = vec![root.join("templates"), root.join("src/pages")];
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for call in [".t(\"", ".t1(\"", ".with(\""] {
                for piece in text.split(call).skip(1) {
                    used.push(piece.split('"').next().unwrap().to_owned());
                }
            }
            // Form macros take message ids as arguments: `m::text(tr, errors, name, LABEL, …)`,
            // `m::hinted(…, LABEL, HINT, value)`, `m::file(…, LABEL, HINT)`.
            for (macro_name, ids) in [("m::text(", 1), ("m::hinted(", 2), ("m::file(", 2)] {
                for piece in text.split(macro_name).skip(1) {
                    let arguments: Vec<&str> = piece.split(')').next().unwrap().split(',').map(str::trim).collect();
                    for argument in &arguments[3..3 + ids] {
                        used.push(argument.trim_matches('"').to_owned());
                    }
                }
            }
        }
        assert!(!used.is_empty());
        let defined = Catalog::ids(Locale::En);
        for id in used {
            assert!(
                defined.contains(&id),
                "templates use {id:?}, which en.ftl does not define"
            );
            assert!(catalog.en.has_message(&id) && catalog.hi.has_message(&id));
        }
    }

    /// Ids built at run time from codes (`status-{code}`…) exist for every code.
    #[test]
    fn every_message_built_from_a_code_exists() {
        use odop_domain::onboarding::{ApplicationStatus, DocumentKind};
        let mut ids: Vec<String> = Vec::new();
        for status in ApplicationStatus::ALL {
            ids.push(format!("status-{}", status.code()));
            ids.push(format!("next-step-{}", status.code()));
        }
        for action in ["submitted", "resubmitted", "approved", "returned", "rejected"] {
            ids.push(format!("event-{action}"));
        }
        for kind in DocumentKind::ALL {
            ids.push(format!("document-{}", kind.code().replace('_', "-")));
        }
        for kind in ["vendor", "sub-vendor"] {
            ids.push(format!("kind-{kind}"));
        }
        for role in ["district_officer", "state_admin", "outlet_operator", "finance"] {
            ids.push(format!("role-{}", role.replace('_', "-")));
        }
        for status in ["invited", "active", "left", "removed", "declined"] {
            ids.push(format!("tie-status-{status}"));
        }
        for status in ["draft", "active", "paused", "deleted"] {
            ids.push(format!("listing-status-{status}"));
            ids.push(format!("listing-not-public-{status}"));
        }
        for sort in ["relevance", "price-asc", "price-desc", "newest"] {
            ids.push(format!("sort-{sort}"));
        }
        for problem in [
            odop_media::PhotoError::Empty,
            odop_media::PhotoError::TooLarge,
            odop_media::PhotoError::WrongType,
            odop_media::PhotoError::TooManyPixels,
            odop_media::PhotoError::Unreadable,
        ] {
            ids.push(problem.message_id().to_owned());
        }
        for kind in crate::pages::audit::OBJECT_KINDS {
            ids.push(format!("audit-kind-{}", kind.replace('_', "-")));
        }
        for notice in crate::pages::NOTICES {
            ids.push(format!("notice-{notice}"));
        }
        for locale in Locale::ALL {
            let defined = Catalog::ids(locale);
            for id in &ids {
                assert!(defined.contains(id), "{locale}.ftl lacks {id}");
            }
        }
    }

    #[test]
    fn plural_forms_follow_each_language() {
        let catalog = Arc::new(Catalog::load().unwrap());
        let en = Tr::new(Locale::En, catalog.clone());
        let hi = Tr::new(Locale::Hi, catalog);
        let count = |tr: &Tr, n: usize| tr.with("district-count", &[("count", Arg::from(n))]);
        assert_eq!(count(&en, 1), "1 district");
        assert_eq!(count(&en, 4), "4 districts");
        assert_eq!(count(&hi, 1), "1 जनपद");
        assert_eq!(count(&hi, 4), "4 जनपद");
    }

    #[test]
    fn accept_language_chooses_hindi_only_when_preferred() {
        let cases = [
            ("hi-IN,hi;q=0.9,en-US;q=0.8,en;q=0.7", Locale::Hi),
            ("hi", Locale::Hi),
            ("en-IN,en;q=0.9,hi;q=0.8", Locale::En),
            ("fr-FR,fr;q=0.9", Locale::En),
            ("mr-IN,hi;q=0.8", Locale::Hi),
            ("", Locale::En),
            ("*", Locale::En),
            (";;;,,,q=", Locale::En),
            ("\u{0}\u{ffff}", Locale::En),
        ];
        for (header, expected) in cases {
            assert_eq!(negotiate(header), expected, "Accept-Language: {header:?}");
        }
    }

    #[test]
    fn times_are_shown_in_ist() {
        let catalog = Arc::new(Catalog::load().unwrap());
        let instant = chrono::DateTime::parse_from_rfc3339("2026-11-23T20:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            Tr::new(Locale::En, catalog.clone()).when(instant),
            "24 Nov 2026, 01:30 IST"
        );
        assert_eq!(
            Tr::new(Locale::Hi, catalog.clone()).when(instant),
            "24-11-2026, 01:30 IST"
        );
        let en = Tr::new(Locale::En, catalog);
        let later = |minutes| instant + chrono::Duration::minutes(minutes);
        assert_eq!(en.age(instant, later(5)), "5 minutes");
        assert_eq!(en.age(instant, later(61)), "1 hour");
        assert_eq!(en.age(instant, later(3 * 24 * 60)), "3 days");
    }

    #[test]
    fn a_missing_message_shows_its_id_instead_of_failing() {
        let catalog = Catalog::load().unwrap();
        assert_eq!(catalog.message(Locale::Hi, "no-such-message", None), "no-such-message");
    }

    /// Every message of the catalogue is shown somewhere: named in the
    /// code or a template, or made from a prefix there (`"notice-{}"`).
    #[test]
    fn every_message_is_used() {
        let mut sources = String::new();
        // Rules elsewhere name their messages too (`odop_domain`, `odop_media`).
        for dir in [
            "src",
            "templates",
            "../odop-domain/src",
            "../odop-media/src",
            "../odop-store/src",
        ] {
            collect(
                &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir),
                &mut sources,
            );
        }
        let prefixes: Vec<String> = sources
            .match_indices("-{")
            .filter_map(|(at, _)| {
                let start = sources[..at].rfind(['"', '(', ' '])? + 1;
                let prefix = &sources[start..=at];
                prefix
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-')
                    .then(|| prefix.to_owned())
            })
            .collect();
        let unused: Vec<String> = Catalog::ids(Locale::En)
            .into_iter()
            .filter(|id| {
                !sources.contains(&format!("\"{id}\"")) && !prefixes.iter().any(|p| id.starts_with(p.as_str()))
            })
            .collect();
        assert!(unused.is_empty(), "messages nothing shows: {unused:?}");
    }

    /// A Hindi message is not the English one copied: every message with
    /// English words in it is translated (names and codes may stay).
    #[test]
    fn every_message_is_translated() {
        let messages = |source: &str| -> Vec<(String, String)> {
            let mut messages: Vec<(String, String)> = Vec::new();
            for line in source.lines() {
                match line.split_once(" = ") {
                    Some((id, value)) if !line.starts_with([' ', '#', '}', '[', '*']) => {
                        messages.push((id.to_owned(), value.to_owned()))
                    }
                    _ if line.starts_with(' ') => {
                        if let Some(last) = messages.last_mut() {
                            last.1.push_str(line);
                        }
                    }
                    _ => {}
                }
            }
            messages
        };
        let [(_, en), (_, hi)] = SOURCES;
        let hindi = messages(hi);
        let words = |text: &str| {
            // Words outside placeables: what a reader reads.
            let text = tests::strip_between(text, "{", "}");
            text.split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| w.len() > 3)
                .count()
        };
        let copied: Vec<String> = messages(en)
            .into_iter()
            .filter(|(id, value)| words(value) > 1 && hindi.iter().any(|(hid, hvalue)| hid == id && hvalue == value))
            .map(|(id, _)| id)
            .collect();
        assert!(copied.is_empty(), "hi.ftl copies English for {copied:?}");
    }

    fn collect(dir: &std::path::Path, into: &mut String) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                collect(&path, into);
            } else if path.extension().is_some_and(|e| e == "rs" || e == "html") {
                into.push_str(&std::fs::read_to_string(&path).unwrap());
                into.push('\n');
            }
        }
    }

    /// No visible English in templates: every word a person reads comes
    /// from the catalogue, in their language. Checked in text between tags
    /// and in the attributes read aloud or shown (labels, titles,
    /// placeholders, alternative text).
    #[test]
    fn templates_hold_no_untranslated_words() {
        // Names that are the same in both languages, and language names.
        const ALLOWED: &[&str] = &[
            "ODOP", "English", "GST", "GSTIN", "PAN", "IFSC", "UPI", "SMS", "API", "JSON", "PNG", "IST", "WhatsApp",
        ];
        let mut offenders = Vec::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut files = Vec::new();
        list_templates(&root, &mut files);
        // The development outbox is a tool for developers, never served
        // in production, and English only.
        files.retain(|path| !path.starts_with(root.join("dev")));
        for path in files {
            let source = std::fs::read_to_string(&path).unwrap();
            // Template code and expressions are not text.
            let mut text = strip_between(&source, "{%", "%}");
            text = strip_between(&text, "{{", "}}");
            text = strip_between(&text, "{#", "#}");
            let mut visible = String::new();
            for (i, part) in text.split('<').enumerate() {
                let (tag, rest) = if i == 0 {
                    ("", part)
                } else {
                    part.split_once('>').unwrap_or((part, ""))
                };
                if !tag.starts_with("style") && !tag.starts_with("script") {
                    visible.push(' ');
                    visible.push_str(rest);
                }
                for attribute in ["aria-label=\"", "title=\"", "placeholder=\"", "alt=\""] {
                    if let Some((_, value)) = tag.split_once(attribute) {
                        visible.push(' ');
                        visible.push_str(value.split('"').next().unwrap_or_default());
                    }
                }
            }
            for word in visible.split(|c: char| !c.is_ascii_alphabetic()) {
                if word.len() > 1 && !ALLOWED.contains(&word) {
                    offenders.push(format!("{}: {word}", path.strip_prefix(&root).unwrap().display()));
                }
            }
        }
        assert!(offenders.is_empty(), "untranslated words in templates: {offenders:#?}");
    }

    fn list_templates(dir: &std::path::Path, into: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                list_templates(&path, into);
            } else if path.extension().is_some_and(|e| e == "html") {
                into.push(path);
            }
        }
    }

    fn strip_between(text: &str, open: &str, close: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find(open) {
            out.push_str(&rest[..start]);
            match rest[start..].find(close) {
                Some(end) => rest = &rest[start + end + close.len()..],
                None => {
                    rest = "";
                }
            }
            out.push(' ');
        }
        out.push_str(rest);
        out
    }
}
