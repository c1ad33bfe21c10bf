//! `/console/settings/calendar`: the working calendar — a year's public holidays and
//! make-up working days, entered one at a time or pasted as a whole list.

use super::tabs::{Done, Tab, tabs, unknown_action};
use crate::AppState;
use crate::choices::Choice;
use crate::ctx::StaffCtx;
use crate::error::AppError;
use crate::form::{FieldMessages, Form, messages};
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::calendar::DayKind;
use i18n::{Key, Tr};
use serde::Deserialize;
use services::ServiceError;
use services::feedback::SAMPLE_2026;

const PATH: &str = "/console/settings/calendar";

#[derive(Template)]
#[template(path = "console/settings/calendar.html")]
struct CalendarPage {
    page: Page,
    tabs: Vec<Tab>,
    year: i16,
    days_heading: String,
    days: Vec<DayRow>,
    form: CalendarForm,
    errors: FieldMessages,
    no_errors: FieldMessages,
    kinds: Vec<Choice>,
    /// The sample was asked for: say where it comes from and that it must be checked.
    sample: bool,
}
framed!(CalendarPage);

impl CalendarPage {
    /// The errors, if `action` was the form sent.
    fn errors_for(&self, action: &str) -> &FieldMessages {
        if self.form.action == action {
            &self.errors
        } else {
            &self.no_errors
        }
    }
}

struct DayRow {
    day: String,
    weekday: &'static str,
    kind: &'static str,
    holiday: bool,
    name: String,
    /// "Remove 2026-10-01", for the button's accessible name.
    remove_label: String,
}

/// Which year to show, and whether to fill the paste box with the sample.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CalendarQuery {
    year: Option<i16>,
    sample: Option<String>,
    done: Option<String>,
    n: Option<i64>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct CalendarForm {
    /// add | remove | paste
    action: String,
    /// The year shown, to come back to.
    year: String,
    day: String,
    kind: String,
    name: String,
    days: String,
    replace_years: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    staff: StaffCtx,
    Query(q): Query<CalendarQuery>,
) -> Result<Response, AppError> {
    let t = staff.ctx.t();
    let notice = Done {
        done: q.done.clone(),
        n: q.n,
    }
    .notice(&t);
    let sample = q.sample.is_some();
    let form = CalendarForm {
        days: if sample {
            SAMPLE_2026.to_owned()
        } else {
            String::new()
        },
        kind: DayKind::Holiday.as_str().to_owned(),
        ..Default::default()
    };
    let year = match (q.year, sample) {
        (Some(y), _) if (1900..=2100).contains(&y) => y,
        (_, true) => 2026,
        _ => this_year(&state, &staff),
    };
    page(
        &state,
        &staff,
        year,
        form,
        FieldMessages::new(),
        notice,
        sample,
        StatusCode::OK,
    )
    .await
}

pub async fn act(
    State(state): State<AppState>,
    staff: StaffCtx,
    Form(form): Form<CalendarForm>,
) -> Result<Response, AppError> {
    let s = &state.services;
    let who = &staff.staff;
    let year = form
        .year
        .trim()
        .parse::<i16>()
        .ok()
        .filter(|y| (1900..=2100).contains(y))
        .unwrap_or_else(|| this_year(&state, &staff));
    let result = match form.action.as_str() {
        "add" => s
            .feedback()
            .set_calendar_day(who, &form.day, &form.kind, &form.name)
            .await
            .map(|()| None),
        "remove" => s
            .feedback()
            .remove_calendar_day(who, &form.day)
            .await
            .map(|()| None),
        "paste" => s
            .feedback()
            .paste_calendar_days(who, &form.days, form.replace_years.is_some())
            .await
            .map(Some),
        _ => return Err(unknown_action()),
    };
    match result {
        Ok(None) => Ok(Redirect::to(&format!("{PATH}?year={year}&done=saved")).into_response()),
        Ok(Some(n)) => {
            Ok(Redirect::to(&format!("{PATH}?year={year}&done=pasted&n={n}")).into_response())
        }
        Err(ServiceError::Invalid(invalid)) => {
            let errors = messages(&invalid, &staff.ctx.t());
            page(
                &state,
                &staff,
                year,
                form,
                errors,
                None,
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The year it is now where the institution is (on the services' clock).
fn this_year(state: &AppState, staff: &StaffCtx) -> i16 {
    state
        .services
        .now()
        .in_zone(&staff.ctx.institution.timezone)
        .year()
}

fn weekday(t: &Tr, day: jiff::civil::Date) -> &'static str {
    let key = match day.weekday().to_monday_one_offset() {
        1 => Key::setup_weekday_1,
        2 => Key::setup_weekday_2,
        3 => Key::setup_weekday_3,
        4 => Key::setup_weekday_4,
        5 => Key::setup_weekday_5,
        6 => Key::setup_weekday_6,
        _ => Key::setup_weekday_7,
    };
    t.get(key)
}

fn kind_label(t: &Tr, kind: DayKind) -> &'static str {
    match kind {
        DayKind::Holiday => t.setup_day_holiday(),
        DayKind::Workday => t.setup_day_workday(),
    }
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    StaffCtx { ctx, staff }: &StaffCtx,
    year: i16,
    form: CalendarForm,
    errors: FieldMessages,
    notice: Option<String>,
    sample: bool,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let days = state
        .services
        .feedback()
        .calendar_days(staff, Some(year))
        .await?;
    let html = render(&CalendarPage {
        page: Page::new(ctx, t.setup_nav_calendar()).with_notice(notice),
        tabs: tabs(&t, staff, PATH),
        year,
        days_heading: t.fill(Key::setup_calendar_days, &[("year", &year)]),
        days: days
            .iter()
            .map(|d| DayRow {
                remove_label: t.fill(Key::setup_calendar_remove, &[("day", &d.day)]),
                day: d.day.to_string(),
                weekday: weekday(&t, d.day),
                kind: kind_label(&t, d.kind),
                holiday: d.kind == DayKind::Holiday,
                name: d.name.clone(),
            })
            .collect(),
        form,
        errors,
        no_errors: FieldMessages::new(),
        kinds: DayKind::ALL
            .iter()
            .map(|k| Choice {
                value: k.as_str().to_owned(),
                label: kind_label(&t, *k).to_owned(),
            })
            .collect(),
        sample,
    })?;
    Ok((status, html).into_response())
}
