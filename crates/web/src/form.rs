//! Reading request bodies, with errors in our shape that name the field.

use crate::error::AppError;
use axum::extract::{FromRequest, Request};
use domain::Invalid;
use i18n::Tr;
use serde::de::DeserializeOwned;
use std::collections::HashMap;

/// A URL-encoded form.
pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(value)) => Ok(Form(value)),
            Err(rejection) => Err(AppError::Malformed {
                detail: rejection.body_text(),
                field: None,
            }),
        }
    }
}

/// A JSON body; a type error names the field it happened at.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/json"));
        if !is_json {
            return Err(AppError::Malformed {
                detail: "Content-Type must be application/json".into(),
                field: None,
            });
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::PayloadTooLarge)?;
        let mut body: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| AppError::Malformed {
                detail: e.to_string(),
                field: None,
            })?;
        whole_numbers(&mut body);
        let mut track = serde_path_to_error::Track::new();
        let mut unknown = None;
        let read = serde_ignored::deserialize(
            serde_path_to_error::Deserializer::new(body, &mut track),
            |path| {
                unknown.get_or_insert_with(|| path.to_string());
            },
        );
        let value = read.map_err(|e| {
            let path = track.path().to_string();
            AppError::Malformed {
                detail: e.to_string(),
                field: (path != ".").then_some(path),
            }
        })?;
        // A field the request does not have is refused, not ignored: the document says
        // `additionalProperties: false`, and a misspelt field must not pass unnoticed.
        if let Some(field) = unknown {
            return Err(AppError::Malformed {
                detail: "unknown field".into(),
                field: Some(field),
            });
        }
        Ok(Json(value))
    }
}

/// `3.0` is the integer 3 to JSON Schema (and so to the API document), though not to serde:
/// whole numbers written with a point are read as integers.
fn whole_numbers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(n) => {
            if let Some(f) = n
                .as_f64()
                .filter(|f| n.is_f64() && f.fract() == 0.0 && f.abs() < 9.0e15)
            {
                *n = serde_json::Number::from(f as i64);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        serde_json::Value::Object(map) => map.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

/// Field name → message in the person's language, for re-rendering a form.
#[derive(Clone, Debug, Default)]
pub struct FieldMessages(HashMap<String, String>);

impl FieldMessages {
    pub fn new() -> Self {
        FieldMessages::default()
    }

    pub fn has(&self, field: impl AsRef<str>) -> bool {
        self.0.contains_key(field.as_ref())
    }

    pub fn get(&self, field: impl AsRef<str>) -> Option<&String> {
        self.0.get(field.as_ref())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

pub fn messages(invalid: &Invalid, t: &Tr) -> FieldMessages {
    let mut out = HashMap::new();
    for e in &invalid.0 {
        out.entry(e.field.clone()).or_insert_with(|| e.message(t));
    }
    FieldMessages(out)
}

/// Longer than any path of ours: a `next` past it is not one we handed out.
const NEXT_MAX_BYTES: usize = 2048;

/// Where to go after signing in: `next` when it is a path on this site, else `default`.
///
/// A browser reads `/\t/evil.example` as `//evil.example` (it drops tabs and line breaks
/// and takes `\` for `/`), so the text is checked the strict way first — a single leading
/// `/`, no backslash, no control or white space, in the path neither raw nor
/// percent-encoded — and then parsed as the browser would, which must leave the origin
/// unchanged. The origin is a stand-in: for a path-absolute reference it is the base's
/// whatever the base is. What is returned is the parsed URL's own percent-encoded form,
/// always a valid `Location`.
pub fn local_path(next: Option<&str>, default: &str) -> String {
    next.and_then(same_origin_path)
        .unwrap_or_else(|| default.to_owned())
}

fn same_origin_path(next: &str) -> Option<String> {
    let plain = |s: &str| {
        s.starts_with('/')
            && !s.starts_with("//")
            && !s.contains('\\')
            && !s.chars().any(|c| c.is_control() || c.is_whitespace())
    };
    if next.len() > NEXT_MAX_BYTES || !plain(next) {
        return None;
    }
    let path = next.split(['?', '#']).next().unwrap_or_default();
    // Decoded once too, as a server or proxy on the way might.
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    if !plain(&decoded) {
        return None;
    }
    let base = url::Url::parse("https://culturedesk.invalid/").ok()?;
    let url = base.join(next).ok()?;
    (url.origin() == base.origin()).then(|| url[url::Position::BeforePath..].to_owned())
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(
            super::local_path(Some("/console/users"), "/console"),
            "/console/users"
        );
        assert_eq!(
            super::local_path(Some("/console/feedback?x=1"), "/console"),
            "/console/feedback?x=1"
        );
        assert_eq!(
            super::local_path(Some("/board/search?q=音乐"), "/"),
            "/board/search?q=%E9%9F%B3%E4%B9%90"
        );
        let long = format!("/{}", "a".repeat(4096));
        for outside in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "javascript:alert(1)",
            "/\t/evil.example",
            "/%09/evil.example",
            "/%5cevil.example",
            "/%2F/evil.example",
            "/\u{0}x",
            "/a\rb",
            " /x",
            "",
            &long,
        ] {
            assert_eq!(
                super::local_path(Some(outside), "/console"),
                "/console",
                "{outside}"
            );
        }
    }
}
