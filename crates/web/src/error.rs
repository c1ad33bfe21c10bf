//! One error policy for the whole web layer.
//!
//! Handlers return [`AppError`]; it becomes a response carrying an [`ErrorInfo`], which
//! [`render`] turns into JSON `{code, message, fields}` under `/api/` and into a page in
//! the person's language elsewhere. Errors axum raises itself (unknown route, wrong
//! method, body too large, unreadable body) are given the same shape. Bad input is a 4xx
//! that names the field; a 500 means a bug, and its details go to the log, not the user.

use crate::ctx::lang_from_headers;
use crate::page::ErrorPage;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::FieldError;
use i18n::{Key, Lang, Tr};
use serde::Serialize;
use services::{Arg, ServiceError};

#[derive(Debug)]
pub enum AppError {
    Service(ServiceError),
    /// The request could not be read: broken JSON, a wrong type, a missing field.
    Malformed {
        detail: String,
        field: Option<String>,
    },
    /// A path parameter or query string holds a control character (a NUL, an escape…).
    ControlCharInUrl {
        field: String,
    },
    NotFound,
    Csrf,
    PayloadTooLarge,
    /// A staff page was asked for without a staff session.
    Unauthenticated,
    /// A member page was asked for without a member session.
    MemberUnauthenticated,
    /// The staff member must replace a one-time password first.
    PasswordChangeRequired,
    Internal(String),
}

impl From<ServiceError> for AppError {
    fn from(e: ServiceError) -> Self {
        AppError::Service(e)
    }
}

/// What [`render`] needs to describe an error.
#[derive(Clone, Debug)]
pub struct ErrorInfo {
    pub status: StatusCode,
    pub code: &'static str,
    pub key: Key,
    pub args: Vec<(&'static str, Arg)>,
    pub fields: Vec<FieldError>,
    pub retry_after: Option<i64>,
    /// Where a person should be sent instead of shown a page.
    pub redirect: Option<&'static str>,
}

impl ErrorInfo {
    fn new(status: StatusCode, code: &'static str, key: Key) -> Self {
        ErrorInfo {
            status,
            code,
            key,
            args: Vec::new(),
            fields: Vec::new(),
            retry_after: None,
            redirect: None,
        }
    }

