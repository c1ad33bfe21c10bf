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
//! compile for this):
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
pub(crate) fn sanitize(bytes: &[u8], keep_location: bool) -> Result<CleanPhoto, PhotoError> {
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

fn u32_be(b: &[u8], at: usize) -> Result<u32, PhotoError> {
    array(b, at).map(u32::from_be_bytes)
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

/// Exif (a TIFF structure): reading the orientation and writing an Exif block holding only it.
mod exif {
    const ORIENTATION: u16 = 0x0112;
    const SHORT: u16 = 3;

    /// The TIFF data in an Exif payload, which some writers prefix with JPEG's "Exif\0\0".
    pub(super) fn tiff(payload: &[u8]) -> &[u8] {
        payload.strip_prefix(b"Exif\0\0").unwrap_or(payload)
    }

    /// The orientation (1..=8) in IFD0 of `tiff`, if it is there and readable.
    pub(super) fn orientation(tiff: &[u8]) -> Option<u16> {
        let big_endian = match tiff.get(0..2)? {
            b"II" => false,
            b"MM" => true,
            _ => return None,
        };
        let u16_at = |at: usize| -> Option<u16> {
            let b: [u8; 2] = tiff.get(at..at.checked_add(2)?)?.try_into().ok()?;
            Some(if big_endian {
                u16::from_be_bytes(b)
            } else {
                u16::from_le_bytes(b)
            })
        };
        let u32_at = |at: usize| -> Option<u32> {
            let b: [u8; 4] = tiff.get(at..at.checked_add(4)?)?.try_into().ok()?;
            Some(if big_endian {
                u32::from_be_bytes(b)
            } else {
                u32::from_le_bytes(b)
            })
        };
        if u16_at(2)? != 42 {
            return None;
        }
        let ifd0 = usize::try_from(u32_at(4)?).ok()?;
        let count = usize::from(u16_at(ifd0)?);
        for i in 0..count {
            let entry = ifd0.checked_add(2)?.checked_add(i.checked_mul(12)?)?;
            if u16_at(entry)? != ORIENTATION {
                continue;
            }
            let value = u16_at(entry.checked_add(8)?)?;
            let well_formed = u16_at(entry.checked_add(2)?)? == SHORT
                && u32_at(entry.checked_add(4)?)? == 1
                && (1..=8).contains(&value);
            return well_formed.then_some(value);
        }
        None
    }

    /// A big-endian TIFF structure whose only entry is the orientation.
    pub(super) fn orientation_only(orientation: u16) -> Vec<u8> {
        let mut t = Vec::with_capacity(26);
        t.extend_from_slice(b"MM\0\x2A"); // byte order and TIFF magic
        t.extend_from_slice(&8u32.to_be_bytes()); // IFD0 follows the header
        t.extend_from_slice(&1u16.to_be_bytes()); // one entry
        t.extend_from_slice(&ORIENTATION.to_be_bytes());
        t.extend_from_slice(&SHORT.to_be_bytes());
        t.extend_from_slice(&1u32.to_be_bytes()); // one value, stored in the entry
        t.extend_from_slice(&orientation.to_be_bytes());
        t.extend_from_slice(&[0, 0]);
        t.extend_from_slice(&0u32.to_be_bytes()); // no IFD1, so no thumbnail
        t
    }
}

mod jpeg {
    use super::{Parsed, PhotoError, exif, slice, u16_be};

    const SOI: u8 = 0xD8;
    const EOI: u8 = 0xD9;
    const SOS: u8 = 0xDA;
    const TEM: u8 = 0x01;
    const APP1: u8 = 0xE1;
    const APP2: u8 = 0xE2;
    const APP13: u8 = 0xED;

    /// SOF0..SOF15, leaving out DHT (C4), JPG (C8) and DAC (CC), which share the range.
    fn is_frame_header(marker: u8) -> bool {
        matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC)
    }

    pub(super) fn sanitize(b: &[u8], keep_location: bool) -> Result<Parsed, PhotoError> {
        let mut out = Vec::with_capacity(b.len());
        out.extend_from_slice(&[0xFF, SOI]);
        let mut pos = 2;
        let mut dimensions = None;
        let mut scanned = false;
        let mut exif_written = false;
        loop {
            if b.get(pos) != Some(&0xFF) {
                return Err(PhotoError::Damaged);
            }
            // A marker may be preceded by any number of 0xFF fill bytes.
            while b.get(pos) == Some(&0xFF) {
                pos += 1;
            }
            let marker = *b.get(pos).ok_or(PhotoError::Damaged)?;
            pos += 1;
            match marker {
                EOI if scanned => {
                    out.extend_from_slice(&[0xFF, EOI]);
                    break;
                }
                TEM => {
                    out.extend_from_slice(&[0xFF, TEM]);
                    continue;
                }
                // Stuffed zero, a second SOI, an EOI before any scan, a restart marker
                // outside a scan, or a reserved marker.
                0x00 | SOI | EOI | 0xD0..=0xD7 | 0x02..=0xBF => return Err(PhotoError::Damaged),
                _ => {}
            }
            let length = usize::from(u16_be(b, pos)?);
            let payload_len = length.checked_sub(2).ok_or(PhotoError::Damaged)?;
            let payload = slice(b, pos + 2, payload_len)?;
            let segment = slice(b, pos, length)?;
            pos += length;

            let keep = match marker {
                m if is_frame_header(m) => {
                    if dimensions.is_some() {
                        return Err(PhotoError::Damaged);
                    }
                    dimensions = Some(frame_dimensions(payload)?);
                    true
                }
                SOS => {
                    if dimensions.is_none() {
                        return Err(PhotoError::Damaged);
                    }
                    check_scan_header(payload)?;
                    true
                }
                // Exif or XMP: both can hold GPS. Exif comes back as orientation only.
                APP1 if !keep_location => {
                    if !exif_written
                        && let Some(tiff) = payload.strip_prefix(b"Exif\0\0")
                        && let Some(orientation) = exif::orientation(tiff)
                    {
                        let mut new = b"Exif\0\0".to_vec();
                        new.extend_from_slice(&exif::orientation_only(orientation));
                        write_segment(&mut out, APP1, &new)?;
                        exif_written = true;
                    }
                    false
                }
                // Photoshop resources and IPTC, which can embed XMP.
                APP13 if !keep_location => false,
                // The index of the images appended after EOI, which are dropped below.
                APP2 if payload.starts_with(b"MPF\0") => false,
                _ => true,
            };
            if keep {
                out.extend_from_slice(&[0xFF, marker]);
                out.extend_from_slice(segment);
            }
            if marker == SOS {
                let end = end_of_entropy_coded_data(b, pos)?;
                out.extend_from_slice(b.get(pos..end).ok_or(PhotoError::Damaged)?);
                pos = end;
                scanned = true;
            }
        }
        // Whatever follows EOI (padding, appended depth maps, videos, second images) is dropped.
        let (width, height) = dimensions.ok_or(PhotoError::Damaged)?;
        Ok(Parsed {
            bytes: out,
            width,
            height,
        })
    }

    fn frame_dimensions(payload: &[u8]) -> Result<(u32, u32), PhotoError> {
        let components = usize::from(*payload.get(5).ok_or(PhotoError::Damaged)?);
        if components == 0 || payload.len() != 6 + 3 * components {
            return Err(PhotoError::Damaged);
        }
        let height = u16_be(payload, 1)?;
        let width = u16_be(payload, 3)?;
        Ok((u32::from(width), u32::from(height)))
    }

    fn check_scan_header(payload: &[u8]) -> Result<(), PhotoError> {
        let components = usize::from(*payload.first().ok_or(PhotoError::Damaged)?);
        if !(1..=4).contains(&components) || payload.len() != 1 + 2 * components + 3 {
            return Err(PhotoError::Damaged);
        }
        Ok(())
    }

    /// Where the next marker starts after the entropy-coded data from `pos`: 0xFF is followed
    /// there by 0x00 (a stuffed byte) or a restart marker; anything else is a marker.
    fn end_of_entropy_coded_data(b: &[u8], mut pos: usize) -> Result<usize, PhotoError> {
        loop {
            let rest = b.get(pos..).ok_or(PhotoError::Damaged)?;
            pos += rest
                .iter()
                .position(|&x| x == 0xFF)
                .ok_or(PhotoError::Damaged)?;
            match b.get(pos + 1) {
                None => return Err(PhotoError::Damaged),
                Some(0x00 | 0xD0..=0xD7) => pos += 2,
                // A fill byte: the marker proper starts later.
                Some(0xFF) => pos += 1,
                Some(_) => return Ok(pos),
            }
        }
    }

    fn write_segment(out: &mut Vec<u8>, marker: u8, payload: &[u8]) -> Result<(), PhotoError> {
        let length = u16::try_from(payload.len() + 2).map_err(|_| PhotoError::Damaged)?;
        out.extend_from_slice(&[0xFF, marker]);
        out.extend_from_slice(&length.to_be_bytes());
        out.extend_from_slice(payload);
        Ok(())
    }
}

mod png {
    use super::{
        PNG_SIGNATURE, Parsed, PhotoError, contains_ignore_ascii_case, exif, slice, to_usize,
        u32_be,
    };

    pub(super) fn sanitize(b: &[u8], keep_location: bool) -> Result<Parsed, PhotoError> {
        if b.get(..PNG_SIGNATURE.len()) != Some(PNG_SIGNATURE) {
            return Err(PhotoError::Damaged);
        }
        let mut out = Vec::with_capacity(b.len());
        out.extend_from_slice(PNG_SIGNATURE);
        let mut pos = PNG_SIGNATURE.len();
        let mut header: Option<Header> = None;
        let mut palette = false;
        let mut idat_seen = false;
        let mut idat_done = false;
        let mut exif_written = false;
        loop {
            let length = u32_be(b, pos)?;
            if length > 0x7FFF_FFFF {
                return Err(PhotoError::Damaged);
            }
            let length = to_usize(length)?;
            let kind: [u8; 4] = super::array(b, pos + 4)?;
            let data = slice(b, pos + 8, length)?;
            let stored_crc = u32_be(b, pos + 8 + length)?;
            if crc32(slice(b, pos + 4, length + 4)?) != stored_crc
                || !kind.iter().all(u8::is_ascii_alphabetic)
            {
                return Err(PhotoError::Damaged);
            }
            let chunk = slice(b, pos, length + 12)?;
            pos += length + 12;

            let Some(h) = header else {
                if &kind != b"IHDR" {
                    return Err(PhotoError::Damaged);
                }
                header = Some(Header::parse(data)?);
                out.extend_from_slice(chunk);
                continue;
            };
            if idat_seen && &kind != b"IDAT" {
                idat_done = true;
            }
            let keep = match &kind {
                b"IHDR" => return Err(PhotoError::Damaged),
                b"IEND" => {
                    if length != 0 || !idat_seen || (h.colour_type == 3 && !palette) {
                        return Err(PhotoError::Damaged);
                    }
                    out.extend_from_slice(chunk);
                    // Whatever follows IEND is dropped.
                    return Ok(Parsed {
                        bytes: out,
                        width: h.width,
                        height: h.height,
                    });
                }
                b"IDAT" => {
                    if idat_done {
                        return Err(PhotoError::Damaged);
                    }
                    idat_seen = true;
                    true
                }
                b"PLTE" => {
                    if idat_seen || palette {
                        return Err(PhotoError::Damaged);
                    }
                    palette = true;
                    true
                }
                // An unknown critical chunk: a decoder must refuse the file.
                [first, ..] if first.is_ascii_uppercase() => return Err(PhotoError::Damaged),
                _ if keep_location => true,
                // eXIf, and the exIf/zxIf that writers used before eXIf was registered.
                k if k.eq_ignore_ascii_case(b"exif") || k.eq_ignore_ascii_case(b"zxif") => {
                    if k == b"eXIf"
                        && !exif_written
                        && let Some(orientation) = exif::orientation(exif::tiff(data))
                    {
                        write_chunk(&mut out, *b"eXIf", &exif::orientation_only(orientation))?;
                        exif_written = true;
                    }
                    false
                }
                b"tEXt" | b"iTXt" | b"zTXt" => !text_may_hold_location(&kind, data),
                _ => true,
            };
            if keep {
                out.extend_from_slice(chunk);
            }
        }
    }

    #[derive(Clone, Copy)]
    struct Header {
        width: u32,
        height: u32,
        colour_type: u8,
    }

    impl Header {
        fn parse(data: &[u8]) -> Result<Header, PhotoError> {
            if data.len() != 13 {
                return Err(PhotoError::Damaged);
            }
            let width = u32_be(data, 0)?;
            let height = u32_be(data, 4)?;
            let [depth, colour_type, compression, filter, interlace] = super::array(data, 8)?;
            let depth_ok = match colour_type {
                0 => matches!(depth, 1 | 2 | 4 | 8 | 16),
                3 => matches!(depth, 1 | 2 | 4 | 8),
                2 | 4 | 6 => matches!(depth, 8 | 16),
                _ => false,
            };
            if !depth_ok || compression != 0 || filter != 0 || interlace > 1 {
                return Err(PhotoError::Damaged);
            }
            Ok(Header {
                width,
                height,
                colour_type,
            })
        }
    }

    /// Whether a text chunk might hold a location: XMP, raw profiles (hex-encoded Exif and
    /// the like), anything compressed (it cannot be searched uninflated), or any mention of
    /// GPS.
    fn text_may_hold_location(kind: &[u8; 4], data: &[u8]) -> bool {
        let keyword = data.split(|&c| c == 0).next().unwrap_or_default();
        let compressed = match kind {
            b"zTXt" => true,
            // iTXt: keyword, NUL, compression flag, ...
            b"iTXt" => data.get(keyword.len() + 1).is_none_or(|&flag| flag != 0),
            _ => false,
        };
        compressed
            || keyword == b"XML:com.adobe.xmp"
            || keyword.starts_with(b"Raw profile type")
            || contains_ignore_ascii_case(data, b"GPS")
    }

    fn write_chunk(out: &mut Vec<u8>, kind: [u8; 4], data: &[u8]) -> Result<(), PhotoError> {
        let length = u32::try_from(data.len()).map_err(|_| PhotoError::Damaged)?;
        let start = out.len();
        out.extend_from_slice(&length.to_be_bytes());
        out.extend_from_slice(&kind);
        out.extend_from_slice(data);
        let crc = crc32(out.get(start + 4..).unwrap_or_default());
        out.extend_from_slice(&crc.to_be_bytes());
        Ok(())
    }

    const CRC_TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut n = 0;
        while n < 256 {
            let mut c = n as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            table[n] = c;
            n += 1;
        }
        table
    };

    /// The CRC-32 of PNG chunks (ISO 3309, the same as zlib's).
    pub(super) fn crc32(data: &[u8]) -> u32 {
        !data.iter().fold(!0u32, |c, &byte| {
            CRC_TABLE[usize::from((c as u8) ^ byte)] ^ (c >> 8)
        })
    }
}

