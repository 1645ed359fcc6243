//! Photos of listings. A seller's upload is checked (type from its bytes,
//! size, dimensions, decoded size), turned upright by its EXIF orientation,
//! and re-encoded as WebP in a few widths. Nothing of the original file is
//! kept: its metadata (EXIF: camera, time, often the place) never leaves
//! this function, and neither does anything a crafted file might carry.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, imageops::FilterType};

/// The largest upload accepted.
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;
/// The widths of the renditions made, when the original is wide enough.
pub const WIDTHS: [u32; 3] = [240, 480, 960];
/// WebP quality: small files that still show the weave of a saree.
const QUALITY: f32 = 78.0;

/// How large a photo may be, before and after decoding.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_bytes: usize,
    pub max_side: u32,
    /// Bounds the memory a decoder may use: a small file that claims to
    /// hold a huge image (a decompression bomb) is refused before decoding.
    pub max_pixels: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: MAX_PHOTO_BYTES,
            max_side: 8000,
            max_pixels: 40_000_000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("the photo is empty")]
    Empty,
    #[error("the photo is larger than 10 MB")]
    TooLarge,
    #[error("the photo is not a JPEG, PNG or WebP image")]
    WrongType,
    #[error("the photo has too many pixels (at most 8000 pixels a side)")]
    TooManyPixels,
    #[error("the photo could not be read; it may be damaged")]
    Unreadable,
}

impl PhotoError {
    pub fn message_id(self) -> &'static str {
        match self {
            PhotoError::Empty => "photo-empty",
            PhotoError::TooLarge => "photo-too-large",
            PhotoError::WrongType => "photo-wrong-type",
            PhotoError::TooManyPixels => "photo-too-many-pixels",
            PhotoError::Unreadable => "photo-unreadable",
        }
    }
}

/// One resized copy, WebP-encoded.
#[derive(Clone, Debug)]
pub struct Rendition {
    pub width: u32,
    pub height: u32,
    pub webp: Vec<u8>,
}

/// A processed photo: its upright size and its renditions, narrowest first.
#[derive(Clone, Debug)]
pub struct Photo {
    pub width: u32,
    pub height: u32,
    pub renditions: Vec<Rendition>,
}

/// The format of an upload, from its first bytes.
fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(ImageFormat::WebP)
    } else {
        None
    }
}

/// Checks and converts an upload, with the default limits.
pub fn process(bytes: &[u8]) -> Result<Photo, PhotoError> {
    process_with(bytes, &Limits::default())
}

pub fn process_with(bytes: &[u8], limits: &Limits) -> Result<Photo, PhotoError> {
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    if bytes.len() > limits.max_bytes {
        return Err(PhotoError::TooLarge);
    }
    let format = sniff(bytes).ok_or(PhotoError::WrongType)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut decoding = image::Limits::default();
    decoding.max_image_width = Some(limits.max_side);
    decoding.max_image_height = Some(limits.max_side);
    // Four bytes a pixel (RGBA) is the most a decoded photo needs.
    decoding.max_alloc = Some(limits.max_pixels * 4);
    reader.limits(decoding);
    let mut decoder = reader.into_decoder().map_err(classify)?;
    let (width, height) = decoder.dimensions();
    if width > limits.max_side || height > limits.max_side || u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(PhotoError::TooManyPixels);
    }
    let orientation = decoder.orientation().map_err(classify)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(classify)?;
    image.apply_orientation(orientation);
    let (width, height) = (image.width(), image.height());

    let mut renditions = Vec::new();
    for target in WIDTHS {
        let target = target.min(width);
        if renditions.last().is_some_and(|r: &Rendition| r.width >= target) {
            break;
        }
        let resized = if target == width {
            image.clone()
        } else {
            image.resize(target, u32::MAX, FilterType::Triangle)
        };
        renditions.push(encode(&resized));
    }
    Ok(Photo {
        width,
        height,
        renditions,
    })
}

fn encode(image: &DynamicImage) -> Rendition {
    let (width, height) = (image.width(), image.height());
    let webp = if image.color().has_alpha() {
        let rgba = image.to_rgba8();
        webp::Encoder::from_rgba(rgba.as_raw(), width, height)
            .encode(QUALITY)
            .to_vec()
    } else {
        let rgb = image.to_rgb8();
        webp::Encoder::from_rgb(rgb.as_raw(), width, height)
            .encode(QUALITY)
            .to_vec()
    };
    Rendition { width, height, webp }
}

fn classify(error: image::ImageError) -> PhotoError {
    match error {
        image::ImageError::Limits(_) => PhotoError::TooManyPixels,
        image::ImageError::Unsupported(_) => PhotoError::WrongType,
        _ => PhotoError::Unreadable,
    }
}

