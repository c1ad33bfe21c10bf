//! Events and training (`migrations/*/0013_events.sql`): activities, their dates and seat
//! counters, reserves, registrations (with the waiting list and lottery applications),
//! attendance and ratings.
//!
//! Seats are counted on the date row (`taken`, and each reserve's `taken`), and only ever
//! moved by a conditional `UPDATE … WHERE taken + k <= capacity`, so no interleaving of
//! requests can hand out more seats than there are: the database decides, on both engines.

use crate::{Conn, Result};
use domain::{TenantId, Timestamp, UnitPath};
use sea_query::{Expr, ExprTrait, Iden, Order, Query, SelectStatement};

#[derive(Iden, Clone, Copy)]
enum Activities {
    Table,
    Id,
    TenantId,
    UnitId,
    UnitPath,
    AuthorId,
    Title,
    Description,
    Category,
    Venue,
    Address,
    Latitude,
    Longitude,
    Audience,
    AgeMin,
    AgeMax,
    Contact,
    Booking,
    Allocation,
    OpensAt,
    PriorityOpensAt,
    ClosesAt,
    CancelHours,
    OfferHours,
    CompanionsMax,
    LotterySeed,
    LotteryCommitment,
    DrawnAt,
    Status,
    PublishedAt,
    Version,
    CreatedAt,
    UpdatedAt,
}
use Activities as A;

#[derive(Iden, Clone, Copy)]
enum ActivityDates {
    Table,
    Id,
    TenantId,
    ActivityId,
    StartsAt,
    EndsAt,
    Capacity,
    Taken,
    Status,
    Sequence,
    Version,
    CreatedAt,
    UpdatedAt,
}
use ActivityDates as D;

#[derive(Iden, Clone, Copy)]
enum DateReserves {
    Table,
    Id,
    TenantId,
    DateId,
    Audience,
    TownshipUnitId,
    MinAge,
    Seats,
    Taken,
    ReleasedAt,
}
use DateReserves as Rs;

#[derive(Iden, Clone, Copy)]
enum Registrations {
    Table,
    Id,
    TenantId,
    ActivityId,
    DateId,
    MemberId,
    Name,
    BirthYear,
    Seats,
    Companions,
    TownshipUnitId,
    Status,
    Charges,
    Position,
    ApplicationNo,
    OfferExpiresAt,
    Code,
    Token,
    Excused,
    Version,
    CreatedAt,
    UpdatedAt,
    CancelledAt,
}
use Registrations as Rg;

#[derive(Iden, Clone, Copy)]
enum Attendance {
    Table,
    Id,
    TenantId,
    RegistrationId,
    DateId,
    Outcome,
    At,
    ByUser,
}
use Attendance as At;

#[derive(Iden, Clone, Copy)]
enum Ratings {
    Table,
    TenantId,
    RegistrationId,
    ActivityId,
    Stars,
    Comment,
    Suggestion,
    FeedbackId,
    CreatedAt,
}
use Ratings as Rt;

#[derive(Iden, Clone, Copy)]
enum Members {
    Table,
    Id,
    TenantId,
    EventPriorityReason,
    NoShowsLiftedAt,
}

