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

// The public feedback loop.
mod board;
mod board_item;
mod feedback_new;
mod member_delete;
mod member_export;
mod public_view;
mod tracking;

pub(crate) use board::BoardParams;

// The staff side of the feedback loop.
mod feedback_entry;
mod feedback_export;
mod feedback_inbox;
mod feedback_item;
mod feedback_names;
mod feedback_photo;

use crate::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
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
        .merge(staff_feedback())
        .merge(public_feedback())
}

/// The public side of the feedback loop: the form, the tracking link, the board, and the
/// member's own data.
fn public_feedback() -> Router<AppState> {
    Router::new()
        .route(
            "/feedback/new",
            get(feedback_new::show)
                .post(feedback_new::submit)
                // Photos: the only route that takes more than the global limit.
                .layer(DefaultBodyLimit::max(feedback_new::BODY_LIMIT)),
        )
        .route("/t/{tracking_no}/{secret}", get(tracking::show))
        .route("/t/{tracking_no}/{secret}/reply", post(tracking::reply))
        .route("/t/{tracking_no}/{secret}/rate", post(tracking::rate))
        .route("/t/{tracking_no}/{secret}/reopen", post(tracking::reopen))
        .route(
            "/t/{tracking_no}/{secret}/photos/{id}",
            get(tracking::photo),
        )
        .route("/board", get(board::show))
        .route("/board/{tracking_no}", get(board_item::show))
        .route("/board/{tracking_no}/support", post(board_item::support))
        .route("/me/export", get(member_export::download))
        .route(
            "/me/delete",
            get(member_delete::show).post(member_delete::delete),
        )
}

/// The staff side of the feedback loop: the inbox and its exports, one item, offline entry.
fn staff_feedback() -> Router<AppState> {
    Router::new()
        .route("/console/feedback", get(feedback_inbox::show))
        .route("/console/feedback/bulk", post(feedback_inbox::bulk))
        .route("/console/feedback/export.csv", get(feedback_export::csv))
        .route("/console/feedback/export.xlsx", get(feedback_export::xlsx))
        .route(
            "/console/feedback/new",
            get(feedback_entry::show).post(feedback_entry::submit),
        )
        .route(
            "/console/feedback/{id}",
            get(feedback_item::show).post(feedback_item::act),
        )
        .route(
            "/console/feedback/{id}/photos/{photo}",
            get(feedback_photo::show),
        )
}
