//! A member registers themself and their companions for a date (or a course), cancels,
//! and takes up or declines an offer from the waiting list.
//!
//! Seats are handed out in one place: [`Events::take_seats`], a conditional update of the
//! date's counter inside the transaction that writes the registration, then the quota's
//! rules for the reserves. A request that finds the date full is answered from a read,
//! without writing, so the rush after the seats are gone costs little. The one-place-per-
//! person rule is a unique index: two phones registering at once get one place and one
//! clear refusal.

use crate::{Events, ServiceError, ServiceResult, holder_of};
use desk::{Arg, MemberSession};
use domain::event::companion::{AgeRange, Attendee, Companion, Who, check_companions};
use domain::event::no_show::{NoShowRule, Standing, standing};
use domain::event::quota::{Audience, Party, Placement, Pool, Quota, Reserve, Taken, place};
use domain::event::waiting::offer_expires_at;
use domain::event::window::{CancelTiming, RegistrationWindow, WindowRefusal, cancel_timing};
use domain::event::{AllocationMode, checkin_code::CheckinNumber};
use domain::{Checks, FieldError, TenantId, Timestamp, UnitId};
use i18n::Key;
use serde::{Deserialize, Serialize};
use store::events::{ActivityRow, DateRow, NewRegistration, RegistrationChange, RegistrationRow};
use store::reminders::Subject;

/// The registration form, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RegistrationForm {
    /// The member's own name, for the sign-in sheet.
    pub name: String,
    pub birth_year: String,
    /// The township (station unit) the member lives in, for seats reserved for its residents.
    pub township: String,
    pub companions: Vec<CompanionForm>,
    /// When the date is full: join its waiting list rather than be told so.
    pub join_waiting_list: bool,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CompanionForm {
    pub name: String,
    pub birth_year: String,
}

/// The outcome of registering.
#[derive(Clone, Debug, Serialize)]
pub struct Registered {
    pub id: i64,
    /// confirmed | waiting | applied
    pub status: &'static str,
    /// What to show at the door.
    pub code: String,
    /// The private link's token: `/e/{token}`.
    pub token: String,
    /// For a lottery: the application number on the published list.
    pub application_no: Option<String>,
}

pub const NAME_MAX: usize = 20;
/// Registration statuses that hold a place in the date's lists.
pub const ACTIVE: [&str; 4] = ["applied", "waiting", "offered", "confirmed"];

