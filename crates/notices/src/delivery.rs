//! The delivery sweep: publishes scheduled notices at their minute, reminds unread
//! recipients on the next channel before the deadline, and when it passes tells each
//! department head who in their department has not read (or acknowledged) it.
//!
//! Each step fires once: the notice's plan is on the reminder ledger ([`store::reminders`]),
//! written whenever its state changes, and each due step is claimed there in the same
//! transaction that queues its messages, so two nodes sweeping at once, or a node before
//! and after a restart, do it once.

use super::{is_office, parse_row};
use crate::org::Directory;
use crate::{Notices, ServiceError, ServiceResult, Staff};
use domain::notice::{
    DeliveryStep, MANUAL_REMINDER_COOLDOWN_MS, NoticePriority, NoticeStatus, ReminderChannel,
};
use domain::{TenantId, Timestamp};
use i18n::{Key, Lang, Tr};
use jobs::{Handler, Job, JobError};
use notify::Channel;
use std::collections::{BTreeMap, HashSet};
use store::notices::{NoticeChange, NoticeRow, RecipientFilter, RecipientRow};
use store::reminders::{Subject, SubjectKind as Kind};

pub const DELIVERY_SWEEP: &str = "notice.delivery_sweep";

/// Notices looked at per round of the sweep.
const SWEEP_BATCH: u64 = 50;

/// The notice's plan on the reminder ledger, read off its state: a scheduled notice's
/// publishing; a published notice's reminders and escalation; nothing otherwise.
pub(crate) fn notice_plan(row: &NoticeRow) -> Vec<(&'static str, Timestamp)> {
    match (
        NoticeStatus::parse(&row.status),
        row.published_at,
        row.due_at,
    ) {
        (Some(NoticeStatus::Scheduled), _, _) => {
            vec![(PUBLISH, Timestamp(row.publish_at.unwrap_or(row.updated_at)))]
        }
        (Some(NoticeStatus::Published), Some(published), Some(due_at)) => {
            let priority = NoticePriority::parse(&row.priority).unwrap_or(NoticePriority::Routine);
            domain::notice::delivery_plan(priority, Timestamp(published), Timestamp(due_at))
                .into_iter()
                .map(|(step, at)| (step.code(), at))
                .collect()
        }
        _ => Vec::new(),
    }
}

/// The ledger's step for publishing a scheduled notice at its minute.
const PUBLISH: &str = "publish";

impl Notices {
    /// Writes the notice's plan on the reminder ledger as its state now stands, in the
    /// transaction that changed it.
    pub(crate) async fn replan_notice(
        &self,
        c: &impl store::Conn,
        tenant: TenantId,
        id: i64,
    ) -> ServiceResult<()> {
        let plan = match store::notices::find(c, tenant, id).await? {
            Some(row) => notice_plan(&row),
            None => Vec::new(),
        };
        store::reminders::plan(c, tenant, Subject::Notice(id), &plan).await?;
        Ok(())
    }

    /// Does everything that is due; gives how many notices it acted on.
    pub async fn sweep_notices(&self) -> ServiceResult<usize> {
        let mut acted = 0;
        let mut seen = HashSet::new();
        loop {
            let now = self.now();
            let due =
                store::reminders::due_subjects(self.db(), Kind::Notice, now, SWEEP_BATCH).await?;
            let fresh: Vec<(TenantId, i64)> = due
                .into_iter()
                .map(|d| (d.tenant, d.subject_id))
                .filter(|d| seen.insert(*d))
                .collect();
            if fresh.is_empty() {
                return Ok(acted);
            }
            for (tenant, id) in fresh {
                let Some(row) = store::notices::find(self.db(), tenant, id).await? else {
                    store::reminders::plan(self.db(), tenant, Subject::Notice(id), &[]).await?;
                    continue;
                };
                if self.check_notice(&row, now).await? {
                    acted += 1;
                }
            }
        }
    }

