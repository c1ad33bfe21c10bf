//! The stylesheet and the small shared scripts, compiled into the binary: nothing to build
//! or copy.

use axum::http::header;
use axum::response::IntoResponse;

const APP_CSS: &str = include_str!("../../static/app.css");
const PEOPLE_JS: &str = include_str!("../../static/people.js");
const RELOAD_JS: &str = include_str!("../../static/reload.js");
const FORM_ERRORS_JS: &str = include_str!("../../static/form_errors.js");

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

/// The people pickers' filter box.
pub async fn people_js() -> impl IntoResponse {
    script(PEOPLE_JS)
}

/// Reloads a screen that stays up all day (the hall screen).
pub async fn reload_js() -> impl IntoResponse {
    script(RELOAD_JS)
}

/// Moves focus to a form's list of mistakes (progressive: the list works without it).
pub async fn form_errors_js() -> impl IntoResponse {
    script(FORM_ERRORS_JS)
}

fn script(body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        body,
    )
}
