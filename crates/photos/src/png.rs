//! PNG: the chunks (lengths, CRC-32s, the end at IEND) read and written with `img-parts`; the
//! order rules and the header checked here, which no crate does without decoding the pixels.

use crate::{Parsed, PhotoError, contains_ignore_ascii_case, exif};
use img_parts::Bytes;
use img_parts::png::{Png, PngChunk};

pub(crate) fn sanitize(b: &[u8], keep_location: bool) -> Result<Parsed, PhotoError> {
    // The signature, every chunk's length and CRC; reading stops after IEND, so whatever
    // follows it is dropped.
    let png = Png::from_bytes(Bytes::copy_from_slice(b)).map_err(|_| PhotoError::Damaged)?;
    let mut chunks = png.chunks().iter();
    let ihdr = chunks.next().ok_or(PhotoError::Damaged)?;
    if ihdr.kind() != *b"IHDR" {
        return Err(PhotoError::Damaged);
    }
    let h = Header::parse(ihdr.contents())?;
    let mut out = vec![ihdr.clone()];
    let mut palette = false;
    let mut idat_seen = false;
    let mut idat_done = false;
    let mut exif_written = false;
    for chunk in chunks {
        let kind = chunk.kind();
        let data = chunk.contents();
        if !kind.iter().all(u8::is_ascii_alphabetic) {
            return Err(PhotoError::Damaged);
        }
        if idat_seen && &kind != b"IDAT" {
            idat_done = true;
        }
        let keep = match &kind {
            b"IHDR" => return Err(PhotoError::Damaged),
            b"IEND" => {
                if !data.is_empty() || !idat_seen || (h.colour_type == 3 && !palette) {
                    return Err(PhotoError::Damaged);
                }
                out.push(chunk.clone());
                let bytes = out
                    .into_iter()
                    .fold(crate::PNG_SIGNATURE.to_vec(), |mut bytes, c| {
                        bytes.extend_from_slice(&c.encoder().bytes());
                        bytes
                    });
                return Ok(Parsed {
                    bytes,
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
                    && let Some(block) = exif::orientation_only(orientation)
                {
                    out.push(PngChunk::new(*b"eXIf", Bytes::from(block)));
                    exif_written = true;
                }
                false
            }
            b"tEXt" | b"iTXt" | b"zTXt" => !text_may_hold_location(&kind, data),
            _ => true,
        };
        if keep {
            out.push(chunk.clone());
        }
    }
    // No IEND.
    Err(PhotoError::Damaged)
}

#[derive(Clone, Copy)]
struct Header {
    width: u32,
    height: u32,
    colour_type: u8,
}

impl Header {
    fn parse(data: &[u8]) -> Result<Header, PhotoError> {
        let Ok::<[u8; 13], _>(ihdr) = data.try_into() else {
            return Err(PhotoError::Damaged);
        };
        let [
            w0,
            w1,
            w2,
            w3,
            h0,
            h1,
            h2,
            h3,
            depth,
            colour_type,
            compression,
            filter,
            interlace,
        ] = ihdr;
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
            width: u32::from_be_bytes([w0, w1, w2, w3]),
            height: u32::from_be_bytes([h0, h1, h2, h3]),
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

/// A chunk as written in the file: length, type, data, CRC-32.
#[cfg(test)]
pub(crate) fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    PngChunk::new(*kind, Bytes::copy_from_slice(data))
        .encoder()
        .bytes()
        .to_vec()
}