    /// One notice: publish it, or take its due delivery steps, each claimed on the ledger
    /// in the transaction that queues its messages. Gives true when it did something.
    async fn check_notice(&self, row: &NoticeRow, now: Timestamp) -> ServiceResult<bool> {
        if super::publish::is_due_to_publish(row, now) {
            return self.publish_notice(row).await;
        }
        let tenant = TenantId(row.tenant_id);
        let subject = Subject::Notice(row.id);
        let plan = notice_plan(row);
        store::reminders::plan(self.db(), tenant, subject, &plan).await?;
        let parsed = parse_row(row)?;
        let (Some(published), Some(due_at)) = (row.published_at, row.due_at) else {
            return Ok(false);
        };
        let due_at = Timestamp(due_at);
        let steps = domain::notice::delivery_plan(parsed.priority, Timestamp(published), due_at);
        let mut acted = false;
        for (step, _) in steps.into_iter().filter(|(_, at)| *at <= now) {
            let unreached = self.unreached(tenant, row).await?;
            let tx = self.db().begin().await?;
            if !store::reminders::claim(&tx, subject, step.code(), now).await? {
                continue;
            }
            match step {
                _ if step.is_stale(due_at, now) => {}
                DeliveryStep::Remind(r) => {
                    self.remind(&tx, row, &unreached, r.channel, i64::from(r.step))
                        .await?;
                }
                DeliveryStep::Escalate => self.escalate(&tx, row, &unreached).await?,
            }
            tx.commit().await?;
            self.wake_worker();
            acted = true;
        }
        Ok(acted)
    }

    /// Recipients the notice has not reached yet: unread, or not acknowledged where asked.
    async fn unreached(
        &self,
        tenant: TenantId,
        row: &NoticeRow,
    ) -> ServiceResult<Vec<RecipientRow>> {
        let filter = if row.requires_ack {
            RecipientFilter::Unacknowledged
        } else {
            RecipientFilter::Unread
        };
        Ok(store::notices::recipients(self.db(), tenant, row.id, None, filter).await?)
    }

    /// Queues a reminder on `channel` to each recipient who has an address for it.
    async fn remind(
        &self,
        c: &impl store::Conn,
        row: &NoticeRow,
        unreached: &[RecipientRow],
        channel: ReminderChannel,
        step: i64,
    ) -> ServiceResult<()> {
        let tenant = TenantId(row.tenant_id);
        let institution = self.institution(tenant).await?;
        let t = Tr::new(Lang::ZhCn);
        let parsed = parse_row(row)?;
        let (channel, via) = match channel {
            ReminderChannel::Email => (Channel::Email, "email"),
            ReminderChannel::Sms => (Channel::Sms, "sms"),
        };
        let text = t.fill(
            Key::notice_msg_reminder_text,
            &[
                ("institution", &institution.name),
                ("priority", &t.get(parsed.priority.label())),
                ("title", &row.title),
                ("link", &self.notice_link(row.id, Some(via))),
            ],
        );
        let subject = t.fill(Key::notice_msg_reminder_subject, &[("title", &row.title)]);
        let mut reminded = Vec::new();
        for r in unreached {
            let address = match channel {
                Channel::Email => r.email.as_deref(),
                Channel::Sms => r.mobile.as_deref(),
            };
            let Some(address) = address else { continue };
            let subject = (channel == Channel::Email).then_some(subject.as_str());
            let m = self
                .queue_message(c, Some(tenant), channel, address, subject, &text)
                .await?;
            store::notices::set_message(c, tenant, row.id, r.user_id, channel == Channel::Sms, m)
                .await?;
            reminded.push(r.user_id);
        }
        store::notices::mark_reminded(c, tenant, row.id, &reminded, step, self.now()).await?;
        store::notices::insert_event(
            c,
            tenant,
            row.id,
            None,
            &format!("reminded_{}", channel.as_str()),
            Some(&reminded.len().to_string()),
            self.now(),
        )
        .await?;
        Ok(())
    }

