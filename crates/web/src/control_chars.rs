//! Text with control characters stops at the edge, naming the field.
//!
//! PostgreSQL cannot store a NUL in text (SQLite can), and nobody types an escape or a
//! backspace into a form: a request carrying one is a probe or a broken client. Tab, line
//! feed and carriage return (browsers send CR LF in multi-line text) pass; every other
//! character `char::is_control` names is refused before any handler sees it, so both
//! engines answer alike and no field can be forgotten:
//!
//! - path parameters and query strings: 400, naming the parameter;
//! - URL-encoded and JSON bodies: 422, naming the field (`rows[3].text` in JSON);
//! - multipart forms are read field by field by their pages, which call [`check_part`].

use crate::error::AppError;
use axum::body::Body;
use axum::extract::{FromRequestParts, RawPathParams, Request};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::{FieldError, Invalid};
use i18n::Key;
use services::ServiceError;

/// Never stored: the pages keep only a same-origin path from it and fall back to their
/// landing page otherwise (`form::local_path`), so a hostile link cannot stop a sign-in.
const DROPPED_WHEN_HOSTILE: [&str; 1] = ["next"];

/// A character no field may hold.
pub fn refused(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

fn holds_refused(text: &str) -> bool {
    text.chars().any(refused)
}

/// The middleware.
pub async fn refuse(req: Request, next: Next) -> Response {
    match checked(req).await {
        Ok(req) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

async fn checked(req: Request) -> Result<Request, AppError> {
    let (mut parts, body) = req.into_parts();
    if let Ok(params) = RawPathParams::from_request_parts(&mut parts, &()).await
        && let Some((name, _)) = params.iter().find(|(_, value)| holds_refused(value))
    {
        return Err(in_url(name));
    }
    if let Some(field) = parts.uri.query().and_then(|q| in_pairs(q.as_bytes())) {
        return Err(in_url(&field));
    }
    let body = match body_kind(&parts.headers) {
        None => body,
        Some(kind) => {
            let bytes = axum::body::to_bytes(body, crate::BODY_LIMIT)
                .await
                .map_err(|_| AppError::PayloadTooLarge)?;
            let field = match kind {
                BodyKind::Form => in_pairs(&bytes),
                // Broken JSON is for the extractor to report.
                BodyKind::Json => serde_json::from_slice::<serde_json::Value>(&bytes)
                    .ok()
                    .and_then(|v| in_json(&v, "")),
            };
            if let Some(field) = field {
                return Err(in_body(field));
            }
            Body::from(bytes)
        }
    };
    Ok(Request::from_parts(parts, body))
}

enum BodyKind {
    Form,
    Json,
}

fn body_kind(headers: &HeaderMap) -> Option<BodyKind> {
    let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    if content_type.starts_with("application/x-www-form-urlencoded") {
        Some(BodyKind::Form)
    } else if content_type.starts_with("application/json") {
        Some(BodyKind::Json)
    } else {
        None
    }
}

/// The first field of a URL-encoded list (query or form) holding a refused character.
fn in_pairs(encoded: &[u8]) -> Option<String> {
    form_urlencoded::parse(encoded)
        .find(|(name, value)| {
            holds_refused(name)
                || (holds_refused(value) && !DROPPED_WHEN_HOSTILE.contains(&name.as_ref()))
        })
        .map(|(name, _)| field_name(&name))
}

/// The path (`rows[3].text`) of the first string or key holding a refused character.
fn in_json(value: &serde_json::Value, at: &str) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(s) if holds_refused(s) => Some(if at.is_empty() {
            ".".to_owned()
        } else {
            at.to_owned()
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| in_json(item, &format!("{at}[{i}]"))),
        Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let path = if at.is_empty() {
                field_name(key)
            } else {
                format!("{at}.{}", field_name(key))
            };
            if holds_refused(key) {
                Some(path)
            } else {
                in_json(item, &path)
            }
        }),
        _ => None,
    }
}

/// A name fit to show: its own control characters escaped.
fn field_name(name: &str) -> String {
    if holds_refused(name) {
        name.escape_debug().to_string()
    } else {
        name.to_owned()
    }
}

fn in_url(field: &str) -> AppError {
    AppError::ControlCharInUrl {
        field: field_name(field),
    }
}

fn in_body(field: String) -> AppError {
    AppError::Service(ServiceError::Invalid(Invalid(vec![FieldError::new(
        field,
        Key::err_control_char,
    )])))
}

/// For pages that read multipart forms themselves: refuses a text part (or a file's name)
/// holding a refused character, as the middleware does for other bodies.
pub fn check_part(name: &str, text: &str) -> Result<(), AppError> {
    if holds_refused(name) || holds_refused(text) {
        return Err(in_body(field_name(name)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_and_line_breaks_pass_other_controls_do_not() {
        assert!(!holds_refused("第一行\r\n第二行\t完"));
        for c in ['\0', '\u{7}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9b}'] {
            assert!(holds_refused(&format!("a{c}b")), "{c:?}");
        }
    }

    #[test]
    fn the_field_is_named() {
        assert_eq!(in_pairs(b"a=1&text=x%00y&b=2").as_deref(), Some("text"));
        assert_eq!(in_pairs(b"na%1Bme=x").as_deref(), Some("na\\u{1b}me"));
        assert_eq!(in_pairs(b"text=ok%0D%0A&next=/%09/evil"), None);
        let json = serde_json::json!({"rows": [{"text": "ok"}, {"text": "x\u{0}"}]});
        assert_eq!(in_json(&json, "").as_deref(), Some("rows[1].text"));
        assert_eq!(
            in_json(&serde_json::json!("\u{0}"), "").as_deref(),
            Some(".")
        );
    }
}
