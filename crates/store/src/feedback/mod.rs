//! Feedback items, their timeline, supporters and photos. Their reminders and escalations
//! are in the ledger, [`crate::reminders`].

use crate::schema::{
    Feedback as F, FeedbackEvents as E, FeedbackPhotos as P, FeedbackSupports as S,
};
use crate::{Conn, Result};
use domain::{MemberId, TenantId, Timestamp, UserId};
use sea_query::{Expr, ExprTrait, OnConflict, Order, Query, SelectStatement};

mod filter;
mod write;

pub use filter::{
    DueQueue, FeedbackFilter, FeedbackOrder, OnBoard, ShownCategory, Sight, StatusFilter,
};
pub use write::{FeedbackChange, NewFeedback};

/// An item as stored. Personal data (`contact_*`, `ip`, `body`) is for staff who handle it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FeedbackRow {
    pub id: i64,
    pub tenant_id: i64,
    pub tracking_no: String,
    pub submission_key: Option<String>,
    pub channel: String,
    pub kind: String,
    pub category: Option<String>,
    pub suggested_category: Option<String>,
    pub suggested_kind: Option<String>,
    pub needs_triage: bool,
    pub urgent_reason: Option<String>,
    /// JSON: what the text analysis made of the item (see services' understanding).
    pub analysis: Option<String>,
    pub unit_id: i64,
    pub station_id: i64,
    pub unit_path: String,
    pub department_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub status: String,
    pub resume_status: Option<String>,
    pub priority: String,
    pub lang: String,
    pub body: String,
    pub public_body: Option<String>,
    pub member_id: Option<i64>,
    pub contact_name: Option<String>,
    pub contact_mobile: Option<String>,
    pub contact_email: Option<String>,
    pub contact_verified: bool,
    pub display_name: Option<String>,
    pub publish: String,
    pub moderation: String,
    pub support_count: i64,
    pub received_at: i64,
    pub first_response_due: Option<i64>,
    pub resolution_due: Option<i64>,
    pub first_responded_at: Option<i64>,
    pub answered_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub paused_at: Option<i64>,
    pub rating: Option<String>,
    pub rated_at: Option<i64>,
    pub adopted: bool,
    pub merged_into: Option<i64>,
    pub reopen_count: i64,
    pub entered_by: Option<i64>,
    pub anonymised_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

pub const COLUMNS: [F; 49] = [
    F::Id,
    F::TenantId,
    F::TrackingNo,
    F::SubmissionKey,
    F::Channel,
    F::Kind,
    F::Category,
    F::SuggestedCategory,
    F::SuggestedKind,
    F::NeedsTriage,
    F::UrgentReason,
    F::Analysis,
    F::UnitId,
    F::StationId,
    F::UnitPath,
    F::DepartmentId,
    F::AssigneeId,
    F::Status,
    F::ResumeStatus,
    F::Priority,
    F::Lang,
    F::Body,
    F::PublicBody,
    F::MemberId,
    F::ContactName,
    F::ContactMobile,
    F::ContactEmail,
    F::ContactVerified,
    F::DisplayName,
    F::Publish,
    F::Moderation,
    F::SupportCount,
    F::ReceivedAt,
    F::FirstResponseDue,
    F::ResolutionDue,
    F::FirstRespondedAt,
    F::AnsweredAt,
    F::ClosedAt,
    F::PausedAt,
    F::Rating,
    F::RatedAt,
    F::Adopted,
    F::MergedInto,
    F::ReopenCount,
    F::EnteredBy,
    F::AnonymisedAt,
    F::CreatedAt,
    F::UpdatedAt,
    F::Version,
];

pub async fn insert(c: &impl Conn, item: NewFeedback) -> Result<i64> {
    let stmt = crate::insert_into(F::Table, item.values())
        .returning_col(F::Id)
        .to_owned();
    c.fetch_i64(&stmt).await
}

pub(crate) fn select() -> SelectStatement {
    Query::select()
        .columns(COLUMNS.map(|c| (F::Table, c)))
        .from(F::Table)
        .to_owned()
}