    /// Tells each department head (or, without one, the office director over the notice)
    /// who has not been reached, by name.
    async fn escalate(
        &self,
        c: &impl store::Conn,
        row: &NoticeRow,
        unreached: &[RecipientRow],
    ) -> ServiceResult<()> {
        let tenant = TenantId(row.tenant_id);
        let directory = Directory::load(c, tenant).await?;
        let mut by_boss: BTreeMap<i64, Vec<&str>> = BTreeMap::new();
        for r in unreached {
            let bosses = directory.head_of(r.department_id, &row.unit_path);
            for boss in bosses.into_iter().filter(|b| b.id != r.user_id) {
                by_boss.entry(boss.id).or_default().push(&r.display_name);
            }
        }
        let t = Tr::new(Lang::ZhCn);
        let state = t.get(if row.requires_ack {
            Key::notice_msg_not_acknowledged
        } else {
            Key::notice_msg_not_read
        });
        for (boss, names) in &by_boss {
            let Some(user) = directory.user(*boss) else {
                continue;
            };
            let text = t.fill(
                Key::notice_msg_escalation_text,
                &[
                    ("title", &row.title),
                    ("state", &state),
                    ("count", &names.len()),
                    ("names", &names.join("、")),
                    ("link", &self.notice_link(row.id, None)),
                ],
            );
            let subject = t.fill(
                Key::notice_msg_escalation_subject,
                &[("title", &row.title), ("state", &state)],
            );
            let urgent = row.priority == "urgent";
            self.tell_staff(c, tenant, user, &subject, &text, urgent)
                .await?;
        }
        let comment = format!("{} / {}", unreached.len(), by_boss.len());
        store::notices::insert_event(
            c,
            tenant,
            row.id,
            None,
            "escalated",
            Some(&comment),
            self.now(),
        )
        .await?;
        Ok(())
    }

    /// "Remind the unread" by hand: the author or the office, at most once every five
    /// minutes per notice, on the next channel each recipient has not been reminded on yet.
    /// Gives how many people were reminded.
    pub async fn remind_unread(&self, staff: &Staff, id: i64) -> ServiceResult<usize> {
        let row = self.visible_notice(staff, id).await?;
        if row.author_id != staff.actor.user_id.0 && !is_office(staff, &row) {
            return Err(ServiceError::Forbidden);
        }
        let parsed = parse_row(&row)?;
        if parsed.status != NoticeStatus::Published {
            return Err(ServiceError::refused(Key::notice_err_transition));
        }
        let now = self.now();
        if let Some(last) = row.manual_reminder_at
            && now.0 - last < MANUAL_REMINDER_COOLDOWN_MS
        {
            return Err(ServiceError::RateLimited {
                retry_after_seconds: (MANUAL_REMINDER_COOLDOWN_MS - (now.0 - last) + 999) / 1000,
            });
        }
        let tenant = staff.actor.tenant_id;
        let unreached = self.unreached(tenant, &row).await?;
        let tx = self.db().begin().await?;
        let changed = store::notices::update(
            &tx,
            tenant,
            id,
            row.version,
            vec![NoticeChange::ManualReminderAt(now)],
            now,
        )
        .await?;
        if changed == 0 {
            return Err(ServiceError::Conflict);
        }
        // E-mail first; those already reminded by e-mail get SMS if urgent or important.
        let sms_allowed = domain::notice::reminder_ladder(parsed.priority, now, now)
            .iter()
            .any(|s| s.channel == ReminderChannel::Sms);
        let (first, second): (Vec<RecipientRow>, Vec<RecipientRow>) =
            unreached.into_iter().partition(|r| r.reminded_steps == 0);
        self.remind(&tx, &row, &first, ReminderChannel::Email, 1)
            .await?;
        let mut count = first.len();
        if sms_allowed {
            self.remind(&tx, &row, &second, ReminderChannel::Sms, 2)
                .await?;
            count += second.len();
        } else {
            self.remind(&tx, &row, &second, ReminderChannel::Email, 1)
                .await?;
            count += second.len();
        }
        self.audit(
            &tx,
            staff,
            "notice.remind",
            "notice",
            id,
            None,
            Some(serde_json::json!({ "reminded": count })),
        )
        .await?;
        tx.commit().await?;
        self.wake_worker();
        Ok(count)
    }
}

/// The scheduled sweep.
pub(crate) struct DeliverySweep(pub Notices);

#[async_trait::async_trait]
impl Handler for DeliverySweep {
    fn kind(&self) -> &'static str {
        DELIVERY_SWEEP
    }

    async fn run(&self, _job: &Job) -> Result<(), JobError> {
        self.0
            .sweep_notices()
            .await
            .map_err(|e| JobError::Retry(e.to_string()))?;
        Ok(())
    }
}