    pub fn message(&self, t: &Tr) -> String {
        let values: Vec<(&str, String)> = self.args.iter().map(|(k, v)| (*k, v.text(t))).collect();
        let args: Vec<(&str, &dyn std::fmt::Display)> = values
            .iter()
            .map(|(k, v)| (*k, v as &dyn std::fmt::Display))
            .collect();
        t.fill(self.key, &args)
    }
}

impl AppError {
    pub fn info(&self) -> ErrorInfo {
        use StatusCode as S;
        match self {
            AppError::Service(e) => match e {
                ServiceError::Invalid(invalid) => ErrorInfo {
                    fields: invalid.0.clone(),
                    ..ErrorInfo::new(S::UNPROCESSABLE_ENTITY, "invalid", Key::err_invalid)
                },
                ServiceError::NotFound => {
                    ErrorInfo::new(S::NOT_FOUND, "not_found", Key::err_not_found)
                }
                ServiceError::Forbidden => {
                    ErrorInfo::new(S::FORBIDDEN, "forbidden", Key::err_forbidden)
                }
                ServiceError::Unauthenticated => AppError::Unauthenticated.info(),
                ServiceError::Refused { key, args } => ErrorInfo {
                    args: args.clone(),
                    ..ErrorInfo::new(refusal_status(*key), key.name(), *key)
                },
                ServiceError::RateLimited {
                    retry_after_seconds,
                } => ErrorInfo {
                    retry_after: Some(*retry_after_seconds),
                    ..ErrorInfo::new(S::TOO_MANY_REQUESTS, "rate_limited", Key::err_rate_limited)
                },
                ServiceError::Conflict => {
                    ErrorInfo::new(S::CONFLICT, "conflict", Key::err_conflict)
                }
                ServiceError::Store(_) | ServiceError::Internal(_) => {
                    ErrorInfo::new(S::INTERNAL_SERVER_ERROR, "internal", Key::err_internal)
                }
            },
            AppError::Malformed { detail, field } => ErrorInfo {
                args: vec![("detail", Arg::Text(detail.clone()))],
                fields: field
                    .iter()
                    .map(|f| FieldError::new(f.clone(), Key::err_malformed).with("detail", detail))
                    .collect(),
                ..ErrorInfo::new(S::BAD_REQUEST, "malformed", Key::err_malformed)
            },
            AppError::ControlCharInUrl { field } => ErrorInfo {
                fields: vec![FieldError::new(field.clone(), Key::err_control_char)],
                ..ErrorInfo::new(S::BAD_REQUEST, "malformed", Key::err_control_char_in_url)
            },
            AppError::NotFound => ErrorInfo::new(S::NOT_FOUND, "not_found", Key::err_not_found),
            AppError::Csrf => ErrorInfo::new(S::FORBIDDEN, "csrf", Key::err_csrf),
            AppError::PayloadTooLarge => ErrorInfo::new(
                S::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                Key::err_payload_too_large,
            ),
            AppError::Unauthenticated => ErrorInfo {
                redirect: Some("/login"),
                ..ErrorInfo::new(S::UNAUTHORIZED, "unauthenticated", Key::err_unauthorized)
            },
            AppError::MemberUnauthenticated => ErrorInfo {
                redirect: Some("/me/login"),
                ..ErrorInfo::new(S::UNAUTHORIZED, "unauthenticated", Key::err_unauthorized)
            },
            AppError::PasswordChangeRequired => ErrorInfo {
                redirect: Some("/console/password"),
                ..ErrorInfo::new(
                    S::FORBIDDEN,
                    "password_change_required",
                    Key::password_must_change,
                )
            },
            AppError::Internal(_) => {
                ErrorInfo::new(S::INTERNAL_SERVER_ERROR, "internal", Key::err_internal)
            }
        }
    }
}

fn refusal_status(key: Key) -> StatusCode {
    match key {
        Key::login_failed
        | Key::err_code_wrong
        | Key::err_code_expired
        | Key::err_code_attempts => StatusCode::UNAUTHORIZED,
        _ => StatusCode::CONFLICT,
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let info = self.info();
        if info.status.is_server_error() {
            tracing::error!(error = ?self, "request failed");
        }
        let mut response = info.status.into_response();
        response.extensions_mut().insert(info);
        response
    }
}

/// Every API error has this shape.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiError {
    /// Stable and machine-readable: `invalid`, `not_found`, `forbidden`, `unauthenticated`,
    /// `rate_limited`, `conflict`, `csrf`, `malformed`, `login_failed`, …
    pub code: String,
    /// For people, in the language of the request.
    pub message: String,
    /// What is wrong with which field; empty when the error is not about fields.
    pub fields: Vec<ApiFieldError>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiFieldError {
    /// The field as the request named it: `mobile`, `rows[3].text`.
    pub field: String,
    pub code: String,
    pub message: String,
}

/// Gives every error its final form, for the API or for a person.
pub async fn render(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let lang = lang_from_headers(req.headers());
    let back_to = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let response = next.run(req).await;
    let info = match response.extensions().get::<ErrorInfo>() {
        Some(info) => info.clone(),
        None if unshaped(&response) => raised_by_axum(response.status()),
        None => return response,
    };
    let chrome = response.extensions().get::<crate::page::Chrome>().cloned();
    let lang = chrome.as_ref().map_or(lang, |c| c.lang);
    let mut out = if api {
        json(&info, lang)
    } else if let Some(to) = info.redirect {
        let target = if to == "/console/password" {
            to.to_owned()
        } else {
            format!(
                "{to}?next={}",
                form_urlencoded::byte_serialize(back_to.as_bytes()).collect::<String>()
            )
        };
        Redirect::to(&target).into_response()
    } else {
        (info.status, page(&info, lang, chrome)).into_response()
    };
    if let Some(seconds) = info.retry_after
        && let Ok(v) = HeaderValue::from_str(&seconds.to_string())
    {
        out.headers_mut().insert(header::RETRY_AFTER, v);
    }
    // Keep cookies the inner layers set (a fresh CSRF nonce, a cleared session).
    for cookie in response.headers().get_all(header::SET_COOKIE) {
        out.headers_mut().append(header::SET_COOKIE, cookie.clone());
    }
    out
}

/// An error response none of our handlers shaped: axum's own plain-text rejections.
fn unshaped(response: &Response) -> bool {
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    (status.is_client_error() || status.is_server_error())
        && !content_type.starts_with("text/html")
        && !content_type.starts_with("application/json")
}

fn raised_by_axum(status: StatusCode) -> ErrorInfo {
    match status {
        StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED => {
            ErrorInfo::new(status, "not_found", Key::err_not_found)
        }
        StatusCode::PAYLOAD_TOO_LARGE => {
            ErrorInfo::new(status, "payload_too_large", Key::err_payload_too_large)
        }
        StatusCode::REQUEST_TIMEOUT => ErrorInfo::new(status, "timeout", Key::err_internal),
        s if s.is_client_error() => ErrorInfo {
            args: vec![(
                "detail",
                Arg::Text(s.canonical_reason().unwrap_or("bad request").to_owned()),
            )],
            ..ErrorInfo::new(s, "malformed", Key::err_malformed)
        },
        s => ErrorInfo::new(s, "internal", Key::err_internal),
    }
}

/// In the API, a field that names something not there (a unit, category or department id
/// that does not exist, or is not the caller's to see) answers 404 with the field named,
/// not 422: the document gives the form of such values, but no schema can say which exist,
/// so a well-formed value naming nothing is a missing thing, not a malformed field.
fn names_nothing(info: &ErrorInfo) -> bool {
    info.status == StatusCode::UNPROCESSABLE_ENTITY
        && !info.fields.is_empty()
        && info.fields.iter().all(|f| f.key == Key::err_choice)
}

fn json(info: &ErrorInfo, lang: Lang) -> Response {
    let t = Tr::new(lang);
    let (status, code) = if names_nothing(info) {
        (StatusCode::NOT_FOUND, "not_found")
    } else {
        (info.status, info.code)
    };
    let body = ApiError {
        code: code.to_owned(),
        message: info.message(&t),
        fields: info
            .fields
            .iter()
            .map(|f| ApiFieldError {
                field: f.field.clone(),
                code: f.key.name().to_owned(),
                message: f.message(&t),
            })
            .collect(),
    };
    (status, axum::Json(body)).into_response()
}

fn page(info: &ErrorInfo, lang: Lang, chrome: Option<crate::page::Chrome>) -> Html<String> {
    let t = Tr::new(lang);
    let chrome = chrome.unwrap_or_else(|| crate::page::Chrome::bare(lang));
    let page = ErrorPage {
        page: chrome.page(t.error_title()),
        message: info.message(&t),
        fields: info
            .fields
            .iter()
            .map(|f| (f.field.clone(), f.message(&t)))
            .collect(),
    };
    crate::page::render(&page).unwrap_or_else(|_| Html(info.message(&t)))
}

/// The fallback for paths no route knows.
pub async fn not_found() -> AppError {
    AppError::NotFound
}

/// A panicking handler is a bug: log it, answer like any internal error.
pub fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a handler panicked");
    AppError::Internal("panic".into()).into_response()
}
