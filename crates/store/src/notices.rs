//! Internal notices (`migrations/*/0006_notices.sql`): the notice, its versions and timeline,
//! one row per recipient, and the anonymous staff suggestion box. The group robots and what
//! was posted to them are in [`crate::notice_robots`].

use crate::{Conn, Result};
use domain::notice::{NoticeCategory, NoticePriority, NoticeStatus};
use domain::{TenantId, Timestamp, UnitPath, UserId};
use sea_query::{Cond, Expr, ExprTrait, Iden, Order, Query, SelectStatement};

#[derive(Iden, Clone, Copy)]
pub enum Notices {
    Table,
    Id,
    TenantId,
    UnitId,
    UnitPath,
    AuthorId,
    ReviewerId,
    Title,
    Body,
    Category,
    Priority,
    RequiresAck,
    Audience,
    EffectiveAt,
    ExpiresAt,
    PublishAt,
    Status,
    Edition,
    Version,
    LeadOverrideReason,
    LeadOverrideBy,
    SubmittedAt,
    PublishedAt,
    DueAt,
    RetractedAt,
    RetractReason,
    ManualReminderAt,
    RecipientCount,
    CorrectionCount,
    SubmissionKey,
    CreatedAt,
    UpdatedAt,
    /// The author chose to show it on the public hall screen (`0008_notice_hall_screen.sql`).
    OnHallScreen,
}

