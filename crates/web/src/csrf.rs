//! CSRF protection by signed double submit: a random nonce lives in a cookie, and every
//! form carries an HMAC of it under the server's key. A page on another site can make the
//! browser send the cookie, but cannot read it to compute the token.

use crate::error::AppError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, header};
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

pub const FORM_FIELD: &str = "_csrf";
pub const HEADER: &str = "x-csrf-token";
/// Forms are small; a body bigger than this is not searched for the token.
const MAX_FORM_BYTES: usize = 1024 * 1024;

pub fn token(key: &[u8], nonce: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(nonce.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

pub fn verify(key: &[u8], nonce: &str, given: &str) -> bool {
    let Ok(given) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(given.trim()) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return false;
    };
    mac.update(nonce.as_bytes());
    mac.verify_slice(&given).is_ok()
}

/// Must this request prove it came from our pages? Forms always must. The API only when
/// a session cookie would otherwise lend it authority: it takes nothing but JSON, and
/// browsers cannot send JSON across sites without a CORS preflight we never grant (so an
/// API call with no cookie is answered by its own rules: 401 where it needs a session).
pub fn required(headers: &HeaderMap, path: &str, has_session_cookie: bool) -> bool {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    has_session_cookie || !(is_json || path.starts_with("/api/"))
}

/// The token the request offers: the header, the `_csrf` field of a URL-encoded form
/// body, or the `_csrf` field a multipart form sends first. Never the query string: a
/// token in an address ends up in the history, in logs and on screenshots.
/// Gives the request back with its body intact.
pub async fn given(req: Request) -> Result<(Request, Option<String>), AppError> {
    if let Some(h) = req.headers().get(HEADER).and_then(|v| v.to_str().ok()) {
        let h = h.to_owned();
        return Ok((req, Some(h)));
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if let Some(boundary) = multipart_boundary(&content_type) {
        return first_part(req, &boundary).await;
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Ok((req, None));
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| AppError::PayloadTooLarge)?;
    let found = form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == FORM_FIELD)
        .map(|(_, v)| v.into_owned());
    Ok((Request::from_parts(parts, Body::from(bytes)), found))
}

/// The most of a multipart body read ahead for the token: the `_csrf` field comes first
/// (browsers send fields in the form's order), so it lies well within this.
const MAX_PREFIX_BYTES: usize = 8 * 1024;

fn multipart_boundary(content_type: &str) -> Option<String> {
    if !content_type.starts_with("multipart/form-data") {
        return None;
    }
    content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .map(|b| b.trim_matches('"').to_owned())
        .find(|b| !b.is_empty())
}

/// The token a multipart form carries as its first field. Reads only the first few
/// kilobytes (photos and spreadsheets stream on to the page, under the route's own body
/// limit), then gives the request back with what was read put in front of the rest.
async fn first_part(req: Request, boundary: &str) -> Result<(Request, Option<String>), AppError> {
    use futures_util::StreamExt;
    let (parts, body) = req.into_parts();
    let mut stream = body.into_data_stream();
    let mut prefix: Vec<u8> = Vec::new();
    let mut found = None;
    while prefix.len() < MAX_PREFIX_BYTES {
        match stream.next().await {
            Some(Ok(chunk)) => prefix.extend_from_slice(&chunk),
            // The page's own reading reports a broken body.
            Some(Err(_)) | None => break,
        }
        if let Some(token) = token_in_first_part(&prefix, boundary) {
            found = token;
            break;
        }
    }
    let head =
        futures_util::stream::once(
            async move { Ok::<_, axum::Error>(axum::body::Bytes::from(prefix)) },
        );
    let body = Body::from_stream(head.chain(stream));
    Ok((Request::from_parts(parts, body), found))
}

/// `Some(token)` once the first part is complete and is the `_csrf` field, `Some(None)`
/// once it is complete and is something else, `None` while more is needed.
fn token_in_first_part(prefix: &[u8], boundary: &str) -> Option<Option<String>> {
    let delimiter = format!("--{boundary}");
    let text = String::from_utf8_lossy(prefix);
    let start = text.find(&delimiter)? + delimiter.len();
    let rest = &text[start..];
    let headers_end = rest.find("\r\n\r\n")?;
    let headers = &rest[..headers_end];
    let value_start = headers_end + 4;
    let value_len = rest[value_start..].find(&format!("\r\n{delimiter}"))?;
    let named_csrf = headers.lines().any(|line| {
        let line = line.to_ascii_lowercase();
        line.starts_with("content-disposition:") && line.contains(&format!("name=\"{FORM_FIELD}\""))
    });
    Some(named_csrf.then(|| rest[value_start..value_start + value_len].trim().to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multipart_form_gives_its_first_field_as_the_token() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nabc-123\r\n--XyZ\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nhi\r\n--XyZ--\r\n";
        assert_eq!(
            token_in_first_part(body.as_bytes(), "XyZ"),
            Some(Some("abc-123".into()))
        );
        // Not yet complete: read on.
        assert_eq!(token_in_first_part(&body.as_bytes()[..60], "XyZ"), None);
        let other = body.replace("_csrf", "text");
        assert_eq!(token_in_first_part(other.as_bytes(), "XyZ"), Some(None));
        assert_eq!(
            multipart_boundary("multipart/form-data; boundary=\"XyZ\""),
            Some("XyZ".into())
        );
        assert_eq!(multipart_boundary("text/plain"), None);
    }

    #[test]
    fn a_token_verifies_only_for_its_nonce_and_key() {
        let t = token(b"key", "nonce-1");
        assert!(verify(b"key", "nonce-1", &t));
        assert!(!verify(b"key", "nonce-2", &t));
        assert!(!verify(b"other", "nonce-1", &t));
        assert!(!verify(b"key", "nonce-1", "forged"));
        assert!(!verify(b"key", "nonce-1", ""));
    }
}
