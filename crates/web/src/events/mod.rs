//! Events and training: the public calendar and activity pages, a member's registrations
//! and the private link, the API (`public`), and the staff console's activities, rosters
//! and check-in (`console`).

mod console;
mod public;
mod qr;

use crate::AppState;
use axum::Router;
use utoipa_axum::router::OpenApiRouter;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .merge(public::routes())
        .merge(console::routes())
}

/// The events API, for the OpenAPI document.
pub(crate) fn api() -> OpenApiRouter<AppState> {
    public::api()
}
