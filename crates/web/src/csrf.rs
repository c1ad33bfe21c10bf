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

/// The token the request offers: the header, the `_csrf` query parameter (multipart
/// forms put it in their action), or the `_csrf` field of a URL-encoded form body.
/// Gives the request back with its body intact.
pub async fn given(req: Request) -> Result<(Request, Option<String>), AppError> {
    if let Some(h) = req.headers().get(HEADER).and_then(|v| v.to_str().ok()) {
        let h = h.to_owned();
        return Ok((req, Some(h)));
    }
    if let Some(q) = req.uri().query()
        && let Some((_, v)) = form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == FORM_FIELD)
    {
        let v = v.into_owned();
        return Ok((req, Some(v)));
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
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

#[cfg(test)]
mod tests {
    use super::*;

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
