//! Share cards: the 1200×630 PNG images that WhatsApp, X and other apps show
//! when someone shares a link to a quiz question, a quiz result or a poll.
//!
//! A link preview is most people's first sight of the scheme, and many of
//! them read Hindi, so a card has to show Devanagari correctly shaped:
//! conjuncts joined and the i-matra (ि) drawn before its consonant. Browsers
//! are not involved, so the card is composed as SVG and rendered with resvg,
//! whose text layout shapes with harfrust (a port of HarfBuzz). The fonts
//! (Noto Sans and Noto Sans Devanagari, under the SIL Open Font License) are
//! compiled into the crate: servers and CI machines have no system fonts,
//! and a card must look the same wherever it was drawn.
//!
//! Everything a user or an admin typed is cleaned, measured and wrapped
//! here, then XML-escaped into the SVG; no attribute ever carries their
//! text, so a question containing `<script>` or `&` is drawn as those
//! characters and cannot change the document. The crate does no IO: the
//! caller passes the photo's bytes and gets PNG bytes back.

mod fonts;
pub mod pdf;
mod photo;
mod text;

#[cfg(test)]
mod tests;

use std::fmt::{self, Write as _};

use image::ExtendedColorType;
use image::ImageEncoder as _;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg;

use crate::fonts::{Measurer, Weight};
use crate::photo::Frame;
use crate::text::{Line, Typesetter, clean};

/// The card's width in pixels, as Open Graph and X's large summary card
/// expect.
pub const WIDTH: u32 = 1200;
/// The card's height in pixels.
pub const HEIGHT: u32 = 630;
/// The most rows a card shows; further rows are left out.
pub const MAX_LINES: usize = 6;

/// What a card says. All strings are plain text; none of it is markup.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Card {
    /// The small line on top, e.g. "ODOP daily quiz · 23 Nov 2026".
    pub eyebrow: String,
    /// The question or the headline ("I scored 4 of 5"). It is wrapped onto
    /// up to three lines, in a smaller size if need be, and ends in an
    /// ellipsis if it still does not fit.
    pub title: String,
    /// Up to [`MAX_LINES`] rows under the title.
    pub lines: Vec<CardLine>,
    /// The line at the bottom, e.g. "odop.up.gov.in/quiz".
    pub footer: String,
    /// A product photo (WebP, JPEG or PNG) shown on the right, cropped to
    /// fill its frame. A photo that cannot be decoded is left out.
    pub photo: Option<Vec<u8>>,
}

impl fmt::Debug for Card {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Card")
            .field("eyebrow", &self.eyebrow)
            .field("title", &self.title)
            .field("lines", &self.lines)
            .field("footer", &self.footer)
            .field("photo_bytes", &self.photo.as_ref().map(Vec::len))
            .finish()
    }
}

/// One row under the title.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CardLine {
    /// An answer choice, drawn as a pill with its label in a badge.
    Choice { label: String, text: String },
    /// A poll or quiz result: a bar filled to `percent` (values above 100
    /// are drawn as 100), with the percentage written at its end.
    /// `highlight` marks the reader's answer or the winning option.
    Bar { text: String, percent: u8, highlight: bool },
    /// A plain line of text.
    Text(String),
}

