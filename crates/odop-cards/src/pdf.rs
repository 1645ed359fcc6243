//! Printable documents as PDF: an A4 sheet with a title, blocks of facts
//! (who supplies, who receives), a table that runs onto further pages with
//! its header repeated, totals and notes.
//!
//! The caller brings the words, already in the reader's language; this
//! module only lays them out. Text is cut into runs of one script and each
//! run is drawn with the embedded font that covers it, as on the cards; the
//! PDF carries the fonts (subset) and, for every glyph, the characters it
//! stands for, so that Devanagari names copy, search and extract (a test
//! reads them back with `pdftotext`).

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};

use crate::fonts::{Measurer, Script, Weight, bytes};
use crate::text::{Line, Typesetter, clean};

/// A4 in points.
const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 40.0;
const BODY_SIZE: f32 = 9.0;
const TITLE_SIZE: f32 = 16.0;
const LEADING: f32 = 1.45;
/// The most lines one table cell or note takes before it is cut short.
const MAX_CELL_LINES: usize = 6;

/// A block of facts under a heading, such as the supplier's name, address
/// and GSTIN.
#[derive(Clone, Debug, Default)]
pub struct Block {
    pub heading: String,
    pub lines: Vec<String>,
}

/// A column of the table: its heading, its share of the width, and whether
/// it holds numbers (aligned right).
#[derive(Clone, Debug)]
pub struct Column {
    pub heading: String,
    pub share: f32,
    pub numeric: bool,
}

/// What a sheet says, in the reader's language.
#[derive(Clone, Debug, Default)]
pub struct Sheet {
    /// The document's title, also its PDF title.
    pub title: String,
    /// The BCP 47 language of the text (`en`, `hi`).
    pub language: String,
    /// Lines under the title: number, date, what it refers to.
    pub subtitle: Vec<String>,
    /// Side-by-side blocks (two per row).
    pub blocks: Vec<Block>,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
    /// Label and amount, aligned under the table.
    pub totals: Vec<(String, String)>,
    /// Paragraphs after the totals: the amount in words, why no tax is
    /// charged, a footer.
    pub notes: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("the PDF could not be written: {0}")]
pub struct PdfError(String);

/// The four embedded faces as krilla fonts.
struct Faces {
    fonts: [Font; 4],
}

impl Faces {
    fn new() -> Result<Self, PdfError> {
        let load = |script, weight| {
            Font::new(bytes(script, weight).into(), 0).ok_or_else(|| PdfError("an embedded font did not load".into()))
        };
        Ok(Self {
            fonts: [
                load(Script::Latin, Weight::Regular)?,
                load(Script::Latin, Weight::Bold)?,
                load(Script::Devanagari, Weight::Regular)?,
                load(Script::Devanagari, Weight::Bold)?,
            ],
        })
    }

    fn get(&self, script: Script, weight: Weight) -> Font {
        let index = match (script, weight) {
            (Script::Latin, Weight::Regular) => 0,
            (Script::Latin, Weight::Bold) => 1,
            (Script::Devanagari, Weight::Regular) => 2,
            (Script::Devanagari, Weight::Bold) => 3,
        };
        self.fonts[index].clone()
    }
}

/// Lays out and draws a sheet, page after page.
struct Writer<'a> {
    measurer: &'a Measurer,
    pages: Vec<Vec<Op>>,
    y: f32,
}

/// What is drawn on a page, recorded first so that pages can be started
/// as the text runs over.
enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        weight: Weight,
        line: Line,
    },
    Rule {
        y: f32,
    },
    Shade {
        y: f32,
        height: f32,
    },
}