mod webp {
    use super::{Parsed, PhotoError, exif, slice, to_usize, u24_le, u32_le};

    const FLAG_EXIF: u8 = 0x08;
    const FLAG_XMP: u8 = 0x04;
    const FLAG_ANIMATION: u8 = 0x02;

    struct Chunk<'a> {
        id: [u8; 4],
        data: &'a [u8],
        /// Header, data and padding, as found.
        raw: &'a [u8],
    }

    /// The chunks that must exactly fill `b`, each padded to an even length.
    fn chunks(b: &[u8]) -> Result<Vec<Chunk<'_>>, PhotoError> {
        let mut chunks = Vec::new();
        let mut pos = 0;
        while pos < b.len() {
            let id = super::array(b, pos)?;
            let size = to_usize(u32_le(b, pos + 4)?)?;
            let data = slice(b, pos + 8, size)?;
            let padded = size.checked_add(size & 1).ok_or(PhotoError::Damaged)?;
            let raw = slice(b, pos, padded.checked_add(8).ok_or(PhotoError::Damaged)?)?;
            pos += raw.len();
            chunks.push(Chunk { id, data, raw });
        }
        Ok(chunks)
    }

    fn is_bitstream(c: &Chunk<'_>) -> bool {
        matches!(&c.id, b"VP8 " | b"VP8L")
    }

    /// Width and height from a VP8 (lossy) or VP8L (lossless) bitstream header.
    fn bitstream_dimensions(c: &Chunk<'_>) -> Result<(u32, u32), PhotoError> {
        let d = c.data;
        match &c.id {
            b"VP8 " => {
                let tag = u24_le(d, 0)?;
                let key_frame = tag & 1 == 0;
                let version = (tag >> 1) & 7;
                let shown = (tag >> 4) & 1 == 1;
                let first_partition = to_usize(tag >> 5)?;
                if !key_frame
                    || version > 3
                    || !shown
                    || slice(d, 3, 3)? != [0x9D, 0x01, 0x2A]
                    || first_partition > d.len().saturating_sub(10)
                {
                    return Err(PhotoError::Damaged);
                }
                let width = u32::from(super::u16_le(d, 6)? & 0x3FFF);
                let height = u32::from(super::u16_le(d, 8)? & 0x3FFF);
                Ok((width, height))
            }
            b"VP8L" => {
                let bits = u32_le(d, 1)?;
                if d.first() != Some(&0x2F) || bits >> 29 != 0 {
                    return Err(PhotoError::Damaged);
                }
                Ok(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
            }
            _ => Err(PhotoError::Damaged),
        }
    }

    /// An ANMF frame: a 16-byte header (position, size, duration, flags), then its image
    /// chunks, whose bitstream must have the frame's size and fit in the canvas.
    fn check_frame(data: &[u8], canvas: (u32, u32)) -> Result<(), PhotoError> {
        let x = u24_le(data, 0)? * 2;
        let y = u24_le(data, 3)? * 2;
        let width = u24_le(data, 6)? + 1;
        let height = u24_le(data, 9)? + 1;
        if x + width > canvas.0 || y + height > canvas.1 {
            return Err(PhotoError::Damaged);
        }
        let subchunks = chunks(data.get(16..).ok_or(PhotoError::Damaged)?)?;
        let mut bitstreams = subchunks.iter().filter(|c| is_bitstream(c));
        let (Some(bitstream), None) = (bitstreams.next(), bitstreams.next()) else {
            return Err(PhotoError::Damaged);
        };
        let misplaced = subchunks
            .iter()
            .any(|c| matches!(&c.id, b"VP8X" | b"ANIM" | b"ANMF" | b"EXIF" | b"XMP "));
        if misplaced || bitstream_dimensions(bitstream)? != (width, height) {
            return Err(PhotoError::Damaged);
        }
        Ok(())
    }

    pub(super) fn sanitize(b: &[u8], keep_location: bool) -> Result<Parsed, PhotoError> {
        let riff_size = to_usize(u32_le(b, 4)?)?;
        let riff_end = riff_size.checked_add(8).ok_or(PhotoError::Damaged)?;
        // Bytes past the RIFF size are dropped.
        let body = b.get(12..riff_end).ok_or(PhotoError::Damaged)?;
        let chunks = chunks(body)?;
        let (first, rest) = chunks.split_first().ok_or(PhotoError::Damaged)?;

        let (width, height, extended) = if is_bitstream(first) {
            // Simple format: one bitstream, possibly followed by chunks we pass through.
            if rest
                .iter()
                .any(|c| is_bitstream(c) || matches!(&c.id, b"VP8X" | b"ALPH" | b"ANIM" | b"ANMF"))
            {
                return Err(PhotoError::Damaged);
            }
            let (width, height) = bitstream_dimensions(first)?;
            (width, height, false)
        } else if &first.id == b"VP8X" {
            if first.data.len() != 10 {
                return Err(PhotoError::Damaged);
            }
            let flags = *first.data.first().ok_or(PhotoError::Damaged)?;
            let canvas = (u24_le(first.data, 4)? + 1, u24_le(first.data, 7)? + 1);
            let misplaced = rest.iter().any(|c| &c.id == b"VP8X");
            let bitstreams: Vec<_> = rest.iter().filter(|c| is_bitstream(c)).collect();
            let frames: Vec<_> = rest.iter().filter(|c| &c.id == b"ANMF").collect();
            let valid = if flags & FLAG_ANIMATION != 0 {
                let anim = rest.iter().find(|c| &c.id == b"ANIM");
                let frames_valid = frames
                    .iter()
                    .try_for_each(|f| check_frame(f.data, canvas))
                    .is_ok();
                anim.is_some_and(|a| a.data.len() >= 6)
                    && !frames.is_empty()
                    && frames_valid
                    && bitstreams.is_empty()
            } else {
                match bitstreams.as_slice() {
                    [only] => frames.is_empty() && bitstream_dimensions(only)? == canvas,
                    _ => false,
                }
            };
            if misplaced || !valid {
                return Err(PhotoError::Damaged);
            }
            (canvas.0, canvas.1, true)
        } else {
            return Err(PhotoError::Damaged);
        };

        let mut out = Vec::with_capacity(riff_end);
        out.extend_from_slice(b"RIFF\0\0\0\0WEBP");
        let mut exif_written = false;
        for c in &chunks {
            match &c.id {
                b"EXIF" if !keep_location => {
                    // Extended files only: a simple file cannot declare an EXIF chunk.
                    if extended
                        && !exif_written
                        && let Some(orientation) = exif::orientation(exif::tiff(c.data))
                    {
                        write_chunk(&mut out, *b"EXIF", &exif::orientation_only(orientation))?;
                        exif_written = true;
                    }
                }
                b"XMP " if !keep_location => {}
                _ => out.extend_from_slice(c.raw),
            }
        }
        if extended
            && !keep_location
            && let Some(flags) = out.get_mut(20)
        {
            *flags &= !(FLAG_EXIF | FLAG_XMP);
            if exif_written {
                *flags |= FLAG_EXIF;
            }
        }
        let size = u32::try_from(out.len() - 8).map_err(|_| PhotoError::Damaged)?;
        if let Some(field) = out.get_mut(4..8) {
            field.copy_from_slice(&size.to_le_bytes());
        }
        Ok(Parsed {
            bytes: out,
            width,
            height,
        })
    }

    fn write_chunk(out: &mut Vec<u8>, id: [u8; 4], data: &[u8]) -> Result<(), PhotoError> {
        let size = u32::try_from(data.len()).map_err(|_| PhotoError::Damaged)?;
        out.extend_from_slice(&id);
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(data);
        if data.len() % 2 == 1 {
            out.push(0);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A 1x1 grey baseline JPEG, as written by libjpeg (through Pillow), with a JFIF APP0.
    const JPEG_1X1: &[u8] = &[
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00,
        0x01, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xDB, 0x00, 0x43, 0x00, 0x10, 0x0B, 0x0C, 0x0E, 0x0C,
        0x0A, 0x10, 0x0E, 0x0D, 0x0E, 0x12, 0x11, 0x10, 0x13, 0x18, 0x28, 0x1A, 0x18, 0x16, 0x16,
        0x18, 0x31, 0x23, 0x25, 0x1D, 0x28, 0x3A, 0x33, 0x3D, 0x3C, 0x39, 0x33, 0x38, 0x37, 0x40,
        0x48, 0x5C, 0x4E, 0x40, 0x44, 0x57, 0x45, 0x37, 0x38, 0x50, 0x6D, 0x51, 0x57, 0x5F, 0x62,
        0x67, 0x68, 0x67, 0x3E, 0x4D, 0x71, 0x79, 0x70, 0x64, 0x78, 0x5C, 0x65, 0x67, 0x63, 0xFF,
        0xC0, 0x00, 0x0B, 0x08, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01, 0x11, 0x00, 0xFF, 0xC4, 0x00,
        0x1F, 0x00, 0x00, 0x01, 0x05, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B,
        0xFF, 0xC4, 0x00, 0xB5, 0x10, 0x00, 0x02, 0x01, 0x03, 0x03, 0x02, 0x04, 0x03, 0x05, 0x05,
        0x04, 0x04, 0x00, 0x00, 0x01, 0x7D, 0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21,
        0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xA1, 0x08,
        0x23, 0x42, 0xB1, 0xC1, 0x15, 0x52, 0xD1, 0xF0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0A,
        0x16, 0x17, 0x18, 0x19, 0x1A, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x34, 0x35, 0x36, 0x37,
        0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x53, 0x54, 0x55, 0x56,
        0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x73, 0x74, 0x75,
        0x76, 0x77, 0x78, 0x79, 0x7A, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x92, 0x93,
        0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9,
        0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6,
        0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xE1, 0xE2,
        0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7,
        0xF8, 0xF9, 0xFA, 0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, 0xC8, 0xAF,
        0xFF, 0xD9,
    ];
    /// Where the JFIF APP0 segment ends: Exif goes here, as phones write it.
    const JPEG_AFTER_APP0: usize = 20;

    /// A 1x1 lossless WebP (simple format: one VP8L chunk), as written by libwebp.
    const WEBP_LOSSLESS_1X1: &[u8] = &[
        0x52, 0x49, 0x46, 0x46, 0x1E, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38,
        0x4C, 0x11, 0x00, 0x00, 0x00, 0x2F, 0x00, 0x00, 0x00, 0x00, 0x07, 0x50, 0x8F, 0x22, 0x17,
        0xA5, 0xFF, 0x81, 0x88, 0xE8, 0x7F, 0x00, 0x00,
    ];
    /// A 1x1 lossy WebP (simple format: one VP8 chunk), as written by libwebp.
    const WEBP_LOSSY_1X1: &[u8] = &[
        0x52, 0x49, 0x46, 0x46, 0x34, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38,
        0x20, 0x28, 0x00, 0x00, 0x00, 0x90, 0x01, 0x00, 0x9D, 0x01, 0x2A, 0x01, 0x00, 0x01, 0x00,
        0x02, 0xC0, 0x4C, 0x25, 0xA0, 0x02, 0x74, 0xBA, 0x00, 0x03, 0x98, 0x00, 0xFE, 0xED, 0x4D,
        0xDE, 0xBB, 0xC5, 0xA5, 0x1A, 0xFF, 0xE7, 0xA6, 0x7F, 0x5B, 0x7F, 0x1F, 0xF8, 0xC8, 0x00,
    ];

    /// GPSLatitude 39/1 54/1 2712/100, as stored (big-endian rationals): the location itself.
    const LATITUDE: &[u8] = &[
        0, 0, 0, 39, 0, 0, 0, 1, 0, 0, 0, 54, 0, 0, 0, 1, 0, 0, 0x0A, 0x98, 0, 0, 0, 100,
    ];
    const XMP_NAMESPACE: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
    const XMP_PACKET: &[u8] =
        b"<x:xmpmeta><rdf:Description exif:GPSLatitude=\"39,54.452N\"/></x:xmpmeta>";

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    fn find(haystack: &[u8], needle: &[u8]) -> usize {
        haystack
            .windows(needle.len())
            .position(|w| w == needle)
            .expect("needle present")
    }

    fn spliced(base: &[u8], at: usize, insert: &[u8]) -> Vec<u8> {
        [&base[..at], insert, &base[at..]].concat()
    }

    /// A big-endian Exif TIFF structure as a phone writes it: IFD0 with the orientation (if
    /// any) and a pointer to a GPS IFD holding latitude ref, latitude and processing method.
    fn gps_tiff(orientation: Option<u16>) -> Vec<u8> {
        let entries: u16 = if orientation.is_some() { 2 } else { 1 };
        let gps_ifd = 8 + 2 + 12 * u32::from(entries) + 4;
        let gps_data = gps_ifd + 2 + 3 * 12 + 4;
        let mut t = b"MM\0\x2A\0\0\0\x08".to_vec();
        t.extend_from_slice(&entries.to_be_bytes());
        if let Some(o) = orientation {
            t.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1]);
            t.extend_from_slice(&o.to_be_bytes());
            t.extend_from_slice(&[0, 0]);
        }
        t.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1]); // GPSInfo, LONG
        t.extend_from_slice(&gps_ifd.to_be_bytes());
        t.extend_from_slice(&[0, 0, 0, 0]);
        assert_eq!(t.len(), gps_ifd as usize);
        t.extend_from_slice(&[0, 3]);
        t.extend_from_slice(&[0x00, 0x01, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]); // GPSLatitudeRef
        t.extend_from_slice(&[0x00, 0x02, 0, 5, 0, 0, 0, 3]); // GPSLatitude, 3 RATIONAL
        t.extend_from_slice(&gps_data.to_be_bytes());
        t.extend_from_slice(&[0x00, 0x1B, 0, 7, 0, 0, 0, 11]); // GPSProcessingMethod
        t.extend_from_slice(&(gps_data + 24).to_be_bytes());
        t.extend_from_slice(&[0, 0, 0, 0]);
        assert_eq!(t.len(), gps_data as usize);
        t.extend_from_slice(LATITUDE);
        t.extend_from_slice(b"ASCII\0\0\0GPS");
        t
    }

    fn jpeg_segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
        s.extend_from_slice(payload);
        s
    }

    fn exif_app1(orientation: Option<u16>) -> Vec<u8> {
        jpeg_segment(
            0xE1,
            &[b"Exif\0\0".as_slice(), &gps_tiff(orientation)].concat(),
        )
    }

    fn xmp_app1() -> Vec<u8> {
        jpeg_segment(0xE1, &[XMP_NAMESPACE, XMP_PACKET].concat())
    }

    /// The JPEG with Exif (orientation 6 and GPS) and XMP (GPS) after its APP0.
    fn jpeg_with_location() -> Vec<u8> {
        spliced(
            JPEG_1X1,
            JPEG_AFTER_APP0,
            &[exif_app1(Some(6)), xmp_app1()].concat(),
        )
    }

    fn jpeg_with_size(width: u16, height: u16) -> Vec<u8> {
        let mut j = JPEG_1X1.to_vec();
        let sof = find(&j, &[0xFF, 0xC0]);
        j[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
        j[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
        j
    }

    fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut c = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(data);
        let crc = png::crc32(&c[4..]);
        c.extend_from_slice(&crc.to_be_bytes());
        c
    }

    fn adler32(data: &[u8]) -> u32 {
        let (mut a, mut b) = (1u32, 0u32);
        for &x in data {
            a = (a + u32::from(x)) % 65521;
            b = (b + a) % 65521;
        }
        (b << 16) | a
    }

    /// A PNG of 8-bit grey declaring `width` x `height`, with `extra` chunks between IHDR and
    /// IDAT. The IDAT holds one row of one pixel in a zlib stream of one stored block, which is
    /// right for 1x1 (the other sizes are only for the dimension checks, which never inflate).
    fn png(width: u32, height: u32, extra: &[Vec<u8>]) -> Vec<u8> {
        let raw = [0u8, 0x80]; // filter type 0, one grey pixel
        let mut zlib = vec![0x78, 0x01, 0x01]; // zlib header; final stored block
        zlib.extend_from_slice(&2u16.to_le_bytes());
        zlib.extend_from_slice(&(!2u16).to_le_bytes());
        zlib.extend_from_slice(&raw);
        zlib.extend_from_slice(&adler32(&raw).to_be_bytes());
        let mut ihdr = width.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
        let mut p = PNG_SIGNATURE.to_vec();
        p.extend(png_chunk(b"IHDR", &ihdr));
        for c in extra {
            p.extend_from_slice(c);
        }
        p.extend(png_chunk(b"IDAT", &zlib));
        p.extend(png_chunk(b"IEND", &[]));
        p
    }

    fn itxt(keyword: &str, compressed: bool, text: &[u8]) -> Vec<u8> {
        let mut d = keyword.as_bytes().to_vec();
        d.extend_from_slice(&[0, u8::from(compressed), 0, 0, 0]); // flag, method, lang, translated
        d.extend_from_slice(text);
        png_chunk(b"iTXt", &d)
    }

    fn png_with_location() -> Vec<u8> {
        png(
            1,
            1,
            &[
                png_chunk(b"eXIf", &gps_tiff(Some(3))),
                png_chunk(b"tEXt", b"Comment\0taken at GPS 39.9N 116.4E"),
                png_chunk(
                    b"tEXt",
                    b"Raw profile type exif\0\nexif\n 12\n4d4d002a00000008",
                ),
                png_chunk(b"zTXt", b"Comment\0\0\x78\x01"),
                itxt("XML:com.adobe.xmp", false, XMP_PACKET),
                png_chunk(b"tEXt", b"Title\0Broken lift"),
                itxt("Description", false, "电梯坏了".as_bytes()),
                png_chunk(b"pHYs", &[0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1]),
            ],
        )
    }

    fn riff(chunks: &[Vec<u8>]) -> Vec<u8> {
        let body = chunks.concat();
        let mut r = b"RIFF".to_vec();
        r.extend_from_slice(&u32::try_from(body.len() + 4).unwrap().to_le_bytes());
        r.extend_from_slice(b"WEBP");
        r.extend(body);
        r
    }

    fn webp_chunk(id: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut c = id.to_vec();
        c.extend_from_slice(&u32::try_from(data.len()).unwrap().to_le_bytes());
        c.extend_from_slice(data);
        if data.len() % 2 == 1 {
            c.push(0);
        }
        c
    }

    fn vp8x(flags: u8, width: u32, height: u32) -> Vec<u8> {
        let mut d = vec![flags, 0, 0, 0];
        d.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
        d.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
        webp_chunk(b"VP8X", &d)
    }

    /// The chunks of a simple-format WebP literal (everything after "WEBP").
    fn simple_chunks(webp: &[u8]) -> Vec<u8> {
        webp[12..].to_vec()
    }

    /// An extended WebP: VP8X, the 1x1 lossless image, EXIF (GPS, maybe orientation), XMP.
    fn webp_with_location(orientation: Option<u16>) -> Vec<u8> {
        riff(&[
            vp8x(FLAG_EXIF | FLAG_XMP, 1, 1),
            simple_chunks(WEBP_LOSSLESS_1X1),
            webp_chunk(b"EXIF", &gps_tiff(orientation)),
            webp_chunk(b"XMP ", XMP_PACKET),
        ])
    }
    const FLAG_EXIF: u8 = 0x08;
    const FLAG_XMP: u8 = 0x04;

    fn has_location(bytes: &[u8]) -> bool {
        contains(bytes, LATITUDE) || contains_ignore_ascii_case(bytes, b"GPS")
    }

    /// Sanitising the output again accepts it unchanged: it is still a valid image.
    fn assert_stable(clean: &CleanPhoto) {
        assert_eq!(sanitize(&clean.bytes, false).as_ref(), Ok(clean));
    }

    fn samples() -> Vec<Vec<u8>> {
        vec![
            JPEG_1X1.to_vec(),
            jpeg_with_location(),
            png(1, 1, &[]),
            png_with_location(),
            WEBP_LOSSLESS_1X1.to_vec(),
            WEBP_LOSSY_1X1.to_vec(),
            webp_with_location(Some(8)),
        ]
    }

    // ---- JPEG ----

    #[test]
    fn a_plain_jpeg_is_accepted_unchanged() {
        let clean = sanitize(JPEG_1X1, false).unwrap();
        assert_eq!(
            clean,
            CleanPhoto {
                content_type: "image/jpeg",
                bytes: JPEG_1X1.to_vec(),
                width: 1,
                height: 1,
            }
        );
    }

    #[test]
    fn jpeg_location_is_removed_and_orientation_kept() {
        let input = jpeg_with_location();
        assert!(has_location(&input) && contains(&input, XMP_NAMESPACE));
        let clean = sanitize(&input, false).unwrap();
        assert!(!has_location(&clean.bytes));
        assert!(!contains(&clean.bytes, XMP_NAMESPACE));
        let expected_exif = jpeg_segment(
            0xE1,
            &[b"Exif\0\0".as_slice(), &exif::orientation_only(6)].concat(),
        );
        assert_eq!(
            clean.bytes,
            spliced(JPEG_1X1, JPEG_AFTER_APP0, &expected_exif)
        );
        assert_eq!(exif::orientation(exif::tiff(&expected_exif[10..])), Some(6));
        assert_eq!((clean.width, clean.height), (1, 1));
        assert_stable(&clean);
    }

    #[test]
    fn jpeg_exif_without_orientation_is_dropped_whole() {
        let input = spliced(JPEG_1X1, JPEG_AFTER_APP0, &exif_app1(None));
        assert_eq!(sanitize(&input, false).unwrap().bytes, JPEG_1X1);
    }

    #[test]
    fn jpeg_location_is_kept_when_asked() {
        let input = jpeg_with_location();
        assert_eq!(sanitize(&input, true).unwrap().bytes, input);
    }

    #[test]
    fn jpeg_photoshop_segment_is_dropped_unless_location_kept() {
        let app13 = jpeg_segment(0xED, b"Photoshop 3.0\08BIM\x04\x24 XMP GPS");
        let input = spliced(JPEG_1X1, JPEG_AFTER_APP0, &app13);
        assert_eq!(sanitize(&input, false).unwrap().bytes, JPEG_1X1);
        assert_eq!(sanitize(&input, true).unwrap().bytes, input);
    }

    #[test]
    fn jpeg_metadata_after_the_first_scan_is_found_too() {
        // Segments may sit between scans; the walk goes through the entropy-coded data.
        let eoi = JPEG_1X1.len() - 2;
        let input = spliced(JPEG_1X1, eoi, &exif_app1(Some(1)));
        let clean = sanitize(&input, false).unwrap();
        assert!(!has_location(&clean.bytes));
        assert_stable(&clean);
    }

    #[test]
    fn jpeg_data_after_eoi_is_dropped() {
        let mut padded = JPEG_1X1.to_vec();
        padded.extend_from_slice(&[0; 64]);
        assert_eq!(sanitize(&padded, true).unwrap().bytes, JPEG_1X1);

        // A phone's appended second image (with its own GPS Exif) and its MPF index.
        let mpf = jpeg_segment(0xE2, b"MPF\0MM\0\x2A\0\0\0\x08");
        let mut input = spliced(JPEG_1X1, JPEG_AFTER_APP0, &mpf);
        input.extend_from_slice(&jpeg_with_location());
        for keep in [false, true] {
            assert_eq!(sanitize(&input, keep).unwrap().bytes, JPEG_1X1);
        }
    }

    #[test]
    fn jpeg_structure_is_checked() {
        let sof = find(JPEG_1X1, &[0xFF, 0xC0]);
        let sos = find(JPEG_1X1, &[0xFF, 0xDA]);
        let eoi = JPEG_1X1.len() - 2;
        let mut no_frame = JPEG_1X1.to_vec();
        no_frame[sof + 1] = 0xC4; // the frame header becomes a (bad) Huffman table
        let mut bad_length = JPEG_1X1.to_vec();
        bad_length[sof + 3] = 0x0C;
        let mut no_eoi = JPEG_1X1.to_vec();
        no_eoi[eoi + 1] = 0xD8;
        let frame_after_scan = spliced(JPEG_1X1, eoi, &JPEG_1X1[sof..sof + 13]);
        let scan_before_frame = [&JPEG_1X1[..sof], &JPEG_1X1[sos..]].concat();
        let two_frames = spliced(JPEG_1X1, sof, &JPEG_1X1[sof..sof + 13]);
        let garbage_between_segments = spliced(JPEG_1X1, JPEG_AFTER_APP0, b"junk");
        for broken in [
            no_frame,
            bad_length,
            no_eoi,
            frame_after_scan,
            scan_before_frame,
            two_frames,
            garbage_between_segments,
            vec![0xFF, 0xD8, 0xFF, 0xD9],
        ] {
            assert_eq!(sanitize(&broken, false), Err(PhotoError::Damaged));
        }
    }

    #[test]
    fn jpeg_dimensions_are_checked() {
        for (w, h) in [(0, 0), (20000, 1), (1, 0), (12001, 1), (8000, 8000)] {
            assert_eq!(
                sanitize(&jpeg_with_size(w, h), false),
                Err(PhotoError::BadDimensions {
                    width: w.into(),
                    height: h.into()
                })
            );
        }
        for (w, h) in [(12000, 4000), (7000, 7000)] {
            let clean = sanitize(&jpeg_with_size(w, h), false).unwrap();
            assert_eq!((clean.width, clean.height), (w.into(), h.into()));
        }
    }

    // ---- PNG ----

    #[test]
    fn a_plain_png_is_accepted_unchanged() {
        let input = png(1, 1, &[]);
        let clean = sanitize(&input, false).unwrap();
        assert_eq!(
            clean,
            CleanPhoto {
                content_type: "image/png",
                bytes: input,
                width: 1,
                height: 1,
            }
        );
    }

    #[test]
    fn png_location_is_removed_and_the_rest_kept() {
        let input = png_with_location();
        assert!(has_location(&input));
        let clean = sanitize(&input, false).unwrap();
        assert!(!has_location(&clean.bytes));
        assert!(!contains(&clean.bytes, b"zTXt") && !contains(&clean.bytes, b"xmpmeta"));
        let expected = png(
            1,
            1,
            &[
                png_chunk(b"eXIf", &exif::orientation_only(3)),
                png_chunk(b"tEXt", b"Title\0Broken lift"),
                itxt("Description", false, "电梯坏了".as_bytes()),
                png_chunk(b"pHYs", &[0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1]),
            ],
        );
        assert_eq!(clean.bytes, expected);
        assert_stable(&clean);
    }

    #[test]
    fn png_location_is_kept_when_asked() {
        let input = png_with_location();
        assert_eq!(sanitize(&input, true).unwrap().bytes, input);
    }

    #[test]
    fn png_exif_without_orientation_and_compressed_itxt_are_dropped() {
        let input = png(
            1,
            1,
            &[
                png_chunk(b"eXIf", &gps_tiff(None)),
                itxt("Comment", true, b"\x78\x01"),
            ],
        );
        assert_eq!(sanitize(&input, false).unwrap().bytes, png(1, 1, &[]));
    }

    #[test]
    fn png_data_after_iend_is_dropped() {
        let mut input = png(1, 1, &[]);
        input.extend(png_chunk(b"eXIf", &gps_tiff(Some(1))));
        assert_eq!(sanitize(&input, true).unwrap().bytes, png(1, 1, &[]));
    }

    #[test]
    fn png_structure_is_checked() {
        let good = png(1, 1, &[]);
        let mut bad_crc = good.clone();
        bad_crc[32] ^= 1; // the last byte of IHDR's CRC
        let mut crlf = good.clone();
        crlf[4] = 0x0A; // a transfer that mangled line endings
        let no_iend = good[..good.len() - 12].to_vec();
        let idat = png_chunk(b"IDAT", &[]);
        let ihdr_not_first = [PNG_SIGNATURE, &png_chunk(b"tEXt", b"Title\0x"), &good[8..]].concat();
        let split_idat = {
            let (image, iend) = good.split_at(good.len() - 12);
            [image, &png_chunk(b"tEXt", b"Title\0x"), &idat, iend].concat()
        };
        let unknown_critical = png(1, 1, &[png_chunk(b"ABCD", &[])]);
        let bad_depth = {
            let mut ihdr = 1u32.to_be_bytes().to_vec();
            ihdr.extend_from_slice(&1u32.to_be_bytes());
            ihdr.extend_from_slice(&[3, 2, 0, 0, 0]); // RGB at 3 bits
            [PNG_SIGNATURE, &png_chunk(b"IHDR", &ihdr), &good[33..]].concat()
        };
        let palette_missing = {
            let mut ihdr = 1u32.to_be_bytes().to_vec();
            ihdr.extend_from_slice(&1u32.to_be_bytes());
            ihdr.extend_from_slice(&[8, 3, 0, 0, 0]);
            [PNG_SIGNATURE, &png_chunk(b"IHDR", &ihdr), &good[33..]].concat()
        };
        let mut huge_length = good.clone();
        huge_length[33..37].copy_from_slice(&u32::MAX.to_be_bytes());
        for broken in [
            bad_crc,
            crlf,
            no_iend,
            ihdr_not_first,
            split_idat,
            unknown_critical,
            bad_depth,
            palette_missing,
            huge_length,
        ] {
            assert_eq!(sanitize(&broken, false), Err(PhotoError::Damaged));
        }
    }

    #[test]
    fn png_dimensions_are_checked() {
        for (w, h) in [
            (0, 0),
            (20000, 1),
            (1, 0),
            (u32::MAX, u32::MAX),
            (10000, 5001),
        ] {
            assert_eq!(
                sanitize(&png(w, h, &[]), false),
                Err(PhotoError::BadDimensions {
                    width: w,
                    height: h
                })
            );
        }
        assert!(sanitize(&png(10000, 5000, &[]), false).is_ok());
    }

    // ---- WebP ----

    #[test]
    fn plain_webps_are_accepted_unchanged() {
        for input in [WEBP_LOSSLESS_1X1, WEBP_LOSSY_1X1] {
            let clean = sanitize(input, false).unwrap();
            assert_eq!(
                clean,
                CleanPhoto {
                    content_type: "image/webp",
                    bytes: input.to_vec(),
                    width: 1,
                    height: 1,
                }
            );
        }
    }

    #[test]
    fn webp_location_is_removed_and_orientation_kept() {
        let input = webp_with_location(Some(8));
        assert!(has_location(&input));
        let clean = sanitize(&input, false).unwrap();
        assert!(!has_location(&clean.bytes));
        let expected = riff(&[
            vp8x(FLAG_EXIF, 1, 1),
            simple_chunks(WEBP_LOSSLESS_1X1),
            webp_chunk(b"EXIF", &exif::orientation_only(8)),
        ]);
        assert_eq!(clean.bytes, expected);
        assert_eq!(
            u32_le(&clean.bytes, 4).unwrap() as usize,
            clean.bytes.len() - 8
        );
        assert_stable(&clean);
    }

    #[test]
    fn webp_exif_without_orientation_is_dropped_and_flags_cleared() {
        let clean = sanitize(&webp_with_location(None), false).unwrap();
        let expected = riff(&[vp8x(0, 1, 1), simple_chunks(WEBP_LOSSLESS_1X1)]);
        assert_eq!(clean.bytes, expected);
        assert_stable(&clean);
    }

    #[test]
    fn webp_location_is_kept_when_asked() {
        let input = webp_with_location(Some(8));
        assert_eq!(sanitize(&input, true).unwrap().bytes, input);
    }

    #[test]
    fn webp_exif_in_a_simple_file_is_dropped() {
        let input = riff(&[
            simple_chunks(WEBP_LOSSY_1X1),
            webp_chunk(b"EXIF", &gps_tiff(Some(6))),
        ]);
        assert_eq!(sanitize(&input, false).unwrap().bytes, WEBP_LOSSY_1X1);
    }

    #[test]
    fn webp_data_after_the_riff_is_dropped() {
        let input = [WEBP_LOSSLESS_1X1, &gps_tiff(Some(1))].concat();
        assert_eq!(sanitize(&input, true).unwrap().bytes, WEBP_LOSSLESS_1X1);
    }

    #[test]
    fn animated_webp_frames_are_checked() {
        let frame = |x: u32, w: u32| {
            let mut d = (x / 2).to_le_bytes()[..3].to_vec();
            d.extend_from_slice(&[0, 0, 0]);
            d.extend_from_slice(&(w - 1).to_le_bytes()[..3]);
            d.extend_from_slice(&[0, 0, 0, 100, 0, 0, 0]);
            d.extend(simple_chunks(WEBP_LOSSLESS_1X1));
            webp_chunk(b"ANMF", &d)
        };
        let anim = webp_chunk(b"ANIM", &[0, 0, 0, 0, 0, 0]);
        let animated = riff(&[vp8x(0x02, 4, 1), anim.clone(), frame(0, 1), frame(2, 1)]);
        let clean = sanitize(&animated, false).unwrap();
        assert_eq!((clean.width, clean.height, clean.bytes), (4, 1, animated));
        for broken in [
            riff(&[vp8x(0x02, 4, 1), anim.clone(), frame(4, 1)]), // outside the canvas
            riff(&[vp8x(0x02, 4, 1), anim.clone(), frame(0, 2)]), // frame size ≠ bitstream
            riff(&[vp8x(0x02, 4, 1), anim]),                      // no frames
            riff(&[vp8x(0x02, 4, 1), frame(0, 1)]),               // no ANIM
        ] {
            assert_eq!(sanitize(&broken, false), Err(PhotoError::Damaged));
        }
    }

    #[test]
    fn webp_structure_is_checked() {
        let mut riff_too_long = WEBP_LOSSLESS_1X1.to_vec();
        riff_too_long[4] += 2;
        let mut riff_too_short = WEBP_LOSSLESS_1X1.to_vec();
        riff_too_short[4] -= 2; // the chunk no longer fits
        let mut not_vp8l = WEBP_LOSSLESS_1X1.to_vec();
        not_vp8l[20] = 0x2E;
        let mut not_key_frame = WEBP_LOSSY_1X1.to_vec();
        not_key_frame[20] |= 1;
        let mut no_start_code = WEBP_LOSSY_1X1.to_vec();
        no_start_code[23] = 0;
        let canvas_mismatch = riff(&[vp8x(0, 2, 1), simple_chunks(WEBP_LOSSLESS_1X1)]);
        let no_image = riff(&[vp8x(0, 1, 1)]);
        let two_images = riff(&[
            simple_chunks(WEBP_LOSSLESS_1X1),
            simple_chunks(WEBP_LOSSLESS_1X1),
        ]);
        let unknown_first = riff(&[webp_chunk(b"ABCD", &[1, 2])]);
        for broken in [
            riff_too_long,
            riff_too_short,
            not_vp8l,
            not_key_frame,
            no_start_code,
            canvas_mismatch,
            no_image,
            two_images,
            unknown_first,
        ] {
            assert_eq!(sanitize(&broken, false), Err(PhotoError::Damaged));
        }
    }

    #[test]
    fn webp_dimensions_are_checked() {
        let mut zero = WEBP_LOSSY_1X1.to_vec();
        zero[26..30].copy_from_slice(&[0, 0, 0, 0]);
        assert_eq!(
            sanitize(&zero, false),
            Err(PhotoError::BadDimensions {
                width: 0,
                height: 0
            })
        );
        let mut wide = WEBP_LOSSLESS_1X1.to_vec();
        let bits = u32_le(&wide, 21).unwrap();
        let bits = (bits & !0x0FFF_FFFF) | 12_999; // 13000 x 1
        wide[21..25].copy_from_slice(&bits.to_le_bytes());
        assert_eq!(
            sanitize(&wide, false),
            Err(PhotoError::BadDimensions {
                width: 13000,
                height: 1
            })
        );
    }

    // ---- all formats ----

    #[test]
    fn the_type_comes_from_the_content() {
        let not_images: [&[u8]; 8] = [
            b"",
            b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
            b"\0\0\0\x18ftypheic\0\0\0\0mif1heic",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            b"RIFF\x04\0\0\0WAVE",
            b"BM\x1e\0\0\0",
            b"%PDF-1.7",
            b"photo.jpg",
        ];
        for bytes in not_images {
            assert_eq!(sanitize(bytes, false), Err(PhotoError::NotAnImage));
        }
    }

    #[test]
    fn every_truncation_is_damaged() {
        for sample in samples() {
            for keep in [false, true] {
                for len in 1..sample.len() {
                    assert_eq!(
                        sanitize(&sample[..len], keep),
                        Err(PhotoError::Damaged),
                        "{len} of {} bytes",
                        sample.len()
                    );
                }
            }
        }
    }

    #[test]
    fn the_size_is_checked_first() {
        // The one large allocation: exactly one byte too many, all zeros (not even an image).
        let too_large = vec![0u8; MAX_PHOTO_BYTES + 1];
        assert_eq!(
            sanitize(&too_large, false),
            Err(PhotoError::TooLarge {
                max_bytes: MAX_PHOTO_BYTES
            })
        );
        // Exactly the limit is accepted (trailing zero padding after EOI).
        let mut at_limit = too_large;
        at_limit.truncate(MAX_PHOTO_BYTES);
        at_limit[..JPEG_1X1.len()].copy_from_slice(JPEG_1X1);
        assert_eq!(sanitize(&at_limit, false).unwrap().bytes, JPEG_1X1);
    }

    #[test]
    fn errors_read_well() {
        assert_eq!(
            PhotoError::BadDimensions {
                width: 20000,
                height: 1
            }
            .to_string(),
            "image dimensions 20000x1 are out of range"
        );
        assert_eq!(
            PhotoError::TooLarge {
                max_bytes: MAX_PHOTO_BYTES
            }
            .to_string(),
            "photo is larger than 8388608 bytes"
        );
    }

    fn magic_prefixed() -> impl Strategy<Value = Vec<u8>> {
        (
            prop::sample::select(vec![
                JPEG_MAGIC.to_vec(),
                PNG_SIGNATURE.to_vec(),
                b"RIFF\x40\0\0\0WEBP".to_vec(),
                b"RIFF\x40\0\0\0WEBPVP8X\x0a\0\0\0".to_vec(),
            ]),
            prop::collection::vec(any::<u8>(), 0..512),
        )
            .prop_map(|(magic, tail)| [magic, tail].concat())
    }

    /// A valid sample with a few bytes overwritten.
    fn mutated() -> impl Strategy<Value = Vec<u8>> {
        (
            prop::sample::select(samples()),
            prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        )
            .prop_map(|(mut bytes, edits)| {
                for (at, value) in edits {
                    let at = at.index(bytes.len());
                    bytes[at] = value;
                }
                bytes
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn arbitrary_bytes_never_panic(
            bytes in prop::collection::vec(any::<u8>(), 0..2048),
            keep in any::<bool>(),
        ) {
            let _ = sanitize(&bytes, keep);
        }

        #[test]
        fn bytes_after_a_magic_never_panic(bytes in magic_prefixed(), keep in any::<bool>()) {
            let _ = sanitize(&bytes, keep);
        }

        #[test]
        fn damaged_images_never_panic_and_what_is_accepted_stays_valid(
            bytes in mutated(),
            keep in any::<bool>(),
        ) {
            if let Ok(clean) = sanitize(&bytes, keep) {
                // Accepted output is itself accepted, and sanitising is idempotent.
                let again = sanitize(&clean.bytes, keep);
                prop_assert_eq!(again.as_ref(), Ok(&clean));
                prop_assert!(clean.bytes.len() <= bytes.len() + 64);
            }
        }
    }
}
