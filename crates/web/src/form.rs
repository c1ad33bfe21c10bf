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
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(&mut de)
            .map(Json)
            .map_err(|e| {
                let path = e.path().to_string();
                AppError::Malformed {
                    detail: e.inner().to_string(),
                    field: (path != ".").then_some(path),
                }
            })
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

/// Only paths on this site may be returned to after signing in.
pub fn local_path(next: Option<&str>, default: &str) -> String {
    match next {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p.to_owned(),
        _ => default.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(
            super::local_path(Some("/console/users"), "/console"),
            "/console/users"
        );
        for outside in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "javascript:alert(1)",
        ] {
            assert_eq!(
                super::local_path(Some(outside), "/console"),
                "/console",
                "{outside}"
            );
        }
    }
}
