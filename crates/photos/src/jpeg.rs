//! JPEG, walked by hand: no maintained crate walks every scan to EOI without decoding
//! (`img-parts` stops at the first scan and keeps the rest, appended images included, as
//! opaque data), and location can sit after the first scan or after EOI.

use crate::{Parsed, PhotoError, exif, slice, u16_be};

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

pub(crate) fn sanitize(b: &[u8], keep_location: bool) -> Result<Parsed, PhotoError> {
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
                    && let Some(block) = exif::orientation_only(orientation)
                {
                    let mut new = b"Exif\0\0".to_vec();
                    new.extend_from_slice(&block);
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
