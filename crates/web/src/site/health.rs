//! `/healthz`: the process is up and its database answers.

use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

pub async fn show(State(state): State<AppState>) -> Response {
    match state.services.health().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!("health check: {e}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [("content-type", "text/html")],
                "database unavailable",
            )
                .into_response()
        }
    }
}
