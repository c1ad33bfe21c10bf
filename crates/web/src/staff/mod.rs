//! Staff and the organisation they work in: signing in and out (pages and API), their own
//! password, the console's start page, the staff list and one staff member, the
//! organisation tree (and `GET /units`, which the public apps read too), and the audit log.

mod audit;
mod audit_api;
mod audit_words;
mod console;
mod login;
mod login_api;
mod logout_api;
mod me_api;
mod org;
mod password;
mod units_api;
mod user;
mod users;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login::show).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/console", get(console::show))
        .route(
            "/console/password",
            get(password::show).post(password::submit),
        )
        .route("/console/users", get(users::show).post(users::create))
        .route("/console/users/{id}", get(user::show).post(user::act))
        .route("/console/org", get(org::show).post(org::act))
        .route("/console/audit", get(audit::show))
        .route("/console/audit.csv", get(audit::export))
        .merge(crate::openapi::serve(api()))
}

/// Signing in for a bearer token, who it belongs to, the units and the audit log.
pub(crate) fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login_api::login))
        .routes(routes!(logout_api::logout))
        .routes(routes!(me_api::me))
        .routes(routes!(units_api::list))
        .routes(routes!(audit_api::list))
}
