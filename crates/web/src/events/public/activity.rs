//! `/events/{id}`: one activity — what, where, for whom, how seats are given (first come,
//! or the lottery with its commitment and, after the draw, its seed), the registration
//! window, each date with its live seats and a button, the rating from five up, and "add
//! to calendar".

use super::view;
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use i18n::Key;

pub struct DateLine {
    pub id: i64,
    pub when: String,
    pub seats: String,
    pub waiting: Option<String>,
    /// Seats kept for an audience, in words ("其中 6 个名额留给青石镇居民，至 …").
    pub kept: Vec<String>,
    pub cancelled: bool,
    pub full: bool,
    /// The button's words; none when the date takes no registration now.
    pub button: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "events/activity.html")]
struct ActivityPage {
    page: Page,
    /// The organiser's own subscription: its link and words.
    unit_feed: (String, String),
    title: String,
    paragraphs: Vec<String>,
    cancelled: bool,
    organiser: String,
    venue: String,
    address: String,
    map: Option<String>,
    audience: &'static str,
    ages: Option<String>,
    contact: String,
    booking: String,
    lottery: bool,
    commitment: Option<String>,
    seed: Option<String>,
    window: Vec<String>,
    cancel_rule: Option<String>,
    dates: Vec<DateLine>,
    rating: Option<String>,
}
framed!(ActivityPage);

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let t = ctx.t();
    let tz = ctx.institution.timezone.clone();
    let now = state.services.now();
    let a = state
        .services
        .events()
        .public_activity(ctx.institution.id, id)
        .await?;
    let lottery = a.allocation == "lottery";
    let open = a.status == "published" && a.booking != "none";
    let closes = a.closes_at;
    let dates = a
        .dates
        .iter()
        .map(|d| {
            let full = d.seats_left <= 0;
            let taking =
                open && !d.cancelled && now < d.starts_at && closes.is_none_or(|c| now < c);
            DateLine {
                id: d.id,
                when: view::when(&t, &tz, d.starts_at, d.ends_at),
                seats: view::seats_words(
                    &t,
                    &a.booking,
                    &a.allocation,
                    d.seats_left,
                    Some(d.capacity),
                ),
                waiting: (d.waiting > 0 && a.booking != "none")
                    .then(|| t.fill(Key::evpub_waiting_count, &[("n", &d.waiting)])),
                kept: d
                    .kept
                    .iter()
                    .map(|k| {
                        let until = view::minute(&tz, k.until);
                        match &k.township {
                            Some(place) => t.fill(
                                Key::evpub_kept_township,
                                &[("n", &k.free), ("place", place), ("until", &until)],
                            ),
                            None => t.fill(
                                Key::evpub_kept_aged,
                                &[
                                    ("n", &k.free),
                                    ("age", &k.min_age.unwrap_or(65)),
                                    ("until", &until),
                                ],
                            ),
                        }
                    })
                    .collect(),
                cancelled: d.cancelled,
                full,
                button: taking.then(|| {
                    if lottery {
                        t.evpub_apply()
                    } else if full {
                        t.evpub_register_wait()
                    } else {
                        t.evpub_register()
                    }
                }),
            }
        })
        .collect();
    let mut window = Vec::new();
    if a.booking != "none" {
        if let Some(opens) = a.opens_at {
            window.push(t.fill(
                Key::evpub_window_from,
                &[("opens", &view::minute(&tz, opens))],
            ));
        }
        match a.closes_at {
            Some(c) => window.push(t.fill(
                Key::evpub_window_until,
                &[("closes", &view::minute(&tz, c))],
            )),
            None => window.push(t.evpub_window_until_start().to_owned()),
        }
        if let Some(p) = a.priority_opens_at {
            window.push(t.fill(Key::evpub_priority, &[("at", &view::minute(&tz, p))]));
        }
        if a.booking == "course" {
            window.push(t.evpub_course().to_owned());
        }
    }
    let rating = a.rating.as_ref().map(|r| {
        let avg = format!("{}.{}", r.average_tenths / 10, r.average_tenths % 10);
        t.fill(Key::evpub_rating, &[("avg", &avg), ("n", &r.count)])
    });
    let map = a.position.map(|(lat, lon)| {
        format!(
            "https://uri.amap.com/marker?position={lon},{lat}&name={}",
            form_urlencoded::byte_serialize(a.venue.as_bytes()).collect::<String>()
        )
    });
    render(&ActivityPage {
        page: Page::new(&ctx, a.title.clone()),
        unit_feed: (
            format!("/events/units/{}.ics", a.unit_id),
            t.fill(Key::evpub_subscribe_unit, &[("unit", &a.unit_name)]),
        ),
        paragraphs: view::paragraphs(&a.description),
        cancelled: a.status == "cancelled",
        organiser: a.unit_name.clone(),
        venue: a.venue.clone(),
        address: a.address.clone(),
        map,
        audience: view::audience(&t, &a.audience),
        ages: view::ages(&t, a.age_min, a.age_max),
        contact: a.contact.clone(),
        lottery,
        commitment: a.lottery_commitment.clone().filter(|_| lottery),
        seed: a.lottery_seed.clone().filter(|_| lottery),
        window,
        cancel_rule: (a.booking != "none")
            .then(|| t.fill(Key::evpub_cancel_rule, &[("hours", &a.cancel_hours)])),
        booking: a.booking,
        dates,
        rating,
        title: a.title,
    })
}
