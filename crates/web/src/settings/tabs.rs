//! What the settings pages share: the tabs between them, the "saved" notice after a
//! redirect, the choices their selects offer, and how they answer a form.

use crate::choices::Choice;
use crate::error::AppError;
use crate::form::{FieldMessages, messages};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::ConsolePowers;
use i18n::{Key, Tr};
use serde::Deserialize;
use services::feedback::CategoryView;
use services::{ServiceError, Staff};

/// One tab of the settings pages.
pub struct Tab {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// The tabs this staff member may open; the administrator sees all of them, the office
/// director the answer templates (and, like every clerk, the import).
pub fn tabs(t: &Tr, staff: &Staff, current: &str) -> Vec<Tab> {
    let powers = ConsolePowers::of(&staff.actor);
    let admin = powers.feedback_settings;
    let imports = powers.enter_feedback;
    let robots = powers.robots;
    [
        ("/console/settings/feedback", Key::setup_nav_general, admin),
        (
            "/console/settings/categories",
            Key::setup_nav_categories,
            admin,
        ),
        ("/console/settings/routing", Key::setup_nav_routing, admin),
        (
            "/console/settings/deadlines",
            Key::setup_nav_deadlines,
            admin,
        ),
        ("/console/settings/calendar", Key::setup_nav_calendar, admin),
        (
            "/console/settings/templates",
            Key::setup_nav_templates,
            true,
        ),
        ("/console/settings/words", Key::setup_nav_words, admin),
        (
            "/console/settings/dictionary",
            Key::setup_nav_dictionary,
            admin,
        ),
        ("/console/feedback/import", Key::import_nav, imports),
        ("/console/settings/robots", Key::robots_nav, robots),
    ]
    .into_iter()
    .filter(|(_, _, shown)| *shown)
    .map(|(href, key, _)| Tab {
        href,
        label: t.get(key),
        current: href == current,
    })
    .collect()
}

/// `?done=…` after a form, with how many when that matters.
#[derive(Deserialize, Default)]
pub struct Done {
    pub done: Option<String>,
    pub n: Option<i64>,
}

impl Done {
    pub fn notice(&self, t: &Tr) -> Option<String> {
        match self.done.as_deref()? {
            "saved" => Some(t.saved().to_owned()),
            "pasted" => Some(t.fill(Key::setup_calendar_saved, &[("n", &self.n.unwrap_or(0))])),
            _ => None,
        }
    }
}

/// Back to the page after a change, with "saved" at its top.
fn saved(back: &str) -> Response {
    Redirect::to(&format!("{back}?done=saved")).into_response()
}

/// How a settings form is answered: back to `back` with "saved", the form drawn again by
/// `redraw` with its field errors (422), or an error page.
pub async fn answer<T, E, F, Fut>(
    result: Result<T, E>,
    back: &str,
    t: &Tr,
    redraw: F,
) -> Result<Response, AppError>
where
    E: Into<AppError>,
    F: FnOnce(FieldMessages, StatusCode) -> Fut,
    Fut: Future<Output = Result<Response, AppError>>,
{
    match result.map_err(Into::into) {
        Ok(_) => Ok(saved(back)),
        Err(AppError::Service(ServiceError::Invalid(invalid))) => {
            redraw(messages(&invalid, t), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e),
    }
}

/// An id chosen in a select or sent by a button.
pub fn id(field: &str, value: &str) -> Result<i64, ServiceError> {
    value
        .trim()
        .parse()
        .map_err(|_| ServiceError::invalid(field, Key::err_choice))
}

/// A form whose `action` is none we know: someone made it up.
pub fn unknown_action() -> AppError {
    AppError::Malformed {
        detail: "action".into(),
        field: Some("action".into()),
    }
}

pub fn kinds(t: &Tr) -> Vec<Choice> {
    domain::feedback::FeedbackKind::ALL
        .iter()
        .map(|k| Choice {
            value: k.as_str().to_owned(),
            label: t.get(k.label()).to_owned(),
        })
        .collect()
}

pub fn priorities(t: &Tr) -> Vec<Choice> {
    domain::feedback::Priority::ALL
        .iter()
        .map(|p| Choice {
            value: p.as_str().to_owned(),
            label: t.get(p.label()).to_owned(),
        })
        .collect()
}

/// The categories the public can choose now.
pub fn categories(list: &[CategoryView], t: &Tr) -> Vec<Choice> {
    list.iter()
        .filter(|c| c.active)
        .map(|c| Choice {
            value: c.code.clone(),
            label: c.label(t.lang).to_owned(),
        })
        .collect()
}