#[derive(Iden, Clone, Copy)]
pub enum NoticeVersions {
    Table,
    Id,
    TenantId,
    NoticeId,
    Version,
    Title,
    Body,
    ChangeNote,
    CreatedBy,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum NoticeEvents {
    Table,
    Id,
    TenantId,
    NoticeId,
    ActorId,
    Action,
    Comment,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum NoticeAttachments {
    Table,
    Id,
    TenantId,
    NoticeId,
    FileName,
    ContentType,
    Size,
    Bytes,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum NoticeRecipients {
    Table,
    TenantId,
    NoticeId,
    UserId,
    DepartmentId,
    UnitPath,
    DeliveredAt,
    EmailMessageId,
    SmsMessageId,
    ReadAt,
    ReadVia,
    AcknowledgedAt,
    RemindedSteps,
    LastRemindedAt,
}

use NoticeRecipients as R;
use Notices as N;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NoticeRow {
    pub id: i64,
    pub tenant_id: i64,
    pub unit_id: i64,
    pub unit_path: String,
    pub author_id: i64,
    pub reviewer_id: Option<i64>,
    pub title: String,
    pub body: String,
    pub category: String,
    pub priority: String,
    pub requires_ack: bool,
    /// JSON list of `domain::notice::AudienceRule`.
    pub audience: String,
    pub effective_at: Option<i64>,
    pub expires_at: Option<i64>,
    pub publish_at: Option<i64>,
    pub status: String,
    /// The edition of a published notice: 1, then one more per correction.
    pub edition: i64,
    /// Bumped by every change; an update names the version it read ([`update`]).
    pub version: i64,
    pub lead_override_reason: Option<String>,
    pub lead_override_by: Option<i64>,
    pub submitted_at: Option<i64>,
    pub published_at: Option<i64>,
    pub due_at: Option<i64>,
    pub retracted_at: Option<i64>,
    pub retract_reason: Option<String>,
    pub manual_reminder_at: Option<i64>,
    pub recipient_count: i64,
    pub correction_count: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub on_hall_screen: bool,
    /// The notice's review, once it was sent for one (`crate::reviews`).
    pub review_chain: Option<String>,
    pub review_progress: Option<String>,
    pub review_version: Option<i64>,
}

const COLUMNS: [N; 31] = [
    N::Id,
    N::TenantId,
    N::UnitId,
    N::UnitPath,
    N::AuthorId,
    N::ReviewerId,
    N::Title,
    N::Body,
    N::Category,
    N::Priority,
    N::RequiresAck,
    N::Audience,
    N::EffectiveAt,
    N::ExpiresAt,
    N::PublishAt,
    N::Status,
    N::Edition,
    N::Version,
    N::LeadOverrideReason,
    N::LeadOverrideBy,
    N::SubmittedAt,
    N::PublishedAt,
    N::DueAt,
    N::RetractedAt,
    N::RetractReason,
    N::ManualReminderAt,
    N::RecipientCount,
    N::CorrectionCount,
    N::CreatedAt,
    N::UpdatedAt,
    N::OnHallScreen,
];

/// A new draft, its fields already checked.
#[derive(Debug, Clone)]
pub struct NewNotice {
    pub unit_id: i64,
    pub unit_path: UnitPath,
    pub author: UserId,
    pub reviewer: Option<i64>,
    pub title: String,
    pub body: String,
    pub category: NoticeCategory,
    pub priority: NoticePriority,
    pub requires_ack: bool,
    /// JSON list of `domain::notice::AudienceRule`.
    pub audience: String,
    pub effective_at: Option<Timestamp>,
    pub expires_at: Option<Timestamp>,
    pub publish_at: Option<Timestamp>,
    pub lead_override_reason: Option<String>,
    pub on_hall_screen: bool,
    /// The form's key against double submission ([`find_by_submission_key`]).
    pub submission_key: Option<String>,
}

/// Stores `notice` as a draft created at `at`; gives its id.
pub async fn insert(
    c: &impl Conn,
    tenant: TenantId,
    notice: NewNotice,
    at: Timestamp,
) -> Result<i64> {
    let n = notice;
    let row = vec![
        (N::TenantId, tenant.0.into()),
        (N::UnitId, n.unit_id.into()),
        (N::UnitPath, n.unit_path.as_str().into()),
        (N::AuthorId, n.author.0.into()),
        (N::ReviewerId, n.reviewer.into()),
        (N::Title, n.title.into()),
        (N::Body, n.body.into()),
        (N::Category, n.category.as_str().into()),
        (N::Priority, n.priority.as_str().into()),
        (N::RequiresAck, n.requires_ack.into()),
        (N::Audience, n.audience.into()),
        (N::EffectiveAt, n.effective_at.map(|t| t.0).into()),
        (N::ExpiresAt, n.expires_at.map(|t| t.0).into()),
        (N::PublishAt, n.publish_at.map(|t| t.0).into()),
        (N::Status, NoticeStatus::Draft.as_str().into()),
        (N::LeadOverrideReason, n.lead_override_reason.into()),
        (N::OnHallScreen, n.on_hall_screen.into()),
        (N::SubmissionKey, n.submission_key.into()),
        (N::CreatedAt, at.0.into()),
        (N::UpdatedAt, at.0.into()),
    ];
    c.fetch_i64(
        &crate::insert_into(N::Table, row)
            .returning_col(N::Id)
            .to_owned(),
    )
    .await
}

/// One field of a notice and its new value, for [`update`].
#[derive(Debug, Clone)]
pub enum NoticeChange {
    Unit {
        id: i64,
        path: UnitPath,
    },
    Reviewer(Option<i64>),
    Title(String),
    Body(String),
    Category(NoticeCategory),
    Priority(NoticePriority),
    RequiresAck(bool),
    /// JSON list of `domain::notice::AudienceRule`.
    Audience(String),
    EffectiveAt(Option<Timestamp>),
    ExpiresAt(Option<Timestamp>),
    PublishAt(Option<Timestamp>),
    Status(NoticeStatus),
    LeadOverrideReason(Option<String>),
    /// The office director who approved the late publishing.
    LeadOverrideBy(UserId),
    OnHallScreen(bool),
    SubmittedAt(Timestamp),
    PublishedAt(Timestamp),
    DueAt(Timestamp),
    RecipientCount(i64),
    ManualReminderAt(Timestamp),
    Edition(i64),
    CorrectionCount(i64),
    RetractedAt(Timestamp),
    RetractReason(String),
}

impl NoticeChange {
    /// The columns it sets, with their values.
    fn columns(self) -> Vec<(N, Expr)> {
        let at = |t: Option<Timestamp>| Expr::from(t.map(|t| t.0));
        match self {
            NoticeChange::Unit { id, path } => {
                vec![(N::UnitId, id.into()), (N::UnitPath, path.as_str().into())]
            }
            NoticeChange::Reviewer(r) => vec![(N::ReviewerId, r.into())],
            NoticeChange::Title(t) => vec![(N::Title, t.into())],
            NoticeChange::Body(b) => vec![(N::Body, b.into())],
            NoticeChange::Category(c) => vec![(N::Category, c.as_str().into())],
            NoticeChange::Priority(p) => vec![(N::Priority, p.as_str().into())],
            NoticeChange::RequiresAck(b) => vec![(N::RequiresAck, b.into())],
            NoticeChange::Audience(a) => vec![(N::Audience, a.into())],
            NoticeChange::EffectiveAt(t) => vec![(N::EffectiveAt, at(t))],
            NoticeChange::ExpiresAt(t) => vec![(N::ExpiresAt, at(t))],
            NoticeChange::PublishAt(t) => vec![(N::PublishAt, at(t))],
            NoticeChange::Status(s) => vec![(N::Status, s.as_str().into())],
            NoticeChange::LeadOverrideReason(r) => vec![(N::LeadOverrideReason, r.into())],
            NoticeChange::LeadOverrideBy(u) => vec![(N::LeadOverrideBy, u.0.into())],
            NoticeChange::OnHallScreen(b) => vec![(N::OnHallScreen, b.into())],
            NoticeChange::SubmittedAt(t) => vec![(N::SubmittedAt, at(Some(t)))],
            NoticeChange::PublishedAt(t) => vec![(N::PublishedAt, at(Some(t)))],
            NoticeChange::DueAt(t) => vec![(N::DueAt, at(Some(t)))],
            NoticeChange::RecipientCount(n) => vec![(N::RecipientCount, n.into())],
            NoticeChange::ManualReminderAt(t) => vec![(N::ManualReminderAt, at(Some(t)))],
            NoticeChange::Edition(v) => vec![(N::Edition, v.into())],
            NoticeChange::CorrectionCount(n) => vec![(N::CorrectionCount, n.into())],
            NoticeChange::RetractedAt(t) => vec![(N::RetractedAt, at(Some(t)))],
            NoticeChange::RetractReason(r) => vec![(N::RetractReason, r.into())],
        }
    }
}

/// Notices with their review beside them, so that whoever reads a notice reads where its
/// review stands.
fn select() -> SelectStatement {
    use crate::reviews::Reviews as Rv;
    Query::select()
        .columns(COLUMNS.map(|c| (N::Table, c)))
        .expr_as(Expr::col((Rv::Table, Rv::Chain)), "review_chain")
        .expr_as(Expr::col((Rv::Table, Rv::Progress)), "review_progress")
        .expr_as(Expr::col((Rv::Table, Rv::Version)), "review_version")
        .from(N::Table)
        .left_join(
            Rv::Table,
            Expr::col((Rv::Table, Rv::SubjectId))
                .equals((N::Table, N::Id))
                .and(
                    Expr::col((Rv::Table, Rv::SubjectKind))
                        .eq(crate::subject::SubjectKind::Notice.code()),
                ),
        )
        .to_owned()
}

pub async fn find(c: &impl Conn, tenant: TenantId, id: i64) -> Result<Option<NoticeRow>> {
    c.fetch_optional(
        &select()
            .and_where(Expr::col((N::Table, N::TenantId)).eq(tenant.0))
            .and_where(Expr::col((N::Table, N::Id)).eq(id))
            .to_owned(),
    )
    .await
}

pub async fn find_by_submission_key(
    c: &impl Conn,
    tenant: TenantId,
    key: &str,
) -> Result<Option<NoticeRow>> {
    c.fetch_optional(
        &select()
            .and_where(Expr::col((N::Table, N::TenantId)).eq(tenant.0))
            .and_where(Expr::col((N::Table, N::SubmissionKey)).eq(key))
            .to_owned(),
    )
    .await
}

/// Applies `changes` if the notice is still at `version` (nobody changed it meanwhile);
/// bumps the version. Gives the rows changed: 0 means a lost race (or a double click).
pub async fn update(
    c: &impl Conn,
    tenant: TenantId,
    id: i64,
    version: i64,
    changes: Vec<NoticeChange>,
    now: Timestamp,
) -> Result<u64> {
    let changes = changes.into_iter().flat_map(NoticeChange::columns);
    let stmt = crate::versioned_update(N::Table, tenant, id, version, changes, now);
    c.execute(&stmt).await
}

/// Which units' notices a list holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Units {
    /// Every unit of the institution.
    #[default]
    All,
    /// The units in these subtrees (none, when there are none).
    Within(Vec<UnitPath>),
}

/// Which notices [`list`] gives. Each field narrows the list; the default is every notice
/// of the institution.
#[derive(Debug, Clone, Default)]
pub struct NoticeFilter {
    pub units: Units,
    pub status: Option<NoticeStatus>,
    pub author: Option<UserId>,
    /// Published in `[from, to)`.
    pub published_between: Option<(Timestamp, Timestamp)>,
    /// Its author chose the hall screen, and it is in force at this instant: effective (or
    /// without an effective date) and not expired.
    pub on_hall_screen_at: Option<Timestamp>,
    /// At most this many; `None` gives them all.
    pub limit: Option<u64>,
}

/// The institution's notices that `filter` lets through, newest first.
pub async fn list(
    c: &impl Conn,
    tenant: TenantId,
    filter: &NoticeFilter,
) -> Result<Vec<NoticeRow>> {
    let mut stmt = select()
        .and_where(Expr::col((N::Table, N::TenantId)).eq(tenant.0))
        .cond_where(within(&filter.units))
        .order_by((N::Table, N::Id), Order::Desc)
        .to_owned();
    if let Some(status) = filter.status {
        stmt.and_where(Expr::col((N::Table, N::Status)).eq(status.as_str()));
    }
    if let Some(author) = filter.author {
        stmt.and_where(Expr::col((N::Table, N::AuthorId)).eq(author.0));
    }
    if let Some((from, to)) = filter.published_between {
        stmt.and_where(Expr::col((N::Table, N::PublishedAt)).gte(from.0))
            .and_where(Expr::col((N::Table, N::PublishedAt)).lt(to.0));
    }
    if let Some(now) = filter.on_hall_screen_at {
        stmt.and_where(Expr::col((N::Table, N::OnHallScreen)).eq(true))
            .cond_where(
                Cond::any()
                    .add(Expr::col((N::Table, N::EffectiveAt)).is_null())
                    .add(Expr::col((N::Table, N::EffectiveAt)).lte(now.0)),
            )
            .cond_where(
                Cond::any()
                    .add(Expr::col((N::Table, N::ExpiresAt)).is_null())
                    .add(Expr::col((N::Table, N::ExpiresAt)).gt(now.0)),
            );
    }
    if let Some(limit) = filter.limit {
        stmt.limit(limit);
    }
    c.fetch_all(&stmt).await
}

/// `unit_path` lies in one of the subtrees (paths hold only digits and slashes, so a prefix
/// test is exact).
fn within(units: &Units) -> Cond {
    match units {
        Units::All => Cond::all(),
        // An empty `Cond::any()` would be no condition at all: say "nothing" outright.
        Units::Within(paths) if paths.is_empty() => Cond::all().add(Expr::val(1).eq(0)),
        Units::Within(paths) => paths.iter().fold(Cond::any(), |cond, p| {
            cond.add(Expr::col((N::Table, N::UnitPath)).like(format!("{}%", p.as_str())))
        }),
    }
}

// ---- Versions and the timeline ------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VersionRow {
    pub version: i64,
    pub title: String,
    pub body: String,
    pub change_note: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: i64,
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_version(
    c: &impl Conn,
    tenant: TenantId,
    notice: i64,
    version: i64,
    title: &str,
    body: &str,
    change_note: Option<&str>,
    by: Option<UserId>,
    at: Timestamp,
) -> Result<u64> {
    use NoticeVersions as V;
    c.execute(&crate::insert_into(
        V::Table,
        vec![
            (V::TenantId, tenant.0.into()),
            (V::NoticeId, notice.into()),
            (V::Version, version.into()),
            (V::Title, title.into()),
            (V::Body, body.into()),
            (V::ChangeNote, change_note.into()),
            (V::CreatedBy, by.map(|u| u.0).into()),
            (V::CreatedAt, at.0.into()),
        ],
    ))
    .await
}

/// Earlier versions of a published notice, newest first.
pub async fn versions(c: &impl Conn, tenant: TenantId, notice: i64) -> Result<Vec<VersionRow>> {
    use NoticeVersions as V;
    c.fetch_all(
        &Query::select()
            .columns([
                V::Version,
                V::Title,
                V::Body,
                V::ChangeNote,
                V::CreatedBy,
                V::CreatedAt,
            ])
            .from(V::Table)
            .and_where(Expr::col(V::TenantId).eq(tenant.0))
            .and_where(Expr::col(V::NoticeId).eq(notice))
            .order_by(V::Version, Order::Desc)
            .to_owned(),
    )
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub action: String,
    pub comment: Option<String>,
    pub created_at: i64,
}

pub async fn insert_event(
    c: &impl Conn,
    tenant: TenantId,
    notice: i64,
    actor: Option<UserId>,
    action: &str,
    comment: Option<&str>,
    at: Timestamp,
) -> Result<u64> {
    use NoticeEvents as E;
    c.execute(&crate::insert_into(
        E::Table,
        vec![
            (E::TenantId, tenant.0.into()),
            (E::NoticeId, notice.into()),
            (E::ActorId, actor.map(|u| u.0).into()),
            (E::Action, action.into()),
            (E::Comment, comment.into()),
            (E::CreatedAt, at.0.into()),
        ],
    ))
    .await
}

/// The notice's timeline, oldest first, with the names of who acted.
pub async fn events(c: &impl Conn, tenant: TenantId, notice: i64) -> Result<Vec<EventRow>> {
    use crate::schema::Users as U;
    use NoticeEvents as E;
    c.fetch_all(
        &Query::select()
            .columns([
                (E::Table, E::Id),
                (E::Table, E::ActorId),
                (E::Table, E::Action),
                (E::Table, E::Comment),
                (E::Table, E::CreatedAt),
            ])
            .expr_as(Expr::col((U::Table, U::DisplayName)), "actor_name")
            .from(E::Table)
            .left_join(
                U::Table,
                Expr::col((U::Table, U::Id)).equals((E::Table, E::ActorId)),
            )
            .and_where(Expr::col((E::Table, E::TenantId)).eq(tenant.0))
            .and_where(Expr::col((E::Table, E::NoticeId)).eq(notice))
            .order_by((E::Table, E::Id), Order::Asc)
            .to_owned(),
    )
    .await
}

// ---- Attachments ----------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttachmentRow {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
}

pub async fn insert_attachment(
    c: &impl Conn,
    tenant: TenantId,
    notice: i64,
    file_name: &str,
    content_type: &str,
    bytes: &[u8],
    at: Timestamp,
) -> Result<i64> {
    use NoticeAttachments as A;
    c.fetch_i64(
        &crate::insert_into(
            A::Table,
            vec![
                (A::TenantId, tenant.0.into()),
                (A::NoticeId, notice.into()),
                (A::FileName, file_name.into()),
                (A::ContentType, content_type.into()),
                (A::Size, (bytes.len() as i64).into()),
                (A::Bytes, bytes.to_vec().into()),
                (A::CreatedAt, at.0.into()),
            ],
        )
        .returning_col(A::Id)
        .to_owned(),
    )
    .await
}

pub async fn attachments(
    c: &impl Conn,
    tenant: TenantId,
    notice: i64,
) -> Result<Vec<AttachmentRow>> {
    use NoticeAttachments as A;
    c.fetch_all(
        &Query::select()
            .columns([A::Id, A::FileName, A::ContentType, A::Size])
            .from(A::Table)
            .and_where(Expr::col(A::TenantId).eq(tenant.0))
            .and_where(Expr::col(A::NoticeId).eq(notice))
            .order_by(A::Id, Order::Asc)
            .to_owned(),
    )
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttachmentFile {
    pub notice_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

pub async fn attachment_file(
    c: &impl Conn,
    tenant: TenantId,
    id: i64,
) -> Result<Option<AttachmentFile>> {
    use NoticeAttachments as A;
    c.fetch_optional(
        &Query::select()
            .columns([A::NoticeId, A::FileName, A::ContentType, A::Bytes])
            .from(A::Table)
            .and_where(Expr::col(A::TenantId).eq(tenant.0))
            .and_where(Expr::col(A::Id).eq(id))
            .to_owned(),
    )
    .await
}

pub async fn delete_attachment(
    c: &impl Conn,
    tenant: TenantId,
    notice: i64,
    id: i64,
) -> Result<u64> {
    use NoticeAttachments as A;
    c.execute(
        &Query::delete()
            .from_table(A::Table)
            .and_where(Expr::col(A::TenantId).eq(tenant.0))
            .and_where(Expr::col(A::NoticeId).eq(notice))
            .and_where(Expr::col(A::Id).eq(id))
            .to_owned(),
    )
    .await
}

// ---- Recipients -----------------------------------------------------------------------------

/// One named recipient, frozen when the notice is published.
#[derive(Debug, Clone)]
pub struct NewRecipient {
    pub user: i64,
    pub department: Option<i64>,
    pub unit_path: String,
}

/// Rows per INSERT: 5 values each stays far below both engines' parameter limits.
const RECIPIENT_BATCH: usize = 1000;

/// Writes the recipients in batches; someone already there (a retried publish) is skipped.
pub async fn insert_recipients(
    c: &impl Conn,
    tenant: TenantId,
    notice: i64,
    recipients: &[NewRecipient],
    delivered_at: Timestamp,
) -> Result<u64> {
    let mut written = 0;
    for chunk in recipients.chunks(RECIPIENT_BATCH) {
        let mut stmt = Query::insert()
            .into_table(R::Table)
            .columns([
                R::TenantId,
                R::NoticeId,
                R::UserId,
                R::DepartmentId,
                R::UnitPath,
                R::DeliveredAt,
            ])
            .on_conflict(
                sea_query::OnConflict::columns([R::NoticeId, R::UserId])
                    .do_nothing()
                    .to_owned(),
            )
            .to_owned();
        for r in chunk {
            stmt.values_panic([
                tenant.0.into(),
                notice.into(),
                r.user.into(),
                r.department.into(),
                r.unit_path.clone().into(),
                delivered_at.0.into(),
            ]);
        }
        written += c.execute(&stmt).await?;
    }
    Ok(written)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RecipientRow {
    pub user_id: i64,
    pub display_name: String,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub department_id: Option<i64>,
    pub department_name: Option<String>,
    pub delivered_at: i64,
    pub email_message_id: Option<i64>,
    pub email_status: Option<String>,
    pub email_sent_at: Option<i64>,
    pub email_error: Option<String>,
    pub sms_message_id: Option<i64>,
    pub sms_status: Option<String>,
    pub sms_sent_at: Option<i64>,
    pub sms_error: Option<String>,
    pub read_at: Option<i64>,
    pub read_via: Option<String>,
    pub acknowledged_at: Option<i64>,
    pub reminded_steps: i64,
    pub last_reminded_at: Option<i64>,
}

/// Which recipients [`recipients`] lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecipientFilter {
    All,
    /// Not read yet.
    Unread,
    /// Not acknowledged yet.
    Unacknowledged,
    /// Read but not acknowledged.
    ReadOnly,
    /// Acknowledged.
    Acknowledged,
}

/// The join condition of the outbox message (aliased `alias`) that carried a notice to a
/// recipient by e-mail or SMS: delivery state lives in the outbox, not here.
fn deliveries(alias: &sea_query::Alias, column: R) -> Expr {
    use crate::schema::Outbox as O;
    Expr::col((alias.clone(), O::Id)).equals((R::Table, column))
}

/// A notice's recipients with their names, departments and per-channel delivery (from the
/// outbox), department by department (those without one last), in the order they joined.
pub async fn recipients(
    c: &impl Conn,
    tenant: TenantId,
    notice: i64,
    department: Option<i64>,
    filter: RecipientFilter,
) -> Result<Vec<RecipientRow>> {
    recipients_page(c, tenant, notice, department, filter, None).await
}

/// Like [`recipients`], one page of `(limit, offset)` at a time.
pub async fn recipients_page(
    c: &impl Conn,
    tenant: TenantId,
    notice: i64,
    department: Option<i64>,
    filter: RecipientFilter,
    page: Option<(u64, u64)>,
) -> Result<Vec<RecipientRow>> {
    use crate::schema::{Departments as D, Outbox as O, Users as U};
    let email = sea_query::Alias::new("em");
    let sms = sea_query::Alias::new("sm");
    let mut stmt = Query::select()
        .columns([
            (R::Table, R::UserId),
            (R::Table, R::DepartmentId),
            (R::Table, R::DeliveredAt),
            (R::Table, R::EmailMessageId),
            (R::Table, R::SmsMessageId),
            (R::Table, R::ReadAt),
            (R::Table, R::ReadVia),
            (R::Table, R::AcknowledgedAt),
            (R::Table, R::RemindedSteps),
            (R::Table, R::LastRemindedAt),
        ])
        .columns([
            (U::Table, U::DisplayName),
            (U::Table, U::Email),
            (U::Table, U::Mobile),
        ])
        .expr_as(Expr::col((D::Table, D::Name)), "department_name")
        .expr_as(Expr::col((email.clone(), O::Status)), "email_status")
        .expr_as(Expr::col((email.clone(), O::SentAt)), "email_sent_at")
        .expr_as(Expr::col((email.clone(), O::LastError)), "email_error")
        .expr_as(Expr::col((sms.clone(), O::Status)), "sms_status")
        .expr_as(Expr::col((sms.clone(), O::SentAt)), "sms_sent_at")
        .expr_as(Expr::col((sms.clone(), O::LastError)), "sms_error")
        .from(R::Table)
        .inner_join(
            U::Table,
            Expr::col((U::Table, U::Id)).equals((R::Table, R::UserId)),
        )
        .left_join(
            D::Table,
            Expr::col((D::Table, D::Id)).equals((R::Table, R::DepartmentId)),
        )
        .join_as(
            sea_query::JoinType::LeftJoin,
            O::Table,
            email.clone(),
            deliveries(&email, R::EmailMessageId),
        )
        .join_as(
            sea_query::JoinType::LeftJoin,
            O::Table,
            sms.clone(),
            deliveries(&sms, R::SmsMessageId),
        )
        .and_where(Expr::col((R::Table, R::TenantId)).eq(tenant.0))
        .and_where(Expr::col((R::Table, R::NoticeId)).eq(notice))
        // The order of `notice_recipients_department`, so a page of a notice to ten
        // thousand people reads one page of the index rather than sorting them all.
        .order_by_with_nulls(
            (R::Table, R::DepartmentId),
            Order::Asc,
            sea_query::NullOrdering::Last,
        )
        .order_by((R::Table, R::UserId), Order::Asc)
        .to_owned();
    if let Some(d) = department {
        stmt.and_where(Expr::col((R::Table, R::DepartmentId)).eq(d));
    }
    match filter {
        RecipientFilter::All => {}
        RecipientFilter::Unread => {
            stmt.and_where(Expr::col((R::Table, R::ReadAt)).is_null());
        }
        RecipientFilter::Unacknowledged => {
            stmt.and_where(Expr::col((R::Table, R::AcknowledgedAt)).is_null());
        }
        RecipientFilter::ReadOnly => {
            stmt.and_where(Expr::col((R::Table, R::ReadAt)).is_not_null())
                .and_where(Expr::col((R::Table, R::AcknowledgedAt)).is_null());
        }
        RecipientFilter::Acknowledged => {
            stmt.and_where(Expr::col((R::Table, R::AcknowledgedAt)).is_not_null());
        }
    }
    if let Some((limit, offset)) = page {
        stmt.limit(limit).offset(offset);
    }
    c.fetch_all(&stmt).await
}

/// Receipts of one department (or of recipients without one) of a notice.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DepartmentReceipts {
    pub department_id: Option<i64>,
    pub department_name: Option<String>,
    pub total: i64,
    pub read: i64,
    pub acknowledged: i64,
    /// Recipients whose e-mail or SMS failed for good.
    pub failed: i64,
}

/// A notice's receipts counted per department in one pass of the database.
pub async fn receipt_summary(
    c: &impl Conn,
    tenant: TenantId,
    notice: i64,
) -> Result<Vec<DepartmentReceipts>> {
    use crate::schema::{Departments as D, Outbox as O};
    let email = sea_query::Alias::new("em");
    let sms = sea_query::Alias::new("sm");
    // COUNT of a CASE without ELSE counts the matching rows and is a BIGINT on both
    // engines (SUM would be NUMERIC on PostgreSQL).
    let failed = Expr::case(
        Cond::any()
            .add(Expr::col((email.clone(), O::Status)).eq("failed"))
            .add(Expr::col((sms.clone(), O::Status)).eq("failed")),
        1,
    );
    c.fetch_all(
        &Query::select()
            .column((R::Table, R::DepartmentId))
            .expr_as(Expr::col((D::Table, D::Name)).max(), "department_name")
            .expr_as(Expr::col((R::Table, R::UserId)).count(), "total")
            .expr_as(Expr::col((R::Table, R::ReadAt)).count(), "read")
            .expr_as(
                Expr::col((R::Table, R::AcknowledgedAt)).count(),
                "acknowledged",
            )
            .expr_as(Expr::expr(failed).count(), "failed")
            .from(R::Table)
            .left_join(
                D::Table,
                Expr::col((D::Table, D::Id)).equals((R::Table, R::DepartmentId)),
            )
            .join_as(
                sea_query::JoinType::LeftJoin,
                O::Table,
                email.clone(),
                deliveries(&email, R::EmailMessageId),
            )
            .join_as(
                sea_query::JoinType::LeftJoin,
                O::Table,
                sms.clone(),
                deliveries(&sms, R::SmsMessageId),
            )
            .and_where(Expr::col((R::Table, R::TenantId)).eq(tenant.0))
            .and_where(Expr::col((R::Table, R::NoticeId)).eq(notice))
            .group_by_col((R::Table, R::DepartmentId))
            .to_owned(),
    )
    .await
}

/// One recipient's own row: is this staff member a recipient, and where do they stand.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OwnReceipt {
    pub delivered_at: i64,
    pub read_at: Option<i64>,
    pub acknowledged_at: Option<i64>,
}

pub async fn own_receipt(
    c: &impl Conn,
    tenant: TenantId,
    notice: i64,
    user: UserId,
) -> Result<Option<OwnReceipt>> {
    c.fetch_optional(
        &Query::select()
            .columns([R::DeliveredAt, R::ReadAt, R::AcknowledgedAt])
            .from(R::Table)
            .and_where(Expr::col(R::TenantId).eq(tenant.0))
            .and_where(Expr::col(R::NoticeId).eq(notice))
            .and_where(Expr::col(R::UserId).eq(user.0))
            .to_owned(),
    )
    .await
}

/// Records the first reading; later readings change nothing. Gives 1 when this was the first.
pub async fn mark_read(
    c: &impl Conn,
    tenant: TenantId,
    notice: i64,
    user: UserId,
    via: &str,
    at: Timestamp,
) -> Result<u64> {
    c.execute(
        &Query::update()
            .table(R::Table)
            .value(R::ReadAt, at.0)
            .value(R::ReadVia, via)
            .and_where(Expr::col(R::TenantId).eq(tenant.0))
            .and_where(Expr::col(R::NoticeId).eq(notice))
            .and_where(Expr::col(R::UserId).eq(user.0))
            .and_where(Expr::col(R::ReadAt).is_null())
            .to_owned(),
    )
    .await
}

/// Records the acknowledgement (and the reading, if it was not recorded); once only.
pub async fn acknowledge(
    c: &impl Conn,
    tenant: TenantId,
    notice: i64,
    user: UserId,
    at: Timestamp,
) -> Result<u64> {
    let changed = c
        .execute(
            &Query::update()
                .table(R::Table)
                .value(R::AcknowledgedAt, at.0)
                .and_where(Expr::col(R::TenantId).eq(tenant.0))
                .and_where(Expr::col(R::NoticeId).eq(notice))
                .and_where(Expr::col(R::UserId).eq(user.0))
                .and_where(Expr::col(R::AcknowledgedAt).is_null())
                .to_owned(),
        )
        .await?;
    mark_read(c, tenant, notice, user, "acknowledge", at).await?;
    Ok(changed)
}

/// Records which outbox message carries the notice (or its latest reminder) to a recipient.
pub async fn set_message(
    c: &impl Conn,
    tenant: TenantId,
    notice: i64,
    user: i64,
    sms: bool,
    message: i64,
) -> Result<u64> {
    let column = if sms {
        R::SmsMessageId
    } else {
        R::EmailMessageId
    };
    c.execute(
        &Query::update()
            .table(R::Table)
            .value(column, message)
            .and_where(Expr::col(R::TenantId).eq(tenant.0))
            .and_where(Expr::col(R::NoticeId).eq(notice))
            .and_where(Expr::col(R::UserId).eq(user))
            .to_owned(),
    )
    .await
}

/// Marks that the recipients in `users` got reminder `step`.
pub async fn mark_reminded(
    c: &impl Conn,
    tenant: TenantId,
    notice: i64,
    users: &[i64],
    step: i64,
    at: Timestamp,
) -> Result<u64> {
    let mut changed = 0;
    for chunk in users.chunks(RECIPIENT_BATCH) {
        changed += c
            .execute(
                &Query::update()
                    .table(R::Table)
                    .value(R::RemindedSteps, step)
                    .value(R::LastRemindedAt, at.0)
                    .and_where(Expr::col(R::TenantId).eq(tenant.0))
                    .and_where(Expr::col(R::NoticeId).eq(notice))
                    .and_where(Expr::col(R::UserId).is_in(chunk.iter().copied()))
                    .to_owned(),
            )
            .await?;
    }
    Ok(changed)
}

/// How many recipients read and acknowledged a notice.
#[derive(Debug, Clone, Copy, Default, sqlx::FromRow)]
pub struct ReceiptCounts {
    pub total: i64,
    pub read: i64,
    pub acknowledged: i64,
}

pub async fn receipt_counts(c: &impl Conn, tenant: TenantId, notice: i64) -> Result<ReceiptCounts> {
    c.fetch_one(
        &Query::select()
            .expr_as(Expr::col(R::UserId).count(), "total")
            .expr_as(Expr::col(R::ReadAt).count(), "read")
            .expr_as(Expr::col(R::AcknowledgedAt).count(), "acknowledged")
            .from(R::Table)
            .and_where(Expr::col(R::TenantId).eq(tenant.0))
            .and_where(Expr::col(R::NoticeId).eq(notice))
            .to_owned(),
    )
    .await
}

/// A notice as one recipient sees it in their list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InboxRow {
    pub id: i64,
    pub title: String,
    pub category: String,
    pub priority: String,
    pub requires_ack: bool,
    pub status: String,
    pub edition: i64,
    pub published_at: Option<i64>,
    pub expires_at: Option<i64>,
    pub read_at: Option<i64>,
    pub acknowledged_at: Option<i64>,
}