pub async fn find(c: &impl Conn, tenant: TenantId, id: i64) -> Result<Option<FeedbackRow>> {
    c.fetch_optional(
        &select()
            .and_where(Expr::col((F::Table, F::TenantId)).eq(tenant.0))
            .and_where(Expr::col((F::Table, F::Id)).eq(id))
            .to_owned(),
    )
    .await
}

pub async fn find_by_tracking_no(
    c: &impl Conn,
    tenant: TenantId,
    tracking_no: &str,
) -> Result<Option<FeedbackRow>> {
    c.fetch_optional(
        &select()
            .and_where(Expr::col(F::TenantId).eq(tenant.0))
            .and_where(Expr::col(F::TrackingNo).eq(tracking_no))
            .to_owned(),
    )
    .await
}

pub async fn find_by_submission_key(
    c: &impl Conn,
    tenant: TenantId,
    key: &str,
) -> Result<Option<FeedbackRow>> {
    c.fetch_optional(
        &select()
            .and_where(Expr::col(F::TenantId).eq(tenant.0))
            .and_where(Expr::col(F::SubmissionKey).eq(key))
            .to_owned(),
    )
    .await
}

/// Applies `changes` if the item is still at `version` (nobody changed it meanwhile);
/// bumps the version. Gives the number of rows changed: 0 means a lost race.
pub async fn update(
    c: &impl Conn,
    tenant: TenantId,
    id: i64,
    version: i64,
    changes: Vec<FeedbackChange>,
    now: Timestamp,
) -> Result<u64> {
    let changes = changes.into_iter().flat_map(FeedbackChange::columns);
    let stmt = crate::versioned_update(F::Table, tenant, id, version, changes, now);
    c.execute(&stmt).await
}

/// Closed items received before `before` that still hold personal data.
pub async fn closed_before(
    c: &impl Conn,
    tenant: TenantId,
    before: Timestamp,
    limit: u64,
) -> Result<Vec<FeedbackRow>> {
    c.fetch_all(
        &select()
            .and_where(Expr::col(F::TenantId).eq(tenant.0))
            .and_where(Expr::col(F::ClosedAt).lt(before.0))
            .and_where(Expr::col(F::AnonymisedAt).is_null())
            .order_by(F::ClosedAt, Order::Asc)
            .limit(limit)
            .to_owned(),
    )
    .await
}

pub async fn by_member(
    c: &impl Conn,
    tenant: TenantId,
    member: MemberId,
) -> Result<Vec<FeedbackRow>> {
    c.fetch_all(
        &select()
            .and_where(Expr::col(F::TenantId).eq(tenant.0))
            .and_where(Expr::col(F::MemberId).eq(member.0))
            .order_by(F::Id, Order::Desc)
            .to_owned(),
    )
    .await
}

/// Gives the member the items sent with their number by someone not signed in: the number
/// is theirs (they just proved it with a texted code), so the items are too. Gives how
/// many were claimed.
pub async fn claim_for_member(
    c: &impl Conn,
    tenant: TenantId,
    mobile: &str,
    member: MemberId,
) -> Result<u64> {
    c.execute(
        &Query::update()
            .table(F::Table)
            .value(F::MemberId, member.0)
            .value(F::ContactVerified, true)
            .and_where(Expr::col(F::TenantId).eq(tenant.0))
            .and_where(Expr::col(F::MemberId).is_null())
            .and_where(Expr::col(F::ContactMobile).eq(mobile))
            .to_owned(),
    )
    .await
}

/// The items `filter` lets through, in `order`; `page` is (limit, offset).
pub async fn list(
    c: &impl Conn,
    tenant: TenantId,
    filter: &FeedbackFilter,
    order: FeedbackOrder,
    page: (Option<u64>, Option<u64>),
) -> Result<Vec<FeedbackRow>> {
    let mut stmt = select();
    filter.apply(tenant, &mut stmt);
    order.apply(&mut stmt);
    if let Some(limit) = page.0 {
        stmt.limit(limit);
    }
    if let Some(offset) = page.1 {
        stmt.offset(offset);
    }
    c.fetch_all(&stmt).await
}

