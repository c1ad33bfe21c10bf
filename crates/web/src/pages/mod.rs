//! The HTML pages, one file each.

mod audit;
mod choices;
mod console;
mod health;
mod login;
mod member_home;
mod member_login;
mod org;
mod password;
mod portal;
mod static_files;
mod user;
mod users;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(portal::show))
        .route("/healthz", get(health::show))
        .route("/metrics", get(crate::metrics::show))
        .route("/static/app.css", get(static_files::css))
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
        .route(
            "/me/login",
            get(member_login::show).post(member_login::send_code),
        )
        .route("/me/verify", post(member_login::verify))
        .route("/me/logout", post(member_login::logout))
        .route("/me", get(member_home::show))
}