/// The notices sent to `user`, newest first; `unread_only` for the badge's list.
pub async fn inbox(
    c: &impl Conn,
    tenant: TenantId,
    user: UserId,
    unread_only: bool,
    limit: u64,
    offset: u64,
) -> Result<Vec<InboxRow>> {
    let mut stmt = Query::select()
        .columns([
            (N::Table, N::Id),
            (N::Table, N::Title),
            (N::Table, N::Category),
            (N::Table, N::Priority),
            (N::Table, N::RequiresAck),
            (N::Table, N::Status),
            (N::Table, N::Edition),
            (N::Table, N::PublishedAt),
            (N::Table, N::ExpiresAt),
        ])
        .columns([(R::Table, R::ReadAt), (R::Table, R::AcknowledgedAt)])
        .from(R::Table)
        .inner_join(
            N::Table,
            Expr::col((N::Table, N::Id)).equals((R::Table, R::NoticeId)),
        )
        .and_where(Expr::col((R::Table, R::TenantId)).eq(tenant.0))
        .and_where(Expr::col((R::Table, R::UserId)).eq(user.0))
        .order_by((R::Table, R::NoticeId), Order::Desc)
        .limit(limit)
        .offset(offset)
        .to_owned();
    if unread_only {
        stmt.cond_where(unread_cond());
    }
    c.fetch_all(&stmt).await
}

