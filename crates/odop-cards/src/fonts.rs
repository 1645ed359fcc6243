//! The four embedded fonts, the font database handed to usvg, and the
//! shaping-based measurement that line wrapping relies on.
//!
//! Every string on a card is cut into runs of a single script, and each run
//! is drawn with the one font that covers all of its characters. usvg's own
//! per-character fallback merges glyphs from different fonts by index, which
//! goes wrong as soon as a Devanagari conjunct turns three characters into
//! one glyph; choosing the font ourselves sidesteps that, and lets us
//! measure each run with exactly the shaper and font that will draw it.

use std::collections::HashSet;
use std::sync::{Arc, LazyLock};

use harfrust::{FontRef, ShapeOptions, Shaper, ShaperData, UnicodeBuffer};
use resvg::usvg::fontdb;
use skrifa::MetadataProvider;

const SANS_REGULAR: &[u8] = include_bytes!("../fonts/NotoSans-Regular.subset.ttf");
const SANS_BOLD: &[u8] = include_bytes!("../fonts/NotoSans-Bold.subset.ttf");
const DEVA_REGULAR: &[u8] = include_bytes!("../fonts/NotoSansDevanagari-Regular.ttf");
const DEVA_BOLD: &[u8] = include_bytes!("../fonts/NotoSansDevanagari-Bold.ttf");

/// The family names as the fonts declare them; usvg selects by these.
pub(crate) const LATIN_FAMILY: &str = "Noto Sans";
pub(crate) const DEVANAGARI_FAMILY: &str = "Noto Sans Devanagari";

/// Which of the two families draws a run of text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Script {
    Latin,
    Devanagari,
}

impl Script {
    pub(crate) fn family(self) -> &'static str {
        match self {
            Script::Latin => LATIN_FAMILY,
            Script::Devanagari => DEVANAGARI_FAMILY,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

impl Weight {
    pub(crate) fn css(self) -> u16 {
        match self {
            Weight::Regular => 400,
            Weight::Bold => 700,
        }
    }
}

/// One embedded font, parsed once, with harfrust's per-font caches.
pub(crate) struct Face {
    font: FontRef<'static>,
    shaper_data: ShaperData,
    /// Every character the font maps to a glyph other than `.notdef`.
    chars: HashSet<char>,
}

impl Face {
    fn new(data: &'static [u8]) -> Self {
        // The bytes are compiled into the binary, so a failure here is a
        // build defect that every test would catch, not a runtime condition.
        let font = FontRef::new(data).expect("an embedded font failed to parse");
        let shaper_data = ShaperData::new(&font);
        let chars = font
            .charmap()
            .mappings()
            .filter(|(_, glyph)| glyph.to_u32() != 0)
            .filter_map(|(code, _)| char::from_u32(code))
            .collect();
        Self {
            font,
            shaper_data,
            chars,
        }
    }

    /// Whether the font maps this character to a real glyph.
    pub(crate) fn has_char(&self, c: char) -> bool {
        self.chars.contains(&c)
    }

    /// The glyph the font's character map gives for `c`, if any.
    #[cfg(test)]
    pub(crate) fn glyph_index(&self, c: char) -> Option<u32> {
        self.font.charmap().map(c).map(|g| g.to_u32())
    }

    pub(crate) fn shaper(&self) -> Shaper<'_> {
        self.shaper_data.shaper(&self.font).build()
    }
}

struct Fonts {
    latin: [Face; 2],
    devanagari: [Face; 2],
    db: Arc<fontdb::Database>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let mut db = fontdb::Database::new();
    for data in [SANS_REGULAR, SANS_BOLD, DEVA_REGULAR, DEVA_BOLD] {
        db.load_font_source(fontdb::Source::Binary(Arc::new(data)));
    }
    // Generic families in a stray style attribute must still resolve to an
    // embedded font rather than to a name that is not in the database.
    db.set_sans_serif_family(LATIN_FAMILY);
    db.set_serif_family(LATIN_FAMILY);
    Fonts {
        latin: [Face::new(SANS_REGULAR), Face::new(SANS_BOLD)],
        devanagari: [Face::new(DEVA_REGULAR), Face::new(DEVA_BOLD)],
        db: Arc::new(db),
    }
});

/// The bytes of the embedded font that draws `script` in `weight`.
pub(crate) fn bytes(script: Script, weight: Weight) -> &'static [u8] {
    match (script, weight) {
        (Script::Latin, Weight::Regular) => SANS_REGULAR,
        (Script::Latin, Weight::Bold) => SANS_BOLD,
        (Script::Devanagari, Weight::Regular) => DEVA_REGULAR,
        (Script::Devanagari, Weight::Bold) => DEVA_BOLD,
    }
}

/// The shared font database holding only the embedded fonts.
pub(crate) fn database() -> Arc<fontdb::Database> {
    FONTS.db.clone()
}

pub(crate) fn face(script: Script, weight: Weight) -> &'static Face {
    let pair = match script {
        Script::Latin => &FONTS.latin,
        Script::Devanagari => &FONTS.devanagari,
    };
    match weight {
        Weight::Regular => &pair[0],
        Weight::Bold => &pair[1],
    }
}

/// Characters that belong to the Devanagari script proper (letters, signs,
/// Vedic extensions), as opposed to the digits and punctuation that the
/// Devanagari font also happens to carry.
pub(crate) fn is_devanagari(c: char) -> bool {
    matches!(c, '\u{0900}'..='\u{097F}' | '\u{A8E0}'..='\u{A8FF}' | '\u{1CD0}'..='\u{1CFF}')
}

/// Shapers for the four faces, built once per card: building one is cheap
/// but not free, and a card measures a few hundred words.
pub(crate) struct Measurer {
    shapers: [Shaper<'static>; 4],
}

impl Measurer {
    pub(crate) fn new() -> Self {
        let fonts: &'static Fonts = &FONTS;
        Self {
            shapers: [
                fonts.latin[0].shaper(),
                fonts.latin[1].shaper(),
                fonts.devanagari[0].shaper(),
                fonts.devanagari[1].shaper(),
            ],
        }
    }

    fn shaper(&self, script: Script, weight: Weight) -> &Shaper<'static> {
        let i = match (script, weight) {
            (Script::Latin, Weight::Regular) => 0,
            (Script::Latin, Weight::Bold) => 1,
            (Script::Devanagari, Weight::Regular) => 2,
            (Script::Devanagari, Weight::Bold) => 3,
        };
        &self.shapers[i]
    }

    /// The advance width of a run, in ems (multiply by the font size for
    /// pixels). The run is shaped exactly as usvg will shape it, so
    /// conjuncts and reordered matras are measured as drawn.
    pub(crate) fn advance_em(&self, text: &str, script: Script, weight: Weight) -> f32 {
        if text.is_empty() {
            return 0.0;
        }
        let shaper = self.shaper(script, weight);
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let output = shaper.shape(buffer, ShapeOptions::new());
        let units: i64 = output.glyph_positions().iter().map(|p| i64::from(p.x_advance)).sum();
        units as f32 / shaper.units_per_em() as f32
    }

    /// The glyph ids the shaper produces for a run, in visual order. Tests
    /// use this to see reordering and to spot missing glyphs.
    #[cfg(test)]
    pub(crate) fn glyph_ids(&self, text: &str, script: Script, weight: Weight) -> Vec<u32> {
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let output = self.shaper(script, weight).shape(buffer, ShapeOptions::new());
        output.glyph_infos().iter().map(|g| g.glyph_id).collect()
    }
}
