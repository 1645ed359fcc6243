//! Tests that look at the pixels: each one would fail if the text, the
//! bars or the photo were not drawn, or if Devanagari were not shaped.

use std::io::Cursor;

use image::{ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};

use crate::fonts::{Measurer, Script, Weight, face};
use crate::text::{Typesetter, clean};
use crate::{
    BAR_FILL, Card, CardLine, FOOTER_BASELINE, FOOTER_SIZE, HEIGHT, PHOTO_FRAME, Rect, WIDTH, compose, draw_line,
    rasterise, render_png,
};

const LONG_TITLE: &str = "Which district of Uttar Pradesh is known all over the world for \
     its hand-knotted carpets, exported from the looms of Bhadohi since the sixteenth century?";
const HINDI_TITLE: &str = "किस ज़िले की पहचान कालीन उद्योग से है? इस प्रश्न का उत्तर दीजिए \
     और अपने मित्रों को चुनौती दीजिए";

fn quiz(title: &str) -> Card {
    Card {
        eyebrow: "ODOP daily quiz · 23 Nov 2026".into(),
        title: title.into(),
        lines: vec![
            CardLine::Choice {
                label: "A".into(),
                text: "Bhadohi".into(),
            },
            CardLine::Choice {
                label: "B".into(),
                text: "Kannauj".into(),
            },
        ],
        footer: "odop.up.gov.in/quiz".into(),
        photo: None,
    }
}

fn render(card: &Card) -> RgbaImage {
    let png = render_png(card).expect("the card renders");
    image::load_from_memory_with_format(&png, ImageFormat::Png)
        .expect("the output is a PNG")
        .to_rgba8()
}

fn hex(colour: &str) -> [u8; 3] {
    let v = u32::from_str_radix(colour.trim_start_matches('#'), 16).expect("a hex colour");
    [(v >> 16) as u8, (v >> 8) as u8, v as u8]
}

fn near(pixel: &Rgba<u8>, rgb: [u8; 3], tolerance: u8) -> bool {
    pixel.0[..3].iter().zip(rgb).all(|(a, b)| a.abs_diff(b) <= tolerance)
}

/// Pixels dark enough to be ink (the title is #2A1E16 on a light ground).
fn dark_pixels(img: &RgbaImage, r: Rect) -> usize {
    let mut count = 0;
    for y in r.y as u32..(r.y + r.height) as u32 {
        for x in r.x as u32..(r.x + r.width) as u32 {
            let p = img.get_pixel(x, y).0;
            let luma = (u32::from(p[0]) * 3 + u32::from(p[1]) * 6 + u32::from(p[2])) / 10;
            if luma < 110 {
                count += 1;
            }
        }
    }
    count
}

fn differing_pixels(a: &RgbaImage, b: &RgbaImage, r: Rect) -> usize {
    let mut count = 0;
    for y in r.y as u32..(r.y + r.height) as u32 {
        for x in r.x as u32..(r.x + r.width) as u32 {
            if a.get_pixel(x, y) != b.get_pixel(x, y) {
                count += 1;
            }
        }
    }
    count
}

/// Draws one line of regular text in black on white, starting at x = 100,
/// through the same layout and SVG path the cards use.
fn snippet(text: &str, size: f32) -> RgbaImage {
    let measurer = Measurer::new();
    let line = Typesetter::new(&measurer, Weight::Regular).line(&clean(text));
    let mut svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}"><rect width="{WIDTH}" height="{HEIGHT}" fill="#FFFFFF"/>"##
    );
    draw_line(&mut svg, &line, 100.0, 300.0, size, Weight::Regular, "#000000");
    svg.push_str("</svg>");
    let pixmap = rasterise(&svg).expect("the snippet renders");
    // The pixmap is opaque, so its premultiplied bytes are plain RGBA.
    RgbaImage::from_raw(WIDTH, HEIGHT, pixmap.data().to_vec()).expect("a full pixmap")
}

/// How much ink each pixel of a black-on-white snippet holds, 0 to 255.
fn ink(img: &RgbaImage, x: i64, y: i64) -> u32 {
    if x < 0 || y < 0 || x >= i64::from(img.width()) || y >= i64::from(img.height()) {
        return 0;
    }
    255 - u32::from(img.get_pixel(x as u32, y as u32).0[0])
}

