//! The site around the features: the public portal at `/`, the health check and the
//! metrics for the machines that watch the server, and the stylesheet and scripts every
//! page shares.

mod health;
mod portal;
mod static_files;

use crate::AppState;
use axum::Router;
use axum::routing::get;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(portal::show))
        .route("/healthz", get(health::show))
        .route("/metrics", get(crate::metrics::show))
        .route("/static/app.css", get(static_files::css))
        .route("/static/people.js", get(static_files::people_js))
        .route("/static/reload.js", get(static_files::reload_js))
        .route("/static/form_errors.js", get(static_files::form_errors_js))
}
