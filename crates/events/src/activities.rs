//! Staff draft an activity with its dates and seats; the office publishes it; a changed or
//! cancelled date tells every registrant once (the message is queued in the transaction
//! that changes the date, so it is sent once whatever happens next).

use crate::{Events, ServiceError, ServiceResult, Staff, may_publish, may_work_on};
use domain::event::AllocationMode;
use domain::event::lottery;
use domain::{Checks, FieldError, TenantId, Timestamp};
use i18n::Key;
use jiff::tz::TimeZone;
use serde::Deserialize;
use store::events::{ActivityChange, ActivityFields, ActivityRow, DateChange, DateRow, ReserveRow};
use store::reminders::Subject;

pub const TITLE_MAX: usize = 80;
pub const DESCRIPTION_MAX: usize = 4000;
pub const PLACE_MAX: usize = 120;
/// Seats of one date: a hall of the centre, or a square for a festival.
pub const CAPACITY_MAX: i64 = 100_000;

/// The activity form, as typed. Times are `YYYY-MM-DDTHH:MM` in the institution's zone.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActivityDraft {
    pub title: String,
    pub description: String,
    /// One of the feedback categories' codes (activity, training, heritage, …).
    pub category: String,
    /// The organising unit: the centre, a station or a service point.
    pub unit: String,
    pub venue: String,
    pub address: String,
    /// `latitude,longitude`, optional.
    pub position: String,
    /// all | children | elderly | family
    pub audience: String,
    pub age_min: String,
    pub age_max: String,
    pub contact: String,
    /// none | per_date | course
    pub booking: String,
    /// first_come | lottery
    pub allocation: String,
    pub opens_at: String,
    pub priority_opens_at: String,
    pub closes_at: String,
    pub cancel_hours: String,
    pub companions_max: String,
}

/// One date of an activity, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct DateDraft {
    pub starts_at: String,
    pub ends_at: String,
    pub capacity: String,
    pub reserves: Vec<ReserveDraft>,
}

/// Seats of a date kept for an audience until a time.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReserveDraft {
    /// township | aged
    pub audience: String,
    /// The township unit, for `township`.
    pub township: String,
    /// The youngest age, for `aged`.
    pub min_age: String,
    pub seats: String,
    pub released_at: String,
}

pub const AUDIENCES: [&str; 4] = ["all", "children", "elderly", "family"];
pub const BOOKINGS: [&str; 3] = ["none", "per_date", "course"];

