//! Internal notices: the lists, the author's form with its attachments, one notice with
//! what the viewer may do to it, who read it (receipts), the live badge, the monthly
//! spot-check, the hall screen, the group robots that announce notices (a settings tab),
//! and the anonymous staff suggestion box.

mod hall_screen;
mod item;
mod list;
mod live;
mod new;
mod receipts;
mod report;
mod robots;
mod suggestions;

pub(crate) use live::{badge_for_page, shows_badge};

use crate::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use robots::Robots;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .merge(writing_and_reading())
        .merge(receipts_and_screen())
        .merge(robots_and_suggestions())
}

/// The lists, the author's form with its attachments, one notice with what the viewer may
/// do to it, and its files.
fn writing_and_reading() -> Router<AppState> {
    let upload_limit = || DefaultBodyLimit::max(new::BODY_LIMIT);
    Router::new()
        .route("/console/notices", get(list::show))
        .route(
            "/console/notices/new",
            get(new::show_new).post(new::create).layer(upload_limit()),
        )
        .route("/console/notices/{id}", get(item::show).post(item::act))
        .route(
            "/console/notices/{id}/edit",
            get(new::show_edit).post(new::update).layer(upload_limit()),
        )
        .route(
            "/console/notices/{id}/attachments/{attachment}/remove",
            post(new::remove_attachment),
        )
        .route("/console/notices/attachments/{id}", get(item::attachment))
}

/// Who read them, the live badge, the monthly spot-check and the hall screen.
fn receipts_and_screen() -> Router<AppState> {
    Router::new()
        .route("/console/notices/{id}/receipts", get(receipts::show))
        .route("/console/notices/{id}/receipts.csv", get(receipts::csv))
        .route("/console/notices/{id}/receipts.xlsx", get(receipts::xlsx))
        .route(live::EVENTS_PATH, get(live::events))
        .route("/static/notices.js", get(live::js))
        .route("/static/notices.css", get(live::css))
        .route("/console/notices/report", get(report::show))
        .route("/console/notices/report.xlsx", get(report::xlsx))
        .route("/board/notices", get(hall_screen::show))
        .route("/static/notice_board.css", get(hall_screen::css))
}

/// The group robots that announce notices, and the anonymous staff suggestion box.
fn robots_and_suggestions() -> Router<AppState> {
    Router::new()
        .route(
            "/console/settings/robots",
            crate::settings::list::page::<Robots>(),
        )
        .route(
            "/console/suggestions",
            get(suggestions::show).post(suggestions::submit),
        )
        .route(
            "/console/suggestions/{id}/answer",
            post(suggestions::answer),
        )
        .route("/console/suggestions/quarter", get(suggestions::quarter))
}
