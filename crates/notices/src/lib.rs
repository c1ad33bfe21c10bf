//! Internal notices that provably reach people.
//!
//! A notice is drafted ([`compose`]), reviewed by someone other than its author
//! ([`review`]), published at its minute by the worker, which freezes the audience into one
//! row per named recipient and sends it on every channel ([`publish`]); the delivery sweep
//! reminds the unread on the next channel and tells department heads who has not read it
//! when the deadline passes ([`delivery`]); recipients read and acknowledge it, and the
//! author and the office see the receipts ([`receipts`]).
//!
//! Live sessions learn of new notices through [`live::LiveNotices`]: a broadcast on this
//! node, and a periodic look at the database for what other nodes published.

mod compose;
mod delivery;
pub mod live;
mod publish;
mod receipts;
mod review;

pub use compose::{AttachmentView, NoticeDraft, NoticeListFilter};
pub use delivery::DELIVERY_SWEEP;
pub(crate) use delivery::DeliverySweep;
pub(crate) use publish::FanOut;
pub use publish::NOTICE_FANOUT;
pub use receipts::InboxNotice;
pub use receipts::{RECEIPTS_PAGE, ReceiptLine, ReceiptsView};
pub use review::ReviewDecision;

// The console's notice pages: earlier versions, the audience picker's people, upload limits.
mod page_data;
pub use compose::{ATTACHMENT_BYTES_MAX, ATTACHMENTS_MAX};
pub use page_data::NoticeVersionView;

// The group robots (setup, announcing published notices within their limit) and the
// anonymous staff suggestion box.
mod robots;
mod suggestions;
pub use robots::{
    NewRobot, ROBOT_SEND, RobotPostState, RobotPostView, RobotUnit, RobotView, robot_kind_label,
    robot_kinds,
};
pub(crate) use robots::{RobotSend, robot_labels};
pub use suggestions::{Quarter, QuarterSummary, SuggestionBox, SuggestionView};

// Who a notice is for, in words and names, for its author, reviewer and the office.
mod audience;
pub use audience::{AudienceGroup, AudienceMember, NoticeAudience};

// Receipts pages, the live badge, the monthly spot-check and the hall-screen board.
mod badge;
mod board;
mod report;
pub use board::{BOARD_MAX, BoardNotice};
pub use report::{ERROR_RATE_LIMIT_PERCENT, NoticeReport, ReportLine, ReportMonth};

// The core's names, as this crate's own: the code reads `crate::ServiceError`, `crate::secrets`.
pub use desk::{Arg, Desk, Institution, MemberSession, ServiceError, ServiceResult, Staff};
pub(crate) use desk::{org, rate_limit, secrets};

use desk::Review;
use domain::notice::{
    AudienceRule, DeliveryPolicy, NoticeAction, NoticeCategory, NoticePriority, NoticeStatus,
    ReceiptState,
};
use domain::review::ItemFacts;
use domain::{DepartmentId, Permission, TenantId, Timestamp, UnitPath, UserId};
use serde::Serialize;
use std::ops::Deref;
use std::sync::Arc;
use store::notices::NoticeRow;

/// The notices capability's facade: `services.notices().…`. Cheap to clone.
///
/// It dereferences to the [`Desk`], so its methods use the core's context (database, clock,
/// authorisation, audit, outbox) as their own.
#[derive(Clone)]
pub struct Notices(Arc<Inner>);

struct Inner {
    desk: Desk,
    live: live::LiveNotices,
    /// Posts notices to the DingTalk and WeCom group robots.
    robots: notify::RobotGateway,
}

impl Deref for Notices {
    type Target = Desk;
    fn deref(&self) -> &Desk {
        &self.0.desk
    }
}

impl Notices {
    /// The capability over `desk`.
    pub fn new(desk: Desk) -> ServiceResult<Notices> {
        let robots = notify::RobotGateway::new(robot_labels())
            .map_err(|e| ServiceError::Internal(format!("group robots: {e}")))?;
        Ok(Notices(Arc::new(Inner {
            desk,
            live: Default::default(),
            robots,
        })))
    }

