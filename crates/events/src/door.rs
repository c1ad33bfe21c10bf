//! At the door (签到): staff check people in by the QR on their page or the short code,
//! see the person and their companions, and are warned on a second scan. Walk-ins are
//! added; after the date, "mark the rest" records everyone not checked in as a no-show
//! (for stations without signal, who check in on paper). Staff may excuse a no-show or a
//! late cancellation, and lift a member's no-show block, with a reason (audited).

use crate::views::RegistrationView;
use crate::{Events, ServiceError, ServiceResult, Staff, may_publish};
use domain::event::checkin_code::CheckinNumber;
use domain::{Checks, TenantId, Timestamp};
use i18n::Key;
use serde::Serialize;
use store::events::{NewRegistration, RegistrationChange, RegistrationFilter, RegistrationRow};

/// What a scan or a typed code found.
#[derive(Clone, Debug, Serialize)]
pub struct CheckIn {
    pub outcome: CheckInOutcome,
    pub registration: Option<RegistrationView>,
    /// When the person was checked in before, on a second scan.
    pub earlier: Option<Timestamp>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckInOutcome {
    CheckedIn,
    /// Scanned twice: the person is already in.
    AlreadyIn,
    /// The code is for another activity or date.
    OtherDate,
    /// The registration was cancelled, or is still on the waiting list.
    NoPlace,
    Unknown,
}

/// A date's list for the door and the office.
#[derive(Clone, Debug, Serialize)]
pub struct Roster {
    pub activity: i64,
    pub title: String,
    pub date: i64,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub capacity: i32,
    pub taken: i32,
    pub lines: Vec<RosterLine>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RosterLine {
    #[serde(flatten)]
    pub registration: RegistrationView,
}

impl Events {
    /// The date's registrations, waiting list and offers, in order, with who came.
    pub async fn roster(&self, staff: &Staff, date: i64) -> ServiceResult<Roster> {
        let tenant = staff.actor.tenant_id;
        let (activity, d) = self.staff_date(staff, date).await?;
        let dates = store::events::dates_of(self.db(), tenant, &[activity.id]).await?;
        let holder = crate::holder_of(&activity, &dates, &d).clone();
        let filter = RegistrationFilter {
            dates: vec![holder.id],
            ..Default::default()
        };
        let regs = store::events::registrations(self.db(), tenant, &filter).await?;
        let ids: Vec<i64> = regs.iter().map(|r| r.id).collect();
        let attendance = store::events::attendance_of(self.db(), &ids).await?;
        let lines = regs
            .iter()
            .map(|r| {
                let seen = attendance
                    .iter()
                    .find(|a| a.registration_id == r.id && a.date_id == d.id);
                RosterLine {
                    registration: view(r, seen.map(|a| a.outcome.clone())),
                }
            })
            .collect();
        Ok(Roster {
            activity: activity.id,
            title: activity.title,
            date: d.id,
            starts_at: Timestamp(d.starts_at),
            ends_at: Timestamp(d.ends_at),
            capacity: holder.capacity,
            taken: holder.taken,
            lines,
        })
    }

