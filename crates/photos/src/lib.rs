//! Checking and cleaning the photos that members of the public attach to feedback.
//!
//! Photos come straight from people's phones, often through WeChat's in-app browser, and a
//! phone photo usually carries the place where it was taken: GPS coordinates in its Exif
//! block or in XMP. A photo of a leaking roof or a broken lift taken at home would tell
//! every member of staff who opens the feedback where the sender lives. So unless the sender
//! asked to share the location (`keep_location`), [`sanitize`] removes it before anything is
//! stored.
//!
//! What [`sanitize`] checks, without decoding pixels (the `image` crate costs too much to
//! compile for this, and decoding is not needed to judge the container):
//!
//! * size first: more than [`MAX_PHOTO_BYTES`] is refused before anything else is looked at;
//! * the type, from the bytes themselves, never from a file name or declared content type:
//!   JPEG, PNG or WebP, anything else is [`PhotoError::NotAnImage`];
//! * the structure, so that what we store is a well-formed file and the dimensions we record
//!   are the ones a viewer will see:
//!   * JPEG: SOI, then every marker segment with a length that fits, exactly one frame header
//!     (SOF0..SOF15, not DHT/JPG/DAC) before the first scan, the entropy-coded data of every
//!     scan walked to the next marker, and an EOI;
//!   * PNG: the signature, then chunks whose lengths fit and whose CRC-32 is right, IHDR
//!     first, IDAT chunks together, a palette where the colour type needs one, IEND last;
//!   * WebP: a RIFF/WEBP header whose size fits the data, chunks that exactly fill it, and a
//!     VP8 (lossy), VP8L (lossless) or VP8X (extended) header giving the dimensions; for
//!     VP8X the image (or every animation frame) must match the canvas;
//!
//!   anything that fails is [`PhotoError::Damaged`];
//! * the dimensions: 1 to 12,000 pixels each side and at most 50 megapixels, so thumbnailing
//!   it later cannot exhaust memory ([`PhotoError::BadDimensions`]).
//!
//! What is removed unless `keep_location`:
//!
//! * Exif, wherever it is (JPEG APP1, PNG `eXIf`, WebP `EXIF`): rebuilt from scratch holding
//!   only the orientation tag, so the photo still shows the right way up; everything else
//!   (GPS, times, camera serial numbers, maker notes, the embedded thumbnail) is dropped. An
//!   Exif block without a readable orientation is dropped whole.
//! * XMP (JPEG APP1, PNG `iTXt` "XML:com.adobe.xmp", WebP `XMP `), which can hold GPS too; in
//!   JPEG every APP1 segment goes, and so does APP13 (Photoshop/IPTC, which can embed XMP).
//! * PNG text chunks that may hold a location: any that mentions "GPS", raw profiles
//!   ("Raw profile type exif" and the like, hex-encoded Exif), and compressed ones (`zTXt`,
//!   compressed `iTXt`), which cannot be searched without inflating them.
//!
//! Always, whatever `keep_location` says: anything after the end of the image (JPEG data
//! after EOI, PNG data after IEND, bytes past the RIFF size) is discarded. Phones append
//! depth maps, motion-photo videos and second images there, each with its own metadata; the
//! JPEG APP2 "MPF" index that points at them is dropped with them. Everything else (colour
//! profiles, quantisation tables, pixel data) is copied unchanged.
//!
//! This crate is pure: bytes in, bytes out, no I/O. Who does what:
//!
//! * `img-parts` reads and writes the PNG chunks (lengths, CRC-32s, the end at IEND) and the
//!   WebP RIFF container (its size, chunks, padding);
//! * `kamadak-exif` reads the orientation out of an Exif block and writes the block that
//!   holds only it;
//! * by hand, where no crate does it without decoding: the JPEG walk (`img-parts` keeps
//!   everything after the first scan as opaque data, including segments between scans and
//!   images appended after EOI, which carry location), the rules of order and the headers
//!   that make a file well formed (PNG's IHDR, IDAT and PLTE; JPEG's frame and scan headers;
//!   WebP's VP8, VP8L and VP8X), which also give the dimensions, and the choice of which
//!   PNG text chunks may hold a location.

/// What an accepted photo looks like after sanitising.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanPhoto {
    /// `"image/jpeg"`, `"image/png"` or `"image/webp"`, from the content.
    pub content_type: &'static str,
    /// The photo to store, with the location removed unless it was to be kept.
    pub bytes: Vec<u8>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// Why a photo was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("photo is larger than {max_bytes} bytes")]
    TooLarge { max_bytes: usize },
    #[error("not a JPEG, PNG or WebP image")]
    NotAnImage,
    #[error("the image file is damaged")]
    Damaged,
    #[error("image dimensions {width}x{height} are out of range")]
    BadDimensions { width: u32, height: u32 },
}

