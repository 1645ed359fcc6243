//! Text as the index sees it.
//!
//! People write a product's name in Devanagari or in Latin letters, and the
//! same word in many spellings: `चिकनकारी`, `chikankari`, `chikenkari`;
//! `बनारसी साड़ी`, `banarasi saree`, `banarsi sari`. Two things bring them
//! together:
//!
//! * [`normalize`]: lowercase, punctuation out, and Devanagari variants
//!   folded (the nukta dropped, chandrabindu written as anusvara), so that
//!   `ज़री` and `जरी` are one word;
//! * [`phonetic_key`]: a lossy key computed the same way from both scripts.
//!   Devanagari is first transliterated to ISO 15919 (with vidyut-lipi),
//!   then both scripts go through the same folding: diacritics and vowel
//!   length dropped, common spelling variants merged (`ch`/`c`, `sh`/`s`,
//!   `ee`/`i`, `oo`/`u`, `w`/`v`, aspirates to plain consonants, doubled
//!   letters to one), and every `a` after the first letter dropped, since
//!   Hindi speakers do not write the inherent vowels the script implies
//!   (`cikanakārī` → `ciknkri` ← `chikankari`). Search then also matches
//!   keys within an edit distance, which absorbs typing mistakes.

use std::sync::LazyLock;

use vidyut_lipi::{Mapping, Scheme};

static DEVANAGARI_TO_ISO: LazyLock<Mapping> = LazyLock::new(|| Mapping::new(Scheme::Devanagari, Scheme::Iso15919));

fn is_devanagari(c: char) -> bool {
    ('\u{0900}'..='\u{097F}').contains(&c)
}

/// Whether a text has Devanagari in it: the buyer is typing in Hindi.
pub fn is_devanagari_text(text: &str) -> bool {
    text.chars().any(is_devanagari)
}