    /// This node's broadcast of notice changes, for live console sessions.
    pub fn live(&self) -> &live::LiveNotices {
        &self.0.live
    }

    /// Adds the capability's handlers and schedules to the worker.
    pub fn add_work(&self, worker: jobs::Worker) -> jobs::Worker {
        worker
            .handle(FanOut(self.clone()))
            .handle(DeliverySweep(self.clone()))
            .handle(RobotSend(self.clone()))
            .every(jobs::Schedule {
                kind: DELIVERY_SWEEP,
                every_ms: domain::time::MINUTE_MS,
            })
    }
}

/// A notice as staff see it.
#[derive(Clone, Debug, Serialize)]
pub struct NoticeView {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub category: NoticeCategory,
    pub priority: NoticePriority,
    pub requires_ack: bool,
    pub audience: Vec<AudienceRule>,
    pub unit_id: i64,
    pub author_id: UserId,
    pub author_name: String,
    pub reviewer_id: Option<UserId>,
    pub reviewer_name: Option<String>,
    pub status: NoticeStatus,
    /// The edition: 1, then one more per correction.
    pub edition: i64,
    /// The version an edit names, so that a change made meanwhile is not overwritten.
    pub version: i64,
    pub effective_at: Option<Timestamp>,
    pub expires_at: Option<Timestamp>,
    pub publish_at: Option<Timestamp>,
    pub published_at: Option<Timestamp>,
    pub due_at: Option<Timestamp>,
    pub retracted_at: Option<Timestamp>,
    pub retract_reason: Option<String>,
    pub lead_override_reason: Option<String>,
    pub recipient_count: i64,
    pub correction_count: i64,
    /// The author chose to show it on the public hall screen.
    pub on_hall_screen: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// What the viewer may do now, for the page's buttons.
    pub can: NoticeAbilities,
    /// The viewer's own receipt, when they are a recipient.
    pub own: Option<OwnReceiptView>,
}

/// What the viewing staff member may do with a notice.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct NoticeAbilities {
    pub edit: bool,
    pub submit: bool,
    pub withdraw: bool,
    pub review: bool,
    pub correct: bool,
    pub retract: bool,
    pub see_receipts: bool,
    pub remind: bool,
    /// Who it is for, in words and names: its author, reviewer and the office, not every
    /// recipient.
    pub see_audience: bool,
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct OwnReceiptView {
    pub state: ReceiptState,
    pub read_at: Option<Timestamp>,
    pub acknowledged_at: Option<Timestamp>,
    /// The notice asks for "已知悉" and it has not been given.
    pub must_acknowledge: bool,
}

/// One entry of a notice's timeline.
#[derive(Clone, Debug, Serialize)]
pub struct NoticeEventView {
    pub at: Timestamp,
    pub actor: Option<String>,
    pub action: String,
    pub comment: Option<String>,
}

pub(crate) fn parse_row(row: &NoticeRow) -> ServiceResult<ParsedNotice> {
    let corrupt = |what: &str| ServiceError::Internal(format!("notice {}: bad {what}", row.id));
    Ok(ParsedNotice {
        status: NoticeStatus::parse(&row.status).ok_or_else(|| corrupt("status"))?,
        priority: NoticePriority::parse(&row.priority).ok_or_else(|| corrupt("priority"))?,
        category: NoticeCategory::parse(&row.category).ok_or_else(|| corrupt("category"))?,
        audience: serde_json::from_str(&row.audience).map_err(|_| corrupt("audience"))?,
    })
}

/// The coded columns of a notice row, parsed.
pub(crate) struct ParsedNotice {
    pub status: NoticeStatus,
    pub priority: NoticePriority,
    pub category: NoticeCategory,
    pub audience: Vec<AudienceRule>,
}

fn path_of(row: &NoticeRow) -> UnitPath {
    UnitPath::from_stored(row.unit_path.clone())
}

/// Whether `staff` is the office over the notice's unit.
fn is_office(staff: &Staff, row: &NoticeRow) -> bool {
    staff.actor.can(Permission::ManageNotices, &path_of(row))
}