impl<'a> Writer<'a> {
    fn typesetter(&self, weight: Weight) -> Typesetter<'a> {
        Typesetter::new(self.measurer, weight)
    }

    fn page(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        self.pages.last_mut().expect("a page")
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
    }

    /// Starts a new page unless `height` more points fit on this one.
    fn room_for(&mut self, height: f32) -> bool {
        if self.y + height > PAGE_HEIGHT - MARGIN {
            self.new_page();
            true
        } else {
            false
        }
    }

    /// Wraps `text` into lines at most `width` points wide.
    fn wrap(&self, text: &str, size: f32, weight: Weight, width: f32) -> Vec<Line> {
        let text = clean(text);
        if text.is_empty() {
            return Vec::new();
        }
        self.typesetter(weight).wrap(&text, width / size, MAX_CELL_LINES).0
    }

    fn text(&mut self, x: f32, y: f32, size: f32, weight: Weight, line: Line) {
        self.page().push(Op::Text {
            x,
            y,
            size,
            weight,
            line,
        });
    }

    /// A paragraph across the whole width.
    fn paragraph(&mut self, text: &str, size: f32, weight: Weight) {
        let width = PAGE_WIDTH - 2.0 * MARGIN;
        for line in self.wrap(text, size, weight, width) {
            self.room_for(size * LEADING);
            self.y += size * LEADING;
            let y = self.y;
            self.text(MARGIN, y, size, weight, line);
        }
    }

    fn blocks(&mut self, blocks: &[Block]) {
        let gap = 16.0;
        let width = (PAGE_WIDTH - 2.0 * MARGIN - gap) / 2.0;
        for pair in blocks.chunks(2) {
            let laid: Vec<(Vec<Line>, Vec<Line>)> = pair
                .iter()
                .map(|block| {
                    let heading = self.wrap(&block.heading, BODY_SIZE, Weight::Bold, width);
                    let lines = block
                        .lines
                        .iter()
                        .flat_map(|line| self.wrap(line, BODY_SIZE, Weight::Regular, width))
                        .collect();
                    (heading, lines)
                })
                .collect();
            let tallest = laid.iter().map(|(h, l)| h.len() + l.len()).max().unwrap_or(0);
            self.room_for(tallest as f32 * BODY_SIZE * LEADING);
            let top = self.y;
            for (column, (heading, lines)) in laid.into_iter().enumerate() {
                let x = MARGIN + column as f32 * (width + gap);
                let mut y = top;
                for (weight, line) in heading
                    .into_iter()
                    .map(|l| (Weight::Bold, l))
                    .chain(lines.into_iter().map(|l| (Weight::Regular, l)))
                {
                    y += BODY_SIZE * LEADING;
                    self.text(x, y, BODY_SIZE, weight, line);
                }
            }
            self.y = top + tallest as f32 * BODY_SIZE * LEADING + 10.0;
        }
    }

    /// The x of each column's left edge, and its width.
    fn column_edges(columns: &[Column]) -> Vec<(f32, f32)> {
        let total: f32 = columns.iter().map(|c| c.share).sum::<f32>().max(f32::EPSILON);
        let width = PAGE_WIDTH - 2.0 * MARGIN;
        let mut x = MARGIN;
        columns
            .iter()
            .map(|column| {
                let w = width * column.share / total;
                let edge = (x, w);
                x += w;
                edge
            })
            .collect()
    }

    /// One row of the table.
    fn row(&mut self, cells: &[String], columns: &[Column], weight: Weight, shade: bool) {
        let edges = Self::column_edges(columns);
        let pad = 3.0;
        let laid: Vec<Vec<Line>> = cells
            .iter()
            .zip(&edges)
            .map(|(cell, (_, w))| self.wrap(cell, BODY_SIZE, weight, w - 2.0 * pad))
            .collect();
        let lines = laid.iter().map(Vec::len).max().unwrap_or(0).max(1);
        let height = lines as f32 * BODY_SIZE * LEADING + 4.0;
        let broke = self.room_for(height);
        if broke && weight == Weight::Regular {
            // The header again at the top of each page the table runs onto.
            let header: Vec<String> = columns.iter().map(|c| c.heading.clone()).collect();
            self.row(&header, columns, Weight::Bold, true);
        }
        let top = self.y;
        if shade {
            self.page().push(Op::Shade { y: top, height });
        }
        for ((cell, (x, w)), column) in laid.into_iter().zip(&edges).zip(columns) {
            let mut y = top + 1.0;
            for line in cell {
                y += BODY_SIZE * LEADING;
                let left = if column.numeric {
                    x + w - pad - line.width_em * BODY_SIZE
                } else {
                    x + pad
                };
                self.text(left, y - 3.0, BODY_SIZE, weight, line);
            }
        }
        self.y = top + height;
        self.page().push(Op::Rule { y: top + height });
    }

    fn totals(&mut self, totals: &[(String, String)]) {
        let right = PAGE_WIDTH - MARGIN - 3.0;
        let label_right = right - 110.0;
        for (i, (label, amount)) in totals.iter().enumerate() {
            let weight = if i + 1 == totals.len() {
                Weight::Bold
            } else {
                Weight::Regular
            };
            self.room_for(BODY_SIZE * LEADING);
            self.y += BODY_SIZE * LEADING;
            let y = self.y;
            let label = self.typesetter(weight).line(&clean(label));
            let amount = self.typesetter(weight).line(&clean(amount));
            let label_x = label_right - label.width_em * BODY_SIZE;
            let amount_x = right - amount.width_em * BODY_SIZE;
            self.text(label_x, y, BODY_SIZE, weight, label);
            self.text(amount_x, y, BODY_SIZE, weight, amount);
        }
    }
}

