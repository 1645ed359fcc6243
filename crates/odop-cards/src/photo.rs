//! The optional product photo: decoded with the `image` crate (which the
//! workspace already builds for JPEG, PNG and WebP), cropped to fill its
//! frame and painted onto the rendered card with rounded corners.
//!
//! The photo is painted after the SVG is rendered rather than embedded in
//! it, so that resvg needs none of its own raster decoders and the SVG
//! never carries a data URL.

use std::io::Cursor;

use image::{DynamicImage, ImageReader, RgbaImage, imageops::FilterType};
use resvg::tiny_skia::Pixmap;

/// Where the photo goes, in card pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Frame {
    pub(crate) x: u32,
    pub(crate) y: u32,
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) radius: f32,
}

/// Photos larger than this on either side are refused rather than decoded;
/// listing photos are stored at most 960 px wide, so this only stops
/// decompression bombs.
const MAX_SIDE: u32 = 8192;
/// The most memory the decoder may allocate for one photo.
const MAX_ALLOC: u64 = 256 * 1024 * 1024;

/// Decodes the photo and crops and scales it to exactly fill the frame.
/// Returns `None` for anything that is not a readable image; the card is
/// then drawn without a photo.
pub(crate) fn prepare(bytes: &[u8], frame: Frame) -> Option<RgbaImage> {
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().ok()?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let img = reader.decode().ok()?;
    if img.width() == 0 || img.height() == 0 {
        return None;
    }
    Some(cover(&img, frame.width, frame.height))
}

/// Crops the centre of `img` to the frame's aspect ratio and scales it to
/// the frame's size.
fn cover(img: &DynamicImage, width: u32, height: u32) -> RgbaImage {
    let (w, h) = (u64::from(img.width()), u64::from(img.height()));
    let (fw, fh) = (u64::from(width), u64::from(height));
    // Keep the whole height and trim the sides when the photo is wider than
    // the frame, and the other way round when it is taller.
    let (cw, ch) = if w * fh > h * fw {
        ((h * fw / fh).max(1), h)
    } else {
        (w, (w * fh / fw).max(1))
    };
    let (cx, cy) = ((w - cw) / 2, (h - ch) / 2);
    let mut cropped = img.crop_imm(cx as u32, cy as u32, cw as u32, ch as u32);
    // A big photo is first brought down with the fast integer thumbnailer,
    // so the filtered resize below touches few pixels.
    if cropped.width() > width * 3 {
        cropped = cropped.thumbnail_exact(width * 2, height * 2);
    }
    cropped.resize_exact(width, height, FilterType::Triangle).to_rgba8()
}

/// How much of the pixel whose top-left corner is at (`px`, `py`) lies
/// inside a rectangle of size `w`×`h` with corners rounded by `r`, measured
/// from the rectangle's own origin; 0.0 outside, 1.0 inside, a ramp over
/// one pixel at the rounded edges.
fn coverage(px: u32, py: u32, w: u32, h: u32, r: f32) -> f32 {
    let (x, y) = (px as f32 + 0.5, py as f32 + 0.5);
    let (w, h) = (w as f32, h as f32);
    // Distance from the nearest corner circle's centre, along each axis,
    // counted only inside the corner square.
    let dx = (r - x).max(x - (w - r)).max(0.0);
    let dy = (r - y).max(y - (h - r)).max(0.0);
    if dx == 0.0 || dy == 0.0 {
        return 1.0;
    }
    let distance = (dx * dx + dy * dy).sqrt();
    (r - distance + 0.5).clamp(0.0, 1.0)
}

/// Paints the prepared photo into the frame. The card underneath is
/// opaque, so blending straight (non-premultiplied) photo colours over the
/// premultiplied pixmap only needs the photo's own alpha.
pub(crate) fn paint(pixmap: &mut Pixmap, photo: &RgbaImage, frame: Frame) {
    let stride = pixmap.width() as usize;
    let data = pixmap.data_mut();
    for (px, py, pixel) in photo.enumerate_pixels() {
        let a = coverage(px, py, frame.width, frame.height, frame.radius) * f32::from(pixel.0[3]) / 255.0;
        if a <= 0.0 {
            continue;
        }
        let (x, y) = ((frame.x + px) as usize, (frame.y + py) as usize);
        let at = (y * stride + x) * 4;
        let Some(dst) = data.get_mut(at..at + 4) else {
            continue;
        };
        for (d, s) in dst.iter_mut().zip(pixel.0.iter()).take(3) {
            let blended = f32::from(*s) * a + f32::from(*d) * (1.0 - a);
            *d = blended.round().clamp(0.0, 255.0) as u8;
        }
        dst[3] = 255;
    }
}

#[cfg(test)]
mod tests {
    use super::coverage;

    #[test]
    fn rounded_corners_are_cut_and_edges_are_kept() {
        // The very corner pixel lies outside the rounding.
        assert_eq!(coverage(0, 0, 100, 100, 20.0), 0.0);
        // The middle of each edge and the centre are fully inside.
        assert_eq!(coverage(50, 0, 100, 100, 20.0), 1.0);
        assert_eq!(coverage(0, 50, 100, 100, 20.0), 1.0);
        assert_eq!(coverage(50, 50, 100, 100, 20.0), 1.0);
        // Just inside the arc, well clear of its edge.
        assert_eq!(coverage(10, 10, 100, 100, 20.0), 1.0);
        assert_eq!(coverage(99, 99, 100, 100, 20.0), 0.0);
    }
}
