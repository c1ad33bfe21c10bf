//! Publishing: the audience frozen into named recipients, the in-app delivery written in
//! the same transaction as the status change, then e-mail, SMS (urgent notices) and the
//! group robots by a follow-up job, so that a notice to ten thousand people is in everyone's
//! console at once and the slower channels catch up behind it.

use super::parse_row;
use crate::{Notices, ServiceResult};
use domain::notice::{AudienceRule, NoticePriority, NoticeStatus};
use domain::{TenantId, Timestamp, UnitPath};
use i18n::{Key, Lang, Tr};
use jobs::{Handler, Job, JobError, NewJob};
use notify::Channel;
use std::collections::{BTreeMap, HashMap};
use store::notices::{NewRecipient, NoticeChange, NoticeRow};

pub const NOTICE_FANOUT: &str = "notice.fanout";

/// Recipients per transaction when queueing e-mail and SMS.
const FANOUT_BATCH: usize = 500;

impl Notices {
    /// Publishes a scheduled notice whose minute has come. Gives false when someone else
    /// (another node, a retraction) got there first.
    pub(crate) async fn publish_notice(&self, row: &NoticeRow) -> ServiceResult<bool> {
        let tenant = TenantId(row.tenant_id);
        let parsed = parse_row(row)?;
        if parsed.status != NoticeStatus::Scheduled {
            return Ok(false);
        }
        let now = self.now();
        let policy = self.delivery_policy(tenant).await?;
        let due_at = now.plus_ms(policy.deadline_ms(parsed.priority));
        let recipients = self.resolve_audience(tenant, row, &parsed.audience).await?;
        let tx = self.db().begin().await?;
        let changed = store::notices::update(
            &tx,
            tenant,
            row.id,
            row.version,
            vec![
                NoticeChange::Status(NoticeStatus::Published),
                NoticeChange::PublishedAt(now),
                NoticeChange::DueAt(due_at),
                NoticeChange::RecipientCount(recipients.len() as i64),
            ],
            now,
        )
        .await?;
        if changed == 0 {
            return Ok(false);
        }
        store::notices::insert_recipients(&tx, tenant, row.id, &recipients, now).await?;
        self.replan_notice(&tx, tenant, row.id).await?;
        store::notices::insert_event(
            &tx,
            tenant,
            row.id,
            None,
            "published",
            Some(&recipients.len().to_string()),
            now,
        )
        .await?;
        let job = NewJob::new(NOTICE_FANOUT, serde_json::json!({ "notice": row.id }))
            .tenant(tenant)
            .dedupe(format!("notice-fanout:{}", row.id));
        self.queue().enqueue(&tx, job).await?;
        tx.commit().await?;
        self.live().published(tenant, row.id);
        self.wake_worker();
        Ok(true)
    }

    /// The named people a notice is for, each once, never its author.
    pub(super) async fn resolve_audience(
        &self,
        tenant: TenantId,
        row: &NoticeRow,
        rules: &[AudienceRule],
    ) -> ServiceResult<Vec<NewRecipient>> {
        let db = self.db();
        let active: HashMap<i64, ()> = store::users::list(db, tenant)
            .await?
            .into_iter()
            .filter(|u| u.active)
            .map(|u| (u.id, ()))
            .collect();
        let grants = store::users::grants_in(db, tenant).await?;
        let units: HashMap<i64, UnitPath> = store::org::units(db, tenant)
            .await?
            .into_iter()
            .map(|u| (u.id, u.unit_path()))
            .collect();
        let notice_unit = UnitPath::from_stored(row.unit_path.clone());
        // user → (department, unit path) of their first grant; BTreeMap keeps the order
        // stable so a retried publish writes the same rows.
        let mut chosen: BTreeMap<i64, ()> = BTreeMap::new();
        for rule in rules {
            match rule {
                AudienceRule::Person { user } => {
                    chosen.insert(user.0, ());
                }
                AudienceRule::Department { department } => {
                    for g in grants
                        .iter()
                        .filter(|g| g.department_id == Some(department.0))
                    {
                        chosen.insert(g.user_id, ());
                    }
                }
                AudienceRule::Role { role } => {
                    for g in grants.iter().filter(|g| {
                        g.role == role.as_str()
                            && UnitPath::from_stored(g.unit_path.clone()).is_within(&notice_unit)
                    }) {
                        chosen.insert(g.user_id, ());
                    }
                }
                AudienceRule::Unit { unit } => {
                    let Some(path) = units.get(&unit.0) else {
                        continue;
                    };
                    for g in grants
                        .iter()
                        .filter(|g| UnitPath::from_stored(g.unit_path.clone()).is_within(path))
                    {
                        chosen.insert(g.user_id, ());
                    }
                }
            }
        }
        Ok(chosen
            .into_keys()
            .filter(|u| *u != row.author_id && active.contains_key(u))
            .map(|user| {
                let first = grants.iter().find(|g| g.user_id == user);
                NewRecipient {
                    user,
                    department: super::department_of(&grants, user).map(|d| d.0),
                    unit_path: first.map_or_else(|| row.unit_path.clone(), |g| g.unit_path.clone()),
                }
            })
            .collect())
    }

