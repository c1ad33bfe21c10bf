//! What the events console's pages say in words: statuses, times, the form's choices, and
//! the two static files (style and the optional camera scanner).

use crate::choices::Choice;
use axum::http::header;
use axum::response::IntoResponse;
use domain::Timestamp;
use i18n::{Key, Tr};
use jiff::tz::TimeZone;

const CSS: &str = include_str!("../../../static/events_console.css");
const JS: &str = include_str!("../../../static/events_checkin.js");

pub async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            // The URL carries the version, so a long cache is safe.
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        CSS,
    )
}

pub async fn js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        JS,
    )
}

/// The feedback categories' codes an activity may carry, with their labels.
pub const CATEGORIES: [(&str, Key); 7] = [
    ("activity", Key::evcon_cat_activity),
    ("training", Key::evcon_cat_training),
    ("facility", Key::evcon_cat_facility),
    ("service", Key::evcon_cat_service),
    ("information", Key::evcon_cat_information),
    ("heritage", Key::evcon_cat_heritage),
    ("other", Key::evcon_cat_other),
];

pub const AUDIENCES: [(&str, Key); 4] = [
    ("all", Key::evcon_aud_all),
    ("children", Key::evcon_aud_children),
    ("elderly", Key::evcon_aud_elderly),
    ("family", Key::evcon_aud_family),
];

/// How people register, each with the plain words that explain it.
pub const BOOKINGS: [(&str, Key, Key); 3] = [
    (
        "per_date",
        Key::evcon_booking_per_date,
        Key::evcon_booking_per_date_hint,
    ),
    (
        "course",
        Key::evcon_booking_course,
        Key::evcon_booking_course_hint,
    ),
    (
        "none",
        Key::evcon_booking_none,
        Key::evcon_booking_none_hint,
    ),
];

pub const ALLOCATIONS: [(&str, Key, Key); 2] = [
    (
        "first_come",
        Key::alloc_first_come,
        Key::evcon_alloc_first_come_hint,
    ),
    ("lottery", Key::alloc_lottery, Key::evcon_alloc_lottery_hint),
];

/// One radio button with its explanation.
pub struct Explained {
    pub value: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
}

pub fn explained(list: &[(&'static str, Key, Key)], t: &Tr) -> Vec<Explained> {
    list.iter()
        .map(|(value, label, hint)| Explained {
            value,
            label: t.get(*label),
            hint: t.get(*hint),
        })
        .collect()
}

pub fn choices(list: &[(&str, Key)], t: &Tr) -> Vec<Choice> {
    list.iter()
        .map(|(value, label)| Choice {
            value: (*value).to_owned(),
            label: t.get(*label).to_owned(),
        })
        .collect()
}

/// The label of `code` in `list`, or the code itself for one the list does not know.
pub fn label_of(list: &[(&str, Key)], code: &str, t: &Tr) -> String {
    list.iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| code.to_owned(), |(_, k)| t.get(*k).to_owned())
}

pub fn booking_label(code: &str, t: &Tr) -> String {
    BOOKINGS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or_else(|| code.to_owned(), |(_, k, _)| t.get(*k).to_owned())
}

pub fn allocation_label(code: &str, t: &Tr) -> String {
    ALLOCATIONS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or_else(|| code.to_owned(), |(_, k, _)| t.get(*k).to_owned())
}

pub fn activity_status(code: &str, t: &Tr) -> String {
    let key = match code {
        "draft" => Key::evcon_status_draft,
        "published" => Key::evcon_status_published,
        "cancelled" => Key::evcon_status_cancelled,
        other => return other.to_owned(),
    };
    t.get(key).to_owned()
}

pub fn registration_status(code: &str, t: &Tr) -> String {
    let key = match code {
        "confirmed" => Key::evcon_reg_confirmed,
        "waiting" => Key::evcon_reg_waiting,
        "applied" => Key::evcon_reg_applied,
        "offered" => Key::evcon_reg_offered,
        "lapsed" => Key::evcon_reg_lapsed,
        "cancelled" => Key::evcon_reg_cancelled,
        "late_cancelled" => Key::evcon_reg_late_cancelled,
        other => return other.to_owned(),
    };
    t.get(key).to_owned()
}

pub fn attendance(code: Option<&str>, t: &Tr) -> String {
    t.get(match code {
        Some("attended") => Key::evcon_att_attended,
        Some("no_show") => Key::evcon_att_no_show,
        _ => Key::evcon_att_none,
    })
    .to_owned()
}

/// `2026-11-28 14:00` where the institution is.
pub fn minute(at: Timestamp, tz: &TimeZone) -> String {
    at.format_minutes(tz)
}

/// `14:00` where the institution is.
pub fn clock(at: Timestamp, tz: &TimeZone) -> String {
    at.in_zone(tz).strftime("%H:%M").to_string()
}

/// What `<input type="datetime-local">` holds: `2026-11-28T14:00`.
pub fn local_input(at: Timestamp, tz: &TimeZone) -> String {
    at.in_zone(tz).strftime("%Y-%m-%dT%H:%M").to_string()
}

/// "2026-11-28 14:00 至 16:00", or with both days when it spans midnight.
pub fn span(starts: Timestamp, ends: Timestamp, tz: &TimeZone, t: &Tr) -> String {
    let same_day = starts.in_zone(tz).date() == ends.in_zone(tz).date();
    let end = if same_day {
        clock(ends, tz)
    } else {
        minute(ends, tz)
    };
    t.fill(
        Key::evcon_date_when,
        &[("starts", &minute(starts, tz)), ("ends", &end)],
    )
}

/// A companion in words: "王小明（2018 年生）".
pub fn companion(c: &domain::event::companion::Companion, t: &Tr) -> String {
    t.fill(
        Key::evcon_companion,
        &[("name", &c.name), ("year", &c.birth_year)],
    )
}

/// A percentage of `part` in `whole`, or a dash when there is no whole.
pub fn percent(part: i64, whole: i64, t: &Tr) -> String {
    if whole <= 0 {
        return t.evcon_dash().to_owned();
    }
    let tenths = (part * 1000 + whole / 2) / whole;
    let pct = format!("{}.{}", tenths / 10, tenths % 10);
    t.fill(Key::evcon_pct, &[("pct", &pct)])
}