/// The first and last columns holding clear ink.
fn ink_extent(img: &RgbaImage) -> Option<(u32, u32)> {
    let has_ink = |x: u32| (0..img.height()).any(|y| ink(img, x.into(), y.into()) > 96);
    let first = (0..img.width()).find(|&x| has_ink(x))?;
    let last = (0..img.width()).rev().find(|&x| has_ink(x))?;
    Some((first, last))
}

fn total_ink(img: &RgbaImage) -> u64 {
    img.pixels().map(|p| u64::from(255 - p.0[0])).sum()
}

#[test]
fn png_decodes_at_card_size() {
    let cards = [
        Card::default(),
        quiz(LONG_TITLE),
        quiz(HINDI_TITLE),
        Card {
            title: "I scored 4 of 5".into(),
            lines: vec![CardLine::Text("Can you beat me?".into())],
            ..Card::default()
        },
    ];
    for card in &cards {
        let png = render_png(card).expect("the card renders");
        assert_eq!(image::guess_format(&png).expect("a known format"), ImageFormat::Png);
        let img = image::load_from_memory(&png).expect("the PNG decodes");
        assert_eq!((img.width(), img.height()), (WIDTH, HEIGHT));
    }
}

#[test]
fn title_text_is_drawn() {
    // Without rows, so that nothing else moves into the title's place
    // when the title is empty.
    let long = Card {
        lines: Vec::new(),
        ..quiz(LONG_TITLE)
    };
    let empty = Card {
        lines: Vec::new(),
        ..quiz("")
    };
    let (_, geometry) = compose(&long, false);
    let region = geometry.title;
    assert!(region.height > 100.0, "a long title takes several lines");
    let long_img = render(&long);
    let empty_img = render(&empty);
    let area = (region.width * region.height) as usize;
    let ink = dark_pixels(&long_img, region);
    assert!(ink > area / 25, "only {ink} dark pixels in a title box of {area}");
    assert_eq!(dark_pixels(&empty_img, region), 0);
    assert!(differing_pixels(&long_img, &empty_img, region) > area / 10);
}

#[test]
fn long_title_wraps_onto_three_lines_and_ends_in_an_ellipsis() {
    let title = LONG_TITLE.repeat(4);
    let (_, geometry) = compose(&quiz(&title), false);
    let lines = &geometry.title_lines;
    assert_eq!(lines.len(), 3);
    assert!(lines[2].text.ends_with('\u{2026}'), "{:?}", lines[2].text);
    for line in lines {
        assert!(line.width_em * geometry.title_size <= geometry.title.width + 0.5);
    }
    // Nothing was dropped from the middle: the first lines are the start
    // of the title, word for word.
    let shown = format!("{} {}", lines[0].text, lines[1].text);
    assert!(title.starts_with(&shown), "{shown:?}");
    // The title shrank from the largest size before giving up.
    assert!(geometry.title_size < 58.0);
}

#[test]
fn wrapping_measures_widths_not_characters() {
    let measurer = Measurer::new();
    let set = Typesetter::new(&measurer, Weight::Bold);
    let narrow = ["ill"; 30].join(" ");
    let wide = ["WWW"; 30].join(" ");
    let (narrow_lines, _) = set.wrap(&narrow, 12.0, 20);
    let (wide_lines, _) = set.wrap(&wide, 12.0, 20);
    assert!(
        wide_lines.len() >= narrow_lines.len() * 2,
        "{} lines of WWW against {} of ill",
        wide_lines.len(),
        narrow_lines.len()
    );
    for line in narrow_lines.iter().chain(&wide_lines) {
        assert!(line.width_em <= 12.0, "{} em: {:?}", line.width_em, line.text);
    }
}

#[test]
fn hindi_wraps_between_words_within_the_width() {
    let measurer = Measurer::new();
    let set = Typesetter::new(&measurer, Weight::Bold);
    let text = clean(HINDI_TITLE);
    let (lines, truncated) = set.wrap(&text, 10.0, 10);
    assert!(!truncated);
    assert!(lines.len() >= 3, "{} lines", lines.len());
    let words: Vec<&str> = text.split(' ').collect();
    let mut rewrapped: Vec<&str> = Vec::new();
    for line in &lines {
        assert!(line.width_em <= 10.0, "{} em: {:?}", line.width_em, line.text);
        rewrapped.extend(line.text.split(' '));
    }
    assert_eq!(rewrapped, words);
}

