//! The staff console's events: activities of one's units, the activity form and its dates,
//! publishing, a date's roster with the waiting list, check-in at the door, figures.
//!
//! One file per page; what several pages say in words (statuses, times, the choices of the
//! form) is `words.rs`. Every page works without JavaScript; the door page's camera
//! scanner (`/static/events_checkin.js`) only fills in and sends the code field.

mod activity;
mod checkin;
mod figures;
mod form;
mod list;
mod roster;
mod words;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/events", get(list::show))
        .route(
            "/console/events/new",
            get(form::show_new).post(form::create),
        )
        .route("/console/events/figures", get(figures::show))
        .route(
            "/console/events/{id}",
            get(activity::show).post(activity::act),
        )
        .route(
            "/console/events/{id}/edit",
            get(form::show_edit).post(form::update),
        )
        .route(
            "/console/events/dates/{date}",
            get(roster::show).post(roster::act),
        )
        .route("/console/events/dates/{date}/roster.csv", get(roster::csv))
        .route(
            "/console/events/dates/{date}/roster.xlsx",
            get(roster::xlsx),
        )
        .route("/console/events/dates/{date}/sheet", get(roster::sheet))
        .route(
            "/console/events/dates/{date}/checkin",
            get(checkin::show).post(checkin::check),
        )
        .route(
            "/console/events/dates/{date}/walkin",
            post(checkin::walk_in),
        )
        .route("/static/events_console.css", get(words::css))
        .route("/static/events_checkin.js", get(words::js))
}
