//! The staff side of the feedback loop: the inbox (with its bulk actions, exports and the
//! console's feedback card), full-text search, themes, one item with its workflow and
//! photos, entering feedback taken offline, and importing it from a spreadsheet — each as
//! pages and, for the inbox, items and search, API endpoints.

mod actions_api;
mod entry;
mod export;
mod import;
mod inbox;
mod inbox_api;
mod item;
mod item_api;
mod names;
mod notes_api;
mod photo;
mod search;
mod search_api;
mod themes;

pub(crate) use inbox::{Glance, glance};
pub(crate) use names::{moderation_label, publish_label};

use crate::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/feedback", get(inbox::show))
        .route("/console/feedback/bulk", post(inbox::bulk))
        .route("/static/console.js", get(inbox::js))
        .route("/console/feedback/search", get(search::show))
        .route("/console/feedback/themes", get(themes::show))
        .route("/console/feedback/export.csv", get(export::csv))
        .route("/console/feedback/export.xlsx", get(export::xlsx))
        .route(
            "/console/feedback/new",
            get(entry::show).post(entry::submit),
        )
        .route("/console/feedback/{id}", get(item::show).post(item::act))
        .route("/console/feedback/{id}/photos/{photo}", get(photo::show))
        .route(
            "/console/feedback/import",
            get(import::show)
                .post(import::upload)
                // Spreadsheets: bigger than the global limit allows.
                .layer(DefaultBodyLimit::max(import::BODY_LIMIT)),
        )
        .route(
            "/console/feedback/import/template.csv",
            get(import::template),
        )
        .merge(crate::openapi::serve(api()))
}

/// The inbox, one item, its workflow and notes, and search.
pub(crate) fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(inbox_api::list))
        .routes(routes!(item_api::show))
        .routes(routes!(actions_api::act))
        .routes(routes!(notes_api::add))
        .routes(routes!(search_api::search))
}
