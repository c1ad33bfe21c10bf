//! Members of the public: signing in with a texted code (pages and API), getting lost
//! tracking links back, and their own page with their feedback and their data (download it,
//! or have it erased).

mod codes_api;
mod delete;
mod export;
mod home;
mod login;
mod sessions_api;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/me/login", get(login::show).post(login::send_code))
        .route("/me/verify", post(login::verify))
        .route("/me/recover", get(login::show_recover))
        .route("/me/logout", post(login::logout))
        .route("/me", get(home::show))
        .route("/me/export", get(export::download))
        .route("/me/delete", get(delete::show).post(delete::delete))
        .merge(crate::openapi::serve(api()))
}

/// Texting a sign-in code, and signing in with it.
pub(crate) fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(codes_api::send_code))
        .routes(routes!(sessions_api::sign_in))
}
