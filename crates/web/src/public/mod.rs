//! The public side of the feedback loop: the form (and "others have raised something
//! similar"), the receipt, the private tracking link, and the transparency board with its
//! figures, search and "me too" — each as a page and, where apps need it, an API endpoint.

mod board;
mod board_api;
mod board_filters;
mod board_item;
mod board_search;
mod feedback_api;
mod feedback_new;
mod figures_api;
mod similar;
mod similar_api;
mod tracking;
mod tracking_api;
mod view;

pub(crate) use view::{ItemCard, Names, duration_words};

use crate::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/feedback/new",
            get(feedback_new::show)
                .post(feedback_new::submit)
                // Photos: the only public route that takes more than the global limit.
                .layer(DefaultBodyLimit::max(feedback_new::BODY_LIMIT)),
        )
        .route("/feedback/sent", get(feedback_new::show_sent))
        .route("/t/{tracking_no}/{secret}", get(tracking::show))
        .route("/t/{tracking_no}/{secret}/reply", post(tracking::reply))
        .route("/t/{tracking_no}/{secret}/rate", post(tracking::rate))
        .route("/t/{tracking_no}/{secret}/reopen", post(tracking::reopen))
        .route(
            "/t/{tracking_no}/{secret}/photos/{id}",
            get(tracking::photo),
        )
        .route("/board", get(board::show))
        .route("/board/search", get(board_search::show))
        .route("/board/{tracking_no}", get(board_item::show))
        .route("/board/{tracking_no}/support", post(board_item::support))
        .merge(crate::openapi::serve(api()))
}

/// Submitting feedback, following it, the board and its figures, and similar items.
pub(crate) fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(feedback_api::submit))
        .routes(routes!(tracking_api::show))
        .routes(routes!(board_api::list))
        .routes(routes!(figures_api::show))
        .routes(routes!(similar_api::similar))
}
