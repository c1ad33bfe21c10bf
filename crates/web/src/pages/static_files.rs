//! The stylesheet, compiled into the binary: nothing to build or copy.

use axum::http::header;
use axum::response::IntoResponse;

const APP_CSS: &str = include_str!("../../static/app.css");

pub async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            // The URL carries the version, so a long cache is safe.
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        APP_CSS,
    )
}

const FORM_ERRORS_JS: &str = include_str!("../../static/form_errors.js");

/// Moves focus to a form's list of mistakes (progressive: the list works without it).
pub async fn form_errors_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        FORM_ERRORS_JS,
    )
}