#[test]
fn a_word_longer_than_a_line_is_broken_between_syllables() {
    let measurer = Measurer::new();
    let set = Typesetter::new(&measurer, Weight::Regular);
    let url = "odop.up.gov.in/".repeat(12);
    let hindi = "प्रश्नोत्तरी".repeat(12);
    for word in [url.as_str(), hindi.as_str()] {
        let (lines, truncated) = set.wrap(word, 6.0, 50);
        assert!(!truncated);
        assert!(lines.len() > 3, "{} lines", lines.len());
        let mut joined = String::new();
        for (i, line) in lines.iter().enumerate() {
            assert!(line.width_em <= 6.0, "{} em: {:?}", line.width_em, line.text);
            let first = line.text.chars().next().expect("no empty lines");
            // No line may begin with a vowel sign or follow a virama.
            assert!(
                !('\u{093A}'..='\u{094F}').contains(&first),
                "line {i} starts with {first:?}"
            );
            assert!(!joined.ends_with('\u{094D}'), "line {i} follows a virama");
            joined.push_str(&line.text);
        }
        assert_eq!(joined, word);
    }
}

#[test]
fn bars_fill_in_proportion_to_percent() {
    let bar = |percent| CardLine::Bar {
        text: "Banarasi silk".into(),
        percent,
        highlight: false,
    };
    let card = Card {
        title: "Which product should lead the stall?".into(),
        lines: vec![bar(25), bar(75), bar(0), bar(100)],
        ..Card::default()
    };
    let img = render(&card);
    let (_, geometry) = compose(&card, false);
    let fill = hex(BAR_FILL);
    // A row of pixels near the top of each bar, above any text.
    let filled: Vec<u32> = geometry
        .rows
        .iter()
        .map(|r| {
            let y = (r.y + 6.0) as u32;
            (r.x as u32..(r.x + r.width) as u32)
                .filter(|&x| near(img.get_pixel(x, y), fill, 6))
                .count() as u32
        })
        .collect();
    let width = geometry.rows[0].width;
    let [quarter, three_quarters, none, full] = filled[..] else {
        panic!("four bars expected, got {filled:?}");
    };
    assert!(quarter > 0, "{filled:?}");
    assert!(three_quarters > quarter * 5 / 2, "{filled:?}");
    let within = |got: u32, share: f32| (got as f32 - width * share).abs() < 12.0;
    assert!(within(quarter, 0.25), "{filled:?} of {width}");
    assert!(within(three_quarters, 0.75), "{filled:?} of {width}");
    assert_eq!(none, 0);
    assert!(within(full, 1.0), "{filled:?} of {width}");
}

#[test]
fn devanagari_i_matra_is_drawn_before_its_consonant() {
    let size = 120.0;
    let ka = snippet("क", size);
    let ki = snippet("कि", size);
    let (ka_left, ka_right) = ink_extent(&ka).expect("क is drawn");
    let (ki_left, ki_right) = ink_extent(&ki).expect("कि is drawn");
    // The matra's stem stands left of where the consonant alone begins.
    assert!(ki_left <= ka_left, "कि starts at {ki_left}, क at {ka_left}");
    // Find where the consonant sits inside "कि": slide "क" across it and
    // keep the offset where the two overlap most. Shaped, the consonant
    // follows the matra; drawn in logical order, it would not move.
    let overlap = |shift: i64| -> u64 {
        let mut sum = 0u64;
        for y in 150..420i64 {
            for x in i64::from(ka_left)..=i64::from(ka_right) {
                sum += u64::from(ink(&ka, x, y).min(ink(&ki, x + shift, y)));
            }
        }
        sum
    };
    let best = (-40..=80i64)
        .max_by_key(|&shift| overlap(shift))
        .expect("shifts to try");
    assert!(
        best as f32 >= 0.15 * size,
        "क sits {best} px into कि; a reordered matra moves it right"
    );
    // The consonant is drawn whole at that offset.
    assert!(overlap(best) * 10 >= overlap(0).max(1) * 9);
    // And the pair is only a little wider than the consonant.
    let (ka_width, ki_width) = (ka_right - ka_left, ki_right - ki_left);
    assert!(ki_width > ka_width && (ki_width as f32) < ka_width as f32 * 1.8);

    // The shaper agrees: the matra's glyph comes first, the consonant's
    // own glyph second.
    let deva = face(Script::Devanagari, Weight::Regular);
    let ka_glyph = deva.glyph_index('क').expect("क is in the font");
    let glyphs = Measurer::new().glyph_ids("कि", Script::Devanagari, Weight::Regular);
    assert_eq!(glyphs.len(), 2, "{glyphs:?}");
    assert_eq!(glyphs[1], ka_glyph, "{glyphs:?}");
    assert_ne!(glyphs[0], ka_glyph, "{glyphs:?}");
}