#[cfg(test)]
mod tests {
    use image::{ImageBuffer, Rgb, RgbImage};

    use super::*;

    fn picture(width: u32, height: u32) -> RgbImage {
        ImageBuffer::from_fn(width, height, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 128]))
    }

    fn encoded(image: &RgbImage, format: ImageFormat) -> Vec<u8> {
        let mut bytes = Vec::new();
        image.write_to(&mut Cursor::new(&mut bytes), format).unwrap();
        bytes
    }

    /// A JPEG with an EXIF segment saying "rotate 90°" (orientation 6) and
    /// a camera maker, inserted right after the start-of-image marker.
    fn jpeg_with_exif(image: &RgbImage) -> Vec<u8> {
        let jpeg = encoded(image, ImageFormat::Jpeg);
        let mut tiff = b"MM\0*\0\0\0\x08".to_vec();
        tiff.extend_from_slice(&[0, 2]); // two entries
        tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]); // Orientation = 6
        tiff.extend_from_slice(&[0x01, 0x0F, 0, 2, 0, 0, 0, 4, 0, 0, 0, 38]); // Make at offset 38
        tiff.extend_from_slice(&[0, 0, 0, 0]);
        tiff.extend_from_slice(b"ACME");
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend_from_slice(&tiff);
        let length = (app1.len() + 2) as u16;
        let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
        out.extend_from_slice(&length.to_be_bytes());
        out.extend_from_slice(&app1);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    #[test]
    fn a_photo_becomes_webp_renditions_no_wider_than_the_original() {
        for format in [ImageFormat::Jpeg, ImageFormat::Png, ImageFormat::WebP] {
            let photo = process(&encoded(&picture(1200, 800), format)).unwrap();
            assert_eq!((photo.width, photo.height), (1200, 800));
            let widths: Vec<u32> = photo.renditions.iter().map(|r| r.width).collect();
            assert_eq!(widths, [240, 480, 960], "{format:?}");
            for rendition in &photo.renditions {
                assert!(rendition.webp.starts_with(b"RIFF") && &rendition.webp[8..12] == b"WEBP");
                let decoded = image::load_from_memory_with_format(&rendition.webp, ImageFormat::WebP).unwrap();
                assert_eq!((decoded.width(), decoded.height()), (rendition.width, rendition.height));
                assert_eq!(rendition.height * 3, rendition.width * 2, "the aspect ratio is kept");
            }
        }
        let small = process(&encoded(&picture(300, 200), ImageFormat::Png)).unwrap();
        let widths: Vec<u32> = small.renditions.iter().map(|r| r.width).collect();
        assert_eq!(widths, [240, 300], "never enlarged");
    }

    #[test]
    fn exif_turns_the_photo_upright_and_is_then_thrown_away() {
        let upload = jpeg_with_exif(&picture(400, 200));
        assert!(upload.windows(4).any(|w| w == b"ACME"));
        let photo = process(&upload).unwrap();
        assert_eq!((photo.width, photo.height), (200, 400), "rotated upright");
        for rendition in &photo.renditions {
            assert!(
                !rendition.webp.windows(4).any(|w| w == b"Exif" || w == b"ACME"),
                "no metadata survives"
            );
        }
    }

    #[test]
    fn hostile_uploads_are_refused_with_a_reason() {
        let limits = Limits {
            max_bytes: 200_000,
            max_side: 1000,
            max_pixels: 500_000,
        };
        let cases: Vec<(Vec<u8>, PhotoError)> = vec![
            (Vec::new(), PhotoError::Empty),
            (b"<svg onload=alert(1)>".to_vec(), PhotoError::WrongType),
            (b"%PDF-1.4".to_vec(), PhotoError::WrongType),
            (b"BM\x36\0\0\0\0\0\0\0\x36\0\0\0".to_vec(), PhotoError::WrongType),
            (vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F'], PhotoError::Unreadable),
            (encoded(&picture(1200, 10), ImageFormat::Png), PhotoError::TooManyPixels),
            // A small file that decodes to far more pixels than allowed.
            (
                encoded(&ImageBuffer::from_pixel(900, 900, Rgb([0u8, 0, 0])), ImageFormat::Png),
                PhotoError::TooManyPixels,
            ),
        ];
        for (bytes, error) in cases {
            assert_eq!(
                process_with(&bytes, &limits).map(|_| ()),
                Err(error),
                "{} bytes",
                bytes.len()
            );
        }
        let big = vec![0xFF; 200_001];
        assert_eq!(process_with(&big, &limits).map(|_| ()), Err(PhotoError::TooLarge));
    }
}