/// How many items `filter` lets through, counting no further than `cap` when given (a
/// badge shows "99+", and need not count ten thousand).
pub async fn count(
    c: &impl Conn,
    tenant: TenantId,
    filter: &FeedbackFilter,
    cap: Option<u64>,
) -> Result<i64> {
    let mut inner = Query::select();
    inner.column((F::Table, F::Id)).from(F::Table);
    filter.apply(tenant, &mut inner);
    if let Some(cap) = cap {
        inner.limit(cap);
    }
    c.fetch_i64(
        &Query::select()
            .expr(Expr::cust("COUNT(*)"))
            .from_subquery(inner, "q")
            .to_owned(),
    )
    .await
}

/// Tracking numbers given to more than one item of the institution, with how many (the
/// benchmark's check that concurrent intake never hands out a number twice).
pub async fn repeated_tracking_numbers(
    c: &impl Conn,
    tenant: TenantId,
) -> Result<Vec<(String, i64)>> {
    c.fetch_all(
        &Query::select()
            .column(F::TrackingNo)
            .expr(Expr::col(F::Id).count())
            .from(F::Table)
            .and_where(Expr::col(F::TenantId).eq(tenant.0))
            .group_by_col(F::TrackingNo)
            .and_having(Expr::col(F::Id).count().gt(1))
            .to_owned(),
    )
    .await
}

// ---- The timeline -----------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    pub feedback_id: i64,
    pub kind: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub public: bool,
    pub body: Option<String>,
    pub data: Option<String>,
    pub actor_user_id: Option<i64>,
    pub actor_name: Option<String>,
    pub created_at: i64,
}

pub struct NewEvent<'a> {
    pub tenant: TenantId,
    pub feedback: i64,
    pub kind: &'a str,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    /// Shown in the public timeline; internal notes are not.
    pub public: bool,
    pub body: Option<&'a str>,
    pub data: Option<serde_json::Value>,
    pub actor: Option<UserId>,
    pub actor_name: Option<&'a str>,
}

pub async fn add_event(c: &impl Conn, e: NewEvent<'_>, now: Timestamp) -> Result<i64> {
    let stmt = crate::insert_into(
        E::Table,
        vec![
            (E::TenantId, e.tenant.0.into()),
            (E::FeedbackId, e.feedback.into()),
            (E::Kind, e.kind.into()),
            (E::FromStatus, e.from.into()),
            (E::ToStatus, e.to.into()),
            (E::Public, e.public.into()),
            (E::Body, e.body.into()),
            (E::Data, e.data.map(|d| d.to_string()).into()),
            (E::ActorUserId, e.actor.map(|u| u.0).into()),
            (E::ActorName, e.actor_name.into()),
            (E::CreatedAt, now.0.into()),
        ],
    )
    .returning_col(E::Id)
    .to_owned();
    c.fetch_i64(&stmt).await
}

pub async fn events(
    c: &impl Conn,
    tenant: TenantId,
    feedback: i64,
    public_only: bool,
) -> Result<Vec<EventRow>> {
    let mut stmt = Query::select()
        .columns([
            E::Id,
            E::FeedbackId,
            E::Kind,
            E::FromStatus,
            E::ToStatus,
            E::Public,
            E::Body,
            E::Data,
            E::ActorUserId,
            E::ActorName,
            E::CreatedAt,
        ])
        .from(E::Table)
        .and_where(Expr::col(E::TenantId).eq(tenant.0))
        .and_where(Expr::col(E::FeedbackId).eq(feedback))
        .order_by(E::Id, Order::Asc)
        .to_owned();
    if public_only {
        stmt.and_where(Expr::col(E::Public).eq(true));
    }
    c.fetch_all(&stmt).await
}

/// Blanks the personal data inside timeline entries (answers may quote the submitter).
pub async fn replace_event_body(
    c: &impl Conn,
    tenant: TenantId,
    event: i64,
    body: &str,
) -> Result<u64> {
    c.execute(
        &Query::update()
            .table(E::Table)
            .value(E::Body, body)
            .and_where(Expr::col(E::TenantId).eq(tenant.0))
            .and_where(Expr::col(E::Id).eq(event))
            .to_owned(),
    )
    .await
}