/// Why a card could not be drawn. With valid input none of these is
/// expected; they guard against defects rather than bad text.
#[derive(Debug, thiserror::Error)]
pub enum CardError {
    #[error("the card's SVG was rejected: {0}")]
    Svg(#[from] usvg::Error),
    #[error("could not allocate a {WIDTH}x{HEIGHT} canvas")]
    Canvas,
    #[error("could not encode the PNG: {0}")]
    Encode(String),
}

/// Draws the card and returns it as PNG bytes, exactly [`WIDTH`]×[`HEIGHT`].
pub fn render_png(card: &Card) -> Result<Vec<u8>, CardError> {
    encode_png(&render_pixmap(card)?)
}

/// Encodes the card as an RGB PNG: the card is opaque, so an alpha channel
/// would only add bytes (and the pixmap's premultiplied colours equal the
/// plain ones). The default deflate level is used; the fast level
/// would save 10 to 50 ms a card but make files about 60% larger, and
/// a preview is fetched far more often than it is drawn.
fn encode_png(pixmap: &Pixmap) -> Result<Vec<u8>, CardError> {
    let rgb: Vec<u8> = pixmap.data().chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
    let mut out = Vec::with_capacity(128 * 1024);
    PngEncoder::new_with_quality(&mut out, CompressionType::Default, PngFilter::Adaptive)
        .write_image(&rgb, pixmap.width(), pixmap.height(), ExtendedColorType::Rgb8)
        .map_err(|e| CardError::Encode(e.to_string()))?;
    Ok(out)
}

/// Draws the card onto a pixmap; the PNG encoding is left to the caller.
fn render_pixmap(card: &Card) -> Result<Pixmap, CardError> {
    let photo = card
        .photo
        .as_deref()
        .and_then(|bytes| photo::prepare(bytes, PHOTO_FRAME));
    let (svg, _) = compose(card, photo.is_some());
    let mut pixmap = rasterise(&svg)?;
    if let Some(photo) = &photo {
        photo::paint(&mut pixmap, photo, PHOTO_FRAME);
    }
    Ok(pixmap)
}

/// Parses and renders an SVG document with only the embedded fonts.
fn rasterise(svg: &str) -> Result<Pixmap, CardError> {
    let options = usvg::Options {
        fontdb: fonts::database(),
        font_family: fonts::LATIN_FAMILY.to_owned(),
        // The card never references external images. Refusing every href
        // means no document could make usvg read a file, whatever it held.
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: Box::new(|_, _, _| None),
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options)?;
    let mut pixmap = Pixmap::new(WIDTH, HEIGHT).ok_or(CardError::Canvas)?;
    resvg::render(&tree, Transform::identity(), &mut pixmap.as_mut());
    Ok(pixmap)
}

// The palette: a warm paper background, saffron accents, dark brown ink.
const BACKGROUND: &str = "#FBF4EA";
const BLOB: &str = "#F5E4CE";
const ACCENT: &str = "#E2711D";
const ACCENT_DARK: &str = "#A64A0C";
const INK: &str = "#2A1E16";
const INK_SOFT: &str = "#45362B";
const MUTED: &str = "#7B6656";
const PILL: &str = "#FFFFFF";
const PILL_EDGE: &str = "#E8D6C0";
const BAR_FILL: &str = "#F2B47C";
const BAR_FILL_HIGHLIGHT: &str = "#E98A3A";

/// The left edge of all text, right of the accent stripe.
const LEFT: f32 = 80.0;
/// The right edge of text when there is no photo.
const RIGHT: f32 = 1120.0;
/// The photo's frame on the right of the card.
const PHOTO_FRAME: Frame = Frame {
    x: 784,
    y: 56,
    width: 360,
    height: 518,
    radius: 28.0,
};
/// The right edge of text beside the photo.
const RIGHT_WITH_PHOTO: f32 = 736.0;
const EYEBROW_SIZE: f32 = 26.0;
const EYEBROW_BASELINE: f32 = 88.0;
const FOOTER_SIZE: f32 = 24.0;
const FOOTER_BASELINE: f32 = 588.0;
/// The band between eyebrow and footer in which title and rows sit.
const BLOCK_TOP: f32 = 116.0;
const BLOCK_BOTTOM: f32 = 544.0;
const TITLE_SIZES: [f32; 6] = [58.0, 54.0, 50.0, 46.0, 42.0, 38.0];
const TITLE_MAX_LINES: usize = 3;
const TITLE_GAP: f32 = 24.0;

/// An axis-aligned box in card pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Rect {
    pub(crate) x: f32,
    pub(crate) y: f32,
    pub(crate) width: f32,
    pub(crate) height: f32,
}

