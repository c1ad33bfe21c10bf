//! Reading and acknowledging, the recipient's own list and badge, and the receipts view
//! the author and the office see. Recipients never see each other's status.

use super::{is_office, parse_row};
use crate::{ServiceError, ServiceResult, Services, Staff};
use domain::notice::{NoticeCategory, NoticePriority, NoticeStatus, ReceiptState};
use domain::{DepartmentId, Timestamp};
use i18n::Key;
use serde::Serialize;
use store::notices::{InboxRow, RecipientFilter, RecipientRow};

/// How a reader came to the notice: the console, or a link in an e-mail, SMS or robot post.
pub const READ_VIA: [&str; 4] = ["console", "email", "sms", "robot"];

/// One recipient in the receipts view.
#[derive(Clone, Debug, Serialize)]
pub struct ReceiptLine {
    pub user_id: i64,
    pub name: String,
    pub department: Option<String>,
    pub state: ReceiptState,
    pub delivered_at: Timestamp,
    pub read_at: Option<Timestamp>,
    pub read_via: Option<String>,
    pub acknowledged_at: Option<Timestamp>,
    /// `queued`, `sent` or `failed`; `None` when no e-mail went (no address).
    pub email: Option<String>,
    pub email_at: Option<Timestamp>,
    pub email_error: Option<String>,
    pub sms: Option<String>,
    pub sms_at: Option<Timestamp>,
    pub sms_error: Option<String>,
    pub reminders: i64,
}

/// A notice's receipts: the counts and the filtered lines.
#[derive(Clone, Debug, Serialize)]
pub struct ReceiptsView {
    pub notice_id: i64,
    pub title: String,
    pub requires_ack: bool,
    pub published_at: Option<Timestamp>,
    pub due_at: Option<Timestamp>,
    pub total: i64,
    pub read: i64,
    pub acknowledged: i64,
    pub failures: usize,
    /// Departments present among the recipients, for the filter.
    pub departments: Vec<(i64, String)>,
    pub lines: Vec<ReceiptLine>,
}

/// A notice in the recipient's own list.
#[derive(Clone, Debug, Serialize)]
pub struct InboxNotice {
    pub id: i64,
    pub title: String,
    pub category: Option<NoticeCategory>,
    pub priority: Option<NoticePriority>,
    pub requires_ack: bool,
    pub retracted: bool,
    pub version: i64,
    pub published_at: Option<Timestamp>,
    pub state: ReceiptState,
    /// Still asking for attention: unread, or not acknowledged where asked.
    pub pending: bool,
}

impl From<InboxRow> for InboxNotice {
    fn from(r: InboxRow) -> Self {
        let state = ReceiptState::of(r.read_at.map(Timestamp), r.acknowledged_at.map(Timestamp));
        let retracted = r.status == NoticeStatus::Retracted.as_str();
        InboxNotice {
            pending: !retracted && !state.reached(r.requires_ack),
            id: r.id,
            title: r.title,
            category: NoticeCategory::parse(&r.category),
            priority: NoticePriority::parse(&r.priority),
            requires_ack: r.requires_ack,
            retracted,
            version: r.version,
            published_at: r.published_at.map(Timestamp),
            state,
        }
    }
}

impl Services {
    /// The staff member opened the notice: recorded once, with how they came.
    pub async fn read_notice(&self, staff: &Staff, id: i64, via: &str) -> ServiceResult<()> {
        let via = READ_VIA
            .iter()
            .find(|v| **v == via)
            .copied()
            .unwrap_or("console");
        let tenant = staff.actor.tenant_id;
        if store::notices::mark_read(self.db(), tenant, id, staff.actor.user_id, via, self.now())
            .await?
            > 0
        {
            self.live().published(tenant, id);
        }
        Ok(())
    }