// ---------------------------------------------------------------------------------------
// Activities

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ActivityRow {
    pub id: i64,
    pub tenant_id: i64,
    pub unit_id: i64,
    pub unit_path: String,
    pub author_id: i64,
    pub title: String,
    pub description: String,
    pub category: String,
    pub venue: String,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub audience: String,
    pub age_min: Option<i32>,
    pub age_max: Option<i32>,
    pub contact: String,
    pub booking: String,
    pub allocation: String,
    pub opens_at: Option<i64>,
    pub priority_opens_at: Option<i64>,
    pub closes_at: Option<i64>,
    pub cancel_hours: i32,
    pub offer_hours: i32,
    pub companions_max: i32,
    pub lottery_seed: Option<String>,
    pub lottery_commitment: Option<String>,
    pub drawn_at: Option<i64>,
    pub status: String,
    pub published_at: Option<i64>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

const ACTIVITY_COLUMNS: [A; 32] = [
    A::Id,
    A::TenantId,
    A::UnitId,
    A::UnitPath,
    A::AuthorId,
    A::Title,
    A::Description,
    A::Category,
    A::Venue,
    A::Address,
    A::Latitude,
    A::Longitude,
    A::Audience,
    A::AgeMin,
    A::AgeMax,
    A::Contact,
    A::Booking,
    A::Allocation,
    A::OpensAt,
    A::PriorityOpensAt,
    A::ClosesAt,
    A::CancelHours,
    A::OfferHours,
    A::CompanionsMax,
    A::LotterySeed,
    A::LotteryCommitment,
    A::DrawnAt,
    A::Status,
    A::PublishedAt,
    A::Version,
    A::CreatedAt,
    A::UpdatedAt,
];

/// An activity's fields, already checked: for a new draft and for an edit.
#[derive(Debug, Clone)]
pub struct ActivityFields {
    pub unit_id: i64,
    pub unit_path: UnitPath,
    pub title: String,
    pub description: String,
    pub category: String,
    pub venue: String,
    pub address: String,
    pub position: Option<(f64, f64)>,
    pub audience: String,
    pub age_min: Option<i32>,
    pub age_max: Option<i32>,
    pub contact: String,
    pub booking: String,
    pub allocation: String,
    pub opens_at: Option<Timestamp>,
    pub priority_opens_at: Option<Timestamp>,
    pub closes_at: Option<Timestamp>,
    pub cancel_hours: i32,
    pub offer_hours: i32,
    pub companions_max: i32,
}

impl ActivityFields {
    fn columns(&self) -> Vec<(A, Expr)> {
        let at = |t: Option<Timestamp>| Expr::val(t.map(|t| t.0));
        vec![
            (A::UnitId, self.unit_id.into()),
            (A::UnitPath, self.unit_path.as_str().into()),
            (A::Title, self.title.as_str().into()),
            (A::Description, self.description.as_str().into()),
            (A::Category, self.category.as_str().into()),
            (A::Venue, self.venue.as_str().into()),
            (A::Address, self.address.as_str().into()),
            (A::Latitude, Expr::val(self.position.map(|p| p.0))),
            (A::Longitude, Expr::val(self.position.map(|p| p.1))),
            (A::Audience, self.audience.as_str().into()),
            (A::AgeMin, Expr::val(self.age_min)),
            (A::AgeMax, Expr::val(self.age_max)),
            (A::Contact, self.contact.as_str().into()),
            (A::Booking, self.booking.as_str().into()),
            (A::Allocation, self.allocation.as_str().into()),
            (A::OpensAt, at(self.opens_at)),
            (A::PriorityOpensAt, at(self.priority_opens_at)),
            (A::ClosesAt, at(self.closes_at)),
            (A::CancelHours, self.cancel_hours.into()),
            (A::OfferHours, self.offer_hours.into()),
            (A::CompanionsMax, self.companions_max.into()),
        ]
    }
}

pub async fn insert_activity(
    c: &impl Conn,
    tenant: TenantId,
    author: i64,
    fields: &ActivityFields,
    now: Timestamp,
) -> Result<i64> {
    let mut row = fields.columns();
    row.extend([
        (A::TenantId, tenant.0.into()),
        (A::AuthorId, author.into()),
        (A::Status, "draft".into()),
        (A::CreatedAt, now.0.into()),
        (A::UpdatedAt, now.0.into()),
    ]);
    c.fetch_i64(
        &crate::insert_into(A::Table, row)
            .returning_col(A::Id)
            .to_owned(),
    )
    .await
}

/// A change to an activity beside its fields.
#[derive(Debug, Clone)]
pub enum ActivityChange {
    Fields(Box<ActivityFields>),
    Status(&'static str),
    PublishedAt(Timestamp),
    Lottery { seed: String, commitment: String },
    DrawnAt(Timestamp),
}

/// Applies `changes` if the activity is still at `version`; 0 rows when someone else
/// changed it first.
pub async fn update_activity(
    c: &impl Conn,
    tenant: TenantId,
    id: i64,
    version: i64,
    changes: Vec<ActivityChange>,
    now: Timestamp,
) -> Result<u64> {
    let mut values: Vec<(A, Expr)> = Vec::new();
    for change in changes {
        match change {
            ActivityChange::Fields(f) => values.extend(f.columns()),
            ActivityChange::Status(s) => values.push((A::Status, s.into())),
            ActivityChange::PublishedAt(t) => values.push((A::PublishedAt, t.0.into())),
            ActivityChange::Lottery { seed, commitment } => {
                values.push((A::LotterySeed, seed.into()));
                values.push((A::LotteryCommitment, commitment.into()));
            }
            ActivityChange::DrawnAt(t) => values.push((A::DrawnAt, t.0.into())),
        }
    }
    c.execute(&crate::versioned_update(
        A::Table,
        tenant,
        id,
        version,
        values,
        now,
    ))
    .await
}

fn select_activity() -> SelectStatement {
    Query::select()
        .columns(ACTIVITY_COLUMNS.map(|c| (A::Table, c)))
        .from(A::Table)
        .to_owned()
}

pub async fn find_activity(
    c: &impl Conn,
    tenant: TenantId,
    id: i64,
) -> Result<Option<ActivityRow>> {
    c.fetch_optional(
        &select_activity()
            .and_where(Expr::col((A::Table, A::TenantId)).eq(tenant.0))
            .and_where(Expr::col((A::Table, A::Id)).eq(id))
            .to_owned(),
    )
    .await
}

/// Which activities a list shows.
#[derive(Debug, Clone, Default)]
pub struct ActivityFilter {
    /// Only these statuses; empty: any.
    pub statuses: Vec<&'static str>,
    /// Only activities of these units or below them; empty: anywhere.
    pub within: Vec<UnitPath>,
    pub category: Option<String>,
    pub audience: Option<String>,
    /// Only activities with a date starting in [from, to).
    pub dates_between: Option<(Timestamp, Timestamp)>,
    pub limit: u64,
}

pub async fn list_activities(
    c: &impl Conn,
    tenant: TenantId,
    filter: &ActivityFilter,
) -> Result<Vec<ActivityRow>> {
    let mut stmt = select_activity()
        .and_where(Expr::col((A::Table, A::TenantId)).eq(tenant.0))
        .order_by((A::Table, A::Id), Order::Desc)
        .limit(Ord::max(filter.limit, 1))
        .to_owned();
    if !filter.statuses.is_empty() {
        stmt.and_where(Expr::col((A::Table, A::Status)).is_in(filter.statuses.iter().copied()));
    }
    if !filter.within.is_empty() {
        let mut any = sea_query::Cond::any();
        for path in &filter.within {
            any = any.add(Expr::col((A::Table, A::UnitPath)).like(format!("{}%", path.as_str())));
        }
        stmt.cond_where(any);
    }
    if let Some(category) = &filter.category {
        stmt.and_where(Expr::col((A::Table, A::Category)).eq(category.as_str()));
    }
    if let Some(audience) = &filter.audience {
        stmt.and_where(Expr::col((A::Table, A::Audience)).eq(audience.as_str()));
    }
    if let Some((from, to)) = filter.dates_between {
        stmt.and_where(
            Expr::col((A::Table, A::Id)).in_subquery(
                Query::select()
                    .column(D::ActivityId)
                    .from(D::Table)
                    .and_where(Expr::col(D::TenantId).eq(tenant.0))
                    .and_where(Expr::col(D::StartsAt).gte(from.0))
                    .and_where(Expr::col(D::StartsAt).lt(to.0))
                    .to_owned(),
            ),
        );
    }
    c.fetch_all(&stmt).await
}

// ---------------------------------------------------------------------------------------
// Dates and seats

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DateRow {
    pub id: i64,
    pub tenant_id: i64,
    pub activity_id: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    pub capacity: i32,
    pub taken: i32,
    pub status: String,
    pub sequence: i32,
    pub version: i64,
    pub updated_at: i64,
}

const DATE_COLUMNS: [D; 11] = [
    D::Id,
    D::TenantId,
    D::ActivityId,
    D::StartsAt,
    D::EndsAt,
    D::Capacity,
    D::Taken,
    D::Status,
    D::Sequence,
    D::Version,
    D::UpdatedAt,
];

pub async fn insert_date(
    c: &impl Conn,
    tenant: TenantId,
    activity: i64,
    starts_at: Timestamp,
    ends_at: Timestamp,
    capacity: i32,
    now: Timestamp,
) -> Result<i64> {
    c.fetch_i64(
        &crate::insert_into(
            D::Table,
            vec![
                (D::TenantId, tenant.0.into()),
                (D::ActivityId, activity.into()),
                (D::StartsAt, starts_at.0.into()),
                (D::EndsAt, ends_at.0.into()),
                (D::Capacity, capacity.into()),
                (D::CreatedAt, now.0.into()),
                (D::UpdatedAt, now.0.into()),
            ],
        )
        .returning_col(D::Id)
        .to_owned(),
    )
    .await
}

fn select_date() -> SelectStatement {
    Query::select()
        .columns(DATE_COLUMNS.map(|c| (D::Table, c)))
        .from(D::Table)
        .to_owned()
}

pub async fn find_date(c: &impl Conn, tenant: TenantId, id: i64) -> Result<Option<DateRow>> {
    c.fetch_optional(
        &select_date()
            .and_where(Expr::col(D::TenantId).eq(tenant.0))
            .and_where(Expr::col(D::Id).eq(id))
            .to_owned(),
    )
    .await
}

/// The dates of `activities`, earliest first.
pub async fn dates_of(c: &impl Conn, tenant: TenantId, activities: &[i64]) -> Result<Vec<DateRow>> {
    if activities.is_empty() {
        return Ok(Vec::new());
    }
    c.fetch_all(
        &select_date()
            .and_where(Expr::col(D::TenantId).eq(tenant.0))
            .and_where(Expr::col(D::ActivityId).is_in(activities.iter().copied()))
            .order_by(D::StartsAt, Order::Asc)
            .order_by(D::Id, Order::Asc)
            .to_owned(),
    )
    .await
}

/// A change of a date: its time, its cancellation, its seats.
#[derive(Debug, Clone, Default)]
pub struct DateChange {
    pub times: Option<(Timestamp, Timestamp)>,
    pub status: Option<&'static str>,
    pub capacity: Option<i32>,
}

/// Changes a date if it is still at `version`; bumps the calendar's SEQUENCE.
pub async fn change_date(
    c: &impl Conn,
    tenant: TenantId,
    id: i64,
    version: i64,
    change: DateChange,
    now: Timestamp,
) -> Result<u64> {
    let mut values: Vec<(D, Expr)> = vec![(D::Sequence, Expr::col(D::Sequence).add(1))];
    if let Some((s, e)) = change.times {
        values.push((D::StartsAt, s.0.into()));
        values.push((D::EndsAt, e.0.into()));
    }
    if let Some(status) = change.status {
        values.push((D::Status, status.into()));
    }
    if let Some(capacity) = change.capacity {
        values.push((D::Capacity, capacity.into()));
    }
    c.execute(&crate::versioned_update(
        D::Table,
        tenant,
        id,
        version,
        values,
        now,
    ))
    .await
}

/// Holds `seats` of the date if that many are free: the one place seats are handed out.
/// Gives the seats taken before, or `None` when there were not enough. On PostgreSQL the
/// row stays locked until the transaction ends, so the reserves read next are this
/// request's alone.
pub async fn hold_seats(c: &impl Conn, date: i64, seats: i32) -> Result<Option<i32>> {
    let taken: Option<(i32,)> = c
        .fetch_optional(
            &Query::update()
                .table(D::Table)
                .value(D::Taken, Expr::col(D::Taken).add(seats))
                .and_where(Expr::col(D::Id).eq(date))
                .and_where(Expr::col(D::Taken).add(seats).lte(Expr::col(D::Capacity)))
                .returning_col(D::Taken)
                .to_owned(),
        )
        .await?;
    Ok(taken.map(|(t,)| t - seats))
}

/// Gives back seats held for a registration that ended (cancelled, lapsed, declined):
/// `seats` of the date, and of each reserve its `charges` name.
pub async fn free_seats(
    c: &impl Conn,
    date: i64,
    seats: i32,
    charges: &[(i64, i32)],
) -> Result<()> {
    c.execute(
        &Query::update()
            .table(D::Table)
            .value(D::Taken, Expr::col(D::Taken).sub(seats))
            .and_where(Expr::col(D::Id).eq(date))
            .to_owned(),
    )
    .await?;
    for (reserve, seats) in charges {
        c.execute(
            &Query::update()
                .table(Rs::Table)
                .value(Rs::Taken, Expr::col(Rs::Taken).sub(*seats))
                .and_where(Expr::col(Rs::Id).eq(*reserve))
                .to_owned(),
        )
        .await?;
    }
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReserveRow {
    pub id: i64,
    pub date_id: i64,
    pub audience: String,
    pub township_unit_id: Option<i64>,
    pub min_age: Option<i32>,
    pub seats: i32,
    pub taken: i32,
    pub released_at: i64,
}

pub async fn insert_reserve(
    c: &impl Conn,
    tenant: TenantId,
    date: i64,
    r: &ReserveRow,
) -> Result<i64> {
    c.fetch_i64(
        &crate::insert_into(
            Rs::Table,
            vec![
                (Rs::TenantId, tenant.0.into()),
                (Rs::DateId, date.into()),
                (Rs::Audience, r.audience.as_str().into()),
                (Rs::TownshipUnitId, Expr::val(r.township_unit_id)),
                (Rs::MinAge, Expr::val(r.min_age)),
                (Rs::Seats, r.seats.into()),
                (Rs::ReleasedAt, r.released_at.into()),
            ],
        )
        .returning_col(Rs::Id)
        .to_owned(),
    )
    .await
}

/// The reserves of `dates`, in the order they were made.
pub async fn reserves_of(c: &impl Conn, dates: &[i64]) -> Result<Vec<ReserveRow>> {
    if dates.is_empty() {
        return Ok(Vec::new());
    }
    c.fetch_all(
        &Query::select()
            .columns([
                Rs::Id,
                Rs::DateId,
                Rs::Audience,
                Rs::TownshipUnitId,
                Rs::MinAge,
                Rs::Seats,
                Rs::Taken,
                Rs::ReleasedAt,
            ])
            .from(Rs::Table)
            .and_where(Expr::col(Rs::DateId).is_in(dates.iter().copied()))
            .order_by(Rs::Id, Order::Asc)
            .to_owned(),
    )
    .await
}

/// Charges `seats` to a reserve (the date's seats are already held).
pub async fn charge_reserve(c: &impl Conn, reserve: i64, seats: i32) -> Result<bool> {
    let n = c
        .execute(
            &Query::update()
                .table(Rs::Table)
                .value(Rs::Taken, Expr::col(Rs::Taken).add(seats))
                .and_where(Expr::col(Rs::Id).eq(reserve))
                .and_where(Expr::col(Rs::Taken).add(seats).lte(Expr::col(Rs::Seats)))
                .to_owned(),
        )
        .await?;
    Ok(n == 1)
}

// ---------------------------------------------------------------------------------------
// Registrations

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RegistrationRow {
    pub id: i64,
    pub tenant_id: i64,
    pub activity_id: i64,
    pub date_id: i64,
    pub member_id: Option<i64>,
    pub name: String,
    pub birth_year: Option<i32>,
    pub seats: i32,
    pub companions: String,
    pub township_unit_id: Option<i64>,
    pub status: String,
    /// JSON list of [reserve id, seats].
    pub charges: String,
    pub position: Option<i64>,
    pub application_no: Option<String>,
    pub offer_expires_at: Option<i64>,
    pub code: String,
    pub token: String,
    pub excused: bool,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub cancelled_at: Option<i64>,
}

const REGISTRATION_COLUMNS: [Rg; 22] = [
    Rg::Id,
    Rg::TenantId,
    Rg::ActivityId,
    Rg::DateId,
    Rg::MemberId,
    Rg::Name,
    Rg::BirthYear,
    Rg::Seats,
    Rg::Companions,
    Rg::TownshipUnitId,
    Rg::Status,
    Rg::Charges,
    Rg::Position,
    Rg::ApplicationNo,
    Rg::OfferExpiresAt,
    Rg::Code,
    Rg::Token,
    Rg::Excused,
    Rg::Version,
    Rg::CreatedAt,
    Rg::UpdatedAt,
    Rg::CancelledAt,
];

#[derive(Debug, Clone)]
pub struct NewRegistration {
    pub activity_id: i64,
    pub date_id: i64,
    pub member_id: Option<i64>,
    pub name: String,
    pub birth_year: Option<i32>,
    pub seats: i32,
    /// JSON list of companions.
    pub companions: String,
    pub township_unit_id: Option<i64>,
    pub status: &'static str,
    /// JSON list of [reserve id, seats].
    pub charges: String,
    pub position: Option<i64>,
    pub application_no: Option<String>,
    pub offer_expires_at: Option<Timestamp>,
    pub code: String,
    pub token: String,
}

/// Inserts a registration. A second active one of the same member for the same date is
/// refused by the database (`StoreError::Duplicate`), whatever the race.
pub async fn insert_registration(
    c: &impl Conn,
    tenant: TenantId,
    r: &NewRegistration,
    now: Timestamp,
) -> Result<i64> {
    c.fetch_i64(
        &crate::insert_into(
            Rg::Table,
            vec![
                (Rg::TenantId, tenant.0.into()),
                (Rg::ActivityId, r.activity_id.into()),
                (Rg::DateId, r.date_id.into()),
                (Rg::MemberId, Expr::val(r.member_id)),
                (Rg::Name, r.name.as_str().into()),
                (Rg::BirthYear, Expr::val(r.birth_year)),
                (Rg::Seats, r.seats.into()),
                (Rg::Companions, r.companions.as_str().into()),
                (Rg::TownshipUnitId, Expr::val(r.township_unit_id)),
                (Rg::Status, r.status.into()),
                (Rg::Charges, r.charges.as_str().into()),
                (Rg::Position, Expr::val(r.position)),
                (Rg::ApplicationNo, Expr::val(r.application_no.clone())),
                (
                    Rg::OfferExpiresAt,
                    Expr::val(r.offer_expires_at.map(|t| t.0)),
                ),
                (Rg::Code, r.code.as_str().into()),
                (Rg::Token, r.token.as_str().into()),
                (Rg::CreatedAt, now.0.into()),
                (Rg::UpdatedAt, now.0.into()),
            ],
        )
        .returning_col(Rg::Id)
        .to_owned(),
    )
    .await
}

fn select_registration() -> SelectStatement {
    Query::select()
        .columns(REGISTRATION_COLUMNS.map(|c| (Rg::Table, c)))
        .from(Rg::Table)
        .to_owned()
}

pub async fn find_registration(
    c: &impl Conn,
    tenant: TenantId,
    id: i64,
) -> Result<Option<RegistrationRow>> {
    c.fetch_optional(
        &select_registration()
            .and_where(Expr::col(Rg::TenantId).eq(tenant.0))
            .and_where(Expr::col(Rg::Id).eq(id))
            .to_owned(),
    )
    .await
}

pub async fn registration_by_code(
    c: &impl Conn,
    tenant: TenantId,
    code: &str,
) -> Result<Option<RegistrationRow>> {
    c.fetch_optional(
        &select_registration()
            .and_where(Expr::col(Rg::TenantId).eq(tenant.0))
            .and_where(Expr::col(Rg::Code).eq(code))
            .to_owned(),
    )
    .await
}

pub async fn registration_by_token(c: &impl Conn, token: &str) -> Result<Option<RegistrationRow>> {
    c.fetch_optional(
        &select_registration()
            .and_where(Expr::col(Rg::Token).eq(token))
            .to_owned(),
    )
    .await
}

/// Which registrations a list shows.
#[derive(Debug, Clone, Default)]
pub struct RegistrationFilter {
    pub dates: Vec<i64>,
    pub member: Option<i64>,
    /// Only these statuses; empty: any.
    pub statuses: Vec<&'static str>,
}

/// Registrations in waiting-list order (position, then arrival).
pub async fn registrations(
    c: &impl Conn,
    tenant: TenantId,
    filter: &RegistrationFilter,
) -> Result<Vec<RegistrationRow>> {
    let mut stmt = select_registration()
        .and_where(Expr::col(Rg::TenantId).eq(tenant.0))
        .order_by(Rg::Position, Order::Asc)
        .order_by(Rg::Id, Order::Asc)
        .to_owned();
    if !filter.dates.is_empty() {
        stmt.and_where(Expr::col(Rg::DateId).is_in(filter.dates.iter().copied()));
    }
    if let Some(member) = filter.member {
        stmt.and_where(Expr::col(Rg::MemberId).eq(member));
    }
    if !filter.statuses.is_empty() {
        stmt.and_where(Expr::col(Rg::Status).is_in(filter.statuses.iter().copied()));
    }
    c.fetch_all(&stmt).await
}

/// A change to a registration.
#[derive(Debug, Clone)]
pub enum RegistrationChange {
    Status(&'static str),
    Offer(Option<Timestamp>),
    Position(i64),
    Charges(String),
    CancelledAt(Timestamp),
    Excused(bool),
    ApplicationNo(String),
}

/// Applies `changes` if the registration is still at `version`: 0 when it moved meanwhile.
pub async fn update_registration(
    c: &impl Conn,
    tenant: TenantId,
    id: i64,
    version: i64,
    changes: Vec<RegistrationChange>,
    now: Timestamp,
) -> Result<u64> {
    let values = changes.into_iter().map(|change| match change {
        RegistrationChange::Status(s) => (Rg::Status, Expr::val(s)),
        RegistrationChange::Offer(t) => (Rg::OfferExpiresAt, Expr::val(t.map(|t| t.0))),
        RegistrationChange::Position(p) => (Rg::Position, Expr::val(p)),
        RegistrationChange::Charges(c) => (Rg::Charges, Expr::val(c)),
        RegistrationChange::CancelledAt(t) => (Rg::CancelledAt, Expr::val(t.0)),
        RegistrationChange::Excused(e) => (Rg::Excused, Expr::val(e)),
        RegistrationChange::ApplicationNo(n) => (Rg::ApplicationNo, Expr::val(n)),
    });
    c.execute(&crate::versioned_update(
        Rg::Table,
        tenant,
        id,
        version,
        values,
        now,
    ))
    .await
}

/// How many registrations of each status a date has, and the seats they hold:
/// (status, registrations, seats).
pub async fn date_counts(c: &impl Conn, date: i64) -> Result<Vec<(String, i64, i64)>> {
    c.fetch_all(
        &Query::select()
            .column(Rg::Status)
            .expr(Expr::col(Rg::Id).count())
            .expr(Expr::col(Rg::Seats).sum())
            .from(Rg::Table)
            .and_where(Expr::col(Rg::DateId).eq(date))
            .group_by_col(Rg::Status)
            .to_owned(),
    )
    .await
}

// ---------------------------------------------------------------------------------------
// Attendance, no-shows, ratings

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttendanceRow {
    pub registration_id: i64,
    pub date_id: i64,
    pub outcome: String,
    pub at: i64,
}

/// Records who came (or not) to a date: `false` when it was recorded already.
pub async fn record_attendance(
    c: &impl Conn,
    tenant: TenantId,
    registration: i64,
    date: i64,
    outcome: &str,
    by: Option<i64>,
    now: Timestamp,
) -> Result<bool> {
    let inserted = c
        .execute(
            &crate::insert_into(
                At::Table,
                vec![
                    (At::TenantId, tenant.0.into()),
                    (At::RegistrationId, registration.into()),
                    (At::DateId, date.into()),
                    (At::Outcome, outcome.into()),
                    (At::At, now.0.into()),
                    (At::ByUser, Expr::val(by)),
                ],
            )
            .on_conflict(
                sea_query::OnConflict::columns([At::RegistrationId, At::DateId])
                    .do_nothing()
                    .to_owned(),
            )
            .to_owned(),
        )
        .await?;
    Ok(inserted == 1)
}

/// The attendance recorded for `registrations`.
pub async fn attendance_of(c: &impl Conn, registrations: &[i64]) -> Result<Vec<AttendanceRow>> {
    if registrations.is_empty() {
        return Ok(Vec::new());
    }
    c.fetch_all(
        &Query::select()
            .columns([At::RegistrationId, At::DateId, At::Outcome, At::At])
            .from(At::Table)
            .and_where(Expr::col(At::RegistrationId).is_in(registrations.iter().copied()))
            .order_by(At::Id, Order::Asc)
            .to_owned(),
    )
    .await
}

/// When the member missed a date without cancelling, from `since` on.
pub async fn no_shows_of(
    c: &impl Conn,
    tenant: TenantId,
    member: i64,
    since: Timestamp,
) -> Result<Vec<Timestamp>> {
    let rows: Vec<(i64,)> = c
        .fetch_all(
            &Query::select()
                .column((D::Table, D::StartsAt))
                .from(At::Table)
                .inner_join(
                    Rg::Table,
                    Expr::col((Rg::Table, Rg::Id)).equals((At::Table, At::RegistrationId)),
                )
                .inner_join(
                    D::Table,
                    Expr::col((D::Table, D::Id)).equals((At::Table, At::DateId)),
                )
                .and_where(Expr::col((At::Table, At::TenantId)).eq(tenant.0))
                .and_where(Expr::col((Rg::Table, Rg::MemberId)).eq(member))
                .and_where(Expr::col((At::Table, At::Outcome)).eq("no_show"))
                .and_where(Expr::col((Rg::Table, Rg::Excused)).eq(false))
                .and_where(Expr::col((D::Table, D::StartsAt)).gte(since.0))
                .to_owned(),
        )
        .await?;
    Ok(rows.into_iter().map(|(t,)| Timestamp(t)).collect())
}

/// A member's standing for events: the institution's reason for priority registration,
/// and when staff last lifted a no-show block.
pub async fn member_standing(
    c: &impl Conn,
    tenant: TenantId,
    member: i64,
) -> Result<(Option<String>, Option<Timestamp>)> {
    let row: Option<(Option<String>, Option<i64>)> = c
        .fetch_optional(
            &Query::select()
                .columns([Members::EventPriorityReason, Members::NoShowsLiftedAt])
                .from(Members::Table)
                .and_where(Expr::col(Members::TenantId).eq(tenant.0))
                .and_where(Expr::col(Members::Id).eq(member))
                .to_owned(),
        )
        .await?;
    Ok(row.map_or((None, None), |(p, l)| (p, l.map(Timestamp))))
}

/// Staff lift a member's no-show block from `at` on.
pub async fn lift_no_shows(
    c: &impl Conn,
    tenant: TenantId,
    member: i64,
    at: Timestamp,
) -> Result<u64> {
    c.execute(
        &Query::update()
            .table(Members::Table)
            .value(Members::NoShowsLiftedAt, at.0)
            .and_where(Expr::col(Members::TenantId).eq(tenant.0))
            .and_where(Expr::col(Members::Id).eq(member))
            .to_owned(),
    )
    .await
}

/// The institution marks a member for priority registration (`None` takes it away).
pub async fn set_priority(
    c: &impl Conn,
    tenant: TenantId,
    member: i64,
    reason: Option<&str>,
) -> Result<u64> {
    c.execute(
        &Query::update()
            .table(Members::Table)
            .value(Members::EventPriorityReason, reason)
            .and_where(Expr::col(Members::TenantId).eq(tenant.0))
            .and_where(Expr::col(Members::Id).eq(member))
            .to_owned(),
    )
    .await
}

#[derive(Debug, Clone)]
pub struct NewRating {
    pub registration_id: i64,
    pub activity_id: i64,
    pub stars: i32,
    pub comment: Option<String>,
    pub suggestion: bool,
    pub feedback_id: Option<i64>,
}

/// Stores a rating: one per registration, `StoreError::Duplicate` for a second.
pub async fn insert_rating(
    c: &impl Conn,
    tenant: TenantId,
    r: &NewRating,
    now: Timestamp,
) -> Result<()> {
    c.execute(&crate::insert_into(
        Rt::Table,
        vec![
            (Rt::TenantId, tenant.0.into()),
            (Rt::RegistrationId, r.registration_id.into()),
            (Rt::ActivityId, r.activity_id.into()),
            (Rt::Stars, r.stars.into()),
            (Rt::Comment, Expr::val(r.comment.clone())),
            (Rt::Suggestion, r.suggestion.into()),
            (Rt::FeedbackId, Expr::val(r.feedback_id)),
            (Rt::CreatedAt, now.0.into()),
        ],
    ))
    .await?;
    Ok(())
}

/// The stars given to `activities`: (activity, stars).
pub async fn stars_of(
    c: &impl Conn,
    tenant: TenantId,
    activities: &[i64],
) -> Result<Vec<(i64, i32)>> {
    if activities.is_empty() {
        return Ok(Vec::new());
    }
    c.fetch_all(
        &Query::select()
            .columns([Rt::ActivityId, Rt::Stars])
            .from(Rt::Table)
            .and_where(Expr::col(Rt::TenantId).eq(tenant.0))
            .and_where(Expr::col(Rt::ActivityId).is_in(activities.iter().copied()))
            .to_owned(),
    )
    .await
}

/// The registrations among `ids` that were rated.
pub async fn rated(c: &impl Conn, ids: &[i64]) -> Result<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(i64,)> = c
        .fetch_all(
            &Query::select()
                .column(Rt::RegistrationId)
                .from(Rt::Table)
                .and_where(Expr::col(Rt::RegistrationId).is_in(ids.iter().copied()))
                .to_owned(),
        )
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}