/// Where things ended up; the tests look for ink in these places.
#[derive(Clone, Debug)]
#[cfg_attr(not(test), allow(dead_code, reason = "only the tests read the geometry"))]
pub(crate) struct Geometry {
    /// The box the title's lines occupy (its height is zero when the title
    /// is empty).
    pub(crate) title: Rect,
    pub(crate) title_size: f32,
    pub(crate) title_lines: Vec<Line>,
    /// Each drawn row's box; for a bar, the bar's track.
    pub(crate) rows: Vec<Rect>,
    pub(crate) photo: Option<Rect>,
}

/// The sizes used for rows, chosen by how many rows there are.
struct RowMetrics {
    pitch: f32,
    height: f32,
    text_size: f32,
}

fn row_metrics(count: usize) -> RowMetrics {
    let (pitch, height, text_size) = match count {
        0..=3 => (70.0, 58.0, 28.0),
        4 => (64.0, 54.0, 27.0),
        5 => (54.0, 46.0, 25.0),
        _ => (48.0, 41.0, 23.0),
    };
    RowMetrics {
        pitch,
        height,
        text_size,
    }
}

/// Titles with Devanagari need more room between lines: its vowel signs
/// reach well above the headline and below the baseline.
fn line_height_factor(title: &str) -> f32 {
    if title.chars().any(fonts::is_devanagari) {
        1.42
    } else {
        1.24
    }
}

/// The baseline that centres a line of text of `size` on `middle`: the
/// Latin capitals and the Devanagari headline both sit about 0.36 em above
/// the middle of their ink.
fn centred_baseline(middle: f32, size: f32) -> f32 {
    middle + size * 0.36
}

