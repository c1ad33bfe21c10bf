//! Setting up the feedback loop: the institution's feedback settings, categories, routing
//! rules, deadlines, the working calendar, answer templates, sensitive words and the
//! institution's own words — the tabs of `/console/settings` (the import and the group
//! robots are tabs too, kept with feedback and notices).

mod calendar;
mod categories;
mod deadlines;
mod dictionary;
mod feedback;
mod routing;
pub(crate) mod tabs;
mod templates;
mod words;

use crate::AppState;
use axum::Router;
use axum::routing::get;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/settings", get(feedback::start))
        .route(
            "/console/settings/feedback",
            get(feedback::show).post(feedback::save),
        )
        .route(
            "/console/settings/categories",
            get(categories::show).post(categories::act),
        )
        .route(
            "/console/settings/routing",
            get(routing::show).post(routing::act),
        )
        .route(
            "/console/settings/deadlines",
            get(deadlines::show).post(deadlines::act),
        )
        .route(
            "/console/settings/calendar",
            get(calendar::show).post(calendar::act),
        )
        .route(
            "/console/settings/templates",
            get(templates::show).post(templates::act),
        )
        .route("/console/settings/words", get(words::show).post(words::act))
        .route(
            "/console/settings/dictionary",
            get(dictionary::show).post(dictionary::act),
        )
}