    /// Queues the e-mails (and for urgent notices the SMS) of a published notice, in
    /// batches; recipients who already have theirs are skipped, so a retry sends nothing twice.
    async fn fan_out(&self, tenant: TenantId, id: i64) -> ServiceResult<()> {
        let Some(row) = store::notices::find(self.db(), tenant, id).await? else {
            return Ok(());
        };
        let parsed = parse_row(&row)?;
        if parsed.status != NoticeStatus::Published {
            return Ok(());
        }
        let recipients = store::notices::recipients(
            self.db(),
            tenant,
            id,
            None,
            store::notices::RecipientFilter::All,
        )
        .await?;
        let institution = self.institution(tenant).await?;
        let t = Tr::new(Lang::ZhCn);
        let urgent = parsed.priority == NoticePriority::Urgent;
        let subject = notice_subject(&t, &row, parsed.priority);
        let email_text = t.fill(
            Key::notice_msg_email_text,
            &[
                ("institution", &institution.name),
                ("title", &row.title),
                ("body", &row.body),
                ("link", &self.notice_link(id, Some("email"))),
            ],
        );
        let sms_text = t.fill(
            Key::notice_msg_sms_text,
            &[
                ("institution", &institution.name),
                ("priority", &t.get(parsed.priority.label())),
                ("title", &row.title),
                ("link", &self.notice_link(id, Some("sms"))),
            ],
        );
        for batch in recipients.chunks(FANOUT_BATCH) {
            let tx = self.db().begin().await?;
            for r in batch {
                if let (Some(email), None) = (&r.email, r.email_message_id) {
                    let m = self
                        .queue_message(
                            &tx,
                            Some(tenant),
                            Channel::Email,
                            email,
                            Some(&subject),
                            &email_text,
                        )
                        .await?;
                    store::notices::set_message(&tx, tenant, id, r.user_id, false, m).await?;
                }
                if let (true, Some(mobile), None) = (urgent, &r.mobile, r.sms_message_id) {
                    let m = self
                        .queue_message(&tx, Some(tenant), Channel::Sms, mobile, None, &sms_text)
                        .await?;
                    store::notices::set_message(&tx, tenant, id, r.user_id, true, m).await?;
                }
            }
            tx.commit().await?;
            self.wake_worker();
        }
        // The work groups, through their robots.
        self.queue_robot_posts(tenant, &row).await?;
        Ok(())
    }
}

/// "[紧急] 标题" for e-mail subjects and robot titles.
pub(crate) fn notice_subject(t: &Tr, row: &NoticeRow, priority: NoticePriority) -> String {
    t.fill(
        Key::notice_msg_subject,
        &[
            ("priority", &t.get(priority.label())),
            ("title", &row.title),
        ],
    )
}

/// Sends a published notice on the slower channels.
pub(crate) struct FanOut(pub Notices);

#[async_trait::async_trait]
impl Handler for FanOut {
    fn kind(&self) -> &'static str {
        NOTICE_FANOUT
    }

    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let id = job.payload["notice"]
            .as_i64()
            .ok_or_else(|| JobError::Fatal("payload without a notice id".into()))?;
        let tenant = job
            .tenant
            .ok_or_else(|| JobError::Fatal("fan-out without a tenant".into()))?;
        self.0
            .fan_out(tenant, id)
            .await
            .map_err(|e| JobError::Retry(e.to_string()))
    }
}

/// Publishing needs no clock but the one every node shares: a scheduled notice's publishing
/// is a step on the reminder ledger, which the delivery sweep takes at its minute.
pub(crate) fn is_due_to_publish(row: &NoticeRow, now: Timestamp) -> bool {
    row.status == NoticeStatus::Scheduled.as_str() && row.publish_at.is_none_or(|t| t <= now.0)
}