/// Builds the card's SVG and records where everything went.
pub(crate) fn compose(card: &Card, with_photo: bool) -> (String, Geometry) {
    let measurer = Measurer::new();
    let regular = Typesetter::new(&measurer, Weight::Regular);
    let bold = Typesetter::new(&measurer, Weight::Bold);
    let right = if with_photo { RIGHT_WITH_PHOTO } else { RIGHT };
    let width = right - LEFT;

    let mut svg = String::with_capacity(8 * 1024);
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">"#
    );
    let _ = write!(svg, r#"<rect width="{WIDTH}" height="{HEIGHT}" fill="{BACKGROUND}"/>"#);
    if with_photo {
        // A soft offset shape behind the photo, so it sits on the card
        // rather than being pasted onto it.
        let f = PHOTO_FRAME;
        let _ = write!(
            svg,
            r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{}" fill="{BLOB}"/>"#,
            f.x as f32 + 10.0,
            f.y as f32 + 12.0,
            f.width,
            f.height,
            f.radius
        );
    } else {
        let _ = write!(
            svg,
            r#"<circle cx="1160" cy="30" r="250" fill="{BLOB}"/><circle cx="1110" cy="610" r="70" fill="{BLOB}"/>"#
        );
    }
    let _ = write!(svg, r#"<rect width="16" height="{HEIGHT}" fill="{ACCENT}"/>"#);

    // The eyebrow and the footer: one line each, shortened if too long.
    let eyebrow = bold.fit(&clean(&card.eyebrow), width / EYEBROW_SIZE, false);
    draw_line(
        &mut svg,
        &eyebrow,
        LEFT,
        EYEBROW_BASELINE,
        EYEBROW_SIZE,
        Weight::Bold,
        ACCENT_DARK,
    );
    let footer_text = clean(&card.footer);
    if !footer_text.is_empty() {
        let _ = write!(
            svg,
            r#"<circle cx="{}" cy="{}" r="6" fill="{ACCENT}"/>"#,
            LEFT + 6.0,
            FOOTER_BASELINE - FOOTER_SIZE * 0.36
        );
        let footer = regular.fit(&footer_text, (width - 24.0) / FOOTER_SIZE, false);
        draw_line(
            &mut svg,
            &footer,
            LEFT + 24.0,
            FOOTER_BASELINE,
            FOOTER_SIZE,
            Weight::Regular,
            MUTED,
        );
    }

    // The rows take the room they need; the title gets what is left.
    let rows: Vec<&CardLine> = card.lines.iter().take(MAX_LINES).collect();
    let metrics = row_metrics(rows.len());
    let rows_height = if rows.is_empty() {
        0.0
    } else {
        metrics.pitch * rows.len() as f32 - (metrics.pitch - metrics.height)
    };
    let title_text = clean(&card.title);
    let lh_factor = line_height_factor(&title_text);
    let gap = if rows.is_empty() || title_text.is_empty() {
        0.0
    } else {
        TITLE_GAP
    };
    let room = BLOCK_BOTTOM - BLOCK_TOP - rows_height - gap;
    let (title_size, title_lines) = fit_title(&bold, &title_text, width, room, lh_factor);
    let title_line_height = title_size * lh_factor;
    let title_height = title_line_height * title_lines.len() as f32;

    // The block of title and rows sits a little above the middle of its
    // band, so a short card does not cling to the top.
    let block = title_height + gap + rows_height;
    let top = BLOCK_TOP + ((BLOCK_BOTTOM - BLOCK_TOP - block) * 0.4).max(0.0);

    for (i, line) in title_lines.iter().enumerate() {
        let middle = top + title_line_height * (i as f32 + 0.5);
        draw_line(
            &mut svg,
            line,
            LEFT,
            centred_baseline(middle, title_size),
            title_size,
            Weight::Bold,
            INK,
        );
    }

    let mut row_rects = Vec::with_capacity(rows.len());
    let rows_top = top + title_height + gap;
    for (i, row) in rows.iter().enumerate() {
        let rect = Rect {
            x: LEFT,
            y: rows_top + metrics.pitch * i as f32,
            width,
            height: metrics.height,
        };
        draw_row(&mut svg, row, rect, metrics.text_size, i, &regular, &bold);
        row_rects.push(rect);
    }
    svg.push_str("</svg>");

    let geometry = Geometry {
        title: Rect {
            x: LEFT,
            y: top,
            width,
            height: title_height,
        },
        title_size,
        title_lines,
        rows: row_rects,
        photo: with_photo.then_some(Rect {
            x: PHOTO_FRAME.x as f32,
            y: PHOTO_FRAME.y as f32,
            width: PHOTO_FRAME.width as f32,
            height: PHOTO_FRAME.height as f32,
        }),
    };
    (svg, geometry)
}

/// Picks the largest title size at which the whole title fits in `room`,
/// or else the smallest size, with the title cut short.
fn fit_title(set: &Typesetter<'_>, title: &str, width: f32, room: f32, lh_factor: f32) -> (f32, Vec<Line>) {
    let smallest = TITLE_SIZES[TITLE_SIZES.len() - 1];
    if title.is_empty() {
        return (TITLE_SIZES[0], Vec::new());
    }
    for size in TITLE_SIZES {
        let max_lines = ((room / (size * lh_factor)) as usize).min(TITLE_MAX_LINES);
        if max_lines == 0 {
            continue;
        }
        let (lines, truncated) = set.wrap(title, width / size, max_lines);
        if !truncated || size == smallest {
            return (size, lines);
        }
    }
    // Even the smallest size has no room for a line: the rows leave at
    // least one line's worth, so this only guards against future tuning.
    let (lines, _) = set.wrap(title, width / smallest, 1);
    (smallest, lines)
}

/// Writes one laid-out line as an SVG `<text>`. Each run gets its own
/// absolute `x`, which starts a new text chunk in usvg: every chunk is then
/// shaped with exactly the font we chose and measured with.
fn draw_line(svg: &mut String, line: &Line, x: f32, baseline: f32, size: f32, weight: Weight, fill: &str) {
    if line.runs.is_empty() {
        return;
    }
    let _ = write!(
        svg,
        r#"<text y="{baseline:.1}" font-size="{size}" font-weight="{}" fill="{fill}">"#,
        weight.css()
    );
    for run in &line.runs {
        let _ = write!(
            svg,
            r#"<tspan x="{:.2}" font-family="{}">"#,
            x + run.x_em * size,
            run.script.family()
        );
        escape_into(svg, &run.text);
        svg.push_str("</tspan>");
    }
    svg.push_str("</text>");
}

/// Writes text as XML character data: the five markup characters become
/// entities, so text can never close an element or open a new one.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
}

