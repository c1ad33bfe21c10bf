//! How events look on the public pages and what pages and the API share: times on the
//! institution's wall clock with the weekday, seats in words, audiences and statuses in the
//! reader's language, the registration card, the QR code of a check-in code.

use domain::{TenantId, Timestamp};
use i18n::{Key, Tr};
use jiff::tz::TimeZone;
use services::Services;
use services::events::{ActivityView, MyRegistration};

/// `2026-12-08 周二 14:00–16:00` (the end without its date when on the same day).
pub fn when(t: &Tr, tz: &TimeZone, starts: Timestamp, ends: Timestamp) -> String {
    let s = starts.in_zone(tz);
    let e = ends.in_zone(tz);
    let day = s.strftime("%Y-%m-%d").to_string();
    let weekday = weekday(t, s.weekday().to_monday_one_offset());
    let end = if e.date() == s.date() {
        e.strftime("%H:%M").to_string()
    } else {
        e.strftime("%Y-%m-%d %H:%M").to_string()
    };
    format!("{day} {weekday} {}–{end}", s.strftime("%H:%M"))
}

/// `2026-12-08 09:00`, as the rest of the site writes a moment.
pub fn minute(tz: &TimeZone, at: Timestamp) -> String {
    at.format_minutes(tz)
}

fn weekday(t: &Tr, n: i8) -> &'static str {
    t.get(match n {
        1 => Key::evpub_weekday_1,
        2 => Key::evpub_weekday_2,
        3 => Key::evpub_weekday_3,
        4 => Key::evpub_weekday_4,
        5 => Key::evpub_weekday_5,
        6 => Key::evpub_weekday_6,
        _ => Key::evpub_weekday_7,
    })
}

/// "还剩 12 个名额" / "已满，可候补" / "无需报名" / "摇号分配，共 30 个名额".
pub fn seats_words(
    t: &Tr,
    booking: &str,
    allocation: &str,
    seats_left: i32,
    capacity: Option<i32>,
) -> String {
    if booking == "none" {
        t.evpub_seats_no_booking().to_owned()
    } else if allocation == "lottery" {
        let n = capacity.unwrap_or(seats_left);
        t.fill(Key::evpub_seats_lottery, &[("n", &n)])
    } else if seats_left <= 0 {
        t.evpub_seats_full().to_owned()
    } else {
        t.fill(Key::evpub_seats_left, &[("n", &seats_left)])
    }
}

pub const AUDIENCES: [&str; 4] = ["all", "children", "elderly", "family"];

pub fn audience(t: &Tr, code: &str) -> &'static str {
    t.get(match code {
        "children" => Key::evpub_audience_children,
        "elderly" => Key::evpub_audience_elderly,
        "family" => Key::evpub_audience_family,
        _ => Key::evpub_audience_all,
    })
}

pub fn ages(t: &Tr, min: Option<i32>, max: Option<i32>) -> Option<String> {
    match (min, max) {
        (Some(min), Some(max)) => {
            Some(t.fill(Key::evpub_ages_range, &[("min", &min), ("max", &max)]))
        }
        (Some(min), None) => Some(t.fill(Key::evpub_ages_min, &[("min", &min)])),
        (None, Some(max)) => Some(t.fill(Key::evpub_ages_max, &[("max", &max)])),
        (None, None) => None,
    }
}

/// A registration's status in plain words.
pub fn status(t: &Tr, r: &MyRegistration) -> String {
    match r.status.as_str() {
        "confirmed" => t.evpub_status_confirmed().to_owned(),
        "waiting" => match r.waiting_place {
            Some(n) => t.fill(Key::evpub_waiting_place, &[("n", &n)]),
            None => t.evpub_status_waiting().to_owned(),
        },
        "applied" => match &r.application_no {
            Some(no) => match t.lang {
                i18n::Lang::ZhCn => format!("{}（{no}）", t.evpub_status_applied()),
                i18n::Lang::En => format!("{} ({no})", t.evpub_status_applied()),
            },
            None => t.evpub_status_applied().to_owned(),
        },
        "offered" => t.evpub_status_offered().to_owned(),
        "cancelled" => t.evpub_status_cancelled().to_owned(),
        "late_cancelled" => t.evpub_status_late_cancelled().to_owned(),
        "lapsed" => t.evpub_status_lapsed().to_owned(),
        _ => t.evpub_status_other().to_owned(),
    }
}

