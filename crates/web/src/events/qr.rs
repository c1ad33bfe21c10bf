//! A check-in code as a QR code the door's camera reads: the member's card and the printed
//! sign-in sheet draw the same thing, the bare code (the door page parses it).

/// `code` as an inline SVG QR code at least `size` pixels wide, without the XML
/// declaration (it sits inside the page; no script, no image request). Empty when the code
/// cannot be encoded, which a short code always can.
pub(crate) fn qr_svg(code: &str, size: u32) -> String {
    match qrcode::QrCode::new(code.as_bytes()) {
        Ok(qr) => {
            let svg = qr
                .render::<qrcode::render::svg::Color>()
                .min_dimensions(size, size)
                .quiet_zone(true)
                .build();
            svg.find("<svg")
                .map(|start| svg[start..].to_owned())
                .unwrap_or_default()
        }
        Err(_) => String::new(),
    }
}