#[test]
fn devanagari_conjuncts_are_joined() {
    let size = 120.0;
    // क्ष is one conjunct; a zero-width non-joiner after the virama asks
    // for the same letters drawn apart, with a visible virama.
    let joined = ink_extent(&snippet("क्ष", size)).expect("क्ष is drawn");
    let apart = ink_extent(&snippet("क्\u{200C}ष", size)).expect("क्‌ष is drawn");
    let (joined_width, apart_width) = (joined.1 - joined.0, apart.1 - apart.0);
    assert!(
        (joined_width as f32) < apart_width as f32 * 0.8,
        "क्ष is {joined_width} px wide, क्‌ष {apart_width} px"
    );
    let glyphs = Measurer::new().glyph_ids("क्ष", Script::Devanagari, Weight::Regular);
    assert_eq!(glyphs.len(), 1, "क्ष should be one ligature: {glyphs:?}");
}

#[test]
fn hindi_has_glyphs_and_shapes_without_dotted_circles() {
    let text = clean(HINDI_TITLE);
    let measurer = Measurer::new();
    for weight in [Weight::Regular, Weight::Bold] {
        let deva = face(Script::Devanagari, weight);
        for c in text.chars() {
            let glyph = deva.glyph_index(c);
            assert!(glyph.is_some_and(|g| g != 0), "no glyph for {c:?} (U+{:04X})", c as u32);
        }
        let dotted_circle = deva.glyph_index('\u{25CC}').expect("the font has ◌");
        for word in text.split(' ') {
            let glyphs = measurer.glyph_ids(word, Script::Devanagari, weight);
            assert!(!glyphs.contains(&0), "{word}: .notdef in {glyphs:?}");
            assert!(
                !glyphs.contains(&dotted_circle),
                "{word}: a dotted circle in {glyphs:?}"
            );
        }
    }
    // Drawn as a title, the Hindi leaves plenty of ink.
    let card = quiz(HINDI_TITLE);
    let (_, geometry) = compose(&card, false);
    let area = (geometry.title.width * geometry.title.height) as usize;
    assert!(dark_pixels(&render(&card), geometry.title) > area / 25);
}

#[test]
fn mixed_scripts_use_the_font_that_has_each_letter() {
    let measurer = Measurer::new();
    let line = Typesetter::new(&measurer, Weight::Regular).line("ODOP उत्पाद 2026");
    let runs: Vec<(Script, &str)> = line.runs.iter().map(|r| (r.script, r.text.as_str())).collect();
    assert_eq!(
        runs,
        [
            (Script::Latin, "ODOP"),
            (Script::Devanagari, "उत्पाद"),
            (Script::Devanagari, "2026"),
        ]
    );
    // The runs are laid out left to right without overlapping.
    assert!(line.runs.windows(2).all(|w| w[0].x_em < w[1].x_em));
    let ink = total_ink(&snippet("ODOP उत्पाद 2026", 48.0));
    assert!(ink > 100_000, "too little ink: {ink}");
}

