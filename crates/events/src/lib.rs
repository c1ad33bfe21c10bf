//! Events and training (活动与公益培训): what a cultural centre mostly does, with
//! registration that stays fair when a popular class opens at 9:00.
//!
//! - [`activities`]: staff draft an activity with its dates and seats (a total, and seats
//!   reserved for a township or for older people until a set time); the office publishes
//!   it; a changed or cancelled date tells every registrant once.
//! - [`registration`]: a member registers themself and companions — first come, first
//!   served, or by applying for a lottery (摇号) — cancels, and takes up an offer from the
//!   waiting list. Seats are handed out only by the database's conditional update, so no
//!   race oversells a date, and one person holds one place per date.
//! - [`sweep`]: what happens once at its time, on the core's reminder ledger: the draw
//!   when applications close, an offer running out (the seat passes on), reserved seats
//!   released, the reminder the day before.
//! - [`door`]: check-in by QR or short code, walk-ins, marking the rest afterwards.
//! - [`ratings`]: attendees rate a date; a low rating's comment, or one marked as a
//!   suggestion, becomes a feedback item through [`RatingComments`].
//! - [`feeds`]: the public calendar's iCalendar and Atom feeds, and the lottery's
//!   publication.
//!
//! The rules are `domain::event`'s; this crate reads the clock and the database and calls
//! them.

pub mod activities;
pub mod door;
pub mod feeds;
mod priority;
pub mod ratings;
pub mod registration;
pub mod sweep;
mod views;

pub use activities::{ActivityDraft, DateDraft, ReserveDraft};
pub use door::{CheckIn, CheckInOutcome, Roster, RosterLine};
pub use ratings::RatingComments;
pub use registration::{CompanionForm, Registered, RegistrationForm};
pub use sweep::EVENTS_SWEEP;
pub use views::{
    ActivityFigures, ActivityView, CalendarEntry, CalendarQuery, DateView, KeptSeats,
    MyRegistration, RegistrationView,
};

pub use desk::{Desk, Institution, MemberSession, ServiceError, ServiceResult, Staff};

use domain::{Permission, TenantId, UnitPath};
use std::ops::Deref;
use std::sync::Arc;
use store::events::{ActivityRow, DateRow};

/// The events capability's facade: `services.events().…`. Cheap to clone.
///
/// It dereferences to the [`Desk`], as the other capabilities do, so its methods use the
/// core's context (database, clock, authorisation, audit, outbox) as their own.
#[derive(Clone)]
pub struct Events(Arc<Inner>);

struct Inner {
    desk: Desk,
    comments: Arc<dyn RatingComments>,
}

impl Deref for Events {
    type Target = Desk;
    fn deref(&self) -> &Desk {
        &self.0.desk
    }
}

impl Events {
    /// The capability over `desk`; `comments` files rating comments as feedback (the
    /// composition gives the feedback capability, which this crate does not know).
    pub fn new(desk: Desk, comments: Arc<dyn RatingComments>) -> Events {
        Events(Arc::new(Inner { desk, comments }))
    }

    /// Adds the capability's sweep to the worker.
    pub fn add_work(&self, worker: jobs::Worker) -> jobs::Worker {
        worker
            .handle(sweep::Sweep(self.clone()))
            .every(jobs::Schedule {
                kind: EVENTS_SWEEP,
                every_ms: domain::time::MINUTE_MS,
            })
    }
}

/// What an activity's stored codes say.
pub(crate) fn path_of(row: &ActivityRow) -> UnitPath {
    UnitPath::from_stored(row.unit_path.clone())
}

/// Whether `staff` may work on the activity (draft, roster, check-in).
pub(crate) fn may_work_on(staff: &Staff, row: &ActivityRow) -> bool {
    may_organise_for(staff, &path_of(row))
}

/// Whether `staff` may organise activities of the unit at `at`: the same grants as
/// [`event_scopes`], department roles included, so that the list and the rows agree.
pub(crate) fn may_organise_for(staff: &Staff, at: &UnitPath) -> bool {
    event_scopes(staff).iter().any(|scope| at.is_within(scope))
}

/// The units whose activities `staff` works on: every grant that carries the permission,
/// department roles included (a department organises its unit's activities).
pub(crate) fn event_scopes(staff: &Staff) -> Vec<UnitPath> {
    staff
        .actor
        .grants
        .iter()
        .filter(|g| g.role.permissions().contains(&Permission::WriteEvents))
        .map(|g| g.scope.clone())
        .collect()
}

/// Whether `staff` is the office over the activity.
pub(crate) fn may_publish(staff: &Staff, row: &ActivityRow) -> bool {
    staff.actor.can(Permission::PublishEvents, &path_of(row))
}

/// The seat-holding date of a registration: a course's first date holds its seats. `dates`
/// may hold other activities' dates too (the calendar's); only the activity's count.
pub(crate) fn holder_of<'d>(
    activity: &ActivityRow,
    dates: &'d [DateRow],
    date: &'d DateRow,
) -> &'d DateRow {
    if activity.booking == "course" {
        dates
            .iter()
            .filter(|d| d.activity_id == activity.id && d.status != "cancelled")
            .min_by_key(|d| (d.starts_at, d.id))
            .unwrap_or(date)
    } else {
        date
    }
}

impl Events {
    pub(crate) async fn activity_row(
        &self,
        tenant: TenantId,
        id: i64,
    ) -> ServiceResult<ActivityRow> {
        store::events::find_activity(self.db(), tenant, id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    pub(crate) async fn date_row(&self, tenant: TenantId, id: i64) -> ServiceResult<DateRow> {
        store::events::find_date(self.db(), tenant, id)
            .await?
            .ok_or(ServiceError::NotFound)
    }
}