/// Lowercase words separated by single spaces, with Devanagari spelling
/// variants folded. What the index stores and queries are compared in.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    for c in text.chars() {
        let folded = match c {
            '\u{093C}' => continue,
            '\u{0958}' => 'क',
            '\u{0959}' => 'ख',
            '\u{095A}' => 'ग',
            '\u{095B}' => 'ज',
            '\u{095C}' => 'ड',
            '\u{095D}' => 'ढ',
            '\u{095E}' => 'फ',
            '\u{095F}' => 'य',
            '\u{0901}' => '\u{0902}',
            // Danda, double danda and Devanagari digits' neighbours are punctuation.
            '\u{0964}' | '\u{0965}' | '\u{0970}' => ' ',
            c if is_devanagari(c) || c.is_alphanumeric() => c,
            _ => ' ',
        };
        if folded == ' ' {
            if !space {
                out.push(' ');
                space = true;
            }
            continue;
        }
        out.extend(folded.to_lowercase());
        space = false;
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The words of a text, normalized.
pub fn words(text: &str) -> Vec<String> {
    normalize(text)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Words that join others ("की", "ka", "of", "with") and say nothing about
/// the product. A query does not require them, because each matches most of
/// the catalogue in its language: "chamde ka bag" is a search for leather
/// bags, and requiring "ka" would only make it slower.
const FILLER_WORDS: &[&str] = &[
    "की",
    "का",
    "के",
    "को",
    "में",
    "से",
    "और",
    "पर",
    "व",
    "एवं",
    "लिए",
    "वाला",
    "वाली",
    "वाले",
    "ka",
    "ki",
    "ke",
    "ko",
    "me",
    "mein",
    "se",
    "aur",
    "evam",
    "liye",
    "wala",
    "wali",
    "wale",
    "vala",
    "vali",
    "vale",
    "a",
    "an",
    "the",
    "of",
    "for",
    "with",
    "and",
    "in",
    "on",
    "to",
    "by",
];

static FILLERS: LazyLock<std::collections::HashSet<String>> =
    LazyLock::new(|| FILLER_WORDS.iter().map(|w| normalize(w)).collect());

/// Whether a normalized word is one of the [`FILLER_WORDS`].
pub fn is_filler(word: &str) -> bool {
    FILLERS.contains(word)
}

/// The words of a text as written, lowercased, with precomposed nukta
/// letters spelt as letter and nukta: what phonetic keys are computed from,
/// since the nukta changes the sound (`ड` is d, `ड़` is r).
pub fn spoken_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        let base = match c {
            '\u{0958}' => Some('क'),
            '\u{0959}' => Some('ख'),
            '\u{095A}' => Some('ग'),
            '\u{095B}' => Some('ज'),
            '\u{095C}' => Some('ड'),
            '\u{095D}' => Some('ढ'),
            '\u{095E}' => Some('फ'),
            '\u{095F}' => Some('य'),
            _ => None,
        };
        if let Some(base) = base {
            word.push(base);
            word.push('\u{093C}');
        } else if c == '\u{0901}' {
            word.push('\u{0902}');
        } else if (is_devanagari(c) && !matches!(c, '\u{0964}' | '\u{0965}' | '\u{0970}')) || c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// The phonetic keys of a text's words, every variant of each (see
/// [`phonetic_key_variants`]): what the index holds.
pub fn phonetic_keys(text: &str) -> Vec<String> {
    spoken_words(text)
        .iter()
        .flat_map(|w| phonetic_key_variants(w))
        .collect()
}

/// Latin letters with the marks ISO 15919 and people put on them, as plain letters.
fn plain_latin(c: char) -> Option<char> {
    Some(match c {
        'a'..='z' => c,
        'ā' | 'á' | 'à' | 'â' | 'ä' => 'a',
        'ī' | 'í' | 'ì' | 'î' | 'ï' => 'i',
        'ū' | 'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ē' | 'é' | 'è' | 'ê' | 'ë' => 'e',
        'ō' | 'ó' | 'ò' | 'ô' | 'ö' => 'o',
        'ṛ' | 'ṝ' => 'r',
        'ḷ' | 'ḹ' => 'l',
        'ṃ' | 'ṁ' | 'ṅ' | 'ñ' | 'ṇ' => 'n',
        'ṭ' => 't',
        'ḍ' => 'd',
        'ś' | 'ṣ' => 's',
        'ḻ' => 'l',
        _ => return None,
    })
}

/// Spelling variants merged, longest first so that `chh` wins over `ch`.
/// `rh` is how people type ढ़ (`padhai`, `parhai`).
const MERGES: &[(&str, &str)] = &[
    ("chh", "c"),
    ("ch", "c"),
    ("sh", "s"),
    ("ph", "f"),
    ("kh", "k"),
    ("gh", "g"),
    ("th", "t"),
    ("dh", "d"),
    ("rh", "r"),
    ("bh", "b"),
    ("jh", "j"),
    ("ck", "k"),
    ("ee", "i"),
    ("ii", "i"),
    ("oo", "u"),
    ("uu", "u"),
    ("aa", "a"),
    ("ai", "e"),
    ("au", "o"),
    ("w", "v"),
    ("z", "j"),
    ("q", "k"),
    ("x", "ks"),
];

/// Plural and oblique endings of Hindi nouns as people spell them after
/// the merges (`chudiyan`, `chudiyon`, `चूड़ियाँ`, `चूड़ियों`): taken off
/// so that every form of a word meets its singular.
const HINDI_PLURALS: &[&str] = &["iyan", "iyon", "iyo"];

static ENGLISH_STEMMER: LazyLock<rust_stemmers::Stemmer> =
    LazyLock::new(|| rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English));

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

/// The phonetic key of one word (see the module's notes). Words of digits
/// keep their digits, so that sizes and weights still match exactly.
///
/// The steps, each applied alike to both scripts so that they meet:
/// 1. Devanagari is transliterated, and a final inherent vowel is dropped
///    as Hindi speech drops it (`सफ़ेद` is `safed`, not `safeda`);
/// 2. marks come off the letters, and the English (Snowball) stemmer folds
///    inflections (`carvings`, `carved` and `carving` meet; `juttis` meets
///    `jutti`);
/// 3. spelling variants merge ([`MERGES`]);
/// 4. (see [`phonetic_key_variants`] for ड़ typed as `d`);
/// 5. Hindi plural endings and one final vowel come off (`diya`, `diye`,
///    `दीये`; `chudi`, `chudiyan`, `चूड़ियाँ`; `khilona`, `khilone`);
/// 6. doubled letters become one (`jutti`, `juti`), and every `a` and `h`
///    after the first letter goes, since Hindi speakers do not write the
///    inherent vowels the script implies (`cikanakārī` ~ `chikankari`).
pub fn phonetic_key(word: &str) -> String {
    phonetic_key_variants(word).swap_remove(0)
}