    /// Checks in the registration whose code (or QR, which carries the code) was shown.
    pub async fn check_in(&self, staff: &Staff, date: i64, code: &str) -> ServiceResult<CheckIn> {
        let tenant = staff.actor.tenant_id;
        let (activity, d) = self.staff_date(staff, date).await?;
        if d.status == "cancelled" {
            return Err(ServiceError::refused(Key::event_err_cancelled));
        }
        let Ok(number) = CheckinNumber::parse(code) else {
            return Err(ServiceError::invalid("code", Key::event_err_code));
        };
        let Some(r) =
            store::events::registration_by_code(self.db(), tenant, &number.code()).await?
        else {
            return Ok(CheckIn {
                outcome: CheckInOutcome::Unknown,
                registration: None,
                earlier: None,
            });
        };
        let dates = store::events::dates_of(self.db(), tenant, &[activity.id]).await?;
        let holder = crate::holder_of(&activity, &dates, &d);
        if r.date_id != holder.id {
            return Ok(CheckIn {
                outcome: CheckInOutcome::OtherDate,
                registration: Some(view(&r, None)),
                earlier: None,
            });
        }
        if r.status != "confirmed" {
            return Ok(CheckIn {
                outcome: CheckInOutcome::NoPlace,
                registration: Some(view(&r, None)),
                earlier: None,
            });
        }
        let now = self.now();
        let tx = self.db().begin().await?;
        let first = store::events::record_attendance(
            &tx,
            tenant,
            r.id,
            d.id,
            "attended",
            Some(staff.actor.user_id.0),
            now,
        )
        .await?;
        if first {
            self.audit(
                &tx,
                staff,
                "registration.checked_in",
                "registration",
                r.id,
                None,
                Some(serde_json::json!({ "date": d.id })),
            )
            .await?;
        }
        tx.commit().await?;
        let earlier = if first {
            None
        } else {
            store::events::attendance_of(self.db(), &[r.id])
                .await?
                .into_iter()
                .find(|a| a.date_id == d.id)
                .map(|a| Timestamp(a.at))
        };
        let outcome = if first {
            CheckInOutcome::CheckedIn
        } else {
            CheckInOutcome::AlreadyIn
        };
        Ok(CheckIn {
            outcome,
            registration: Some(view(&r, Some("attended".into()))),
            earlier,
        })
    }

    /// After the date: everyone confirmed and not checked in is recorded as a no-show, or
    /// (for a station that checked in on paper) as attended. Gives how many were marked.
    pub async fn mark_the_rest(
        &self,
        staff: &Staff,
        date: i64,
        attended: bool,
    ) -> ServiceResult<usize> {
        let tenant = staff.actor.tenant_id;
        let (activity, d) = self.staff_date(staff, date).await?;
        let now = self.now();
        if now.0 < d.starts_at {
            return Err(ServiceError::refused(Key::event_err_not_started));
        }
        if d.status == "cancelled" {
            return Err(ServiceError::refused(Key::event_err_cancelled));
        }
        let dates = store::events::dates_of(self.db(), tenant, &[activity.id]).await?;
        let holder = crate::holder_of(&activity, &dates, &d);
        let filter = RegistrationFilter {
            dates: vec![holder.id],
            statuses: vec!["confirmed"],
            ..Default::default()
        };
        let outcome = if attended { "attended" } else { "no_show" };
        let tx = self.db().begin().await?;
        let mut marked = 0;
        for r in store::events::registrations(&tx, tenant, &filter).await? {
            if store::events::record_attendance(
                &tx,
                tenant,
                r.id,
                d.id,
                outcome,
                Some(staff.actor.user_id.0),
                now,
            )
            .await?
            {
                marked += 1;
            }
        }
        self.audit(
            &tx,
            staff,
            "activity.marked_rest",
            "activity_date",
            d.id,
            None,
            Some(serde_json::json!({ "outcome": outcome, "marked": marked })),
        )
        .await?;
        tx.commit().await?;
        Ok(marked)
    }

