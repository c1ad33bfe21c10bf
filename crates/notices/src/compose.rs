//! Drafting notices: the author's form, checked field by field, and the lists staff see.

use super::{NoticeView, is_office, parse_row};
use crate::{Notices, ServiceError, ServiceResult, Staff};
use domain::notice::{AudienceRule, NoticeCategory, NoticePriority, NoticeStatus};
use domain::{Checks, FieldError, Permission, Timestamp, UnitId, UnitPath, UserId};
use i18n::Key;
use store::notices::{NewNotice, NoticeChange, NoticeFilter, NoticeRow, Units};

pub const TITLE_MAX: usize = 100;
pub const BODY_MAX: usize = 20_000;
pub const REASON_MAX: usize = 500;
/// Attachments: at most this many per notice, each at most this size.
pub const ATTACHMENTS_MAX: usize = 10;
pub const ATTACHMENT_BYTES_MAX: usize = 10 * 1024 * 1024;

/// What the author fills in. Times are already parsed by the caller; unparseable input is
/// reported by the caller under the same field names.
#[derive(Clone, Debug, Default)]
pub struct NoticeDraft {
    pub title: String,
    pub body: String,
    pub category: String,
    pub priority: String,
    pub requires_ack: bool,
    pub audience: Vec<AudienceRule>,
    /// The unit the notice belongs to; defaults to the author's own.
    pub unit: Option<UnitId>,
    pub effective_at: Option<Timestamp>,
    pub expires_at: Option<Timestamp>,
    /// When to publish once approved; `None` publishes on approval.
    pub publish_at: Option<Timestamp>,
    /// Who reviews it; `None` asks for the default (the author's supervisor).
    pub reviewer: Option<UserId>,
    /// An office director publishing a long-term notice late says why.
    pub lead_override_reason: Option<String>,
    /// Show it on the public hall screen too: only for a notice to whole units, and only
    /// when the author ticks it.
    pub on_hall_screen: bool,
}

/// Which notices a list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeListFilter {
    /// The staff member's own drafts and sent notices.
    Mine,
    /// Waiting for this staff member's review.
    ToReview,
    /// Everything in the office's units.
    Office,
}

/// A draft's checked values.
struct Checked {
    title: String,
    body: String,
    category: NoticeCategory,
    priority: NoticePriority,
    unit: store::org::UnitRow,
    audience: String,
    reviewer: Option<i64>,
    lead_override_reason: Option<String>,
}

