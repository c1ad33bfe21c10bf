//! WebP: the RIFF container (its size, chunks that exactly fill it, padding) read and written
//! with `img-parts`; the VP8/VP8L/VP8X headers and the canvas rules checked here, which no
//! crate does without decoding the pixels (`img-parts` reads dimensions but checks nothing).

use crate::{Parsed, PhotoError, exif, slice, to_usize, u24_le, u32_le};
use img_parts::Bytes;
use img_parts::riff::{RiffChunk, RiffContent};

const FLAG_EXIF: u8 = 0x08;
const FLAG_XMP: u8 = 0x04;
const FLAG_ANIMATION: u8 = 0x02;

/// The chunks of a RIFF list whose `body` is `kind` then chunks that must exactly fill it.
fn chunks(kind: &[u8; 4], body: &[u8]) -> Result<Vec<RiffChunk>, PhotoError> {
    let size = u32::try_from(body.len() + 4).map_err(|_| PhotoError::Damaged)?;
    let riff = [b"RIFF", &size.to_le_bytes()[..], kind, body].concat();
    match RiffChunk::from_bytes(Bytes::from(riff)) {
        Ok(riff) => list(riff),
        Err(_) => Err(PhotoError::Damaged),
    }
}

fn list(riff: RiffChunk) -> Result<Vec<RiffChunk>, PhotoError> {
    match riff.content() {
        RiffContent::List { subchunks, .. } => Ok(subchunks.clone()),
        RiffContent::Data(_) => Err(PhotoError::Damaged),
    }
}

/// A chunk's data; a nested list (`LIST`) has none that we look at.
fn data(c: &RiffChunk) -> &[u8] {
    c.content().data().map_or(&[], |d| d.as_ref())
}

fn is_bitstream(c: &RiffChunk) -> bool {
    matches!(&c.id(), b"VP8 " | b"VP8L")
}

/// Width and height from a VP8 (lossy) or VP8L (lossless) bitstream header.
fn bitstream_dimensions(c: &RiffChunk) -> Result<(u32, u32), PhotoError> {
    let d = data(c);
    match &c.id() {
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
            let width = u32::from(crate::u16_le(d, 6)? & 0x3FFF);
            let height = u32::from(crate::u16_le(d, 8)? & 0x3FFF);
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
    let subchunks = chunks(b"ANMF", data.get(16..).ok_or(PhotoError::Damaged)?)?;
    let mut bitstreams = subchunks.iter().filter(|c| is_bitstream(c));
    let (Some(bitstream), None) = (bitstreams.next(), bitstreams.next()) else {
        return Err(PhotoError::Damaged);
    };
    let misplaced = subchunks
        .iter()
        .any(|c| matches!(&c.id(), b"VP8X" | b"ANIM" | b"ANMF" | b"EXIF" | b"XMP "));
    if misplaced || bitstream_dimensions(bitstream)? != (width, height) {
        return Err(PhotoError::Damaged);
    }
    Ok(())
}

pub(crate) fn sanitize(b: &[u8], keep_location: bool) -> Result<Parsed, PhotoError> {
    // Bytes past the RIFF size are not read, so they are dropped.
    let riff = RiffChunk::from_bytes(Bytes::copy_from_slice(b)).map_err(|_| PhotoError::Damaged)?;
    let chunks = list(riff)?;
    let (first, rest) = chunks.split_first().ok_or(PhotoError::Damaged)?;

    let (width, height, extended) = if is_bitstream(first) {
        // Simple format: one bitstream, possibly followed by chunks we pass through.
        if rest
            .iter()
            .any(|c| is_bitstream(c) || matches!(&c.id(), b"VP8X" | b"ALPH" | b"ANIM" | b"ANMF"))
        {
            return Err(PhotoError::Damaged);
        }
        let (width, height) = bitstream_dimensions(first)?;
        (width, height, false)
    } else if &first.id() == b"VP8X" {
        let header = data(first);
        if header.len() != 10 {
            return Err(PhotoError::Damaged);
        }
        let flags = *header.first().ok_or(PhotoError::Damaged)?;
        let canvas = (u24_le(header, 4)? + 1, u24_le(header, 7)? + 1);
        let misplaced = rest.iter().any(|c| &c.id() == b"VP8X");
        let bitstreams: Vec<_> = rest.iter().filter(|c| is_bitstream(c)).collect();
        let frames: Vec<_> = rest.iter().filter(|c| &c.id() == b"ANMF").collect();
        let valid = if flags & FLAG_ANIMATION != 0 {
            let anim = rest.iter().find(|c| &c.id() == b"ANIM");
            let frames_valid = frames
                .iter()
                .try_for_each(|f| check_frame(data(f), canvas))
                .is_ok();
            anim.is_some_and(|a| data(a).len() >= 6)
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

    let mut out = Vec::with_capacity(chunks.len());
    let mut exif_written = false;
    for c in &chunks {
        match &c.id() {
            b"EXIF" if !keep_location => {
                // Extended files only: a simple file cannot declare an EXIF chunk.
                if extended
                    && !exif_written
                    && let Some(orientation) = exif::orientation(exif::tiff(data(c)))
                    && let Some(block) = exif::orientation_only(orientation)
                {
                    out.push(RiffChunk::new(
                        *b"EXIF",
                        RiffContent::Data(Bytes::from(block)),
                    ));
                    exif_written = true;
                }
            }
            b"XMP " if !keep_location => {}
            b"VP8X" if !keep_location => {
                let mut header = data(c).to_vec();
                if let Some(flags) = header.first_mut() {
                    *flags &= !(FLAG_EXIF | FLAG_XMP);
                }
                out.push(RiffChunk::new(
                    *b"VP8X",
                    RiffContent::Data(Bytes::from(header)),
                ));
            }
            _ => out.push(c.clone()),
        }
    }
    if exif_written
        && let Some(RiffContent::Data(header)) = out.first_mut().map(|c| c.content_mut())
    {
        let mut flags = header.to_vec();
        if let Some(f) = flags.first_mut() {
            *f |= FLAG_EXIF;
        }
        *header = Bytes::from(flags);
    }
    let riff = RiffChunk::new(
        *b"RIFF",
        RiffContent::List {
            kind: Some(*b"WEBP"),
            subchunks: out,
        },
    );
    Ok(Parsed {
        bytes: riff.encoder().bytes().to_vec(),
        width,
        height,
    })
}