fn fill(gray: u8) -> Fill {
    Fill {
        paint: rgb::Color::new(gray, gray, gray).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

fn draw(surface: &mut Surface<'_>, faces: &Faces, ops: Vec<Op>) {
    for op in ops {
        match op {
            Op::Shade { y, height } => {
                let mut path = PathBuilder::new();
                if let Some(rect) = Rect::from_xywh(MARGIN, y, PAGE_WIDTH - 2.0 * MARGIN, height) {
                    path.push_rect(rect);
                }
                if let Some(path) = path.finish() {
                    surface.set_stroke(None);
                    surface.set_fill(Some(fill(235)));
                    surface.draw_path(&path);
                }
            }
            Op::Rule { y } => {
                let mut path = PathBuilder::new();
                path.move_to(MARGIN, y);
                path.line_to(PAGE_WIDTH - MARGIN, y);
                if let Some(path) = path.finish() {
                    surface.set_fill(None);
                    surface.set_stroke(Some(Stroke {
                        paint: rgb::Color::new(190, 190, 190).into(),
                        width: 0.5,
                        ..Default::default()
                    }));
                    surface.draw_path(&path);
                }
            }
            Op::Text {
                x,
                y,
                size,
                weight,
                line,
            } => {
                surface.set_stroke(None);
                surface.set_fill(Some(fill(20)));
                for run in line.runs {
                    surface.draw_text(
                        Point::from_xy(x + run.x_em * size, y),
                        faces.get(run.script, weight),
                        size,
                        &run.text,
                        false,
                        TextDirection::Auto,
                    );
                }
            }
        }
    }
}

/// Writes the sheet as a PDF.
pub fn render(sheet: &Sheet) -> Result<Vec<u8>, PdfError> {
    let measurer = Measurer::new();
    let faces = Faces::new()?;
    let mut writer = Writer {
        measurer: &measurer,
        pages: Vec::new(),
        y: MARGIN,
    };
    writer.paragraph(&sheet.title, TITLE_SIZE, Weight::Bold);
    writer.y += 4.0;
    for line in &sheet.subtitle {
        writer.paragraph(line, BODY_SIZE, Weight::Regular);
    }
    writer.y += 10.0;
    writer.blocks(&sheet.blocks);
    if !sheet.columns.is_empty() {
        let header: Vec<String> = sheet.columns.iter().map(|c| c.heading.clone()).collect();
        writer.row(&header, &sheet.columns, Weight::Bold, true);
        for row in &sheet.rows {
            writer.row(row, &sheet.columns, Weight::Regular, false);
        }
    }
    writer.totals(&sheet.totals);
    writer.y += 8.0;
    for note in &sheet.notes {
        writer.paragraph(note, BODY_SIZE, Weight::Regular);
        writer.y += 3.0;
    }
    let Writer { pages, .. } = writer;

    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(clean(&sheet.title))
            .language(sheet.language.clone())
            .creator("odop".to_owned()),
    );
    let settings = || PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).ok_or_else(|| PdfError("page size".into()));
    for ops in pages {
        let mut page = document.start_page_with(settings()?);
        let mut surface = page.surface();
        draw(&mut surface, &faces, ops);
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| PdfError(format!("{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(rows: usize) -> Sheet {
        Sheet {
            title: "कर बीजक / Tax invoice".into(),
            language: "hi".into(),
            subtitle: vec!["INV/2627/00042 · 7 दिसंबर 2026".into()],
            blocks: vec![
                Block {
                    heading: "आपूर्तिकर्ता".into(),
                    lines: vec!["रामकिशोर चिकनकारी".into(), "GSTIN 09AAACR5055K1Z5".into()],
                },
                Block {
                    heading: "प्राप्तकर्ता".into(),
                    lines: vec!["Asha Verma".into(), "Pune, Maharashtra 411001".into()],
                },
            ],
            columns: vec![
                Column {
                    heading: "विवरण".into(),
                    share: 4.0,
                    numeric: false,
                },
                Column {
                    heading: "राशि".into(),
                    share: 1.0,
                    numeric: true,
                },
            ],
            rows: (0..rows)
                .map(|i| vec![format!("चिकनकारी कुर्ता {i}"), "₹2,240.00".into()])
                .collect(),
            totals: vec![("कुल".into(), "₹2,979.50".into())],
            notes: vec!["दो हज़ार नौ सौ उन्यासी रुपये और पचास पैसे मात्र".into()],
        }
    }

    #[test]
    fn a_sheet_is_a_pdf_with_its_fonts_embedded() {
        let pdf = render(&sheet(3)).unwrap();
        if let Ok(path) = std::env::var("ODOP_PDF_SAMPLE") {
            std::fs::write(path, &pdf).unwrap();
        }
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("FontFile2"), "TrueType fonts are embedded");
        assert!(text.contains("ToUnicode"), "glyphs map back to characters");
    }

    #[test]
    fn a_long_table_runs_onto_further_pages() {
        let short = render(&sheet(3)).unwrap();
        let long = render(&sheet(120)).unwrap();
        assert!(long.len() > short.len());
        let count = |pdf: &[u8]| String::from_utf8_lossy(pdf).matches("/MediaBox").count();
        assert_eq!(count(&short), 1);
        assert!(count(&long) >= 3, "{} pages", count(&long));
    }
}