impl Events {
    /// The member registers for `date` (for a course, for the whole course).
    pub async fn register(
        &self,
        member: &MemberSession,
        date: i64,
        form: &RegistrationForm,
    ) -> ServiceResult<Registered> {
        let tenant = member.tenant;
        let now = self.now();
        let d = self.date_row(tenant, date).await?;
        let activity = self.activity_row(tenant, d.activity_id).await?;
        if activity.status != "published" {
            return Err(ServiceError::NotFound);
        }
        if activity.booking == "none" {
            return Err(ServiceError::refused(Key::event_err_no_booking));
        }
        if d.status == "cancelled" {
            return Err(ServiceError::refused(Key::event_err_cancelled));
        }
        let (party, companions, me) = self.check_party(&activity, &d, form, now)?;
        // Only what the answer needs is read: in the rush, most requests find the date
        // full, and their answer should cost two reads.
        let priority = match activity.priority_opens_at {
            Some(_) => store::events::member_standing(self.db(), tenant, member.member.0)
                .await?
                .0
                .is_some(),
            None => false,
        };
        let tz = self.institution(tenant).await?.timezone;
        let window = window_of(&activity, &d);
        window
            .check(now, Timestamp(d.starts_at), priority)
            .map_err(|e| window_refusal(e, &tz))?;
        let holder = match activity.booking.as_str() {
            "course" => {
                let dates = store::events::dates_of(self.db(), tenant, &[activity.id]).await?;
                holder_of(&activity, &dates, &d).clone()
            }
            _ => d.clone(),
        };
        let lottery_open =
            activity.allocation == AllocationMode::Lottery.as_str() && activity.drawn_at.is_none();
        let seats = i32::try_from(party.seats()).unwrap_or(i32::MAX);
        if !lottery_open && !form.join_waiting_list && holder.taken + seats > holder.capacity {
            return Err(ServiceError::refused(Key::event_err_full));
        }
        let (_, lifted) =
            store::events::member_standing(self.db(), tenant, member.member.0).await?;
        let blocked = self
            .blocked_until(tenant, member.member.0, lifted, now)
            .await?;
        let new = NewRegistration {
            activity_id: activity.id,
            date_id: holder.id,
            member_id: Some(member.member.0),
            name: me.name.clone(),
            birth_year: Some(me.birth_year).filter(|y| *y > 0),
            seats,
            companions: serde_json::to_string(&companions).unwrap_or_else(|_| "[]".into()),
            township_unit_id: party.township.map(|u| u.0),
            status: "confirmed",
            charges: "[]".into(),
            position: None,
            application_no: None,
            offer_expires_at: None,
            code: CheckinNumber::from_random(rand::random()).code(),
            token: desk::new_token(),
        };
        if lottery_open {
            if let Some(until) = blocked {
                return Err(self.blocked_refusal(tenant, until).await);
            }
            return self.apply(tenant, new).await;
        }
        if blocked.is_none()
            && let Some(done) = self.take_seats(tenant, &holder, &party, &new, now).await?
        {
            return Ok(done);
        }
        if !form.join_waiting_list {
            if let Some(until) = blocked {
                return Err(self.blocked_refusal(tenant, until).await);
            }
            return Err(ServiceError::refused(Key::event_err_full));
        }
        self.join_waiting_list(tenant, new, now).await
    }

    /// Holds seats for the party and writes the confirmed registration, in one
    /// transaction; `None` when the date (or the pools the party may use) is full.
    async fn take_seats(
        &self,
        tenant: TenantId,
        holder: &DateRow,
        party: &Party,
        new: &NewRegistration,
        now: Timestamp,
    ) -> ServiceResult<Option<Registered>> {
        // Full when read: answered without queueing for the writer.
        if holder.taken + new.seats > holder.capacity {
            return Ok(None);
        }
        let tx = self.db().begin().await?;
        let Some(before) = store::events::hold_seats(&tx, holder.id, new.seats).await? else {
            return Ok(None);
        };
        let Some(charges) = self.charge_pools(&tx, holder, before, party, now).await? else {
            return Ok(None);
        };
        let new = NewRegistration {
            charges: charges_json(&charges),
            ..new.clone()
        };
        let id = insert(&tx, tenant, &new, now).await?;
        self.member_audit(&tx, tenant, new.member_id, "registration.confirmed", id)
            .await?;
        tx.commit().await?;
        Ok(Some(registered(id, "confirmed", &new)))
    }

    /// Which reserves the party's seats come from, charged in `tx`; `None` when the quota's
    /// rules do not let the party have the seats that are free (they are kept for others),
    /// and then nothing stays charged: the offer sweep goes on in the same transaction.
    async fn charge_pools(
        &self,
        tx: &store::Tx,
        holder: &DateRow,
        taken_before: i32,
        party: &Party,
        now: Timestamp,
    ) -> ServiceResult<Option<Charges>> {
        let reserves = store::events::reserves_of(tx, &[holder.id]).await?;
        if reserves.is_empty() {
            return Ok(Some(Vec::new()));
        }
        let Some((quota, taken)) = quota_of(holder, &reserves, taken_before) else {
            return Ok(None);
        };
        let Placement::Placed(placed) = place(&quota, &taken, party, now) else {
            return Ok(None);
        };
        let mut charges = Vec::new();
        for c in placed {
            if let Pool::Reserve(i) = c.pool
                && let Some(r) = reserves.get(i)
            {
                let seats = i32::try_from(c.seats).unwrap_or(i32::MAX);
                if !store::events::charge_reserve(tx, r.id, seats).await? {
                    store::events::free_seats(tx, holder.id, 0, &charges).await?;
                    return Ok(None);
                }
                charges.push((r.id, seats));
            }
        }
        Ok(Some(charges))
    }

