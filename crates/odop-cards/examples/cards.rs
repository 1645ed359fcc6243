//! Renders a few sample cards and reports how long a card takes to draw.
//!
//! Run with `cargo run --release -p odop-cards --example cards [DIR]`; with
//! a directory, the samples are also written there as PNG files to look at.
//! Set `CARD_PHOTO` to a JPEG, PNG or WebP file to use a real photo.

use std::time::Instant;

use odop_cards::{Card, CardLine, render_png};

fn samples() -> Vec<(&'static str, Card)> {
    let quiz_en = Card {
        eyebrow: "ODOP daily quiz · 23 Nov 2026".into(),
        title: "Which district of Uttar Pradesh is famous for its Chikankari embroidery?".into(),
        lines: vec![
            CardLine::Choice {
                label: "A".into(),
                text: "Lucknow".into(),
            },
            CardLine::Choice {
                label: "B".into(),
                text: "Varanasi".into(),
            },
            CardLine::Choice {
                label: "C".into(),
                text: "Moradabad".into(),
            },
            CardLine::Choice {
                label: "D".into(),
                text: "Firozabad".into(),
            },
        ],
        footer: "odop.up.gov.in/quiz".into(),
        photo: None,
    };
    let quiz_hi = Card {
        eyebrow: "ओडीओपी दैनिक प्रश्नोत्तरी · 23 नवंबर 2026".into(),
        title: "किस ज़िले की पहचान कालीन उद्योग से है? इस प्रश्न का उत्तर दीजिए और अपने मित्रों को चुनौती दीजिए".into(),
        lines: vec![
            CardLine::Choice {
                label: "क".into(),
                text: "भदोही".into(),
            },
            CardLine::Choice {
                label: "ख".into(),
                text: "कन्नौज (इत्र) — ODOP उत्पाद".into(),
            },
            CardLine::Choice {
                label: "ग".into(),
                text: "फ़िरोज़ाबाद".into(),
            },
            CardLine::Choice {
                label: "घ".into(),
                text: "आगरा".into(),
            },
        ],
        footer: "odop.up.gov.in/quiz".into(),
        photo: None,
    };
    let result = Card {
        eyebrow: "ODOP daily quiz".into(),
        title: "I scored 4 of 5".into(),
        lines: vec![CardLine::Text("Can you beat me? Try today's five questions.".into())],
        footer: "odop.up.gov.in/quiz".into(),
        photo: None,
    };
    let poll = Card {
        eyebrow: "ODOP poll · जनमत".into(),
        title: "Which product should be featured at the Trade Show?".into(),
        lines: vec![
            CardLine::Bar {
                text: "Banarasi silk saree".into(),
                percent: 42,
                highlight: true,
            },
            CardLine::Bar {
                text: "मुरादाबाद का पीतल".into(),
                percent: 27,
                highlight: false,
            },
            CardLine::Bar {
                text: "Kannauj attar".into(),
                percent: 18,
                highlight: false,
            },
            CardLine::Bar {
                text: "Firozabad glass".into(),
                percent: 9,
                highlight: false,
            },
            CardLine::Bar {
                text: "Other".into(),
                percent: 4,
                highlight: false,
            },
            CardLine::Bar {
                text: "None".into(),
                percent: 0,
                highlight: false,
            },
        ],
        footer: "odop.up.gov.in/polls".into(),
        photo: None,
    };
    let mut with_photo = quiz_en.clone();
    with_photo.photo = Some(sample_photo());
    let mut poll_photo = poll.clone();
    poll_photo.photo = Some(sample_photo());
    let hindi_poll = Card {
        eyebrow: "ओडीओपी जनमत सर्वेक्षण · नवंबर 2026".into(),
        title: "आपके अनुसार अगले अंतरराष्ट्रीय व्यापार मेले में उत्तर प्रदेश के किस एक \
                ज़िले के उत्पाद को सबसे प्रमुख स्थान मिलना चाहिए, और क्यों? अपनी राय दीजिए \
                और अपने मित्रों से भी पूछिए"
            .into(),
        lines: vec![
            CardLine::Bar {
                text: "बनारसी रेशमी साड़ी (वाराणसी)".into(),
                percent: 38,
                highlight: false,
            },
            CardLine::Bar {
                text: "चिकनकारी कढ़ाई (लखनऊ)".into(),
                percent: 24,
                highlight: true,
            },
            CardLine::Bar {
                text: "पीतल के बर्तन (मुरादाबाद)".into(),
                percent: 16,
                highlight: false,
            },
            CardLine::Bar {
                text: "इत्र (कन्नौज)".into(),
                percent: 12,
                highlight: false,
            },
            CardLine::Bar {
                text: "काँच की चूड़ियाँ (फ़िरोज़ाबाद)".into(),
                percent: 7,
                highlight: false,
            },
            CardLine::Bar {
                text: "अन्य".into(),
                percent: 3,
                highlight: false,
            },
        ],
        footer: "odop.up.gov.in/polls".into(),
        photo: Some(sample_photo()),
    };
    let hostile = Card {
        eyebrow: "<b>eyebrow</b> & co".into(),
        title: "<script>alert('x')</script> & \"quotes\" ]]> <!-- -->".into(),
        lines: vec![CardLine::Choice {
            label: "<".into(),
            text: "&amp; is not decoded".into(),
        }],
        footer: "</svg>".into(),
        photo: Some(b"not an image".to_vec()),
    };
    vec![
        ("hindi_poll", hindi_poll),
        ("hostile", hostile),
        ("quiz_en", quiz_en),
        ("quiz_hi", quiz_hi),
        ("result", result),
        ("poll", poll),
        ("quiz_photo", with_photo),
        ("poll_photo", poll_photo),
    ]
}

/// The photo in the file named by `CARD_PHOTO`, or else a 960×720 JPEG
/// with a gradient, standing in for a listing photo.
fn sample_photo() -> Vec<u8> {
    if let Some(path) = std::env::var_os("CARD_PHOTO") {
        return std::fs::read(path).expect("reading CARD_PHOTO");
    }
    let img = image::RgbImage::from_fn(960, 720, |x, y| image::Rgb([(x / 4) as u8, (y / 3) as u8, 140]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encoding the sample photo");
    out.into_inner()
}

fn main() {
    let dir = std::env::args().nth(1);
    let samples = samples();
    if let Some(dir) = &dir {
        for (name, card) in &samples {
            let png = render_png(card).expect("render");
            std::fs::write(format!("{dir}/{name}.png"), png).expect("write");
        }
    }
    // The first render also parses the fonts; time the steady state.
    render_png(&samples[0].1).expect("render");
    let count = 20;
    let start = Instant::now();
    for i in 0..count {
        let (_, card) = &samples[i % samples.len()];
        render_png(card).expect("render");
    }
    let per_card = start.elapsed().as_secs_f64() * 1000.0 / count as f64;
    println!("{count} cards, {per_card:.1} ms per card");
}
