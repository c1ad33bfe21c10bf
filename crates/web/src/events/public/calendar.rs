//! `/events`: the public calendar — this week by default, next week or this month, by
//! station, category or audience; each date with its time, place and seats in words, and
//! the subscriptions (iCal, Atom).

use super::view::{self, AUDIENCES};
use crate::AppState;
use crate::choices::Choice;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::page::{Page, framed, render};
use crate::public::Names;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use domain::{Timestamp, UnitKind};
use i18n::Key;
use jiff::tz::TimeZone;
use serde::Deserialize;
use services::ServiceError;
use services::events::CalendarQuery;

/// `?period=this_week|next_week|this_month&unit=…&category=…&audience=…`
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct CalendarParams {
    pub period: String,
    pub unit: String,
    pub category: String,
    pub audience: String,
}

pub const PERIODS: [&str; 3] = ["this_week", "next_week", "this_month"];

impl CalendarParams {
    /// The service's query: the period's bounds on the institution's calendar, the unit
    /// as a number (anything else names no unit), the rest as given.
    pub fn query(&self, now: Timestamp, tz: &TimeZone) -> Result<CalendarQuery, ServiceError> {
        let (from, to) = period_bounds(self.period(), now, tz);
        let unit = match self.unit.trim() {
            "" => None,
            u => Some(
                u.parse::<i64>()
                    .map_err(|_| ServiceError::invalid("unit", Key::err_choice))?,
            ),
        };
        let audience = match self.audience.trim() {
            "" | "all" => None,
            a if AUDIENCES.contains(&a) => Some(a.to_owned()),
            _ => return Err(ServiceError::invalid("audience", Key::err_choice)),
        };
        Ok(CalendarQuery {
            from: Some(from),
            to: Some(to),
            unit,
            category: Some(self.category.trim().to_owned()).filter(|c| !c.is_empty()),
            audience,
        })
    }

    pub fn period(&self) -> &'static str {
        PERIODS
            .iter()
            .find(|p| **p == self.period.trim())
            .copied()
            .unwrap_or("this_week")
    }

    /// This page's address with `key` set to `value` (the other choices kept).
    fn link(&self, key: &str, value: &str) -> String {
        let mut pairs: Vec<(&str, &str)> = vec![
            ("period", self.period()),
            ("unit", self.unit.trim()),
            ("category", self.category.trim()),
            ("audience", self.audience.trim()),
        ];
        for p in &mut pairs {
            if p.0 == key {
                p.1 = value;
            }
        }
        let query: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs.into_iter().filter(|(_, v)| !v.is_empty()))
            .finish();
        format!("/events?{query}")
    }
}

/// Monday 00:00 of this week to the next Monday; the next such week; the first of the
/// month to the first of the next — on the institution's wall clock.
pub fn period_bounds(period: &str, now: Timestamp, tz: &TimeZone) -> (Timestamp, Timestamp) {
    let today = now.in_zone(tz).date();
    let ms = |d: jiff::civil::Date| {
        d.to_zoned(tz.clone())
            .map(|z| Timestamp(z.timestamp().as_millisecond()))
            .unwrap_or(now)
    };
    let monday = today
        .checked_sub(jiff::Span::new().days(i64::from(today.weekday().to_monday_zero_offset())))
        .unwrap_or(today);
    let plus_days =
        |d: jiff::civil::Date, n: i64| d.checked_add(jiff::Span::new().days(n)).unwrap_or(d);
    match period {
        "next_week" => (ms(plus_days(monday, 7)), ms(plus_days(monday, 14))),
        "this_month" => {
            let first = today.first_of_month();
            let next = first
                .checked_add(jiff::Span::new().months(1))
                .unwrap_or(first);
            (ms(first), ms(next))
        }
        _ => (ms(monday), ms(plus_days(monday, 7))),
    }
}

pub struct Line {
    pub activity: i64,
    pub date: i64,
    pub title: String,
    pub when: String,
    pub place: String,
    pub seats: String,
    pub full: bool,
    pub cancelled: bool,
}

pub struct Tab {
    pub label: &'static str,
    pub href: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "events/calendar.html")]
struct CalendarPage {
    page: Page,
    lines: Vec<Line>,
    periods: Vec<Tab>,
    audiences: Vec<Tab>,
    units: Vec<Choice>,
    categories: Vec<Choice>,
    params: CalendarParams,
    period: &'static str,
    /// The chosen station's own feed, when one is chosen.
    unit_feed: Option<(String, String)>,
}
framed!(CalendarPage);

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(params): Query<CalendarParams>,
) -> Result<Html<String>, AppError> {
    let t = ctx.t();
    let services = &state.services;
    let tz = ctx.institution.timezone.clone();
    let q = params.query(services.now(), &tz)?;
    let entries = services.events().calendar(ctx.institution.id, &q).await?;
    let names = Names::load(services, &ctx.institution).await?;
    let lines = entries
        .iter()
        .map(|e| Line {
            activity: e.activity,
            date: e.date,
            title: e.title.clone(),
            when: view::when(&t, &tz, e.starts_at, e.ends_at),
            place: [e.unit_name.as_str(), e.venue.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" · "),
            seats: view::seats_words(&t, &e.booking, "first_come", e.seats_left, None),
            full: e.booking != "none" && e.seats_left <= 0,
            cancelled: e.cancelled,
        })
        .collect();
    let period = params.period();
    let periods = [
        ("this_week", t.evpub_this_week()),
        ("next_week", t.evpub_next_week()),
        ("this_month", t.evpub_this_month()),
    ]
    .into_iter()
    .map(|(code, label)| Tab {
        label,
        href: params.link("period", code),
        current: code == period,
    })
    .collect();
    let chosen_audience = match params.audience.trim() {
        "" => "all",
        a => a,
    };
    let audiences = AUDIENCES
        .iter()
        .map(|code| Tab {
            label: view::audience(&t, code),
            href: params.link("audience", if *code == "all" { "" } else { code }),
            current: *code == chosen_audience,
        })
        .collect();
    let units: Vec<Choice> = services
        .public_units(&ctx.institution)
        .await?
        .iter()
        .filter(|u| matches!(u.kind, UnitKind::Centre | UnitKind::Station))
        .map(|u| Choice {
            value: u.id.0.to_string(),
            label: u.name.clone(),
        })
        .collect();
    let categories = services
        .feedback()
        .feedback_setup(ctx.institution.id)
        .await?
        .categories
        .iter()
        .map(|c| Choice {
            value: c.code.clone(),
            label: names.category(Some(&c.code), &t),
        })
        .collect();
    let unit_feed = units
        .iter()
        .find(|u| u.value == params.unit.trim())
        .map(|u| {
            (
                format!("/events/units/{}.ics", u.value),
                t.fill(Key::evpub_subscribe_unit, &[("unit", &u.label)]),
            )
        });
    render(&CalendarPage {
        page: Page::new(&ctx, t.evpub_calendar_title()),
        lines,
        periods,
        audiences,
        units,
        categories,
        params,
        period,
        unit_feed,
    })
}
