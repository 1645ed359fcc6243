//! Pictures for generated listings, so that a generated catalogue looks
//! like a shop: one per craft and variant, a pattern drawn from the craft's
//! name (stripes, checks, dots, diamonds or waves, in one of a few warm
//! palettes) with a lighter panel in the middle. They pass through the
//! same pipeline as a seller's photo (`odop_media::process`), so they come
//! out as the same WebP renditions.

use image::{ImageEncoder, Rgb, RgbImage};

/// The side of a drawn picture: renditions of 240 and 480 pixels.
pub const SIZE: u32 = 480;

/// Pictures drawn per craft; a listing takes one by its serial number.
pub const PER_CRAFT: u64 = 2;

/// Background and pattern colours.
const PALETTES: &[([u8; 3], [u8; 3])] = &[
    ([156, 61, 16], [232, 176, 92]),
    ([29, 78, 137], [214, 226, 240]),
    ([27, 107, 58], [230, 214, 150]),
    ([110, 42, 10], [250, 236, 210]),
    ([138, 90, 0], [255, 243, 214]),
    ([120, 20, 60], [247, 205, 222]),
    ([40, 40, 40], [220, 190, 120]),
    ([0, 96, 100], [240, 226, 200]),
];

/// FNV-1a: the same picture for the same craft on every machine.
fn fingerprint(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Whether the pattern covers pixel (`x`, `y`) for motif `motif` at scale `unit`.
fn covered(motif: u64, x: i64, y: i64, unit: i64) -> bool {
    match motif {
        0 => ((x + y) / unit) % 2 == 0,
        1 => ((x / unit) + (y / unit)) % 2 == 0,
        2 => {
            let (dx, dy) = (x % unit - unit / 2, y % unit - unit / 2);
            dx * dx + dy * dy < (unit * unit) / 9
        }
        3 => (x % unit - unit / 2).abs() + (y % unit - unit / 2).abs() < unit / 3,
        _ => {
            // A zigzag: the row shifts with the column, up and down.
            let shift = (x % (2 * unit) - unit).abs();
            ((y + shift) / (unit / 2 + 1)) % 3 == 0
        }
    }
}

/// The `variant`th picture of `craft`, as PNG bytes.
pub fn draw(craft: &str, variant: u64) -> Vec<u8> {
    let hash = fingerprint(craft) ^ variant.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let (ground, ink) = PALETTES[(hash % PALETTES.len() as u64) as usize];
    let motif = (hash >> 8) % 5;
    let unit = 24 + ((hash >> 16) % 4) as i64 * 8;
    let margin = SIZE as i64 / 6;
    let mut picture = RgbImage::new(SIZE, SIZE);
    for (x, y, pixel) in picture.enumerate_pixels_mut() {
        let (x, y) = (i64::from(x), i64::from(y));
        let inside = (margin..SIZE as i64 - margin).contains(&x) && (margin..SIZE as i64 - margin).contains(&y);
        let on = covered(motif, x, y, unit);
        *pixel = match (inside, on) {
            // The panel: the pattern faded towards white, like cloth in light.
            (true, true) => Rgb(ink.map(|c| c / 2 + 120)),
            (true, false) => Rgb(ground.map(|c| c / 3 + 170)),
            (false, true) => Rgb(ink),
            (false, false) => Rgb(ground),
        };
    }
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(picture.as_raw(), SIZE, SIZE, image::ExtendedColorType::Rgb8)
        .expect("encoding a picture into memory cannot fail");
    png
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_craft_always_gets_the_same_picture_and_crafts_differ() {
        assert_eq!(draw("chikankari", 0), draw("chikankari", 0));
        assert_ne!(draw("chikankari", 0), draw("chikankari", 1));
        assert_ne!(draw("chikankari", 0), draw("glassware", 0));
    }

    #[test]
    fn a_picture_goes_through_the_photo_pipeline_like_a_sellers() {
        let photo = odop_media::process(&draw("wooden-toys", 0)).expect("a drawn picture is a valid photo");
        assert_eq!((photo.width, photo.height), (SIZE, SIZE));
        let widths: Vec<u32> = photo.renditions.iter().map(|r| r.width).collect();
        assert_eq!(widths, [240, 480]);
    }
}