/// Moves an item's timeline to the item it was merged into (kept as history there).
pub async fn move_events(c: &impl Conn, tenant: TenantId, from: i64, to: i64) -> Result<u64> {
    c.execute(
        &Query::update()
            .table(E::Table)
            .value(E::FeedbackId, to)
            .and_where(Expr::col(E::TenantId).eq(tenant.0))
            .and_where(Expr::col(E::FeedbackId).eq(from))
            .and_where(Expr::col(E::Public).eq(false))
            .to_owned(),
    )
    .await
}

// ---- Supporters ("me too") ----------------------------------------------------------------

/// Records a member's support; `false` when they had supported it already.
pub async fn add_support(
    c: &impl Conn,
    tenant: TenantId,
    feedback: i64,
    member: MemberId,
    now: Timestamp,
) -> Result<bool> {
    let inserted = c
        .execute(
            &crate::insert_into(
                S::Table,
                vec![
                    (S::TenantId, tenant.0.into()),
                    (S::FeedbackId, feedback.into()),
                    (S::MemberId, member.0.into()),
                    (S::CreatedAt, now.0.into()),
                ],
            )
            .on_conflict(
                OnConflict::columns([S::FeedbackId, S::MemberId])
                    .do_nothing()
                    .to_owned(),
            )
            .to_owned(),
        )
        .await?;
    if inserted == 1 {
        c.execute(
            &Query::update()
                .table(F::Table)
                .value(F::SupportCount, Expr::col(F::SupportCount).add(1))
                .and_where(Expr::col(F::Id).eq(feedback))
                .to_owned(),
        )
        .await?;
    }
    Ok(inserted == 1)
}

/// Moves supporters of a merged item to the surviving one; those who supported both count once.
pub async fn move_supports(
    c: &impl Conn,
    tenant: TenantId,
    from: i64,
    to: i64,
    now: Timestamp,
) -> Result<()> {
    let members: Vec<(i64,)> = c
        .fetch_all(
            &Query::select()
                .column(S::MemberId)
                .from(S::Table)
                .and_where(Expr::col(S::TenantId).eq(tenant.0))
                .and_where(Expr::col(S::FeedbackId).eq(from))
                .to_owned(),
        )
        .await?;
    for (member,) in members {
        add_support(c, tenant, to, MemberId(member), now).await?;
    }
    Ok(())
}

pub async fn supporters(c: &impl Conn, feedback: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = c
        .fetch_all(
            &Query::select()
                .column(S::MemberId)
                .from(S::Table)
                .and_where(Expr::col(S::FeedbackId).eq(feedback))
                .to_owned(),
        )
        .await?;
    Ok(rows.into_iter().map(|(m,)| m).collect())
}