fn draw_row(
    svg: &mut String,
    row: &CardLine,
    r: Rect,
    size: f32,
    index: usize,
    regular: &Typesetter<'_>,
    bold: &Typesetter<'_>,
) {
    let middle = r.y + r.height / 2.0;
    let baseline = centred_baseline(middle, size);
    match row {
        CardLine::Choice { label, text } => {
            let _ = write!(
                svg,
                r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{}" fill="{PILL}" stroke="{PILL_EDGE}" stroke-width="2"/>"#,
                r.x,
                r.y,
                r.width,
                r.height,
                r.height / 2.0
            );
            let radius = r.height / 2.0 - 7.0;
            let cx = r.x + r.height / 2.0;
            let _ = write!(svg, r#"<circle cx="{cx}" cy="{middle}" r="{radius}" fill="{ACCENT}"/>"#);
            let label = bold.fit(&clean(label), radius * 1.7 / size, false);
            let label_x = cx - label.width_em * size / 2.0;
            draw_line(svg, &label, label_x, baseline, size, Weight::Bold, "#FFFFFF");
            let text_x = r.x + r.height + 12.0;
            let max = (r.x + r.width - 28.0 - text_x) / size;
            let line = regular.fit(&clean(text), max, false);
            draw_line(svg, &line, text_x, baseline, size, Weight::Regular, INK);
        }
        CardLine::Bar {
            text,
            percent,
            highlight,
        } => {
            let percent = (*percent).min(100);
            let radius = 14.0;
            let _ = write!(
                svg,
                r#"<clipPath id="bar{index}"><rect x="{}" y="{}" width="{}" height="{}" rx="{radius}"/></clipPath>"#,
                r.x, r.y, r.width, r.height
            );
            let _ = write!(
                svg,
                r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{radius}" fill="{PILL}"/>"#,
                r.x, r.y, r.width, r.height
            );
            let fill = if *highlight { BAR_FILL_HIGHLIGHT } else { BAR_FILL };
            let filled = r.width * f32::from(percent) / 100.0;
            if percent > 0 {
                let _ = write!(
                    svg,
                    r#"<rect x="{}" y="{}" width="{filled}" height="{}" fill="{fill}" clip-path="url(#bar{index})"/>"#,
                    r.x, r.y, r.height
                );
            }
            let _ = write!(
                svg,
                r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{radius}" fill="none" stroke="{PILL_EDGE}" stroke-width="2"/>"#,
                r.x, r.y, r.width, r.height
            );
            let weight = if *highlight { Weight::Bold } else { Weight::Regular };
            let percent_line = bold.line(&format!("{percent}%"));
            let percent_x = r.x + r.width - 20.0 - percent_line.width_em * size;
            draw_line(svg, &percent_line, percent_x, baseline, size, Weight::Bold, INK);
            let set = if *highlight { bold } else { regular };
            let text_x = r.x + 20.0;
            let max = (percent_x - 16.0 - text_x) / size;
            let line = set.fit(&clean(text), max, false);
            draw_line(svg, &line, text_x, baseline, size, weight, INK);
        }
        CardLine::Text(text) => {
            let line = regular.fit(&clean(text), r.width / size, false);
            draw_line(svg, &line, r.x, baseline, size, Weight::Regular, INK_SOFT);
        }
    }
}