/// A registration as a card on `/me/events`, `/e/{token}` and the receipt.
pub struct RegistrationCard {
    pub id: i64,
    pub activity: i64,
    pub title: String,
    pub when: String,
    pub venue: String,
    pub status: String,
    pub status_code: String,
    pub party: String,
    pub code: String,
    pub qr: String,
    pub qr_label: String,
    pub token: String,
    /// The seat is offered: "confirm by …".
    pub offer: Option<String>,
    pub may_cancel: bool,
    /// Cancelling now counts as a no-show: the consequence, stated before the button.
    pub late_warning: Option<String>,
    pub may_rate: bool,
    pub rated: bool,
    pub attended: bool,
    /// Whether the code matters (a seat held or offered).
    pub holds_seat: bool,
}

impl RegistrationCard {
    pub fn new(
        t: &Tr,
        tz: &TimeZone,
        r: &MyRegistration,
        cancel_hours: Option<i32>,
        now: Timestamp,
    ) -> Self {
        let late_warning = cancel_hours.and_then(|hours| {
            let cutoff = r
                .starts_at
                .minus_ms(i64::from(hours) * domain::time::HOUR_MS);
            (r.status == "confirmed" && now >= cutoff && now < r.starts_at)
                .then(|| t.fill(Key::evpub_cancel_late, &[("hours", &hours)]))
        });
        let holds_seat = matches!(r.status.as_str(), "confirmed" | "offered");
        RegistrationCard {
            id: r.id,
            activity: r.activity,
            title: r.title.clone(),
            when: when(t, tz, r.starts_at, r.ends_at),
            venue: r.venue.clone(),
            status: status(t, r),
            status_code: r.status.clone(),
            party: t.fill(Key::evpub_party, &[("n", &r.seats)]),
            qr: if holds_seat {
                crate::events::qr::qr_svg(&r.code, 200)
            } else {
                String::new()
            },
            qr_label: t.fill(Key::evpub_qr_label, &[("code", &r.code)]),
            code: r.code.clone(),
            token: r.token.clone(),
            offer: (r.status == "offered")
                .then_some(r.offer_expires_at)
                .flatten()
                .map(|until| t.fill(Key::evpub_offer, &[("until", &minute(tz, until))])),
            may_cancel: r.may_cancel,
            late_warning,
            may_rate: r.may_rate,
            rated: r.rated,
            attended: r.attended,
            holds_seat,
        }
    }
}

/// The cancellation cutoff of each activity the member registered for, read from the
/// activities' public pages (the registration itself does not carry it).
pub async fn cancel_hours_of(services: &Services, tenant: TenantId, activity: i64) -> Option<i32> {
    services
        .events()
        .public_activity(tenant, activity)
        .await
        .ok()
        .map(|a| a.cancel_hours)
}

/// A date's activity: the calendar is the only public way from a date to its activity, so
/// the date is looked up over all time (a county's activities: a few hundred at most).
pub async fn activity_of_date(
    services: &Services,
    tenant: TenantId,
    date: i64,
) -> Result<ActivityView, services::ServiceError> {
    services
        .events()
        .public_activity_of_date(tenant, date)
        .await
}

/// The host name for calendar UIDs and feed ids: the public address's, else the request's.
pub fn host_of(public_url: &str, headers: &axum::http::HeaderMap) -> String {
    let from_url = url::Url::parse(public_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned));
    from_url
        .or_else(|| {
            headers
                .get(axum::http::header::HOST)
                .and_then(|h| h.to_str().ok())
                .map(|h| h.split(':').next().unwrap_or(h).to_owned())
        })
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "culturedesk.local".to_owned())
}

/// Plain text as paragraphs: one per non-empty line.
pub fn paragraphs(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}