    /// Someone came without registering: added at the door if seats are free.
    pub async fn add_walk_in(
        &self,
        staff: &Staff,
        date: i64,
        name: &str,
        seats: &str,
    ) -> ServiceResult<i64> {
        let tenant = staff.actor.tenant_id;
        let (activity, d) = self.staff_date(staff, date).await?;
        let mut checks = Checks::new();
        let name = checks.text("name", name, crate::registration::NAME_MAX);
        let seats = crate::activities::number(&mut checks, "seats", seats, 1, 5, true).unwrap_or(1);
        checks.finish()?;
        let seats = i32::try_from(seats).unwrap_or(1);
        let dates = store::events::dates_of(self.db(), tenant, &[activity.id]).await?;
        let holder = crate::holder_of(&activity, &dates, &d).clone();
        let now = self.now();
        let tx = self.db().begin().await?;
        if store::events::hold_seats(&tx, holder.id, seats)
            .await?
            .is_none()
        {
            return Err(ServiceError::refused(Key::event_err_full));
        }
        let new = NewRegistration {
            activity_id: activity.id,
            date_id: holder.id,
            member_id: None,
            name,
            birth_year: None,
            seats,
            companions: "[]".into(),
            township_unit_id: None,
            status: "confirmed",
            charges: "[]".into(),
            position: None,
            application_no: None,
            offer_expires_at: None,
            code: CheckinNumber::from_random(rand::random()).code(),
            token: desk::new_token(),
        };
        let id = store::events::insert_registration(&tx, tenant, &new, now).await?;
        store::events::record_attendance(
            &tx,
            tenant,
            id,
            d.id,
            "attended",
            Some(staff.actor.user_id.0),
            now,
        )
        .await?;
        self.audit(
            &tx,
            staff,
            "registration.walk_in",
            "registration",
            id,
            None,
            Some(serde_json::json!({ "seats": seats })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The office excuses a no-show or a late cancellation (illness, a family matter): it
    /// no longer counts towards a block.
    pub async fn excuse(
        &self,
        staff: &Staff,
        registration: i64,
        reason: &str,
    ) -> ServiceResult<()> {
        let tenant = staff.actor.tenant_id;
        let r = self.staff_registration(staff, registration).await?;
        let mut checks = Checks::new();
        let reason = checks.text("reason", reason, crate::activities::PLACE_MAX);
        checks.finish()?;
        let tx = self.db().begin().await?;
        let changed = store::events::update_registration(
            &tx,
            tenant,
            r.id,
            r.version,
            vec![RegistrationChange::Excused(true)],
            self.now(),
        )
        .await?;
        if changed == 0 {
            return Err(ServiceError::Conflict);
        }
        self.audit(
            &tx,
            staff,
            "registration.excused",
            "registration",
            r.id,
            None,
            Some(serde_json::json!({ "reason": reason })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The office lifts a member's no-show block, with a reason: no-shows before now no
    /// longer count.
    pub async fn lift_block(
        &self,
        staff: &Staff,
        registration: i64,
        reason: &str,
    ) -> ServiceResult<()> {
        let tenant = staff.actor.tenant_id;
        let r = self.staff_registration(staff, registration).await?;
        let Some(member) = r.member_id else {
            return Err(ServiceError::NotFound);
        };
        let mut checks = Checks::new();
        let reason = checks.text("reason", reason, crate::activities::PLACE_MAX);
        checks.finish()?;
        let tx = self.db().begin().await?;
        store::events::lift_no_shows(&tx, tenant, member, self.now()).await?;
        self.audit(
            &tx,
            staff,
            "member.no_shows_lifted",
            "member",
            member,
            None,
            Some(serde_json::json!({ "reason": reason })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether the member of a registration is blocked by no-shows now, and until when.
    pub async fn member_blocked_until(
        &self,
        tenant: TenantId,
        member: i64,
    ) -> ServiceResult<Option<Timestamp>> {
        let (_, lifted) = store::events::member_standing(self.db(), tenant, member).await?;
        self.blocked_until(tenant, member, lifted, self.now()).await
    }

    /// A registration of an activity the office `staff` runs.
    async fn staff_registration(&self, staff: &Staff, id: i64) -> ServiceResult<RegistrationRow> {
        let tenant = staff.actor.tenant_id;
        let r = store::events::find_registration(self.db(), tenant, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let activity = self.activity_row(tenant, r.activity_id).await?;
        if !crate::may_work_on(staff, &activity) {
            return Err(ServiceError::NotFound);
        }
        if !may_publish(staff, &activity) {
            return Err(ServiceError::Forbidden);
        }
        Ok(r)
    }
}

pub(crate) fn view(r: &RegistrationRow, attendance: Option<String>) -> RegistrationView {
    RegistrationView {
        id: r.id,
        name: r.name.clone(),
        seats: r.seats,
        companions: serde_json::from_str(&r.companions).unwrap_or_default(),
        status: r.status.clone(),
        code: r.code.clone(),
        position: r.position,
        application_no: r.application_no.clone(),
        offer_expires_at: r.offer_expires_at.map(Timestamp),
        attendance,
        excused: r.excused,
        member: r.member_id,
        created_at: Timestamp(r.created_at),
    }
}