/// Still asking for this recipient's attention: unread, or read but not acknowledged where
/// an acknowledgement is required — and not retracted.
fn unread_cond() -> Cond {
    Cond::all()
        .add(Expr::col((N::Table, N::Status)).eq("published"))
        .add(
            Cond::any()
                .add(Expr::col((R::Table, R::ReadAt)).is_null())
                .add(
                    Cond::all()
                        .add(Expr::col((N::Table, N::RequiresAck)).eq(true))
                        .add(Expr::col((R::Table, R::AcknowledgedAt)).is_null()),
                ),
        )
}

/// The number on the console's badge.
pub async fn unread_count(c: &impl Conn, tenant: TenantId, user: UserId) -> Result<i64> {
    c.fetch_i64(
        &Query::select()
            .expr(Expr::col((R::Table, R::UserId)).count())
            .from(R::Table)
            .inner_join(
                N::Table,
                Expr::col((N::Table, N::Id)).equals((R::Table, R::NoticeId)),
            )
            .and_where(Expr::col((R::Table, R::TenantId)).eq(tenant.0))
            .and_where(Expr::col((R::Table, R::UserId)).eq(user.0))
            .cond_where(unread_cond())
            .to_owned(),
    )
    .await
}

/// One recipient's timings, for the monthly spot-check.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TimingRow {
    pub notice_id: i64,
    pub priority: String,
    pub requires_ack: bool,
    pub published_at: i64,
    pub due_at: Option<i64>,
    pub read_at: Option<i64>,
    pub acknowledged_at: Option<i64>,
    pub email_status: Option<String>,
    pub sms_status: Option<String>,
}

