//! Exif: the orientation read with `kamadak-exif`, and an Exif block holding only it written
//! with its writer.

use kamadak_exif::experimental::Writer;
use kamadak_exif::{Field, In, Reader, Tag, Value};

/// The TIFF data in an Exif payload, which some writers prefix with JPEG's "Exif\0\0".
pub(crate) fn tiff(payload: &[u8]) -> &[u8] {
    payload.strip_prefix(b"Exif\0\0").unwrap_or(payload)
}

/// The orientation (1..=8) in IFD0 of `tiff`, if it is there and readable: one SHORT.
/// Damage elsewhere in the block (a broken GPS or maker-note directory) does not hide it.
pub(crate) fn orientation(tiff: &[u8]) -> Option<u16> {
    let exif = match Reader::new()
        .continue_on_error(true)
        .read_raw(tiff.to_vec())
    {
        Ok(exif) => exif,
        Err(error) => error.distill_partial_result(|_| ()).ok()?,
    };
    match &exif.get_field(Tag::Orientation, In::PRIMARY)?.value {
        Value::Short(values) => match values.as_slice() {
            [value] if (1..=8).contains(value) => Some(*value),
            _ => None,
        },
        _ => None,
    }
}

/// A big-endian TIFF structure whose only entry is the orientation (no IFD1, so no
/// thumbnail); `None` if it cannot be written, and then no Exif is written at all.
pub(crate) fn orientation_only(orientation: u16) -> Option<Vec<u8>> {
    let field = Field {
        tag: Tag::Orientation,
        ifd_num: In::PRIMARY,
        value: Value::Short(vec![orientation]),
    };
    let mut writer = Writer::new();
    writer.push_field(&field);
    let mut out = std::io::Cursor::new(Vec::new());
    writer.write(&mut out, false).ok()?;
    Some(out.into_inner())
}