    async fn apply(&self, tenant: TenantId, new: NewRegistration) -> ServiceResult<Registered> {
        let now = self.now();
        let new = NewRegistration {
            status: "applied",
            ..new
        };
        let tx = self.db().begin().await?;
        let id = insert(&tx, tenant, &new, now).await?;
        let number = format!("A{id:06}");
        store::events::update_registration(
            &tx,
            tenant,
            id,
            0,
            vec![RegistrationChange::ApplicationNo(number.clone())],
            now,
        )
        .await?;
        self.member_audit(&tx, tenant, new.member_id, "registration.applied", id)
            .await?;
        tx.commit().await?;
        let mut done = registered(id, "applied", &new);
        done.application_no = Some(number);
        Ok(done)
    }

    async fn join_waiting_list(
        &self,
        tenant: TenantId,
        new: NewRegistration,
        now: Timestamp,
    ) -> ServiceResult<Registered> {
        let new = NewRegistration {
            status: "waiting",
            position: Some(now.0),
            ..new
        };
        let tx = self.db().begin().await?;
        let id = insert(&tx, tenant, &new, now).await?;
        self.member_audit(&tx, tenant, new.member_id, "registration.waiting", id)
            .await?;
        tx.commit().await?;
        Ok(registered(id, "waiting", &new))
    }

    /// The member cancels. In time, the place is simply given up; later than the
    /// activity's cutoff it counts as a no-show unless staff excuse it. A held seat goes to
    /// the waiting list at once.
    pub async fn cancel_registration(&self, member: &MemberSession, id: i64) -> ServiceResult<()> {
        let r = self.own_registration(member, id).await?;
        self.cancel(member.tenant, r).await
    }

    /// Cancelling through the private link (`/e/{token}`), for a member without their
    /// phone's session at hand.
    pub async fn cancel_by_token(&self, token: &str) -> ServiceResult<()> {
        let r = store::events::registration_by_token(self.db(), token)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.cancel(TenantId(r.tenant_id), r).await
    }

    async fn cancel(&self, tenant: TenantId, r: RegistrationRow) -> ServiceResult<()> {
        if !ACTIVE.contains(&r.status.as_str()) {
            return Err(ServiceError::refused(Key::event_err_not_active));
        }
        let now = self.now();
        let d = self.date_row(tenant, r.date_id).await?;
        let activity = self.activity_row(tenant, r.activity_id).await?;
        let cutoff = u32::try_from(activity.cancel_hours).unwrap_or(24);
        let late = r.status == "confirmed"
            && cancel_timing(now, Timestamp(d.starts_at), cutoff) == CancelTiming::Late;
        if r.status == "confirmed" && now.0 >= d.starts_at {
            return Err(ServiceError::refused(Key::event_err_started));
        }
        let status = if late { "late_cancelled" } else { "cancelled" };
        let tx = self.db().begin().await?;
        let changed = store::events::update_registration(
            &tx,
            tenant,
            r.id,
            r.version,
            vec![
                RegistrationChange::Status(status),
                RegistrationChange::CancelledAt(now),
            ],
            now,
        )
        .await?;
        if changed == 0 {
            return Err(ServiceError::Conflict);
        }
        if matches!(r.status.as_str(), "confirmed" | "offered") {
            self.release(&tx, tenant, &activity, &r).await?;
        }
        self.member_audit(
            &tx,
            tenant,
            r.member_id,
            &format!("registration.{status}"),
            r.id,
        )
        .await?;
        tx.commit().await?;
        self.wake_worker();
        Ok(())
    }

    /// The member takes up the seat offered from the waiting list.
    pub async fn accept_offer(&self, member: &MemberSession, id: i64) -> ServiceResult<()> {
        let r = self.own_registration(member, id).await?;
        self.accept(member.tenant, r).await
    }

