//! What happens once at its time, on the core's reminder ledger (`store::reminders`):
//!
//! - per date: `remind` the day before (every registrant, once), `draw` when a lottery's
//!   applications close, `release_{reserve}` when reserved seats join the general pool
//!   (the waiting list may now fit);
//! - per registration: `offer_expires`, when an offer from the waiting list was not taken
//!   up — the seats pass to the next entry that fits.
//!
//! Each step is claimed on the ledger in the transaction that does it, so it happens once
//! across restarts and nodes.

use crate::{Events, ServiceResult};
use domain::event::lottery::{allocate, draw_order};
use domain::event::waiting::offer_expires_at;
use domain::time::DAY_MS;
use domain::{TenantId, Timestamp};
use i18n::Key;
use std::collections::{HashMap, HashSet};
use store::events::{ActivityChange, ActivityRow, DateRow, RegistrationChange, ReserveRow};
use store::reminders::{Subject, SubjectKind};

pub const EVENTS_SWEEP: &str = "events.sweep";
const BATCH: u64 = 200;

/// The steps a date has on the ledger now; rewritten whenever the activity or date changes.
/// Only a date that holds seats (a course's first) draws its lottery.
pub(crate) fn plan_of(
    activity: &ActivityRow,
    d: &DateRow,
    holds_seats: bool,
    reserves: &[ReserveRow],
) -> Vec<(String, Timestamp)> {
    if activity.status != "published" || d.status == "cancelled" {
        return Vec::new();
    }
    let mut steps = vec![("remind".to_owned(), Timestamp(d.starts_at - DAY_MS))];
    if holds_seats && activity.allocation == "lottery" && activity.drawn_at.is_none() {
        let closes = activity.closes_at.unwrap_or(d.starts_at).min(d.starts_at);
        steps.push(("draw".to_owned(), Timestamp(closes)));
    }
    for r in reserves.iter().filter(|r| r.date_id == d.id) {
        steps.push((format!("release_{}", r.id), Timestamp(r.released_at)));
    }
    steps
}

/// The sweep as a job of the worker.
pub struct Sweep(pub Events);

#[async_trait::async_trait]
impl jobs::Handler for Sweep {
    fn kind(&self) -> &'static str {
        EVENTS_SWEEP
    }

    async fn run(&self, _job: &jobs::Job) -> Result<(), jobs::JobError> {
        self.0
            .sweep_events()
            .await
            .map(drop)
            .map_err(|e| jobs::JobError::Retry(e.to_string()))
    }
}

impl Events {
    /// Does every step now due; gives how many were done.
    pub async fn sweep_events(&self) -> ServiceResult<usize> {
        let mut done = 0;
        let mut seen = HashSet::new();
        loop {
            let now = self.now();
            let due =
                store::reminders::due_subjects(self.db(), SubjectKind::ActivityDate, now, BATCH)
                    .await?;
            let fresh: Vec<_> = due
                .into_iter()
                .filter(|d| seen.insert(("date", d.subject_id)))
                .collect();
            let offers =
                store::reminders::due_subjects(self.db(), SubjectKind::Registration, now, BATCH)
                    .await?;
            let offers: Vec<_> = offers
                .into_iter()
                .filter(|d| seen.insert(("offer", d.subject_id)))
                .collect();
            if fresh.is_empty() && offers.is_empty() {
                break;
            }
            for d in fresh {
                done += self
                    .date_steps(d.tenant, d.subject_id, &d.steps, now)
                    .await?;
            }
            for o in offers {
                done += self.offer_ran_out(o.tenant, o.subject_id, now).await?;
            }
        }
        if done > 0 {
            self.wake_worker();
        }
        Ok(done)
    }