impl Events {
    /// A new draft of an activity of one of `staff`'s units.
    pub async fn create_activity(
        &self,
        staff: &Staff,
        draft: &ActivityDraft,
    ) -> ServiceResult<i64> {
        let tenant = staff.actor.tenant_id;
        let fields = self.check_activity(staff, draft).await?;
        let tx = self.db().begin().await?;
        let id =
            store::events::insert_activity(&tx, tenant, staff.actor.user_id.0, &fields, self.now())
                .await?;
        self.audit(
            &tx,
            staff,
            "activity.created",
            "activity",
            id,
            None,
            Some(serde_json::json!({ "title": fields.title })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes an activity's fields, if nobody changed it since `version` was read.
    pub async fn update_activity(
        &self,
        staff: &Staff,
        id: i64,
        draft: &ActivityDraft,
        version: i64,
    ) -> ServiceResult<()> {
        let tenant = staff.actor.tenant_id;
        let row = self.activity_row(tenant, id).await?;
        if !may_work_on(staff, &row) {
            return Err(ServiceError::NotFound);
        }
        if row.status == "cancelled" {
            return Err(ServiceError::refused(Key::event_err_cancelled));
        }
        let fields = self.check_activity(staff, draft).await?;
        if row.status == "published" && fields.allocation != row.allocation {
            return Err(ServiceError::invalid(
                "allocation",
                Key::event_err_allocation_fixed,
            ));
        }
        let tx = self.db().begin().await?;
        let changed = store::events::update_activity(
            &tx,
            tenant,
            id,
            version,
            vec![ActivityChange::Fields(Box::new(fields))],
            self.now(),
        )
        .await?;
        if changed == 0 {
            return Err(ServiceError::Conflict);
        }
        self.audit(&tx, staff, "activity.updated", "activity", id, None, None)
            .await?;
        self.plan_activity(&tx, tenant, id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds a date (with its seats and reserves) to an activity.
    pub async fn add_date(
        &self,
        staff: &Staff,
        activity: i64,
        draft: &DateDraft,
    ) -> ServiceResult<i64> {
        let tenant = staff.actor.tenant_id;
        let row = self.activity_row(tenant, activity).await?;
        if !may_work_on(staff, &row) {
            return Err(ServiceError::NotFound);
        }
        let tz = self.institution(tenant).await?.timezone;
        let mut checks = Checks::new();
        let times = check_times(&mut checks, &draft.starts_at, &draft.ends_at, &tz);
        let capacity = number(
            &mut checks,
            "capacity",
            &draft.capacity,
            1,
            CAPACITY_MAX,
            row.booking == "none",
        );
        let reserves = self
            .check_reserves(tenant, &draft.reserves, &tz, capacity, &mut checks)
            .await?;
        checks.finish()?;
        let Some((starts, ends)) = times else {
            return Err(ServiceError::Internal("checked above".into()));
        };
        let capacity = i32::try_from(capacity.unwrap_or(0)).unwrap_or(i32::MAX);
        let tx = self.db().begin().await?;
        let id =
            store::events::insert_date(&tx, tenant, activity, starts, ends, capacity, self.now())
                .await?;
        for r in &reserves {
            store::events::insert_reserve(&tx, tenant, id, r).await?;
        }
        self.audit(
            &tx,
            staff,
            "activity.date_added",
            "activity",
            activity,
            None,
            Some(serde_json::json!({ "date": id, "starts_at": starts.0, "capacity": capacity })),
        )
        .await?;
        self.plan_activity(&tx, tenant, activity).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The office publishes the activity: it shows on the calendar, registration opens at
    /// its time, and for a lottery the commitment to the draw's seed is made public now.
    pub async fn publish_activity(
        &self,
        staff: &Staff,
        id: i64,
        version: i64,
    ) -> ServiceResult<()> {
        let tenant = staff.actor.tenant_id;
        let row = self.activity_row(tenant, id).await?;
        if !may_work_on(staff, &row) {
            return Err(ServiceError::NotFound);
        }
        if !may_publish(staff, &row) {
            return Err(ServiceError::Forbidden);
        }
        if row.status != "draft" {
            return Err(ServiceError::refused(Key::event_err_not_draft));
        }
        let dates = store::events::dates_of(self.db(), tenant, &[id]).await?;
        if dates.is_empty() {
            return Err(ServiceError::invalid("dates", Key::event_err_no_dates));
        }
        let now = self.now();
        let mut changes = vec![
            ActivityChange::Status("published"),
            ActivityChange::PublishedAt(now),
        ];
        if row.allocation == AllocationMode::Lottery.as_str() {
            let seed: [u8; lottery::SEED_BYTES] = rand::random();
            changes.push(ActivityChange::Lottery {
                seed: lottery::seed_hex(&seed),
                commitment: lottery::commitment(&seed),
            });
        }
        let tx = self.db().begin().await?;
        if store::events::update_activity(&tx, tenant, id, version, changes, now).await? == 0 {
            return Err(ServiceError::Conflict);
        }
        self.audit(
            &tx,
            staff,
            "activity.published",
            "activity",
            id,
            Some(serde_json::json!({ "status": row.status })),
            Some(serde_json::json!({ "status": "published" })),
        )
        .await?;
        self.plan_activity(&tx, tenant, id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Moves a date to a new time: every registrant is told once, and calendar apps update
    /// the same event (its SEQUENCE grows).
    pub async fn move_date(
        &self,
        staff: &Staff,
        date: i64,
        starts_at: &str,
        ends_at: &str,
        version: i64,
    ) -> ServiceResult<()> {
        let tenant = staff.actor.tenant_id;
        let (activity, d) = self.staff_date(staff, date).await?;
        if !may_publish(staff, &activity) {
            return Err(ServiceError::Forbidden);
        }
        let tz = self.institution(tenant).await?.timezone;
        let mut checks = Checks::new();
        let times = check_times(&mut checks, starts_at, ends_at, &tz);
        checks.finish()?;
        let Some((s, e)) = times else {
            return Err(ServiceError::Internal("checked above".into()));
        };
        let tx = self.db().begin().await?;
        if store::events::change_date(
            &tx,
            tenant,
            date,
            version,
            DateChange {
                times: Some((s, e)),
                ..Default::default()
            },
            self.now(),
        )
        .await?
            == 0
        {
            return Err(ServiceError::Conflict);
        }
        let when = s.format_minutes(&tz);
        let text = i18n::Tr::new(i18n::Lang::ZhCn).fill(
            Key::event_msg_moved,
            &[
                ("title", &activity.title),
                ("when", &when),
                ("venue", &activity.venue),
            ],
        );
        self.tell_registrants(&tx, tenant, &activity, &d, &text)
            .await?;
        self.audit(
            &tx,
            staff,
            "activity.date_moved",
            "activity_date",
            date,
            Some(serde_json::json!({ "starts_at": d.starts_at })),
            Some(serde_json::json!({ "starts_at": s.0 })),
        )
        .await?;
        self.plan_activity(&tx, tenant, activity.id).await?;
        tx.commit().await?;
        self.wake_worker();
        Ok(())
    }

    /// Cancels a date: registrants are told once, with the reason; its feed entry says
    /// CANCELLED.
    pub async fn cancel_date(
        &self,
        staff: &Staff,
        date: i64,
        reason: &str,
        version: i64,
    ) -> ServiceResult<()> {
        let tenant = staff.actor.tenant_id;
        let (activity, d) = self.staff_date(staff, date).await?;
        if !may_publish(staff, &activity) {
            return Err(ServiceError::Forbidden);
        }
        let mut checks = Checks::new();
        let reason = checks.text("reason", reason, PLACE_MAX);
        checks.finish()?;
        if d.status == "cancelled" {
            return Err(ServiceError::refused(Key::event_err_cancelled));
        }
        let tx = self.db().begin().await?;
        if store::events::change_date(
            &tx,
            tenant,
            date,
            version,
            DateChange {
                status: Some("cancelled"),
                ..Default::default()
            },
            self.now(),
        )
        .await?
            == 0
        {
            return Err(ServiceError::Conflict);
        }
        let tz = self.institution(tenant).await?.timezone;
        let text = i18n::Tr::new(i18n::Lang::ZhCn).fill(
            Key::event_msg_cancelled,
            &[
                ("title", &activity.title),
                ("when", &Timestamp(d.starts_at).format_minutes(&tz)),
                ("reason", &reason),
            ],
        );
        self.tell_registrants(&tx, tenant, &activity, &d, &text)
            .await?;
        self.audit(
            &tx,
            staff,
            "activity.date_cancelled",
            "activity_date",
            date,
            None,
            Some(serde_json::json!({ "reason": reason })),
        )
        .await?;
        self.plan_activity(&tx, tenant, activity.id).await?;
        tx.commit().await?;
        self.wake_worker();
        Ok(())
    }

    /// The activity and one of its dates, for staff who may work on it.
    pub(crate) async fn staff_date(
        &self,
        staff: &Staff,
        date: i64,
    ) -> ServiceResult<(ActivityRow, DateRow)> {
        let tenant = staff.actor.tenant_id;
        let d = self.date_row(tenant, date).await?;
        let activity = self.activity_row(tenant, d.activity_id).await?;
        if !may_work_on(staff, &activity) {
            return Err(ServiceError::NotFound);
        }
        Ok((activity, d))
    }

    /// Texts everyone holding a place (or an offer) on the date.
    async fn tell_registrants(
        &self,
        tx: &store::Tx,
        tenant: TenantId,
        activity: &ActivityRow,
        date: &DateRow,
        text: &str,
    ) -> ServiceResult<()> {
        let dates = store::events::dates_of(tx, tenant, &[activity.id]).await?;
        let holder = crate::holder_of(activity, &dates, date);
        let filter = store::events::RegistrationFilter {
            dates: vec![holder.id],
            statuses: vec!["confirmed", "offered", "waiting", "applied"],
            ..Default::default()
        };
        for r in store::events::registrations(tx, tenant, &filter).await? {
            self.tell_member(tx, tenant, r.member_id, text).await?;
        }
        Ok(())
    }

    /// Texts a member (an SMS to their verified mobile); nobody for a walk-in.
    pub(crate) async fn tell_member(
        &self,
        c: &impl store::Conn,
        tenant: TenantId,
        member: Option<i64>,
        text: &str,
    ) -> ServiceResult<()> {
        let Some(member) = member else { return Ok(()) };
        let Some(row) = store::members::find(c, tenant, domain::MemberId(member)).await? else {
            return Ok(());
        };
        if let Some(mobile) = row.mobile.as_deref() {
            self.queue_message(c, Some(tenant), notify::Channel::Sms, mobile, None, text)
                .await?;
        }
        Ok(())
    }

    /// Checks the activity form, naming each wrong field.
    async fn check_activity(
        &self,
        staff: &Staff,
        d: &ActivityDraft,
    ) -> ServiceResult<ActivityFields> {
        let tenant = staff.actor.tenant_id;
        let tz = self.institution(tenant).await?.timezone;
        let units = store::org::units(self.db(), tenant).await?;
        let mut checks = Checks::new();
        let title = checks.text("title", &d.title, TITLE_MAX);
        let description = checks.text("description", &d.description, DESCRIPTION_MAX);
        let category = checks.text("category", &d.category, 40);
        let unit = d
            .unit
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|id| units.iter().find(|u| u.id == id));
        let unit = checks.present("unit", unit, Key::err_choice);
        if let Some(u) = unit
            && !crate::may_organise_for(staff, &u.unit_path())
        {
            checks.push(FieldError::new("unit", Key::event_err_unit_not_yours));
        }
        let venue = checks.text("venue", &d.venue, PLACE_MAX);
        let address = checks
            .optional_text("address", Some(&d.address), PLACE_MAX)
            .unwrap_or_default();
        let position = parse_position(&d.position);
        if position.is_none() && !d.position.trim().is_empty() {
            checks.push(FieldError::new("position", Key::event_err_position));
        }
        let audience = choice(&mut checks, "audience", &d.audience, &AUDIENCES, "all");
        let age_min = number(&mut checks, "age_min", &d.age_min, 0, 120, true);
        let age_max = number(&mut checks, "age_max", &d.age_max, 0, 120, true);
        if let (Some(a), Some(b)) = (age_min, age_max)
            && a > b
        {
            checks.push(FieldError::new("age_max", Key::event_err_age_range));
        }
        let contact = checks
            .optional_text("contact", Some(&d.contact), PLACE_MAX)
            .unwrap_or_default();
        let booking = choice(&mut checks, "booking", &d.booking, &BOOKINGS, "per_date");
        let allocation = choice(
            &mut checks,
            "allocation",
            &d.allocation,
            &["first_come", "lottery"],
            "first_come",
        );
        let needs_window = booking != "none";
        let opens_at = optional_time(&mut checks, "opens_at", &d.opens_at, &tz);
        let priority_opens_at =
            optional_time(&mut checks, "priority_opens_at", &d.priority_opens_at, &tz);
        let closes_at = optional_time(&mut checks, "closes_at", &d.closes_at, &tz);
        if needs_window && allocation == "lottery" && closes_at.is_none() {
            checks.push(FieldError::new(
                "closes_at",
                Key::event_err_lottery_needs_close,
            ));
        }
        if let (Some(o), Some(c)) = (opens_at, closes_at)
            && c <= o
        {
            checks.push(FieldError::new("closes_at", Key::event_err_ends_before));
        }
        if let (Some(p), Some(o)) = (priority_opens_at, opens_at)
            && p >= o
        {
            checks.push(FieldError::new(
                "priority_opens_at",
                Key::event_err_priority_after,
            ));
        }
        let cancel_hours = number(
            &mut checks,
            "cancel_hours",
            &d.cancel_hours,
            0,
            24 * 14,
            true,
        )
        .unwrap_or(24);
        let companions_max =
            number(&mut checks, "companions_max", &d.companions_max, 0, 4, true).unwrap_or(2);
        checks.finish()?;
        let Some(unit) = unit else {
            return Err(ServiceError::Internal("checked above".into()));
        };
        let small = |n: Option<i64>| n.and_then(|n| i32::try_from(n).ok());
        Ok(ActivityFields {
            unit_id: unit.id,
            unit_path: unit.unit_path(),
            title,
            description,
            category,
            venue,
            address,
            position,
            audience: audience.to_owned(),
            age_min: small(age_min),
            age_max: small(age_max),
            contact,
            booking: booking.to_owned(),
            allocation: allocation.to_owned(),
            opens_at,
            priority_opens_at,
            closes_at,
            cancel_hours: small(Some(cancel_hours)).unwrap_or(24),
            offer_hours: 12,
            companions_max: small(Some(companions_max)).unwrap_or(2),
        })
    }

    async fn check_reserves(
        &self,
        tenant: TenantId,
        drafts: &[ReserveDraft],
        tz: &TimeZone,
        capacity: Option<i64>,
        checks: &mut Checks,
    ) -> ServiceResult<Vec<ReserveRow>> {
        let units = store::org::units(self.db(), tenant).await?;
        let mut out = Vec::new();
        let mut total = 0;
        for (i, r) in drafts.iter().enumerate() {
            if r.seats.trim().is_empty() && r.audience.trim().is_empty() {
                continue;
            }
            let field = |f: &str| format!("reserves[{i}].{f}");
            let seats =
                number(checks, &field("seats"), &r.seats, 1, CAPACITY_MAX, false).unwrap_or(0);
            total += seats;
            let released = checks.present(
                &field("released_at"),
                parse_time(&r.released_at, tz),
                Key::event_err_time,
            );
            let (township, min_age) =
                match r.audience.as_str() {
                    "township" => {
                        let unit =
                            r.township.trim().parse::<i64>().ok().filter(|id| {
                                units.iter().any(|u| u.id == *id && u.kind == "station")
                            });
                        (
                            checks.present(&field("township"), unit, Key::err_choice),
                            None,
                        )
                    }
                    "aged" => (
                        None,
                        number(checks, &field("min_age"), &r.min_age, 50, 120, false),
                    ),
                    _ => {
                        checks.push(FieldError::new(field("audience"), Key::err_choice));
                        (None, None)
                    }
                };
            out.push(ReserveRow {
                id: 0,
                date_id: 0,
                audience: r.audience.clone(),
                township_unit_id: township,
                min_age: min_age.and_then(|n| i32::try_from(n).ok()),
                seats: i32::try_from(seats).unwrap_or(0),
                taken: 0,
                released_at: released.map_or(0, |t| t.0),
            });
        }
        if let Some(capacity) = capacity
            && total > capacity
        {
            checks.push(
                FieldError::new("reserves", Key::event_err_reserves_over)
                    .with("capacity", capacity),
            );
        }
        Ok(out)
    }
}

/// `YYYY-MM-DDTHH:MM` (or with a space) in the institution's zone.
pub fn parse_time(s: &str, tz: &TimeZone) -> Option<Timestamp> {
    let s = s.trim().replace(' ', "T");
    let civil: jiff::civil::DateTime = s.parse().ok()?;
    let zoned = civil.to_zoned(tz.clone()).ok()?;
    Some(Timestamp(zoned.timestamp().as_millisecond()))
}

/// A date's start and end, each a valid time and the end after the start.
fn check_times(
    checks: &mut Checks,
    starts: &str,
    ends: &str,
    tz: &TimeZone,
) -> Option<(Timestamp, Timestamp)> {
    let s = checks.present("starts_at", parse_time(starts, tz), Key::event_err_time);
    let e = checks.present("ends_at", parse_time(ends, tz), Key::event_err_time);
    let (s, e) = (s?, e?);
    if e <= s {
        checks.push(FieldError::new("ends_at", Key::event_err_ends_before));
        return None;
    }
    Some((s, e))
}

fn optional_time(checks: &mut Checks, field: &str, s: &str, tz: &TimeZone) -> Option<Timestamp> {
    if s.trim().is_empty() {
        return None;
    }
    checks.present(field, parse_time(s, tz), Key::event_err_time)
}

fn parse_position(s: &str) -> Option<(f64, f64)> {
    let (lat, lon) = s.split_once([',', '，'])?;
    let lat: f64 = lat.trim().parse().ok()?;
    let lon: f64 = lon.trim().parse().ok()?;
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
}

fn choice<'a>(
    checks: &mut Checks,
    field: &str,
    s: &str,
    allowed: &[&'a str],
    default: &'a str,
) -> &'a str {
    let s = s.trim();
    if s.is_empty() {
        return default;
    }
    match allowed.iter().find(|a| **a == s) {
        Some(a) => a,
        None => {
            checks.push(FieldError::new(field, Key::err_choice));
            default
        }
    }
}

/// A whole number in `min..=max`; empty is `None` when `optional`.
pub(crate) fn number(
    checks: &mut Checks,
    field: &str,
    s: &str,
    min: i64,
    max: i64,
    optional: bool,
) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        if !optional {
            checks.push(FieldError::new(field, Key::err_required));
        }
        return None;
    }
    match s.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Some(n),
        _ => {
            checks.push(
                FieldError::new(field, Key::err_range)
                    .with("min", min)
                    .with("max", max),
            );
            None
        }
    }
}

/// The units a staff member's events list covers.
pub(crate) fn unit_label(units: &[store::org::UnitRow], id: i64) -> String {
    units
        .iter()
        .find(|u| u.id == id)
        .map(|u| u.name.clone())
        .unwrap_or_default()
}

/// The planned steps of the activity's dates on the ledger; rewritten on every change.
impl Events {
    pub(crate) async fn plan_activity(
        &self,
        c: &impl store::Conn,
        tenant: TenantId,
        id: i64,
    ) -> ServiceResult<()> {
        let Some(row) = store::events::find_activity(c, tenant, id).await? else {
            return Ok(());
        };
        let dates = store::events::dates_of(c, tenant, &[id]).await?;
        let reserves =
            store::events::reserves_of(c, &dates.iter().map(|d| d.id).collect::<Vec<_>>()).await?;
        for d in &dates {
            let holds_seats = crate::holder_of(&row, &dates, d).id == d.id;
            let steps = crate::sweep::plan_of(&row, d, holds_seats, &reserves);
            let steps: Vec<(&str, Timestamp)> =
                steps.iter().map(|(s, t)| (s.as_str(), *t)).collect();
            store::reminders::plan(c, tenant, Subject::ActivityDate(d.id), &steps).await?;
        }
        Ok(())
    }
}