// ---- Photos ---------------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PhotoMeta {
    pub id: i64,
    pub feedback_id: i64,
    pub content_type: String,
    pub width: i64,
    pub height: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Photo {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

pub async fn add_photo(
    c: &impl Conn,
    tenant: TenantId,
    feedback: i64,
    content_type: &str,
    (width, height): (u32, u32),
    bytes: Vec<u8>,
    now: Timestamp,
) -> Result<i64> {
    let stmt = crate::insert_into(
        P::Table,
        vec![
            (P::TenantId, tenant.0.into()),
            (P::FeedbackId, feedback.into()),
            (P::ContentType, content_type.into()),
            (P::Width, i64::from(width).into()),
            (P::Height, i64::from(height).into()),
            (P::Bytes, bytes.into()),
            (P::CreatedAt, now.0.into()),
        ],
    )
    .returning_col(P::Id)
    .to_owned();
    c.fetch_i64(&stmt).await
}

pub async fn photos(c: &impl Conn, tenant: TenantId, feedback: i64) -> Result<Vec<PhotoMeta>> {
    c.fetch_all(
        &Query::select()
            .columns([P::Id, P::FeedbackId, P::ContentType, P::Width, P::Height])
            .from(P::Table)
            .and_where(Expr::col(P::TenantId).eq(tenant.0))
            .and_where(Expr::col(P::FeedbackId).eq(feedback))
            .order_by(P::Id, Order::Asc)
            .to_owned(),
    )
    .await
}

pub async fn photo(
    c: &impl Conn,
    tenant: TenantId,
    feedback: i64,
    photo: i64,
) -> Result<Option<Photo>> {
    c.fetch_optional(
        &Query::select()
            .columns([P::ContentType, P::Bytes])
            .from(P::Table)
            .and_where(Expr::col(P::TenantId).eq(tenant.0))
            .and_where(Expr::col(P::FeedbackId).eq(feedback))
            .and_where(Expr::col(P::Id).eq(photo))
            .to_owned(),
    )
    .await
}

pub async fn delete_photos(c: &impl Conn, tenant: TenantId, feedback: i64) -> Result<u64> {
    c.execute(
        &Query::delete()
            .from_table(P::Table)
            .and_where(Expr::col(P::TenantId).eq(tenant.0))
            .and_where(Expr::col(P::FeedbackId).eq(feedback))
            .to_owned(),
    )
    .await
}

// ---- Figures, computed in the background --------------------------------------------------------

/// What the figures are computed from: one row per item received in the window.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FigureRow {
    pub station_id: i64,
    pub status: String,
    pub received_at: i64,
    pub first_responded_at: Option<i64>,
    pub answered_at: Option<i64>,
    pub resolution_due: Option<i64>,
    pub rating: Option<String>,
}

pub async fn figure_rows(
    c: &impl Conn,
    tenant: TenantId,
    since: Timestamp,
) -> Result<Vec<FigureRow>> {
    c.fetch_all(
        &Query::select()
            .columns([
                F::StationId,
                F::Status,
                F::ReceivedAt,
                F::FirstRespondedAt,
                F::AnsweredAt,
                F::ResolutionDue,
                F::Rating,
            ])
            .from(F::Table)
            .and_where(Expr::col(F::TenantId).eq(tenant.0))
            .and_where(Expr::col(F::ReceivedAt).gte(since.0))
            .to_owned(),
    )
    .await
}

/// Stores the figures of a station (0: the whole institution) as computed at `now`.
pub async fn save_figures(
    c: &impl Conn,
    tenant: TenantId,
    station: i64,
    figures: &str,
    now: Timestamp,
) -> Result<u64> {
    use crate::schema::FeedbackFigures as G;
    c.execute(
        &crate::insert_into(
            G::Table,
            vec![
                (G::TenantId, tenant.0.into()),
                (G::StationId, station.into()),
                (G::ComputedAt, now.0.into()),
                (G::Figures, figures.into()),
            ],
        )
        .on_conflict(
            OnConflict::columns([G::TenantId, G::StationId])
                .update_columns([G::ComputedAt, G::Figures])
                .to_owned(),
        )
        .to_owned(),
    )
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SavedFigures {
    pub station_id: i64,
    pub computed_at: i64,
    pub figures: String,
}

pub async fn saved_figures(c: &impl Conn, tenant: TenantId) -> Result<Vec<SavedFigures>> {
    use crate::schema::FeedbackFigures as G;
    c.fetch_all(
        &Query::select()
            .columns([G::StationId, G::ComputedAt, G::Figures])
            .from(G::Table)
            .and_where(Expr::col(G::TenantId).eq(tenant.0))
            .order_by(G::StationId, Order::Asc)
            .to_owned(),
    )
    .await
}

/// Latest public answer of each item, for lists that show answers.
pub async fn latest_answer(
    c: &impl Conn,
    tenant: TenantId,
    feedback: i64,
) -> Result<Option<EventRow>> {
    c.fetch_optional(
        &Query::select()
            .columns([
                E::Id,
                E::FeedbackId,
                E::Kind,
                E::FromStatus,
                E::ToStatus,
                E::Public,
                E::Body,
                E::Data,
                E::ActorUserId,
                E::ActorName,
                E::CreatedAt,
            ])
            .from(E::Table)
            .and_where(Expr::col(E::TenantId).eq(tenant.0))
            .and_where(Expr::col(E::FeedbackId).eq(feedback))
            .and_where(Expr::col(E::Kind).eq("answer"))
            .order_by(E::Id, Order::Desc)
            .limit(1)
            .to_owned(),
    )
    .await
}

/// An item a member supported ("me too"), for what is held about them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SupportRow {
    pub tracking_no: String,
    pub created_at: i64,
}