#[test]
fn hostile_text_is_escaped_and_drawn_as_text() {
    let hostile = "<script>alert('x')</script> & \"quoted\" ]]> <!-- --> <svg onload=x>";
    let card = Card {
        eyebrow: hostile.into(),
        title: format!("{hostile}\u{0}\u{1B}\u{FFFF}\u{FEFF}"),
        lines: vec![
            CardLine::Choice {
                label: "<".into(),
                text: hostile.into(),
            },
            CardLine::Bar {
                text: hostile.into(),
                percent: 250,
                highlight: true,
            },
            CardLine::Text(hostile.into()),
        ],
        footer: hostile.into(),
        photo: Some(hostile.as_bytes().to_vec()),
    };
    let (svg, geometry) = compose(&card, false);
    assert!(!svg.contains("<script"), "{svg}");
    assert!(!svg.contains("<svg onload"), "{svg}");
    assert!(!svg.contains("<!--"), "{svg}");
    assert!(svg.contains("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt;"));
    assert!(svg.contains("&amp;"));
    // The document is still the one we wrote: one root, all our rows.
    assert_eq!(svg.matches("<svg").count(), 1);
    assert_eq!(geometry.rows.len(), 3);
    let img = render(&card);
    let area = (geometry.title.width * geometry.title.height) as usize;
    assert!(dark_pixels(&img, geometry.title) > area / 40);
}

#[test]
fn unsupported_characters_are_dropped_and_spaces_collapsed() {
    assert_eq!(clean("  a\u{0}b \t\n c 😀 d\u{FFFF}  "), "a b c d");
    assert_eq!(clean("कि\u{200C}"), "कि\u{200C}");
    // Fluent's isolation marks and a right-to-left override vanish.
    assert_eq!(clean("\u{2068}4\u{2069} of 5 \u{202E}abc"), "4 of 5 abc");
}

#[test]
fn rows_past_six_are_left_out_and_all_rows_stay_above_the_footer() {
    let card = Card {
        eyebrow: "ODOP poll".into(),
        title: LONG_TITLE.into(),
        lines: (0..9)
            .map(|i| CardLine::Bar {
                text: format!("Option {i}"),
                percent: (i * 10) as u8,
                highlight: i == 3,
            })
            .collect(),
        footer: "odop.up.gov.in/polls".into(),
        photo: None,
    };
    for with_photo in [false, true] {
        let (_, geometry) = compose(&card, with_photo);
        assert_eq!(geometry.rows.len(), 6);
        assert!(!geometry.title_lines.is_empty());
        let title_bottom = geometry.title.y + geometry.title.height;
        assert!(title_bottom <= geometry.rows[0].y);
        let last = geometry.rows[5];
        assert!(last.y + last.height < FOOTER_BASELINE - FOOTER_SIZE);
    }
}

fn encoded(img: &RgbImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).expect("the test photo encodes");
    out.into_inner()
}

#[test]
fn photo_is_painted_in_its_frame() {
    let teal = [0u8, 128, 128];
    let photo = RgbImage::from_pixel(64, 48, Rgb(teal));
    let plain = render(&quiz(LONG_TITLE));
    for (format, tolerance) in [(ImageFormat::Png, 1), (ImageFormat::Jpeg, 8), (ImageFormat::WebP, 1)] {
        let card = Card {
            photo: Some(encoded(&photo, format)),
            ..quiz(LONG_TITLE)
        };
        let img = render(&card);
        let f = PHOTO_FRAME;
        for (x, y) in [
            (f.x + f.width / 2, f.y + f.height / 2),
            (f.x + 40, f.y + 40),
            (f.x + f.width - 40, f.y + f.height - 40),
        ] {
            let pixel = img.get_pixel(x, y);
            assert!(near(pixel, teal, tolerance), "{format:?}: {pixel:?} at ({x}, {y})");
        }
        // The corners are rounded off, and the card without a photo has
        // nothing teal there.
        assert!(!near(img.get_pixel(f.x + 1, f.y + 1), teal, 40));
        assert!(!near(plain.get_pixel(f.x + f.width / 2, f.y + f.height / 2), teal, 40));
        // The text moved aside to make room for the photo.
        let (_, geometry) = compose(&card, true);
        let frame = geometry.photo.expect("a frame for the photo");
        assert_eq!((frame.x, frame.width), (f.x as f32, f.width as f32));
        assert!(geometry.title.x + geometry.title.width <= frame.x);
        assert!(geometry.rows.iter().all(|r| r.x + r.width <= frame.x));
    }
}

#[test]
fn undecodable_photo_is_left_out() {
    let without = quiz(LONG_TITLE);
    let broken = Card {
        photo: Some(b"\x89PNG\r\n\x1a\nnot really a png".to_vec()),
        ..quiz(LONG_TITLE)
    };
    assert_eq!(render(&broken), render(&without));
}
