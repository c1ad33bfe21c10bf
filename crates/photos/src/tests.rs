use super::*;
use proptest::prelude::*;

/// The photos the other crates' tests send, shared with them (the test kit sits above this
/// crate, so its file is included by path rather than depended on).
#[allow(dead_code)]
#[path = "../../testkit/src/photo.rs"]
mod photo;

use photo::{JPEG_1X1, JPEG_AFTER_APP0, LATITUDE, contains};

/// A 1x1 lossless WebP (simple format: one VP8L chunk), as written by libwebp.
const WEBP_LOSSLESS_1X1: &[u8] = &[
    0x52, 0x49, 0x46, 0x46, 0x1E, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38, 0x4C,
    0x11, 0x00, 0x00, 0x00, 0x2F, 0x00, 0x00, 0x00, 0x00, 0x07, 0x50, 0x8F, 0x22, 0x17, 0xA5, 0xFF,
    0x81, 0x88, 0xE8, 0x7F, 0x00, 0x00,
];
/// A 1x1 lossy WebP (simple format: one VP8 chunk), as written by libwebp.
const WEBP_LOSSY_1X1: &[u8] = &[
    0x52, 0x49, 0x46, 0x46, 0x34, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38, 0x20,
    0x28, 0x00, 0x00, 0x00, 0x90, 0x01, 0x00, 0x9D, 0x01, 0x2A, 0x01, 0x00, 0x01, 0x00, 0x02, 0xC0,
    0x4C, 0x25, 0xA0, 0x02, 0x74, 0xBA, 0x00, 0x03, 0x98, 0x00, 0xFE, 0xED, 0x4D, 0xDE, 0xBB, 0xC5,
    0xA5, 0x1A, 0xFF, 0xE7, 0xA6, 0x7F, 0x5B, 0x7F, 0x1F, 0xF8, 0xC8, 0x00,
];

const XMP_NAMESPACE: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const XMP_PACKET: &[u8] =
    b"<x:xmpmeta><rdf:Description exif:GPSLatitude=\"39,54.452N\"/></x:xmpmeta>";

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
    png::chunk(kind, data)
}

#[test]
fn png_chunks_are_written_with_their_crc() {
    // IEND's CRC-32, as every PNG ends.
    assert_eq!(
        png_chunk(b"IEND", &[]),
        [0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82]
    );
}

#[test]
fn the_exif_written_holds_only_the_orientation() {
    // Big-endian TIFF header, IFD0 at 8 with one entry (Orientation, SHORT, one value 6),
    // then no next IFD: the same bytes as the hand-written block of before.
    assert_eq!(
        exif::orientation_only(6).unwrap(),
        b"MM\0\x2A\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0"
    );
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
        &[b"Exif\0\0".as_slice(), &exif::orientation_only(6).unwrap()].concat(),
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
            png_chunk(b"eXIf", &exif::orientation_only(3).unwrap()),
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
        webp_chunk(b"EXIF", &exif::orientation_only(8).unwrap()),
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
fn webp_padding_is_written_as_zero() {
    // img-parts writes the padding byte of an odd-sized chunk as the format says, zero; the
    // hand-written cleaner copied whatever was there.
    let zero_padded = riff(&[simple_chunks(WEBP_LOSSLESS_1X1), webp_chunk(b"ICCP", &[1])]);
    let mut input = zero_padded.clone();
    *input.last_mut().unwrap() = 0xFF;
    let clean = sanitize(&input, true).unwrap();
    assert_eq!(clean.bytes, zero_padded);
    assert_stable(&clean);
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