    async fn date_steps(
        &self,
        tenant: TenantId,
        date: i64,
        steps: &[String],
        now: Timestamp,
    ) -> ServiceResult<usize> {
        let subject = Subject::ActivityDate(date);
        let tx = self.db().begin().await?;
        let Some(d) = store::events::find_date(&tx, tenant, date).await? else {
            store::reminders::plan(&tx, tenant, subject, &[]).await?;
            tx.commit().await?;
            return Ok(0);
        };
        let Some(activity) = store::events::find_activity(&tx, tenant, d.activity_id).await? else {
            return Ok(0);
        };
        let mut done = 0;
        for step in steps {
            if !store::reminders::claim(&tx, subject, step, now).await? {
                continue;
            }
            match step.as_str() {
                // Claimed either way; a reminder for a date already begun (the server was
                // down, or the date was moved) is not sent.
                "remind" if now.0 >= d.starts_at => {}
                "remind" => self.remind_day_before(&tx, tenant, &activity, &d).await?,
                "draw" => self.draw(&tx, tenant, &activity, &d).await?,
                _ => {
                    self.offer_freed_seats(&tx, tenant, &activity, d.id).await?;
                }
            }
            done += 1;
        }
        tx.commit().await?;
        Ok(done)
    }

    /// An offer was not taken up in time: the seats pass on.
    async fn offer_ran_out(
        &self,
        tenant: TenantId,
        id: i64,
        now: Timestamp,
    ) -> ServiceResult<usize> {
        let tx = self.db().begin().await?;
        if !store::reminders::claim(&tx, Subject::Registration(id), "offer_expires", now).await? {
            return Ok(0);
        }
        let Some(r) = store::events::find_registration(&tx, tenant, id).await? else {
            tx.commit().await?;
            return Ok(0);
        };
        if r.status == "offered" {
            let changed = store::events::update_registration(
                &tx,
                tenant,
                r.id,
                r.version,
                vec![
                    RegistrationChange::Status("lapsed"),
                    RegistrationChange::Offer(None),
                ],
                now,
            )
            .await?;
            if changed == 1 {
                self.member_audit(&tx, tenant, r.member_id, "registration.lapsed", r.id)
                    .await?;
                let activity = store::events::find_activity(&tx, tenant, r.activity_id)
                    .await?
                    .ok_or(crate::ServiceError::NotFound)?;
                self.release(&tx, tenant, &activity, &r).await?;
            }
        }
        tx.commit().await?;
        Ok(1)
    }

    /// Tells everyone with a place on the date (for a course: on its lessons) the day before.
    async fn remind_day_before(
        &self,
        tx: &store::Tx,
        tenant: TenantId,
        activity: &ActivityRow,
        d: &DateRow,
    ) -> ServiceResult<()> {
        let dates = store::events::dates_of(tx, tenant, &[activity.id]).await?;
        let holder = crate::holder_of(activity, &dates, d);
        let filter = store::events::RegistrationFilter {
            dates: vec![holder.id],
            statuses: vec!["confirmed"],
            ..Default::default()
        };
        let tz = self.institution(tenant).await?.timezone;
        let t = i18n::Tr::new(i18n::Lang::ZhCn);
        for r in store::events::registrations(tx, tenant, &filter).await? {
            let link = format!("{}/e/{}", self.settings().public_url, r.token);
            let text = t.fill(
                Key::event_msg_reminder,
                &[
                    ("title", &activity.title),
                    ("when", &Timestamp(d.starts_at).format_minutes(&tz)),
                    ("venue", &activity.venue),
                    ("code", &r.code),
                    ("link", &link),
                ],
            );
            self.tell_member(tx, tenant, r.member_id, &text).await?;
        }
        Ok(())
    }