/// What the review chain needs to know about a notice: its author, its unit and the
/// reviewer its author named.
fn review_facts(row: &NoticeRow) -> ItemFacts {
    ItemFacts {
        author: UserId(row.author_id),
        unit: path_of(row),
        authors_department_head: None,
        chosen_reviewer: row.reviewer_id.map(UserId),
        targets: Vec::new(),
    }
}

/// The notice's review (审核) on the shared chain, once it was sent for one.
fn stored_review(row: &NoticeRow) -> ServiceResult<Option<Review>> {
    match (&row.review_chain, &row.review_progress, row.review_version) {
        (Some(chain), Some(progress), Some(version)) => {
            Review::from_stored(chain, progress, version).map(Some)
        }
        _ => Ok(None),
    }
}

/// Whether `staff` may decide the step of the notice's review waiting now: not its author,
/// and a reviewer of that step. A review that cannot be read lets nobody decide.
fn may_review(staff: &Staff, row: &NoticeRow) -> bool {
    stored_review(row)
        .ok()
        .flatten()
        .is_some_and(|r| r.may_decide(&staff.actor, &review_facts(row)))
}

/// Whether `staff` may see who a notice is for: its author, its reviewer (chosen, or able
/// to take it while it waits for review) and the office over its unit. A recipient sees
/// the notice, not the list of everyone else it went to.
fn may_see_audience(staff: &Staff, row: &NoticeRow, status: NoticeStatus) -> bool {
    let me = staff.actor.user_id.0;
    row.author_id == me
        || row.reviewer_id == Some(me)
        || is_office(staff, row)
        || (status == NoticeStatus::InReview && may_review(staff, row))
}

impl Notices {
    /// The institution's delivery deadlines (settings key `notices`).
    pub(crate) async fn delivery_policy(&self, tenant: TenantId) -> ServiceResult<DeliveryPolicy> {
        let settings = store::tenants::find(self.db(), tenant)
            .await?
            .map(|t| t.settings)
            .unwrap_or_default();
        Ok(serde_json::from_str::<serde_json::Value>(&settings)
            .ok()
            .and_then(|v| serde_json::from_value(v.get("notices")?.clone()).ok())
            .unwrap_or_default())
    }