pub async fn supported_by(
    c: &impl Conn,
    tenant: TenantId,
    member: MemberId,
) -> Result<Vec<SupportRow>> {
    c.fetch_all(
        &Query::select()
            .column((F::Table, F::TrackingNo))
            .column((S::Table, S::CreatedAt))
            .from(S::Table)
            .inner_join(
                F::Table,
                Expr::col((F::Table, F::Id)).equals((S::Table, S::FeedbackId)),
            )
            .and_where(Expr::col((S::Table, S::TenantId)).eq(tenant.0))
            .and_where(Expr::col((S::Table, S::MemberId)).eq(member.0))
            .order_by((S::Table, S::CreatedAt), Order::Asc)
            .to_owned(),
    )
    .await
}

/// Inserts many items in one statement (a batch of submissions committed together);
/// gives each new item's (id, tracking number), in no particular order.
pub async fn insert_many_returning(
    c: &impl Conn,
    items: Vec<NewFeedback>,
) -> Result<Vec<(i64, String)>> {
    let rows: Vec<Vec<(F, Expr)>> = items.into_iter().map(NewFeedback::values).collect();
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    let columns: Vec<F> = first.iter().map(|(col, _)| *col).collect();
    let mut stmt = Query::insert()
        .into_table(F::Table)
        .columns(columns.clone())
        .to_owned();
    for row in rows {
        let values: Vec<sea_query::Expr> = row.into_iter().map(|(_, v)| v).collect();
        if values.len() != columns.len() {
            return Err(crate::StoreError::Corrupt(
                "rows of a bulk insert differ in their columns".into(),
            ));
        }
        // Cannot panic: the length was checked just above.
        stmt.values_panic(values);
    }
    stmt.returning(Query::returning().columns([F::Id, F::TrackingNo]));
    c.fetch_all(&stmt).await
}

/// A timeline entry to write, owning its values (for batches).
#[derive(Debug, Clone)]
pub struct EventInsert {
    pub tenant: TenantId,
    pub feedback: i64,
    pub kind: &'static str,
    pub from: Option<&'static str>,
    pub to: Option<&'static str>,
    pub public: bool,
    pub data: Option<serde_json::Value>,
    pub actor: Option<UserId>,
    pub actor_name: Option<String>,
    pub at: Timestamp,
}

/// Writes many timeline entries in one statement.
pub async fn insert_events(c: &impl Conn, events: Vec<EventInsert>) -> Result<u64> {
    if events.is_empty() {
        return Ok(0);
    }
    let mut stmt = Query::insert()
        .into_table(E::Table)
        .columns([
            E::TenantId,
            E::FeedbackId,
            E::Kind,
            E::FromStatus,
            E::ToStatus,
            E::Public,
            E::Data,
            E::ActorUserId,
            E::ActorName,
            E::CreatedAt,
        ])
        .to_owned();
    for e in events {
        // Cannot panic: ten values for ten columns.
        stmt.values_panic([
            e.tenant.0.into(),
            e.feedback.into(),
            e.kind.into(),
            e.from.into(),
            e.to.into(),
            e.public.into(),
            e.data.map(|d| d.to_string()).into(),
            e.actor.map(|u| u.0).into(),
            e.actor_name.into(),
            e.at.0.into(),
        ]);
    }
    c.execute(&stmt).await
}

/// The condition for open items, exactly as the partial index `feedback_open_due` states
/// it: written into the SQL rather than bound, so both planners can use that index.
pub(crate) const OPEN_ITEMS: &str =
    "status IN ('new', 'accepted', 'assigned', 'in_progress', 'waiting')";