    pub async fn accept_offer_by_token(&self, token: &str) -> ServiceResult<()> {
        let r = store::events::registration_by_token(self.db(), token)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.accept(TenantId(r.tenant_id), r).await
    }

    async fn accept(&self, tenant: TenantId, r: RegistrationRow) -> ServiceResult<()> {
        let now = self.now();
        if r.status != "offered" || r.offer_expires_at.is_some_and(|t| t <= now.0) {
            return Err(ServiceError::refused(Key::event_err_no_offer));
        }
        let tx = self.db().begin().await?;
        let changed = store::events::update_registration(
            &tx,
            tenant,
            r.id,
            r.version,
            vec![
                RegistrationChange::Status("confirmed"),
                RegistrationChange::Offer(None),
            ],
            now,
        )
        .await?;
        if changed == 0 {
            return Err(ServiceError::Conflict);
        }
        store::reminders::plan(&tx, tenant, Subject::Registration(r.id), &[]).await?;
        self.member_audit(
            &tx,
            tenant,
            r.member_id,
            "registration.offer_accepted",
            r.id,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A registration that held seats ended (cancelled, lapsed): its seats, and its reserves'
    /// share, go back, and are offered to the waiting list in the same transaction.
    pub(crate) async fn release(
        &self,
        tx: &store::Tx,
        tenant: TenantId,
        activity: &ActivityRow,
        r: &RegistrationRow,
    ) -> ServiceResult<()> {
        store::events::free_seats(tx, r.date_id, r.seats, &charges_of(r)).await?;
        self.offer_freed_seats(tx, tenant, activity, r.date_id)
            .await?;
        Ok(())
    }

    /// Offers the seats free on the date to the waiting list, in its order: each entry
    /// whose whole party fits gets an offer with an expiry (texted, and on its page);
    /// entries passed over because they want more seats than are free stay first in line
    /// and the audit log says why they were skipped. Runs in the caller's transaction, so
    /// a freed seat is offered exactly once.
    pub(crate) async fn offer_freed_seats(
        &self,
        tx: &store::Tx,
        tenant: TenantId,
        activity: &ActivityRow,
        date: i64,
    ) -> ServiceResult<usize> {
        let now = self.now();
        let d = self.date_row_in(tx, tenant, date).await?;
        if d.status == "cancelled" || now.0 >= d.starts_at || activity.status != "published" {
            return Ok(0);
        }
        let filter = store::events::RegistrationFilter {
            dates: vec![date],
            statuses: vec!["waiting"],
            ..Default::default()
        };
        let waiting = store::events::registrations(tx, tenant, &filter).await?;
        let hours = u32::try_from(activity.offer_hours).unwrap_or(12);
        let Some(expires) = offer_expires_at(now, Timestamp(d.starts_at), hours) else {
            return Ok(0);
        };
        let tz = self.institution(tenant).await?.timezone;
        let mut offered = 0;
        for entry in waiting {
            let free = self.date_row_in(tx, tenant, date).await?;
            let free = free.capacity - free.taken;
            if free <= 0 {
                break;
            }
            if entry.seats > free {
                self.note_skipped(tx, tenant, &entry, free).await?;
                continue;
            }
            let Some(before) = store::events::hold_seats(tx, date, entry.seats).await? else {
                continue;
            };
            let party = party_of(&entry, &d);
            let Some(charges) = self.charge_pools(tx, &d, before, &party, now).await? else {
                store::events::free_seats(tx, date, entry.seats, &[]).await?;
                self.note_skipped(tx, tenant, &entry, free).await?;
                continue;
            };
            let changed = store::events::update_registration(
                tx,
                tenant,
                entry.id,
                entry.version,
                vec![
                    RegistrationChange::Status("offered"),
                    RegistrationChange::Offer(Some(expires)),
                    RegistrationChange::Charges(charges_json(&charges)),
                ],
                now,
            )
            .await?;
            if changed == 0 {
                store::events::free_seats(tx, date, entry.seats, &charges).await?;
                continue;
            }
            store::reminders::plan(
                tx,
                tenant,
                Subject::Registration(entry.id),
                &[("offer_expires", expires)],
            )
            .await?;
            let link = format!("{}/e/{}", self.settings().public_url, entry.token);
            let text = i18n::Tr::new(i18n::Lang::ZhCn).fill(
                Key::event_msg_offer,
                &[
                    ("title", &activity.title),
                    ("when", &Timestamp(d.starts_at).format_minutes(&tz)),
                    ("until", &expires.format_minutes(&tz)),
                    ("link", &link),
                ],
            );
            self.tell_member(tx, tenant, entry.member_id, &text).await?;
            self.member_audit(
                tx,
                tenant,
                entry.member_id,
                "registration.offered",
                entry.id,
            )
            .await?;
            offered += 1;
        }
        Ok(offered)
    }

    /// Staff see on the roster that an entry was passed over, and why.
    async fn note_skipped(
        &self,
        tx: &store::Tx,
        tenant: TenantId,
        entry: &RegistrationRow,
        free: i32,
    ) -> ServiceResult<()> {
        let after = serde_json::json!({ "wanted": entry.seats, "free": free });
        self.audit_without_staff(
            tx,
            tenant,
            "registration.skipped",
            "registration",
            entry.id,
            Some(after),
        )
        .await
    }

    /// A member's action in the audit log (the member is not a staff user).
    pub(crate) async fn member_audit(
        &self,
        c: &impl store::Conn,
        tenant: TenantId,
        member: Option<i64>,
        action: &str,
        registration: i64,
    ) -> ServiceResult<()> {
        let after = member.map(|m| serde_json::json!({ "member": m }));
        self.audit_without_staff(c, tenant, action, "registration", registration, after)
            .await
    }

    /// An entry in the audit log made by a member or by the worker, not by staff.
    pub(crate) async fn audit_without_staff(
        &self,
        c: &impl store::Conn,
        tenant: TenantId,
        action: &str,
        entity_type: &str,
        entity_id: i64,
        after: Option<serde_json::Value>,
    ) -> ServiceResult<()> {
        store::audit::append(
            c,
            store::audit::NewEntry {
                tenant: Some(tenant),
                actor: None,
                actor_name: "",
                action,
                entity_type,
                entity_id: Some(entity_id.to_string()),
                before: None,
                after,
                ip: None,
            },
            self.now(),
        )
        .await?;
        Ok(())
    }

    pub(crate) async fn date_row_in(
        &self,
        c: &impl store::Conn,
        tenant: TenantId,
        id: i64,
    ) -> ServiceResult<DateRow> {
        store::events::find_date(c, tenant, id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    pub(crate) async fn own_registration(
        &self,
        member: &MemberSession,
        id: i64,
    ) -> ServiceResult<RegistrationRow> {
        let r = store::events::find_registration(self.db(), member.tenant, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if r.member_id != Some(member.member.0) {
            return Err(ServiceError::NotFound);
        }
        Ok(r)
    }

    /// When the member's no-show block ends, if they are blocked now.
    pub(crate) async fn blocked_until(
        &self,
        tenant: TenantId,
        member: i64,
        lifted: Option<Timestamp>,
        now: Timestamp,
    ) -> ServiceResult<Option<Timestamp>> {
        let rule = NoShowRule::default();
        let since =
            now.minus_ms(i64::from(rule.within_days + rule.block_days) * domain::time::DAY_MS);
        let no_shows = store::events::no_shows_of(self.db(), tenant, member, since).await?;
        Ok(match standing(&rule, &no_shows, lifted, now) {
            Standing::Clear => None,
            Standing::WaitingListOnly { until, .. } => Some(until),
        })
    }

    async fn blocked_refusal(&self, tenant: TenantId, until: Timestamp) -> ServiceError {
        let tz = self
            .institution(tenant)
            .await
            .map(|i| i.timezone)
            .unwrap_or_else(|_| domain::time::china());
        ServiceError::Refused {
            key: Key::event_err_blocked,
            args: vec![("until", Arg::Text(until.format_minutes(&tz)))],
        }
    }

    /// Checks the form: the member's name, the companions, the ages against the
    /// activity's limits; gives the party, the companions and the member as a person.
    fn check_party(
        &self,
        activity: &ActivityRow,
        d: &DateRow,
        form: &RegistrationForm,
        now: Timestamp,
    ) -> ServiceResult<(Party, Vec<Companion>, Companion)> {
        let mut checks = Checks::new();
        let name = checks.text("name", &form.name, NAME_MAX);
        let needs_ages = activity.age_min.is_some() || activity.age_max.is_some();
        let birth_year = birth_year(&mut checks, "birth_year", &form.birth_year, needs_ages, now);
        let typed: Vec<Companion> = form
            .companions
            .iter()
            .filter(|c| !(c.name.trim().is_empty() && c.birth_year.trim().is_empty()))
            .map(|c| Companion {
                name: c.name.clone(),
                birth_year: c.birth_year.trim().parse().unwrap_or(0),
            })
            .collect();
        let max = usize::try_from(activity.companions_max).unwrap_or(0);
        if typed.len() > max {
            checks.push(
                FieldError::new("companions", Key::event_err_too_many_companions).with("max", max),
            );
        }
        let companions = check_companions(&typed, now, &mut checks);
        let township = form.township.trim().parse::<i64>().ok().map(UnitId);
        let range = AgeRange {
            min: activity.age_min.and_then(|a| u8::try_from(a).ok()),
            max: activity.age_max.and_then(|a| u8::try_from(a).ok()),
        };
        if needs_ages && let Some(year) = birth_year {
            let mut party = vec![Attendee {
                who: Who::Member,
                name: name.clone(),
                birth_year: year,
            }];
            party.extend(companions.iter().enumerate().map(|(i, c)| Attendee {
                who: Who::Companion { index: i },
                name: c.name.clone(),
                birth_year: c.birth_year,
            }));
            if let Err(refusals) = range.check(&party, Timestamp(d.starts_at)) {
                for r in refusals {
                    checks.push(age_error(r));
                }
            }
        }
        checks.finish()?;
        let me = Companion {
            name,
            birth_year: birth_year.unwrap_or(0),
        };
        let mut years = vec![me.birth_year];
        years.extend(companions.iter().map(|c| c.birth_year));
        let party = Party::at_date(township, &years, Timestamp(d.starts_at));
        Ok((party, companions, me))
    }
}

async fn insert(
    tx: &store::Tx,
    tenant: TenantId,
    new: &NewRegistration,
    now: Timestamp,
) -> ServiceResult<i64> {
    match store::events::insert_registration(tx, tenant, new, now).await {
        Ok(id) => Ok(id),
        Err(e) if e.is_duplicate() => Err(ServiceError::refused(Key::event_err_already)),
        Err(e) => Err(e.into()),
    }
}

fn registered(id: i64, status: &'static str, new: &NewRegistration) -> Registered {
    Registered {
        id,
        status,
        code: new.code.clone(),
        token: new.token.clone(),
        application_no: new.application_no.clone(),
    }
}

/// The registration window of a date: from the activity's opening (or its publication)
/// to its closing (or the date's start).
pub(crate) fn window_of(activity: &ActivityRow, d: &DateRow) -> RegistrationWindow {
    RegistrationWindow {
        opens_at: Timestamp(activity.opens_at.or(activity.published_at).unwrap_or(0)),
        priority_opens_at: activity.priority_opens_at.map(Timestamp),
        closes_at: Timestamp(activity.closes_at.unwrap_or(d.starts_at).min(d.starts_at)),
    }
}

/// The date's quota and what is taken, from its counters.
pub(crate) fn quota_of(
    d: &DateRow,
    reserves: &[store::events::ReserveRow],
    taken_total: i32,
) -> Option<(Quota, Taken)> {
    let total = u32::try_from(d.capacity).unwrap_or(0);
    let list: Vec<Reserve> = reserves
        .iter()
        .map(|r| Reserve {
            audience: match r.audience.as_str() {
                "township" => Audience::Township {
                    unit: UnitId(r.township_unit_id.unwrap_or(0)),
                },
                _ => Audience::AgedAtLeast {
                    years: r.min_age.and_then(|a| u8::try_from(a).ok()).unwrap_or(65),
                },
            },
            seats: u32::try_from(r.seats).unwrap_or(0),
            released_at: Timestamp(r.released_at),
        })
        .collect();
    let in_reserves: Vec<u32> = reserves
        .iter()
        .map(|r| u32::try_from(r.taken).unwrap_or(0))
        .collect();
    let reserved: u32 = in_reserves.iter().sum();
    let general = u32::try_from(taken_total)
        .unwrap_or(0)
        .saturating_sub(reserved);
    // Reserves that no longer fit the total (capacity lowered) count as general seats.
    if let Ok(q) = Quota::new(total, list) {
        return Some((
            q,
            Taken {
                general,
                reserves: in_reserves,
            },
        ));
    }
    let all_general = Taken {
        general: general + reserved,
        reserves: Vec::new(),
    };
    Quota::new(total, Vec::new()).ok().map(|q| (q, all_general))
}

/// The party of a registration as stored (for offers from the waiting list).
pub(crate) fn party_of(r: &RegistrationRow, d: &DateRow) -> Party {
    let companions: Vec<Companion> = serde_json::from_str(&r.companions).unwrap_or_default();
    let mut years = vec![r.birth_year.unwrap_or(0)];
    years.extend(companions.iter().map(|c| c.birth_year));
    Party::at_date(
        r.township_unit_id.map(UnitId),
        &years,
        Timestamp(d.starts_at),
    )
}

/// Seats charged to reserves: (reserve id, seats).
type Charges = Vec<(i64, i32)>;

/// The reserves a registration's seats were charged to.
pub(crate) fn charges_of(r: &RegistrationRow) -> Charges {
    serde_json::from_str(&r.charges).unwrap_or_default()
}

/// Charges as the registration row stores them.
fn charges_json(charges: &Charges) -> String {
    serde_json::to_string(charges).unwrap_or_else(|_| "[]".into())
}

fn birth_year(
    checks: &mut Checks,
    field: &str,
    s: &str,
    required: bool,
    now: Timestamp,
) -> Option<i32> {
    let s = s.trim();
    if s.is_empty() {
        if required {
            checks.push(FieldError::new(field, Key::err_required));
        }
        return None;
    }
    let this_year = i32::from(now.in_zone(&domain::time::china()).year());
    match s.parse::<i32>() {
        Ok(y) if (1900..=this_year).contains(&y) => Some(y),
        _ => {
            checks.push(
                FieldError::new(field, Key::err_range)
                    .with("min", 1900)
                    .with("max", this_year),
            );
            None
        }
    }
}

/// The field error for a person of the party outside the activity's ages.
fn age_error(r: domain::event::companion::AgeRefusal) -> FieldError {
    use domain::event::companion::AgeRefusal as R;
    let field = |who: Who| match who {
        Who::Member => "birth_year".to_owned(),
        Who::Companion { index } => format!("companions[{index}].birth_year"),
    };
    match r {
        R::TooYoung { who, name, min, .. } => FieldError::new(field(who), Key::event_err_too_young)
            .with("name", name)
            .with("min", min),
        R::TooOld { who, name, max, .. } => FieldError::new(field(who), Key::event_err_too_old)
            .with("name", name)
            .with("max", max),
    }
}

/// Why registering is not open now, with the time in the institution's zone.
fn window_refusal(e: WindowRefusal, tz: &jiff::tz::TimeZone) -> ServiceError {
    match e {
        WindowRefusal::NotYet { opens_at } => ServiceError::Refused {
            key: Key::event_err_not_open,
            args: vec![("opens", Arg::Text(opens_at.format_minutes(tz)))],
        },
        WindowRefusal::Closed { .. } => ServiceError::refused(Key::event_err_closed),
        WindowRefusal::Started { .. } => ServiceError::refused(Key::event_err_started),
    }
}