    /// Loads a notice the staff member may see: its author, its reviewer, a recipient, or
    /// the office over its unit. Anyone else gets `NotFound`, so ids reveal nothing.
    pub(crate) async fn visible_notice(&self, staff: &Staff, id: i64) -> ServiceResult<NoticeRow> {
        let tenant = staff.actor.tenant_id;
        let row = store::notices::find(self.db(), tenant, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let me = staff.actor.user_id.0;
        if row.author_id == me || row.reviewer_id == Some(me) || is_office(staff, &row) {
            return Ok(row);
        }
        let status = parse_row(&row)?.status;
        if status == NoticeStatus::InReview && may_review(staff, &row) {
            return Ok(row);
        }
        if store::notices::own_receipt(self.db(), tenant, id, staff.actor.user_id)
            .await?
            .is_some()
        {
            return Ok(row);
        }
        Err(ServiceError::NotFound)
    }

    /// A notice with what the viewer may do and their own receipt.
    pub async fn notice(&self, staff: &Staff, id: i64) -> ServiceResult<NoticeView> {
        let row = self.visible_notice(staff, id).await?;
        self.notice_view(staff, row).await
    }

    pub(crate) async fn notice_view(
        &self,
        staff: &Staff,
        row: NoticeRow,
    ) -> ServiceResult<NoticeView> {
        let tenant = staff.actor.tenant_id;
        let parsed = parse_row(&row)?;
        let me = staff.actor.user_id;
        let author = row.author_id == me.0;
        let office = is_office(staff, &row);
        let own = store::notices::own_receipt(self.db(), tenant, row.id, me)
            .await?
            .map(|r| {
                let read_at = r.read_at.map(Timestamp);
                let acknowledged_at = r.acknowledged_at.map(Timestamp);
                OwnReceiptView {
                    state: ReceiptState::of(read_at, acknowledged_at),
                    read_at,
                    acknowledged_at,
                    must_acknowledge: row.requires_ack
                        && acknowledged_at.is_none()
                        && parsed.status == NoticeStatus::Published,
                }
            });
        let allowed =
            |action: NoticeAction| domain::notice::transition(parsed.status, action).is_ok();
        let published = parsed.status == NoticeStatus::Published;
        let can = NoticeAbilities {
            edit: author && parsed.status.is_editable(),
            submit: author && allowed(NoticeAction::Submit),
            withdraw: author && allowed(NoticeAction::Withdraw),
            review: allowed(NoticeAction::Approve) && may_review(staff, &row),
            correct: (author || office) && published,
            retract: (author || office) && allowed(NoticeAction::Retract),
            see_receipts: (author || office) && row.published_at.is_some(),
            remind: (author || office) && published,
            see_audience: may_see_audience(staff, &row, parsed.status),
        };
        let names = self
            .user_names(&[Some(row.author_id), row.reviewer_id])
            .await?;
        let name = |id: Option<i64>| id.and_then(|id| names.get(&id).cloned());
        Ok(NoticeView {
            id: row.id,
            author_name: name(Some(row.author_id)).unwrap_or_default(),
            reviewer_name: name(row.reviewer_id),
            title: row.title,
            body: row.body,
            category: parsed.category,
            priority: parsed.priority,
            requires_ack: row.requires_ack,
            audience: parsed.audience,
            unit_id: row.unit_id,
            author_id: UserId(row.author_id),
            reviewer_id: row.reviewer_id.map(UserId),
            status: parsed.status,
            edition: row.edition,
            version: row.version,
            effective_at: row.effective_at.map(Timestamp),
            expires_at: row.expires_at.map(Timestamp),
            publish_at: row.publish_at.map(Timestamp),
            published_at: row.published_at.map(Timestamp),
            due_at: row.due_at.map(Timestamp),
            retracted_at: row.retracted_at.map(Timestamp),
            retract_reason: row.retract_reason,
            lead_override_reason: row.lead_override_reason,
            recipient_count: row.recipient_count,
            correction_count: row.correction_count,
            on_hall_screen: row.on_hall_screen,
            created_at: Timestamp(row.created_at),
            updated_at: Timestamp(row.updated_at),
            can,
            own,
        })
    }

    /// The notice's timeline: review decisions, publishing, corrections, reminders.
    pub async fn notice_events(
        &self,
        staff: &Staff,
        id: i64,
    ) -> ServiceResult<Vec<NoticeEventView>> {
        let row = self.visible_notice(staff, id).await?;
        let me = staff.actor.user_id.0;
        // Recipients see the notice, not how it was made.
        if row.author_id != me
            && row.reviewer_id != Some(me)
            && !is_office(staff, &row)
            && !may_review(staff, &row)
        {
            return Ok(Vec::new());
        }
        Ok(store::notices::events(self.db(), staff.actor.tenant_id, id)
            .await?
            .into_iter()
            .map(|e| NoticeEventView {
                at: Timestamp(e.created_at),
                actor: e.actor_name,
                action: e.action,
                comment: e.comment,
            })
            .collect())
    }

    async fn user_names(
        &self,
        ids: &[Option<i64>],
    ) -> ServiceResult<std::collections::HashMap<i64, String>> {
        let mut names = std::collections::HashMap::new();
        for id in ids.iter().flatten() {
            if names.contains_key(id) {
                continue;
            }
            if let Some(u) = store::users::find(self.db(), UserId(*id)).await? {
                names.insert(*id, u.display_name);
            }
        }
        Ok(names)
    }
}

/// The department a staff member belongs to, for receipts and escalation: their first
/// department grant.
pub(crate) fn department_of(grants: &[store::users::GrantRow], user: i64) -> Option<DepartmentId> {
    grants
        .iter()
        .filter(|g| g.user_id == user)
        .find_map(|g| g.department_id)
        .map(DepartmentId)
}