impl Notices {
    /// Saves a new draft. A retry or double click with the same `submission_key` gives the
    /// first draft back instead of a second one.
    pub async fn create_notice(
        &self,
        staff: &Staff,
        draft: &NoticeDraft,
        submission_key: Option<&str>,
    ) -> ServiceResult<i64> {
        let tenant = staff.actor.tenant_id;
        if let Some(key) = submission_key
            && let Some(existing) =
                store::notices::find_by_submission_key(self.db(), tenant, key).await?
            && existing.author_id == staff.actor.user_id.0
        {
            return Ok(existing.id);
        }
        let checked = self.check_draft(staff, draft).await?;
        let now = self.now();
        let tx = self.db().begin().await?;
        let id = store::notices::insert(
            &tx,
            tenant,
            NewNotice {
                unit_id: checked.unit.id,
                unit_path: checked.unit.unit_path(),
                author: staff.actor.user_id,
                reviewer: checked.reviewer,
                title: checked.title.clone(),
                body: checked.body,
                category: checked.category,
                priority: checked.priority,
                requires_ack: draft.requires_ack,
                audience: checked.audience,
                effective_at: draft.effective_at,
                expires_at: draft.expires_at,
                publish_at: draft.publish_at,
                lead_override_reason: checked.lead_override_reason,
                on_hall_screen: draft.on_hall_screen,
                submission_key: submission_key.map(str::to_owned),
            },
            now,
        )
        .await?;
        store::notices::insert_event(
            &tx,
            tenant,
            id,
            Some(staff.actor.user_id),
            "created",
            None,
            now,
        )
        .await?;
        self.audit(
            &tx,
            staff,
            "notice.create",
            "notice",
            id,
            None,
            Some(serde_json::json!({ "title": checked.title })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes a draft (or a notice sent back for changes). `seen_version` is the version
    /// the author edited: if someone changed it since, nothing is saved (`Conflict`).
    pub async fn update_notice(
        &self,
        staff: &Staff,
        id: i64,
        draft: &NoticeDraft,
        seen_version: i64,
    ) -> ServiceResult<()> {
        let row = self.visible_notice(staff, id).await?;
        let status = parse_row(&row)?.status;
        if row.author_id != staff.actor.user_id.0 {
            return Err(ServiceError::Forbidden);
        }
        if !status.is_editable() {
            return Err(ServiceError::refused(Key::notice_err_not_editable));
        }
        let checked = self.check_draft(staff, draft).await?;
        let tenant = staff.actor.tenant_id;
        let now = self.now();
        let tx = self.db().begin().await?;
        let changed = store::notices::update(
            &tx,
            tenant,
            id,
            seen_version,
            vec![
                NoticeChange::Unit {
                    id: checked.unit.id,
                    path: checked.unit.unit_path(),
                },
                NoticeChange::Reviewer(checked.reviewer),
                NoticeChange::Title(checked.title.clone()),
                NoticeChange::Body(checked.body),
                NoticeChange::Category(checked.category),
                NoticeChange::Priority(checked.priority),
                NoticeChange::RequiresAck(draft.requires_ack),
                NoticeChange::Audience(checked.audience),
                NoticeChange::EffectiveAt(draft.effective_at),
                NoticeChange::ExpiresAt(draft.expires_at),
                NoticeChange::PublishAt(draft.publish_at),
                NoticeChange::LeadOverrideReason(checked.lead_override_reason),
                NoticeChange::OnHallScreen(draft.on_hall_screen),
            ],
            now,
        )
        .await?;
        if changed == 0 {
            return Err(ServiceError::Conflict);
        }
        self.audit(
            &tx,
            staff,
            "notice.edit",
            "notice",
            id,
            Some(serde_json::json!({ "title": row.title })),
            Some(serde_json::json!({ "title": checked.title })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Checks every field and names each one that is wrong.
    async fn check_draft(&self, staff: &Staff, draft: &NoticeDraft) -> ServiceResult<Checked> {
        let tenant = staff.actor.tenant_id;
        let mut checks = Checks::new();
        let title = checks.text("title", &draft.title, TITLE_MAX);
        let body = checks.text("body", &draft.body, BODY_MAX);
        let category = NoticeCategory::parse(&draft.category);
        if category.is_none() {
            checks.push(FieldError::new("category", Key::err_choice));
        }
        let priority = NoticePriority::parse(&draft.priority);
        if priority.is_none() {
            checks.push(FieldError::new("priority", Key::err_choice));
        }
        let unit = match draft.unit.or_else(|| self.own_unit(staff)) {
            Some(u) => store::org::find_unit(self.db(), tenant, u).await?,
            None => None,
        };
        let Some(unit) = unit.filter(|u| may_write_at(staff, &u.unit_path())) else {
            checks.push(FieldError::new("unit", Key::notice_err_unit));
            return Err(checks
                .finish()
                .err()
                .map_or(ServiceError::Forbidden, Into::into));
        };
        self.check_audience(&mut checks, staff, &unit.unit_path(), &draft.audience)
            .await?;
        // The hall screen needs no sign-in: what goes there is for everyone in the units.
        if draft.on_hall_screen && !domain::notice::may_show_on_hall_screen(&draft.audience) {
            checks.push(FieldError::new(
                "on_hall_screen",
                Key::notice_err_hall_screen_whole_unit,
            ));
        }
        if let (Some(from), Some(to)) = (draft.effective_at, draft.expires_at)
            && to <= from
        {
            checks.push(FieldError::new(
                "expires_at",
                Key::notice_err_expires_before,
            ));
        }
        if let Some(at) = draft.publish_at
            && at < self.now()
        {
            checks.push(FieldError::new("publish_at", Key::notice_err_publish_past));
        }
        let reviewer = match draft.reviewer {
            Some(r) if r == staff.actor.user_id => {
                checks.push(FieldError::new("reviewer", Key::notice_err_own_review));
                None
            }
            Some(r) => {
                if !self
                    .eligible_reviewers(staff, &unit.unit_path())
                    .await?
                    .iter()
                    .any(|(id, _)| *id == r)
                {
                    checks.push(FieldError::new("reviewer", Key::notice_err_reviewer));
                }
                Some(r.0)
            }
            // "My supervisor" must be somebody: said here, next to the field, rather than
            // when the notice is sent for review.
            None => {
                if self
                    .default_reviewer_at(staff, &unit.unit_path())
                    .await?
                    .is_none()
                {
                    checks.push(FieldError::new("reviewer", Key::notice_err_no_reviewer));
                }
                None
            }
        };
        let lead_override_reason = checks.optional_text(
            "lead_override_reason",
            draft.lead_override_reason.as_deref(),
            REASON_MAX,
        );
        if lead_override_reason.is_some()
            && !staff
                .actor
                .can(Permission::OverrideNoticeLead, &unit.unit_path())
        {
            checks.push(FieldError::new(
                "lead_override_reason",
                Key::notice_err_override_director,
            ));
        }
        checks.finish()?;
        let audience = serde_json::to_string(&draft.audience)
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        Ok(Checked {
            title,
            body,
            // Both checked above: `finish` failed otherwise.
            category: category.ok_or(ServiceError::Internal("category".into()))?,
            priority: priority.ok_or(ServiceError::Internal("priority".into()))?,
            unit,
            audience,
            reviewer,
            lead_override_reason,
        })
    }

    /// Every audience rule names something of this institution inside the notice's unit.
    async fn check_audience(
        &self,
        checks: &mut Checks,
        staff: &Staff,
        unit: &UnitPath,
        rules: &[AudienceRule],
    ) -> ServiceResult<()> {
        if rules.is_empty() {
            checks.push(FieldError::new("audience", Key::notice_err_audience_empty));
            return Ok(());
        }
        let tenant = staff.actor.tenant_id;
        let units = store::org::units(self.db(), tenant).await?;
        let departments = store::org::departments(self.db(), tenant).await?;
        let inside = |unit_id: i64| {
            units
                .iter()
                .find(|u| u.id == unit_id)
                .is_some_and(|u| u.unit_path().is_within(unit))
        };
        for rule in rules {
            let ok = match rule {
                AudienceRule::Person { user } => store::users::find(self.db(), *user)
                    .await?
                    .is_some_and(|u| u.tenant_id == tenant.0 && u.active),
                AudienceRule::Department { department } => departments
                    .iter()
                    .any(|d| d.id == department.0 && inside(d.unit_id)),
                AudienceRule::Role { .. } => true,
                AudienceRule::Unit { unit: u } => inside(u.0),
            };
            if !ok {
                checks.push(FieldError::new(
                    "audience",
                    Key::notice_err_audience_outside,
                ));
                break;
            }
        }
        Ok(())
    }

    /// The unit of the staff member's first grant that lets them write notices.
    fn own_unit(&self, staff: &Staff) -> Option<UnitId> {
        staff
            .actor
            .grants
            .iter()
            .find(|g| g.role.permissions().contains(&Permission::WriteNotices))
            .and_then(|g| g.scope.ids().last().copied())
    }

    /// The reviewer a notice of `row`'s goes to when its author names none.
    pub(crate) async fn default_reviewer(
        &self,
        staff: &Staff,
        row: &NoticeRow,
    ) -> ServiceResult<Option<i64>> {
        let path = UnitPath::from_stored(row.unit_path.clone());
        self.default_reviewer_at(staff, &path).await
    }

    /// Who reviews the staff member's notice at `unit` if they name nobody, with their name,
    /// for the form to say so — or `None`, when they have no supervisor (the office director
    /// heading their own department, say) and must choose.
    pub async fn default_reviewer_for(
        &self,
        staff: &Staff,
        unit: &UnitPath,
    ) -> ServiceResult<Option<(UserId, String)>> {
        let Some(id) = self.default_reviewer_at(staff, unit).await? else {
            return Ok(None);
        };
        Ok(store::users::find(self.db(), UserId(id))
            .await?
            .map(|u| (UserId(u.id), u.display_name)))
    }

    /// The author's supervisor: the head of their department, else an office director
    /// over the notice's unit — never the author.
    async fn default_reviewer_at(
        &self,
        staff: &Staff,
        path: &UnitPath,
    ) -> ServiceResult<Option<i64>> {
        let tenant = staff.actor.tenant_id;
        let me = staff.actor.user_id.0;
        let departments = store::org::departments(self.db(), tenant).await?;
        let own_department = staff.actor.grants.iter().find_map(|g| g.department);
        if let Some(head) = own_department
            .and_then(|d| departments.iter().find(|x| x.id == d.0))
            .and_then(|d| d.head_user_id)
            .filter(|h| *h != me)
        {
            return Ok(Some(head));
        }
        let grants = store::users::grants_in(self.db(), tenant).await?;
        let users = store::users::list(self.db(), tenant).await?;
        let mut directors: Vec<(usize, i64)> = grants
            .iter()
            .filter(|g| g.role == domain::Role::OfficeDirector.as_str() && g.user_id != me)
            .filter(|g| path.is_within(&UnitPath::from_stored(g.unit_path.clone())))
            .filter(|g| users.iter().any(|u| u.id == g.user_id && u.active))
            // The nearest director first: the longest scope path.
            .map(|g| (g.unit_path.len(), g.user_id))
            .collect();
        directors.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        Ok(directors.first().map(|(_, id)| *id))
    }

    /// Notices for a list, newest first.
    pub async fn list(
        &self,
        staff: &Staff,
        filter: NoticeListFilter,
        limit: u64,
    ) -> ServiceResult<Vec<NoticeView>> {
        let mut query = NoticeFilter {
            limit: Some(std::cmp::min(limit, 500)),
            ..NoticeFilter::default()
        };
        match filter {
            NoticeListFilter::Mine => query.author = Some(staff.actor.user_id),
            NoticeListFilter::ToReview => query.status = Some(NoticeStatus::InReview),
            NoticeListFilter::Office => {
                let scopes = staff.actor.scopes(Permission::ManageNotices);
                if scopes.is_empty() {
                    return Err(ServiceError::Forbidden);
                }
                query.units = Units::Within(scopes.into_iter().cloned().collect());
            }
        }
        let rows = store::notices::list(self.db(), staff.actor.tenant_id, &query).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            if filter == NoticeListFilter::ToReview && !super::may_review(staff, &row) {
                continue;
            }
            if filter == NoticeListFilter::Office && !is_office(staff, &row) {
                continue;
            }
            out.push(self.notice_view(staff, row).await?);
        }
        Ok(out)
    }
}

/// May write notices for the unit at `path`: a unit-wide grant over it, or a department
/// grant at exactly that unit.
fn may_write_at(staff: &Staff, path: &UnitPath) -> bool {
    staff.actor.can(Permission::WriteNotices, path)
        || staff.actor.grants.iter().any(|g| {
            g.department.is_some()
                && g.role.permissions().contains(&Permission::WriteNotices)
                && g.scope == *path
        })
}

/// A file attached to a notice, as lists show it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct AttachmentView {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
}

impl Notices {
    /// Attaches a file to a draft; only its author may, and only while it can be edited.
    pub async fn attach_to_notice(
        &self,
        staff: &Staff,
        id: i64,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> ServiceResult<i64> {
        let row = self.visible_notice(staff, id).await?;
        if row.author_id != staff.actor.user_id.0 {
            return Err(ServiceError::Forbidden);
        }
        if !parse_row(&row)?.status.is_editable() {
            return Err(ServiceError::refused(Key::notice_err_not_editable));
        }
        let mut checks = Checks::new();
        let file_name = checks.text("attachment", file_name, 200);
        if bytes.is_empty() || bytes.len() > ATTACHMENT_BYTES_MAX {
            checks.push(
                FieldError::new("attachment", Key::notice_err_attachment_size)
                    .with("mb", ATTACHMENT_BYTES_MAX / 1024 / 1024),
            );
        }
        let tenant = staff.actor.tenant_id;
        if store::notices::attachments(self.db(), tenant, id)
            .await?
            .len()
            >= ATTACHMENTS_MAX
        {
            checks.push(
                FieldError::new("attachment", Key::notice_err_attachment_count)
                    .with("max", ATTACHMENTS_MAX),
            );
        }
        checks.finish()?;
        let tx = self.db().begin().await?;
        let attachment = store::notices::insert_attachment(
            &tx,
            tenant,
            id,
            &file_name,
            content_type,
            bytes,
            self.now(),
        )
        .await?;
        self.audit(
            &tx,
            staff,
            "notice.attach",
            "notice",
            id,
            None,
            Some(serde_json::json!({ "file": file_name })),
        )
        .await?;
        tx.commit().await?;
        Ok(attachment)
    }

    pub async fn notice_attachments(
        &self,
        staff: &Staff,
        id: i64,
    ) -> ServiceResult<Vec<AttachmentView>> {
        self.visible_notice(staff, id).await?;
        Ok(
            store::notices::attachments(self.db(), staff.actor.tenant_id, id)
                .await?
                .into_iter()
                .map(|a| AttachmentView {
                    id: a.id,
                    file_name: a.file_name,
                    content_type: a.content_type,
                    size: a.size,
                })
                .collect(),
        )
    }

    /// A file for download, if the staff member may see its notice.
    pub async fn notice_attachment_file(
        &self,
        staff: &Staff,
        attachment: i64,
    ) -> ServiceResult<store::notices::AttachmentFile> {
        let file = store::notices::attachment_file(self.db(), staff.actor.tenant_id, attachment)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.visible_notice(staff, file.notice_id).await?;
        Ok(file)
    }

    pub async fn remove_notice_attachment(
        &self,
        staff: &Staff,
        id: i64,
        attachment: i64,
    ) -> ServiceResult<()> {
        let row = self.visible_notice(staff, id).await?;
        if row.author_id != staff.actor.user_id.0 {
            return Err(ServiceError::Forbidden);
        }
        if !parse_row(&row)?.status.is_editable() {
            return Err(ServiceError::refused(Key::notice_err_not_editable));
        }
        let tx = self.db().begin().await?;
        if store::notices::delete_attachment(&tx, staff.actor.tenant_id, id, attachment).await? > 0
        {
            self.audit(
                &tx,
                staff,
                "notice.detach",
                "notice",
                id,
                None,
                Some(serde_json::json!({ "attachment": attachment })),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