/// The phonetic key of a word, and for a word in Latin letters with a `d`
/// after its first letter, a second key with every such `d` as `r`. ड़ and
/// ढ़ are typed as `d`/`dh` as often as `r`/`rh` (`ghoda`, `ghora`,
/// `घोड़ा`; `lakdi`, `lakri`, `लकड़ी`), while in Devanagari the letter
/// itself says which it is: so a Latin word is indexed and searched under
/// both readings, a Devanagari word under its own.
pub fn phonetic_key_variants(word: &str) -> Vec<String> {
    if word.bytes().all(|b| b.is_ascii_digit()) {
        return vec![word.to_owned()];
    }
    let devanagari = word.chars().any(is_devanagari);
    let latin = if devanagari {
        let mut iso = vidyut_lipi::transliterate(word, &DEVANAGARI_TO_ISO);
        // ISO 15919 writes the inherent vowel as a plain `a` (a long one is
        // `ā`): a word ending in it ends, as spoken, in its consonant.
        if iso.ends_with('a') && iso.chars().count() > 2 {
            iso.pop();
        }
        iso
    } else {
        word.to_owned()
    };
    let mut letters = String::with_capacity(latin.len());
    for c in latin.chars().flat_map(char::to_lowercase) {
        if let Some(plain) = plain_latin(c) {
            letters.push(plain);
        } else if c.is_ascii_digit() {
            letters.push(c);
        }
        // Combining marks and anything else left by transliteration are dropped.
    }
    let stemmed = ENGLISH_STEMMER.stem(&letters).into_owned();
    let mut merged = if stemmed.is_empty() { letters } else { stemmed };
    for (from, to) in MERGES {
        if merged.contains(from) {
            merged = merged.replace(from, to);
        }
    }
    let mut keys = vec![finish_key(merged.clone())];
    if !devanagari && merged.get(1..).is_some_and(|rest| rest.contains('d')) {
        let flapped: String = merged
            .char_indices()
            .map(|(i, c)| if c == 'd' && i > 0 { 'r' } else { c })
            .collect();
        let key = finish_key(flapped);
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}

/// Steps 5 and 6 of [`phonetic_key`], on letters already merged.
fn finish_key(mut folded: String) -> String {
    for ending in HINDI_PLURALS {
        if folded.len() >= ending.len() + 2 && folded.ends_with(ending) {
            folded.truncate(folded.len() - ending.len());
            break;
        }
    }
    if folded.len() > 2 && folded.ends_with(is_vowel) {
        folded.pop();
    }
    let mut key = String::with_capacity(folded.len());
    let mut previous = None;
    for (i, c) in folded.chars().enumerate() {
        if previous == Some(c) {
            continue;
        }
        previous = Some(c);
        if c == 'a' && i > 0 {
            continue;
        }
        // 'h' left alone after a vowel is mostly silent in typed Hindi.
        if c == 'h' && i > 0 {
            continue;
        }
        key.push(c);
    }
    if key.is_empty() { folded } else { key }
}

/// How far a query word's key may be from an indexed key and still match:
/// none for short keys (too many near neighbours), one or two for longer.
pub fn tolerance(key: &str) -> u8 {
    match key.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each word's readings.
    fn readings(text: &str) -> Vec<Vec<String>> {
        spoken_words(text).iter().map(|w| phonetic_key_variants(w)).collect()
    }

    /// The least distance between some reading of each word of `a` and
    /// some reading of the same word of `b`, summed over the words.
    fn distance(a: &str, b: &str) -> usize {
        let (a, b) = (readings(a), readings(b));
        assert_eq!(a.len(), b.len(), "{a:?} {b:?}");
        a.iter()
            .zip(&b)
            .map(|(x, y)| {
                x.iter()
                    .flat_map(|x| y.iter().map(move |y| levenshtein(x, y)))
                    .min()
                    .unwrap()
            })
            .sum()
    }

    fn key(text: &str) -> String {
        spoken_words(text)
            .iter()
            .map(|w| phonetic_key(w))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn devanagari_variants_meet_after_normalizing() {
        assert_eq!(normalize("ज़री-ज़रदोज़ी"), normalize("जरी जरदोजी"));
        assert_eq!(normalize("ज\u{093C}री"), "जरी");
        assert_eq!(normalize("चाँद"), normalize("चांद"));
        assert_eq!(normalize("  Banarasi   SAREE!! "), "banarasi saree");
        assert_eq!(normalize("कुर्ता। साड़ी॥"), "कुर्ता साडी");
        assert_eq!(spoken_words("साड़ी, कुर्ता!"), ["साड\u{93c}ी", "कुर्ता"]);
        assert_eq!(words("White kurta, size M"), ["white", "kurta", "size", "m"]);
    }

    /// The spellings people actually type meet the registry's Devanagari.
    #[test]
    fn both_scripts_meet_in_the_phonetic_key() {
        let same = [
            ("chikankari", "चिकनकारी"),
            ("chikan", "चिकन"),
            ("kurta", "कुर्ता"),
            ("banarasi", "बनारसी"),
            ("banarsi", "बनारसी"),
            ("saree", "साड़ी"),
            ("sari", "साड़ी"),
            ("saari", "साड़ी"),
            ("pital", "पीतल"),
            ("peetal", "पीतल"),
            ("khilone", "खिलौने"),
            ("zari zardozi", "ज़री ज़रदोज़ी"),
            ("jari", "ज़री"),
            ("resham", "रेशम"),
            ("agra", "आगरा"),
            ("gorakhpur", "गोरखपुर"),
            ("kala namak", "काला नमक"),
            ("bhadohi", "भदोही"),
            // ड़ typed as d or r; vowel length and doubled letters.
            ("ghoda", "घोड़ा"),
            ("ghora", "घोड़ा"),
            ("lakdi", "लकड़ी"),
            ("lakri", "लकड़ी"),
            ("chawal", "चावल"),
            ("chaval", "चावल"),
            ("jutti", "जूती"),
            ("juti", "जूती"),
            ("jooti", "जूती"),
            // Word forms in both languages.
            ("diye", "दीया"),
            ("diya", "दीये"),
            ("chudiyan", "चूड़ी"),
            ("chudi", "चूड़ियाँ"),
            ("juttis", "jutti"),
            ("carvings", "carved"),
            ("carving", "carved"),
            ("bangles", "bangle"),
            ("khilona", "खिलौने"),
            ("safed", "सफ़ेद"),
        ];
        for (latin, devanagari) in same {
            assert_eq!(
                distance(latin, devanagari),
                0,
                "{latin} {:?} ~ {devanagari} {:?}",
                readings(latin),
                readings(devanagari)
            );
        }
    }

    /// Typing mistakes stay within the tolerance of the intended word.
    #[test]
    fn typing_mistakes_stay_within_the_tolerance() {
        let near = [
            ("chikenkari", "chikankari"),
            ("chikankri", "चिकनकारी"),
            ("moradabd", "moradabad"),
            ("moradabad", "मुरादाबाद"),
            ("lakdi", "लकड़ी"),
            ("sarees", "साड़ी"),
            ("banarasee", "बनारसी"),
        ];
        for (typed, meant) in near {
            let (a, b) = (key(typed), key(meant));
            let distance = distance(typed, meant);
            assert!(
                distance <= usize::from(tolerance(&b).max(tolerance(&a))),
                "{typed} {:?} vs {meant} {:?}: {distance}",
                readings(typed),
                readings(meant)
            );
        }
    }

    #[test]
    fn unrelated_words_stay_apart() {
        let apart = [
            ("kurta", "kalin"),
            ("brass", "glass"),
            ("saree", "sitar"),
            ("rice", "ring"),
        ];
        for (a, b) in apart {
            let ka = key(a);
            assert!(
                distance(a, b) > usize::from(tolerance(&ka)),
                "{a} {:?} vs {b} {:?}",
                readings(a),
                readings(b)
            );
        }
        assert_eq!(phonetic_key("500"), "500");
    }

    fn levenshtein(a: &str, b: &str) -> usize {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for i in 1..=a.len() {
            let mut previous = row[0];
            row[0] = i;
            for j in 1..=b.len() {
                let current = row[j];
                row[j] = (row[j] + 1)
                    .min(row[j - 1] + 1)
                    .min(previous + usize::from(a[i - 1] != b[j - 1]));
                previous = current;
            }
        }
        row[b.len()]
    }
}
