//! The public side of events: the calendar, an activity page, registering, a member's
//! registrations, the private link, feeds, the lottery's publication and the API.

mod activity;
mod activity_api;
mod api_types;
mod calendar;
mod calendar_api;
mod cancel_api;
mod feeds;
mod mine;
mod mine_api;
mod private;
mod register;
mod register_api;
mod view;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/events", get(calendar::show))
        .route("/events.ics", get(feeds::institution_ics))
        .route("/events/feed.atom", get(feeds::atom))
        .route("/events/lottery-procedure", get(feeds::procedure))
        .route("/events/units/{unit}", get(feeds::unit_ics))
        .route("/events/{id}", get(activity::show))
        .route(
            "/events/dates/{date}/register",
            get(register::show).post(register::submit),
        )
        .route("/events/dates/{date}/lottery", get(feeds::lottery))
        .route("/me/events", get(mine::show))
        .route("/me/events/feed/{token}", get(feeds::member_ics))
        .route("/me/events/{id}/cancel", post(mine::cancel))
        .route("/me/events/{id}/accept", post(mine::accept))
        .route("/me/events/{id}/rate", post(mine::rate))
        .route("/e/{token}", get(private::show))
        .route("/e/{token}/cancel", post(private::cancel))
        .route("/e/{token}/accept", post(private::accept))
        .merge(crate::openapi::serve(api()))
}

/// The calendar, an activity, registering and cancelling, the member's registrations.
pub(crate) fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(calendar_api::list))
        .routes(routes!(activity_api::show))
        .routes(routes!(register_api::register))
        .routes(routes!(cancel_api::cancel))
        .routes(routes!(mine_api::list))
}