    /// "已知悉": the recipient confirms. A second click changes nothing.
    pub async fn acknowledge_notice(&self, staff: &Staff, id: i64) -> ServiceResult<()> {
        let tenant = staff.actor.tenant_id;
        let row = self.visible_notice(staff, id).await?;
        if parse_row(&row)?.status != NoticeStatus::Published {
            return Err(ServiceError::refused(Key::notice_err_transition));
        }
        if store::notices::own_receipt(self.db(), tenant, id, staff.actor.user_id)
            .await?
            .is_none()
        {
            return Err(ServiceError::Forbidden);
        }
        if store::notices::acknowledge(self.db(), tenant, id, staff.actor.user_id, self.now())
            .await?
            > 0
        {
            self.live().published(tenant, id);
        }
        Ok(())
    }

    /// The staff member's notices, newest first, 50 a page.
    pub async fn my_notices(
        &self,
        staff: &Staff,
        pending_only: bool,
        page: u64,
    ) -> ServiceResult<Vec<InboxNotice>> {
        let rows = store::notices::inbox(
            self.db(),
            staff.actor.tenant_id,
            staff.actor.user_id,
            pending_only,
            50,
            page * 50,
        )
        .await?;
        Ok(rows.into_iter().map(InboxNotice::from).collect())
    }

    /// The number on the console's badge: notices still asking for attention.
    pub async fn pending_notice_count(&self, staff: &Staff) -> ServiceResult<i64> {
        Ok(
            store::notices::unread_count(self.db(), staff.actor.tenant_id, staff.actor.user_id)
                .await?,
        )
    }

    /// Who has read, acknowledged or not, for the author and the office.
    pub async fn notice_receipts(
        &self,
        staff: &Staff,
        id: i64,
        department: Option<DepartmentId>,
        state: Option<ReceiptState>,
    ) -> ServiceResult<ReceiptsView> {
        let row = self.visible_notice(staff, id).await?;
        if row.author_id != staff.actor.user_id.0 && !is_office(staff, &row) {
            return Err(ServiceError::Forbidden);
        }
        let tenant = staff.actor.tenant_id;
        let counts = store::notices::receipt_counts(self.db(), tenant, id).await?;
        let all =
            store::notices::recipients(self.db(), tenant, id, None, RecipientFilter::All).await?;
        let mut departments: Vec<(i64, String)> = all
            .iter()
            .filter_map(|r| Some((r.department_id?, r.department_name.clone()?)))
            .collect();
        departments.sort();
        departments.dedup();
        let failures = all
            .iter()
            .filter(|r| {
                r.email_status.as_deref() == Some(store::outbox::FAILED)
                    || r.sms_status.as_deref() == Some(store::outbox::FAILED)
            })
            .count();
        let lines = all
            .into_iter()
            .filter(|r| department.is_none_or(|d| r.department_id == Some(d.0)))
            .map(receipt_line)
            .filter(|l| state.is_none_or(|s| l.state == s))
            .collect();
        Ok(ReceiptsView {
            notice_id: id,
            title: row.title,
            requires_ack: row.requires_ack,
            published_at: row.published_at.map(Timestamp),
            due_at: row.due_at.map(Timestamp),
            total: counts.total,
            read: counts.read,
            acknowledged: counts.acknowledged,
            failures,
            departments,
            lines,
        })
    }
}

fn receipt_line(r: RecipientRow) -> ReceiptLine {
    let read_at = r.read_at.map(Timestamp);
    let acknowledged_at = r.acknowledged_at.map(Timestamp);
    ReceiptLine {
        user_id: r.user_id,
        name: r.display_name,
        department: r.department_name,
        state: ReceiptState::of(read_at, acknowledged_at),
        delivered_at: Timestamp(r.delivered_at),
        read_at,
        read_via: r.read_via,
        acknowledged_at,
        email: r.email_status,
        email_at: r.email_sent_at.map(Timestamp),
        email_error: r.email_error,
        sms: r.sms_status,
        sms_at: r.sms_sent_at.map(Timestamp),
        sms_error: r.sms_error,
        reminders: r.reminded_steps,
    }
}
