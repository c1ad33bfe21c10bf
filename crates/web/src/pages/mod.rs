//! The HTML pages, one file each.

mod audit;
mod audit_words;
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
mod board_search;
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
mod feedback_search;
mod feedback_themes;

// Setting up the feedback loop, and importing offline feedback.
mod feedback_import;
mod settings_calendar;
mod settings_categories;
mod settings_deadlines;
mod settings_dictionary;
mod settings_feedback;
mod settings_routing;
mod settings_tabs;
mod settings_templates;
mod settings_words;

// Internal notices: the lists, the author's form, one notice and its attachments.
mod notices_item;
mod notices_list;
mod notices_new;

// Notices: the group robots' settings and the anonymous staff suggestion box.
mod settings_robots;
mod suggestions;

// Notices: receipts, the live badge, the monthly spot-check and the hall-screen board.
mod notice_board;
mod notices_live;
mod notices_receipts;
mod notices_report;
pub(crate) use notices_live::{badge_for_page, shows_badge};

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
        .route("/static/people.js", get(static_files::people_js))
        .route("/static/reload.js", get(static_files::reload_js))
        .route("/static/form_errors.js", get(static_files::form_errors_js))
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
        .route("/me/recover", get(member_login::show_recover))
        .route("/me/logout", post(member_login::logout))
        .route("/me", get(member_home::show))
        .merge(staff_feedback())
        .merge(public_feedback())
        .merge(feedback_setup())
        .merge(robots_and_suggestions())
        .merge(notice_pages())
        .merge(notice_receipts_and_board())
}

/// Notices: who read them, the live badge, the monthly spot-check and the hall screen.
fn notice_receipts_and_board() -> Router<AppState> {
    Router::new()
        .route(
            "/console/notices/{id}/receipts",
            get(notices_receipts::show),
        )
        .route(
            "/console/notices/{id}/receipts.csv",
            get(notices_receipts::csv),
        )
        .route(
            "/console/notices/{id}/receipts.xlsx",
            get(notices_receipts::xlsx),
        )
        .route(notices_live::EVENTS_PATH, get(notices_live::events))
        .route("/static/notices.js", get(notices_live::js))
        .route("/static/console.js", get(feedback_inbox::js))
        .route("/static/notices.css", get(notices_live::css))
        .route("/console/notices/report", get(notices_report::show))
        .route("/console/notices/report.xlsx", get(notices_report::xlsx))
        .route("/board/notices", get(notice_board::show))
        .route("/static/notice_board.css", get(notice_board::css))
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
        .route("/feedback/sent", get(feedback_new::show_sent))
        .route("/t/{tracking_no}/{secret}", get(tracking::show))
        .route("/t/{tracking_no}/{secret}/reply", post(tracking::reply))
        .route("/t/{tracking_no}/{secret}/rate", post(tracking::rate))
        .route("/t/{tracking_no}/{secret}/reopen", post(tracking::reopen))
        .route(
            "/t/{tracking_no}/{secret}/photos/{id}",
            get(tracking::photo),
        )
        .route("/board", get(board::show))
        .route("/board/search", get(board_search::show))
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
        .route("/console/feedback/search", get(feedback_search::show))
        .route("/console/feedback/themes", get(feedback_themes::show))
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

/// Setting up the feedback loop (settings, categories, routing rules, deadlines, the working
/// calendar, answer templates, sensitive words, the institution's own words) and importing
/// offline feedback.
fn feedback_setup() -> Router<AppState> {
    Router::new()
        .route("/console/settings", get(settings_feedback::start))
        .route(
            "/console/settings/feedback",
            get(settings_feedback::show).post(settings_feedback::save),
        )
        .route(
            "/console/settings/categories",
            get(settings_categories::show).post(settings_categories::act),
        )
        .route(
            "/console/settings/routing",
            get(settings_routing::show).post(settings_routing::act),
        )
        .route(
            "/console/settings/deadlines",
            get(settings_deadlines::show).post(settings_deadlines::act),
        )
        .route(
            "/console/settings/calendar",
            get(settings_calendar::show).post(settings_calendar::act),
        )
        .route(
            "/console/settings/templates",
            get(settings_templates::show).post(settings_templates::act),
        )
        .route(
            "/console/settings/words",
            get(settings_words::show).post(settings_words::act),
        )
        .route(
            "/console/settings/dictionary",
            get(settings_dictionary::show).post(settings_dictionary::act),
        )
        .route(
            "/console/feedback/import",
            get(feedback_import::show)
                .post(feedback_import::upload)
                // Spreadsheets: bigger than the global limit allows.
                .layer(DefaultBodyLimit::max(feedback_import::BODY_LIMIT)),
        )
        .route(
            "/console/feedback/import/template.csv",
            get(feedback_import::template),
        )
}

/// Internal notices: the lists, the author's form with its attachments, one notice with
/// what the viewer may do to it, and its files.
fn notice_pages() -> Router<AppState> {
    let upload_limit = || DefaultBodyLimit::max(notices_new::BODY_LIMIT);
    Router::new()
        .route("/console/notices", get(notices_list::show))
        .route(
            "/console/notices/new",
            get(notices_new::show_new)
                .post(notices_new::create)
                .layer(upload_limit()),
        )
        .route(
            "/console/notices/{id}",
            get(notices_item::show).post(notices_item::act),
        )
        .route(
            "/console/notices/{id}/edit",
            get(notices_new::show_edit)
                .post(notices_new::update)
                .layer(upload_limit()),
        )
        .route(
            "/console/notices/{id}/attachments/{attachment}/remove",
            post(notices_new::remove_attachment),
        )
        .route(
            "/console/notices/attachments/{id}",
            get(notices_item::attachment),
        )
}

/// The group robots that announce notices, and the anonymous staff suggestion box.
fn robots_and_suggestions() -> Router<AppState> {
    Router::new()
        .route(
            "/console/settings/robots",
            get(settings_robots::show).post(settings_robots::act),
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