/// Every recipient of the notices published in `[from, to)` in `units`.
pub async fn timings(
    c: &impl Conn,
    tenant: TenantId,
    units: &Units,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<TimingRow>> {
    use crate::schema::Outbox as O;
    let email = sea_query::Alias::new("em");
    let sms = sea_query::Alias::new("sm");
    c.fetch_all(
        &Query::select()
            .columns([
                (N::Table, N::Priority),
                (N::Table, N::RequiresAck),
                (N::Table, N::PublishedAt),
                (N::Table, N::DueAt),
            ])
            .columns([
                (R::Table, R::NoticeId),
                (R::Table, R::ReadAt),
                (R::Table, R::AcknowledgedAt),
            ])
            .expr_as(Expr::col((email.clone(), O::Status)), "email_status")
            .expr_as(Expr::col((sms.clone(), O::Status)), "sms_status")
            .from(R::Table)
            .inner_join(
                N::Table,
                Expr::col((N::Table, N::Id)).equals((R::Table, R::NoticeId)),
            )
            .join_as(
                sea_query::JoinType::LeftJoin,
                O::Table,
                email.clone(),
                deliveries(&email, R::EmailMessageId),
            )
            .join_as(
                sea_query::JoinType::LeftJoin,
                O::Table,
                sms.clone(),
                deliveries(&sms, R::SmsMessageId),
            )
            .and_where(Expr::col((N::Table, N::TenantId)).eq(tenant.0))
            .and_where(Expr::col((N::Table, N::PublishedAt)).gte(from.0))
            .and_where(Expr::col((N::Table, N::PublishedAt)).lt(to.0))
            .cond_where(within(units))
            .to_owned(),
    )
    .await
}