    /// The lottery's draw for a date, by the published procedure (`docs/lottery.md`): the
    /// applications are ordered by their keys under the seed; in that order each wins if
    /// its party fits the seats, and the rest form the waiting list. Winners get an offer
    /// to confirm within the activity's hours; an offer not taken up passes down the
    /// drawn order.
    async fn draw(
        &self,
        tx: &store::Tx,
        tenant: TenantId,
        activity: &ActivityRow,
        d: &DateRow,
    ) -> ServiceResult<()> {
        let Some(seed) = activity.lottery_seed.as_deref() else {
            return Ok(());
        };
        let filter = store::events::RegistrationFilter {
            dates: vec![d.id],
            statuses: vec!["applied"],
            ..Default::default()
        };
        let applied = store::events::registrations(tx, tenant, &filter).await?;
        let numbers: Vec<String> = applied
            .iter()
            .filter_map(|r| r.application_no.clone())
            .collect();
        let sizes: HashMap<String, u32> = applied
            .iter()
            .filter_map(|r| Some((r.application_no.clone()?, u32::try_from(r.seats).ok()?)))
            .collect();
        let free = u32::try_from(d.capacity - d.taken).unwrap_or(0);
        let order = draw_order(seed, &numbers)
            .map_err(|e| crate::ServiceError::Internal(format!("draw: {e}")))?;
        let result = allocate(&order, &sizes, free)
            .map_err(|e| crate::ServiceError::Internal(format!("draw: {e}")))?;
        let by_number: HashMap<&str, &store::events::RegistrationRow> = applied
            .iter()
            .filter_map(|r| Some((r.application_no.as_deref()?, r)))
            .collect();
        let now = self.now();
        let hours = u32::try_from(activity.offer_hours).unwrap_or(12);
        let expires = offer_expires_at(now, Timestamp(d.starts_at), hours);
        let tz = self.institution(tenant).await?.timezone;
        let t = i18n::Tr::new(i18n::Lang::ZhCn);
        let place_of: HashMap<&str, usize> = order
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .collect();
        for w in &result.winners {
            let Some(r) = by_number.get(w.number.as_str()) else {
                continue;
            };
            let position = place_of.get(w.number.as_str()).copied().unwrap_or(0) as i64;
            let (status, offer) = match expires {
                Some(_)
                    if store::events::hold_seats(tx, d.id, r.seats)
                        .await?
                        .is_some() =>
                {
                    ("offered", expires)
                }
                _ => ("waiting", None),
            };
            store::events::update_registration(
                tx,
                tenant,
                r.id,
                r.version,
                vec![
                    RegistrationChange::Status(status),
                    RegistrationChange::Offer(offer),
                    RegistrationChange::Position(position),
                ],
                now,
            )
            .await?;
            if let Some(until) = offer {
                store::reminders::plan(
                    tx,
                    tenant,
                    Subject::Registration(r.id),
                    &[("offer_expires", until)],
                )
                .await?;
                let link = format!("{}/e/{}", self.settings().public_url, r.token);
                let text = t.fill(
                    Key::event_msg_drawn,
                    &[
                        ("title", &activity.title),
                        ("until", &until.format_minutes(&tz)),
                        ("link", &link),
                    ],
                );
                self.tell_member(tx, tenant, r.member_id, &text).await?;
            }
        }
        for w in &result.waiting {
            let Some(r) = by_number.get(w.number.as_str()) else {
                continue;
            };
            let position = place_of.get(w.number.as_str()).copied().unwrap_or(0) as i64;
            store::events::update_registration(
                tx,
                tenant,
                r.id,
                r.version,
                vec![
                    RegistrationChange::Status("waiting"),
                    RegistrationChange::Position(position),
                ],
                now,
            )
            .await?;
        }
        if let Some(fresh) = store::events::find_activity(tx, tenant, activity.id).await?
            && fresh.drawn_at.is_none()
        {
            store::events::update_activity(
                tx,
                tenant,
                fresh.id,
                fresh.version,
                vec![ActivityChange::DrawnAt(now)],
                now,
            )
            .await?;
        }
        let after = serde_json::json!({
            "applications": numbers.len(),
            "winners": result.winners.len(),
            "seed": seed,
        });
        self.audit_without_staff(
            tx,
            tenant,
            "activity.drawn",
            "activity_date",
            d.id,
            Some(after),
        )
        .await?;
        Ok(())
    }
}
