//! URL slugs: the public, stable keys of divisions, districts and products.

use std::fmt;

/// The longest slug accepted; longer input is rejected before any lookup.
pub const MAX_SLUG_LEN: usize = 64;

/// A lowercase ASCII identifier such as `sant-kabir-nagar`.
///
/// Slugs are what URLs and the API use to name things, so they are kept to a
/// shape that never needs escaping: letters `a-z`, digits and single hyphens
/// between them.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Slug(String);

/// Why a string is not a slug; the message is written for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error("a slug cannot be empty")]
    Empty,
    #[error("a slug is at most {MAX_SLUG_LEN} characters long")]
    TooLong,
    #[error("a slug may contain only lowercase letters a-z, digits and hyphens")]
    InvalidCharacter,
    #[error("a slug cannot start or end with a hyphen, or contain two in a row")]
    MisplacedHyphen,
}

impl Slug {
    pub fn parse(input: &str) -> Result<Self, SlugError> {
        if input.is_empty() {
            return Err(SlugError::Empty);
        }
        if input.len() > MAX_SLUG_LEN {
            return Err(SlugError::TooLong);
        }
        if !input
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(SlugError::InvalidCharacter);
        }
        if input.starts_with('-') || input.ends_with('-') || input.contains("--") {
            return Err(SlugError::MisplacedHyphen);
        }
        Ok(Self(input.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Slug {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<'de> serde::Deserialize<'de> for Slug {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Slug::parse(&raw).map_err(|e| serde::de::Error::custom(format!("{raw:?}: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_lowercase_words_joined_by_single_hyphens() {
        for ok in ["lucknow", "sant-kabir-nagar", "a", "zone-9", "2018"] {
            assert_eq!(Slug::parse(ok).unwrap().as_str(), ok);
        }
    }

    #[test]
    fn rejects_each_malformed_shape_with_its_own_reason() {
        let long = "a".repeat(MAX_SLUG_LEN + 1);
        let cases: &[(&str, SlugError)] = &[
            ("", SlugError::Empty),
            (&long, SlugError::TooLong),
            ("Lucknow", SlugError::InvalidCharacter),
            ("lucknow.html", SlugError::InvalidCharacter),
            ("../etc/passwd", SlugError::InvalidCharacter),
            ("लखनऊ", SlugError::InvalidCharacter),
            ("sant kabir", SlugError::InvalidCharacter),
            ("-agra", SlugError::MisplacedHyphen),
            ("agra-", SlugError::MisplacedHyphen),
            ("sant--kabir", SlugError::MisplacedHyphen),
        ];
        for (input, expected) in cases {
            assert_eq!(Slug::parse(input).unwrap_err(), *expected, "input {input:?}");
        }
    }

    #[test]
    fn the_longest_allowed_slug_is_accepted() {
        assert!(Slug::parse(&"a".repeat(MAX_SLUG_LEN)).is_ok());
    }
}

#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Whatever arrives in a URL, parsing answers (never panics), and an
        /// accepted slug is exactly the input and of the documented shape.
        #[test]
        fn parsing_any_text_answers_and_accepts_only_the_documented_shape(input in ".{0,80}") {
            if let Ok(slug) = Slug::parse(&input) {
                prop_assert_eq!(slug.as_str(), input.as_str());
                prop_assert!(input.len() <= MAX_SLUG_LEN);
                prop_assert!(input.split('-').all(|word| !word.is_empty()
                    && word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())));
            }
        }

        #[test]
        fn every_well_formed_slug_is_accepted(words in prop::collection::vec("[a-z0-9]{1,8}", 1..6)) {
            let input = words.join("-");
            prop_assume!(input.len() <= MAX_SLUG_LEN);
            prop_assert!(Slug::parse(&input).is_ok());
        }
    }
}