/// The largest photo accepted, in bytes.
pub const MAX_PHOTO_BYTES: usize = 8 * 1024 * 1024;
/// The most photos one piece of feedback may carry.
pub const MAX_PHOTOS: usize = 3;

/// The longest side accepted, in pixels.
const MAX_SIDE: u32 = 12_000;
/// The most pixels accepted (50 megapixels).
const MAX_PIXELS: u64 = 50_000_000;

/// Checks type (by content, never by file name or declared type), size, structure and
/// dimensions (1..=12000 each side, at most 50 megapixels), and removes location data
/// unless `keep_location`. See the module documentation for exactly what is kept.
pub fn sanitize(bytes: &[u8], keep_location: bool) -> Result<CleanPhoto, PhotoError> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(PhotoError::TooLarge {
            max_bytes: MAX_PHOTO_BYTES,
        });
    }
    let (content_type, parsed) = match sniff(bytes) {
        Kind::Jpeg => ("image/jpeg", jpeg::sanitize(bytes, keep_location)?),
        Kind::Png => ("image/png", png::sanitize(bytes, keep_location)?),
        Kind::Webp => ("image/webp", webp::sanitize(bytes, keep_location)?),
        Kind::Truncated => return Err(PhotoError::Damaged),
        Kind::Unknown => return Err(PhotoError::NotAnImage),
    };
    let Parsed {
        bytes,
        width,
        height,
    } = parsed;
    let pixels = u64::from(width) * u64::from(height);
    if !(1..=MAX_SIDE).contains(&width) || !(1..=MAX_SIDE).contains(&height) || pixels > MAX_PIXELS
    {
        return Err(PhotoError::BadDimensions { width, height });
    }
    Ok(CleanPhoto {
        content_type,
        bytes,
        width,
        height,
    })
}

mod exif;
mod jpeg;
mod png;
mod webp;

#[cfg(test)]
mod tests;

/// A structurally valid image, cleaned, before its dimensions are judged.
struct Parsed {
    bytes: Vec<u8>,
    width: u32,
    height: u32,
}

enum Kind {
    Jpeg,
    Png,
    Webp,
    /// Too short to tell, but the start of one of the formats.
    Truncated,
    Unknown,
}

const JPEG_MAGIC: &[u8] = &[0xFF, 0xD8];
const PNG_SIGNATURE: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
const RIFF_MAGIC: &[u8] = b"RIFF";

fn sniff(b: &[u8]) -> Kind {
    if b.starts_with(JPEG_MAGIC) {
        Kind::Jpeg
    } else if b.starts_with(&PNG_SIGNATURE[..4]) {
        // A mangled rest of the signature (line endings converted) is damage, not another type.
        Kind::Png
    } else if b.starts_with(RIFF_MAGIC) {
        match b.get(8..12) {
            Some(b"WEBP") => Kind::Webp,
            Some(_) => Kind::Unknown,
            None => Kind::Truncated,
        }
    } else if !b.is_empty()
        && [JPEG_MAGIC, &PNG_SIGNATURE[..4], RIFF_MAGIC]
            .iter()
            .any(|magic| magic.starts_with(b))
    {
        Kind::Truncated
    } else {
        Kind::Unknown
    }
}

/// `len` bytes of `b` from `start`, or `Damaged` when they are not all there.
fn slice(b: &[u8], start: usize, len: usize) -> Result<&[u8], PhotoError> {
    let end = start.checked_add(len).ok_or(PhotoError::Damaged)?;
    b.get(start..end).ok_or(PhotoError::Damaged)
}

fn array<const N: usize>(b: &[u8], at: usize) -> Result<[u8; N], PhotoError> {
    slice(b, at, N)?.try_into().map_err(|_| PhotoError::Damaged)
}

fn u16_be(b: &[u8], at: usize) -> Result<u16, PhotoError> {
    array(b, at).map(u16::from_be_bytes)
}

fn u16_le(b: &[u8], at: usize) -> Result<u16, PhotoError> {
    array(b, at).map(u16::from_le_bytes)
}

fn u32_le(b: &[u8], at: usize) -> Result<u32, PhotoError> {
    array(b, at).map(u32::from_le_bytes)
}

fn u24_le(b: &[u8], at: usize) -> Result<u32, PhotoError> {
    let [x, y, z] = array(b, at)?;
    Ok(u32::from_le_bytes([x, y, z, 0]))
}

fn to_usize(n: u32) -> Result<usize, PhotoError> {
    usize::try_from(n).map_err(|_| PhotoError::Damaged)
}

fn contains_ignore_ascii_case(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty()
        || haystack
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}
