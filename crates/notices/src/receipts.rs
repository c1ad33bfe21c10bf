//! Reading and acknowledging, the recipient's own list and badge, and the receipts view
//! the author and the office see. Recipients never see each other's status.

use super::{is_office, parse_row};
use crate::{Notices, ServiceError, ServiceResult, Staff};
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
    /// Recipients matching the filters (all pages).
    pub matching: i64,
    /// This page (from 0) and how many there are; every line is on page 0 of an export.
    pub page: u64,
    pub pages: u64,
    pub lines: Vec<ReceiptLine>,
}

/// Lines per page of the receipts view.
pub const RECEIPTS_PAGE: u64 = 200;

/// A notice in the recipient's own list.
#[derive(Clone, Debug, Serialize)]
pub struct InboxNotice {
    pub id: i64,
    pub title: String,
    pub category: Option<NoticeCategory>,
    pub priority: Option<NoticePriority>,
    pub requires_ack: bool,
    pub retracted: bool,
    pub edition: i64,
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
            edition: r.edition,
            published_at: r.published_at.map(Timestamp),
            state,
        }
    }
}

impl Notices {
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

    /// Who has read, acknowledged or not, for the author and the office: every line (for
    /// exports).
    pub async fn notice_receipts(
        &self,
        staff: &Staff,
        id: i64,
        department: Option<DepartmentId>,
        state: Option<ReceiptState>,
    ) -> ServiceResult<ReceiptsView> {
        self.receipts(staff, id, department, state, None).await
    }

    /// One page of [`RECEIPTS_PAGE`] lines of the receipts, for the page people look at;
    /// the counts cover every recipient.
    pub async fn notice_receipts_page(
        &self,
        staff: &Staff,
        id: i64,
        department: Option<DepartmentId>,
        state: Option<ReceiptState>,
        page: u64,
    ) -> ServiceResult<ReceiptsView> {
        self.receipts(staff, id, department, state, Some(page))
            .await
    }

    async fn receipts(
        &self,
        staff: &Staff,
        id: i64,
        department: Option<DepartmentId>,
        state: Option<ReceiptState>,
        page: Option<u64>,
    ) -> ServiceResult<ReceiptsView> {
        let row = self.visible_notice(staff, id).await?;
        if row.author_id != staff.actor.user_id.0 && !is_office(staff, &row) {
            return Err(ServiceError::Forbidden);
        }
        let tenant = staff.actor.tenant_id;
        // Counts from one aggregate, lines from one (paged) query: the database does the
        // counting and filtering, so ten thousand recipients cost one page to show.
        let summary = store::notices::receipt_summary(self.db(), tenant, id).await?;
        let mut departments: Vec<(i64, String)> = summary
            .iter()
            .filter_map(|d| Some((d.department_id?, d.department_name.clone()?)))
            .collect();
        departments.sort_by(|a, b| a.1.cmp(&b.1));
        let sum = |f: &dyn Fn(&store::notices::DepartmentReceipts) -> i64| -> i64 {
            summary.iter().map(f).sum()
        };
        let matching = sum(&|d| {
            if department.is_some_and(|x| d.department_id != Some(x.0)) {
                return 0;
            }
            match state {
                None => d.total,
                Some(ReceiptState::Unread) => d.total - d.read,
                Some(ReceiptState::Read) => d.read - d.acknowledged,
                Some(ReceiptState::Acknowledged) => d.acknowledged,
            }
        });
        let filter = match state {
            None => RecipientFilter::All,
            Some(ReceiptState::Unread) => RecipientFilter::Unread,
            Some(ReceiptState::Read) => RecipientFilter::ReadOnly,
            Some(ReceiptState::Acknowledged) => RecipientFilter::Acknowledged,
        };
        let window = page.map(|p| (RECEIPTS_PAGE, p * RECEIPTS_PAGE));
        let lines = store::notices::recipients_page(
            self.db(),
            tenant,
            id,
            department.map(|d| d.0),
            filter,
            window,
        )
        .await?
        .into_iter()
        .map(receipt_line)
        .collect();
        Ok(ReceiptsView {
            notice_id: id,
            title: row.title,
            requires_ack: row.requires_ack,
            published_at: row.published_at.map(Timestamp),
            due_at: row.due_at.map(Timestamp),
            total: sum(&|d| d.total),
            read: sum(&|d| d.read),
            acknowledged: sum(&|d| d.acknowledged),
            failures: sum(&|d| d.failed) as usize,
            departments,
            matching,
            page: page.unwrap_or(0),
            pages: (matching.max(0) as u64).div_ceil(RECEIPTS_PAGE).max(1),
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
