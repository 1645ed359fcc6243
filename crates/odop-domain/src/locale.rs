//! The two languages every page and message is written in.

use std::fmt;
use std::str::FromStr;

/// A language the platform speaks. English is the fallback for anything
/// not yet translated, because every string is written in English first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    En,
    Hi,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Hi];

    /// The BCP 47 code, as used in `lang` attributes, cookies and URLs.
    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Hi => "hi",
        }
    }

    /// The language's name in its own script, as shown on the language switch.
    pub fn endonym(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::Hi => "हिन्दी",
        }
    }

    /// The other language: what the switch on every page offers.
    pub fn other(self) -> Locale {
        match self {
            Locale::En => Locale::Hi,
            Locale::Hi => Locale::En,
        }
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {0:?}: use \"en\" (English) or \"hi\" (Hindi)")]
pub struct UnknownLocale(pub String);

impl FromStr for Locale {
    type Err = UnknownLocale;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "en" => Ok(Locale::En),
            "hi" => Ok(Locale::Hi),
            other => Err(UnknownLocale(other.chars().take(16).collect())),
        }
    }
}

/// A text held in both languages, such as a district's name.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Bilingual {
    pub en: String,
    pub hi: String,
}

impl Bilingual {
    pub fn new(en: impl Into<String>, hi: impl Into<String>) -> Self {
        Self {
            en: en.into(),
            hi: hi.into(),
        }
    }

    pub fn get(&self, locale: Locale) -> &str {
        match locale {
            Locale::En => &self.en,
            Locale::Hi => &self.hi,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_codes_are_refused() {
        for locale in Locale::ALL {
            assert_eq!(locale.code().parse::<Locale>().unwrap(), locale);
        }
        assert!("fr".parse::<Locale>().is_err());
        assert!("HI".parse::<Locale>().is_err());
        assert!("".parse::<Locale>().is_err());
    }

    #[test]
    fn the_switch_offers_the_other_language() {
        assert_eq!(Locale::En.other(), Locale::Hi);
        assert_eq!(Locale::Hi.other(), Locale::En);
    }

    #[test]
    fn bilingual_text_is_picked_by_locale() {
        let name = Bilingual::new("Lucknow", "लखनऊ");
        assert_eq!(name.get(Locale::En), "Lucknow");
        assert_eq!(name.get(Locale::Hi), "लखनऊ");
    }
}
