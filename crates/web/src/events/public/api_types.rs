//! The JSON shapes the events API answers with, shared by its endpoints.

use serde::Serialize;
use services::events::{ActivityView, CalendarEntry, MyRegistration};
use utoipa::ToSchema;

/// One date of a published activity, as the calendar lists it.
#[derive(Serialize, ToSchema)]
pub struct CalendarLine {
    pub activity: i64,
    pub date: i64,
    pub title: String,
    /// A category code (`activity`, `training`, `heritage`, …).
    pub category: String,
    pub unit_name: String,
    pub venue: String,
    /// `all`, `children`, `elderly` or `family`.
    pub audience: String,
    /// RFC 3339, UTC.
    pub starts_at: String,
    pub ends_at: String,
    /// Seats nobody holds now.
    pub seats_left: i32,
    /// `none` (just come), `per_date` or `course`.
    pub booking: String,
    pub cancelled: bool,
}

impl From<&CalendarEntry> for CalendarLine {
    fn from(e: &CalendarEntry) -> Self {
        CalendarLine {
            activity: e.activity,
            date: e.date,
            title: e.title.clone(),
            category: e.category.clone(),
            unit_name: e.unit_name.clone(),
            venue: e.venue.clone(),
            audience: e.audience.clone(),
            starts_at: e.starts_at.rfc3339(),
            ends_at: e.ends_at.rfc3339(),
            seats_left: e.seats_left,
            booking: e.booking.clone(),
            cancelled: e.cancelled,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Calendar {
    pub entries: Vec<CalendarLine>,
}

/// One date of an activity with its live seats.
#[derive(Serialize, ToSchema)]
pub struct ActivityDate {
    pub id: i64,
    pub starts_at: String,
    pub ends_at: String,
    pub capacity: i32,
    pub seats_left: i32,
    /// People on the waiting list (or applying, for a lottery).
    pub waiting: i64,
    pub cancelled: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Rating {
    pub count: u32,
    /// The average in tenths: 43 is 4.3 stars.
    pub average_tenths: u32,
}

/// A published activity.
#[derive(Serialize, ToSchema)]
pub struct Activity {
    pub id: i64,
    pub title: String,
    /// Plain text; paragraphs are separated by line breaks.
    pub description: String,
    pub category: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub venue: String,
    pub address: String,
    /// `[latitude, longitude]`, when set.
    pub position: Option<Vec<f64>>,
    pub audience: String,
    pub age_min: Option<i32>,
    pub age_max: Option<i32>,
    pub contact: String,
    pub booking: String,
    /// `first_come` or `lottery`.
    pub allocation: String,
    pub opens_at: Option<String>,
    /// Members with priority may register from this time.
    pub priority_opens_at: Option<String>,
    pub closes_at: Option<String>,
    /// Cancelling later than this many hours before the start counts as a no-show.
    pub cancel_hours: i32,
    pub companions_max: i32,
    /// `published` or `cancelled`.
    pub status: String,
    /// For a lottery: SHA-256 of the seed, published from the start.
    pub lottery_commitment: Option<String>,
    /// Revealed after the draw.
    pub lottery_seed: Option<String>,
    pub drawn_at: Option<String>,
    pub dates: Vec<ActivityDate>,
    /// Shown from five ratings up.
    pub rating: Option<Rating>,
}

impl From<ActivityView> for Activity {
    fn from(a: ActivityView) -> Self {
        Activity {
            id: a.id,
            title: a.title,
            description: a.description,
            category: a.category,
            unit_id: a.unit_id,
            unit_name: a.unit_name,
            venue: a.venue,
            address: a.address,
            position: a.position.map(|(lat, lon)| vec![lat, lon]),
            audience: a.audience,
            age_min: a.age_min,
            age_max: a.age_max,
            contact: a.contact,
            booking: a.booking,
            allocation: a.allocation,
            opens_at: a.opens_at.map(|t| t.rfc3339()),
            priority_opens_at: a.priority_opens_at.map(|t| t.rfc3339()),
            closes_at: a.closes_at.map(|t| t.rfc3339()),
            cancel_hours: a.cancel_hours,
            companions_max: a.companions_max,
            status: a.status,
            lottery_commitment: a.lottery_commitment,
            lottery_seed: a.lottery_seed,
            drawn_at: a.drawn_at.map(|t| t.rfc3339()),
            dates: a
                .dates
                .iter()
                .map(|d| ActivityDate {
                    id: d.id,
                    starts_at: d.starts_at.rfc3339(),
                    ends_at: d.ends_at.rfc3339(),
                    capacity: d.capacity,
                    seats_left: d.seats_left,
                    waiting: d.waiting,
                    cancelled: d.cancelled,
                })
                .collect(),
            rating: a.rating.map(|r| Rating {
                count: r.count,
                average_tenths: r.average_tenths,
            }),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Companion {
    pub name: String,
    pub birth_year: i32,
}

/// One of the member's registrations.
#[derive(Serialize, ToSchema)]
pub struct Registration {
    pub id: i64,
    pub activity: i64,
    pub title: String,
    pub venue: String,
    pub starts_at: String,
    pub ends_at: String,
    /// `confirmed`, `waiting`, `applied`, `offered`, `cancelled`, `late_cancelled`, `lapsed`.
    pub status: String,
    /// The member and their companions.
    pub seats: i32,
    pub companions: Vec<Companion>,
    /// What to show at the door.
    pub code: String,
    /// The private link: `/e/{token}`.
    pub token: String,
    pub application_no: Option<String>,
    /// An offered seat must be taken up before this time.
    pub offer_expires_at: Option<String>,
    /// Place on the waiting list (1 is next).
    pub waiting_place: Option<i64>,
    pub attended: bool,
    pub rated: bool,
    pub may_rate: bool,
    pub may_cancel: bool,
}

impl From<&MyRegistration> for Registration {
    fn from(r: &MyRegistration) -> Self {
        Registration {
            id: r.id,
            activity: r.activity,
            title: r.title.clone(),
            venue: r.venue.clone(),
            starts_at: r.starts_at.rfc3339(),
            ends_at: r.ends_at.rfc3339(),
            status: r.status.clone(),
            seats: r.seats,
            companions: r
                .companions
                .iter()
                .map(|c| Companion {
                    name: c.name.clone(),
                    birth_year: c.birth_year,
                })
                .collect(),
            code: r.code.clone(),
            token: r.token.clone(),
            application_no: r.application_no.clone(),
            offer_expires_at: r.offer_expires_at.map(|t| t.rfc3339()),
            waiting_place: r.waiting_place,
            attended: r.attended,
            rated: r.rated,
            may_rate: r.may_rate,
            may_cancel: r.may_cancel,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Registrations {
    pub registrations: Vec<Registration>,
}
