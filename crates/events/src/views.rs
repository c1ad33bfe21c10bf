//! What pages and the API show: the public calendar, an activity with its seats left, a
//! member's own registrations, the staff list and the figures.

use crate::{Events, ServiceError, ServiceResult, Staff};
use domain::event::rating::{RatingSummary, public_summary};
use domain::{TenantId, Timestamp};
use serde::Serialize;
use std::collections::HashMap;
use store::events::{ActivityFilter, ActivityRow, DateRow, RegistrationFilter, RegistrationRow};

/// An activity as the public sees it.
#[derive(Clone, Debug, Serialize)]
pub struct ActivityView {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub category: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub venue: String,
    pub address: String,
    pub position: Option<(f64, f64)>,
    pub audience: String,
    pub age_min: Option<i32>,
    pub age_max: Option<i32>,
    pub contact: String,
    pub booking: String,
    pub allocation: String,
    pub opens_at: Option<Timestamp>,
    pub priority_opens_at: Option<Timestamp>,
    pub closes_at: Option<Timestamp>,
    pub cancel_hours: i32,
    pub companions_max: i32,
    pub status: String,
    /// For a lottery: the commitment to the seed, published from the start.
    pub lottery_commitment: Option<String>,
    /// The seed, published once the list is frozen and drawn.
    pub lottery_seed: Option<String>,
    pub drawn_at: Option<Timestamp>,
    pub dates: Vec<DateView>,
    /// Shown from five ratings up.
    pub rating: Option<RatingSummary>,
    pub version: i64,
}

/// One date of an activity, with its seats.
#[derive(Clone, Debug, Serialize)]
pub struct DateView {
    pub id: i64,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub capacity: i32,
    /// Seats nobody holds now (live; for a course, the course's).
    pub seats_left: i32,
    pub waiting: i64,
    pub cancelled: bool,
    pub sequence: i32,
    pub version: i64,
    /// Seats still kept for an audience until their release: part of `seats_left`, but not
    /// for everyone yet.
    pub kept: Vec<KeptSeats>,
}

/// Seats of a date kept for residents of a township, or for people over an age.
#[derive(Clone, Debug, Serialize)]
pub struct KeptSeats {
    /// township | aged
    pub audience: String,
    pub township: Option<String>,
    pub min_age: Option<i32>,
    /// Kept seats nobody holds yet.
    pub free: i32,
    pub until: Timestamp,
}

/// One line of the public calendar: a date of a published activity.
#[derive(Clone, Debug, Serialize)]
pub struct CalendarEntry {
    pub activity: i64,
    pub date: i64,
    pub title: String,
    pub category: String,
    pub unit_name: String,
    pub venue: String,
    pub audience: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub seats_left: i32,
    pub booking: String,
    pub cancelled: bool,
}

/// What the public calendar shows.
#[derive(Clone, Debug, Default)]
pub struct CalendarQuery {
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    pub unit: Option<i64>,
    pub category: Option<String>,
    pub audience: Option<String>,
}

/// A registration as its member sees it.
#[derive(Clone, Debug, Serialize)]
pub struct MyRegistration {
    pub id: i64,
    pub activity: i64,
    pub title: String,
    pub venue: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub status: String,
    pub seats: i32,
    pub companions: Vec<domain::event::companion::Companion>,
    pub code: String,
    pub token: String,
    pub application_no: Option<String>,
    pub offer_expires_at: Option<Timestamp>,
    /// Place in the waiting list (1 is next), while waiting.
    pub waiting_place: Option<i64>,
    pub attended: bool,
    pub rated: bool,
    pub may_rate: bool,
    pub may_cancel: bool,
}

/// A registration as staff see it on a roster.
#[derive(Clone, Debug, Serialize)]
pub struct RegistrationView {
    pub id: i64,
    pub name: String,
    pub seats: i32,
    pub companions: Vec<domain::event::companion::Companion>,
    pub status: String,
    pub code: String,
    pub position: Option<i64>,
    pub application_no: Option<String>,
    pub offer_expires_at: Option<Timestamp>,
    pub attendance: Option<String>,
    pub excused: bool,
    pub member: Option<i64>,
    pub created_at: Timestamp,
}

/// The figures of an activity: what tells the centre to open a second class.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ActivityFigures {
    pub activity: i64,
    pub title: String,
    pub unit_name: String,
    /// Seats registered (confirmed, with companions).
    pub registered: i64,
    pub attended: i64,
    pub no_shows: i64,
    /// People who wanted a seat and got none: still waiting, lapsed or not drawn.
    pub unmet_demand: i64,
    pub ratings: i64,
    pub average_tenths: Option<u32>,
}

impl Events {
    /// The public calendar: dates of published activities between `from` and `to`.
    pub async fn calendar(
        &self,
        tenant: TenantId,
        q: &CalendarQuery,
    ) -> ServiceResult<Vec<CalendarEntry>> {
        let now = self.now();
        let from = q.from.unwrap_or(now.minus_ms(domain::time::DAY_MS));
        let to = q.to.unwrap_or(from.plus_ms(60 * domain::time::DAY_MS));
        let units = store::org::units(self.db(), tenant).await?;
        let within = match q.unit {
            Some(id) => {
                let unit = units
                    .iter()
                    .find(|u| u.id == id)
                    .ok_or_else(|| ServiceError::invalid("unit", i18n::Key::err_choice))?;
                vec![unit.unit_path()]
            }
            None => Vec::new(),
        };
        let filter = ActivityFilter {
            statuses: vec!["published"],
            within,
            category: q.category.clone(),
            audience: q.audience.clone(),
            dates_between: Some((from, to)),
            limit: 500,
        };
        let activities = store::events::list_activities(self.db(), tenant, &filter).await?;
        let ids: Vec<i64> = activities.iter().map(|a| a.id).collect();
        let dates = store::events::dates_of(self.db(), tenant, &ids).await?;
        let by_id: HashMap<i64, &ActivityRow> = activities.iter().map(|a| (a.id, a)).collect();
        let mut out = Vec::new();
        for d in dates
            .iter()
            .filter(|d| d.starts_at >= from.0 && d.starts_at < to.0)
        {
            let Some(a) = by_id.get(&d.activity_id) else {
                continue;
            };
            let holder = crate::holder_of(a, &dates, d);
            out.push(CalendarEntry {
                activity: a.id,
                date: d.id,
                title: a.title.clone(),
                category: a.category.clone(),
                unit_name: crate::activities::unit_label(&units, a.unit_id),
                venue: a.venue.clone(),
                audience: a.audience.clone(),
                starts_at: Timestamp(d.starts_at),
                ends_at: Timestamp(d.ends_at),
                seats_left: (holder.capacity - holder.taken).max(0),
                booking: a.booking.clone(),
                cancelled: d.status == "cancelled",
            });
        }
        out.sort_by_key(|e| (e.starts_at, e.date));
        Ok(out)
    }

    /// A published activity, as the public sees it.
    pub async fn public_activity(&self, tenant: TenantId, id: i64) -> ServiceResult<ActivityView> {
        let row = self.activity_row(tenant, id).await?;
        if !matches!(row.status.as_str(), "published" | "cancelled") || row.published_at.is_none() {
            return Err(ServiceError::NotFound);
        }
        self.view_of(tenant, row).await
    }

    /// The published activity a date belongs to, as the public sees it.
    pub async fn public_activity_of_date(
        &self,
        tenant: TenantId,
        date: i64,
    ) -> ServiceResult<ActivityView> {
        let d = self.date_row(tenant, date).await?;
        self.public_activity(tenant, d.activity_id).await
    }

    /// An activity as staff who may work on it see it (drafts too).
    pub async fn staff_activity(&self, staff: &Staff, id: i64) -> ServiceResult<ActivityView> {
        let row = self.activity_row(staff.actor.tenant_id, id).await?;
        if !crate::may_work_on(staff, &row) {
            return Err(ServiceError::NotFound);
        }
        self.view_of(staff.actor.tenant_id, row).await
    }

    async fn view_of(&self, tenant: TenantId, row: ActivityRow) -> ServiceResult<ActivityView> {
        let units = store::org::units(self.db(), tenant).await?;
        let dates = store::events::dates_of(self.db(), tenant, &[row.id]).await?;
        let waiting = self.waiting_counts(tenant, &dates).await?;
        let stars = store::events::stars_of(self.db(), tenant, &[row.id]).await?;
        let stars: Vec<u8> = stars
            .iter()
            .filter_map(|(_, s)| u8::try_from(*s).ok())
            .collect();
        let ids: Vec<i64> = dates.iter().map(|d| d.id).collect();
        let reserves = store::events::reserves_of(self.db(), &ids).await?;
        let now = self.now();
        let views = dates
            .iter()
            .map(|d| {
                let holder = crate::holder_of(&row, &dates, d);
                DateView {
                    id: d.id,
                    starts_at: Timestamp(d.starts_at),
                    ends_at: Timestamp(d.ends_at),
                    capacity: holder.capacity,
                    seats_left: (holder.capacity - holder.taken).max(0),
                    waiting: waiting.get(&holder.id).copied().unwrap_or(0),
                    cancelled: d.status == "cancelled",
                    sequence: d.sequence,
                    version: d.version,
                    kept: reserves
                        .iter()
                        .filter(|r| r.date_id == holder.id && now.0 < r.released_at)
                        .map(|r| KeptSeats {
                            audience: r.audience.clone(),
                            township: r
                                .township_unit_id
                                .map(|u| crate::activities::unit_label(&units, u)),
                            min_age: r.min_age,
                            free: (r.seats - r.taken).max(0),
                            until: Timestamp(r.released_at),
                        })
                        .collect(),
                }
            })
            .collect();
        Ok(ActivityView {
            id: row.id,
            unit_name: crate::activities::unit_label(&units, row.unit_id),
            position: row.latitude.zip(row.longitude),
            opens_at: row.opens_at.or(row.published_at).map(Timestamp),
            priority_opens_at: row.priority_opens_at.map(Timestamp),
            closes_at: row.closes_at.map(Timestamp),
            lottery_seed: row.drawn_at.and(row.lottery_seed.clone()),
            drawn_at: row.drawn_at.map(Timestamp),
            rating: public_summary(&stars),
            dates: views,
            title: row.title,
            description: row.description,
            category: row.category,
            unit_id: row.unit_id,
            venue: row.venue,
            address: row.address,
            audience: row.audience,
            age_min: row.age_min,
            age_max: row.age_max,
            contact: row.contact,
            booking: row.booking,
            allocation: row.allocation,
            cancel_hours: row.cancel_hours,
            companions_max: row.companions_max,
            status: row.status,
            lottery_commitment: row.lottery_commitment,
            version: row.version,
        })
    }

    async fn waiting_counts(
        &self,
        tenant: TenantId,
        dates: &[DateRow],
    ) -> ServiceResult<HashMap<i64, i64>> {
        let filter = RegistrationFilter {
            dates: dates.iter().map(|d| d.id).collect(),
            statuses: vec!["waiting", "applied"],
            ..Default::default()
        };
        let mut out = HashMap::new();
        if filter.dates.is_empty() {
            return Ok(out);
        }
        for r in store::events::registrations(self.db(), tenant, &filter).await? {
            *out.entry(r.date_id).or_default() += 1;
        }
        Ok(out)
    }

    /// The activities of the units `staff` works for, newest first.
    pub async fn staff_activities(&self, staff: &Staff) -> ServiceResult<Vec<ActivityView>> {
        let within = crate::event_scopes(staff);
        if within.is_empty() {
            return Err(ServiceError::Forbidden);
        }
        let filter = ActivityFilter {
            within,
            limit: 200,
            ..Default::default()
        };
        let rows =
            store::events::list_activities(self.db(), staff.actor.tenant_id, &filter).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(self.view_of(staff.actor.tenant_id, row).await?);
        }
        Ok(out)
    }

    /// The member's registrations, the coming first.
    pub async fn my_registrations(
        &self,
        member: &desk::MemberSession,
    ) -> ServiceResult<Vec<MyRegistration>> {
        let tenant = member.tenant;
        let filter = RegistrationFilter {
            member: Some(member.member.0),
            ..Default::default()
        };
        let rows = store::events::registrations(self.db(), tenant, &filter).await?;
        let mut out = Vec::new();
        for r in rows {
            out.push(self.mine(tenant, &r).await?);
        }
        // The coming first, soonest first; then the past, latest first.
        let now = self.now();
        out.sort_by_key(|m| {
            let past = m.ends_at < now;
            (past, if past { -m.starts_at.0 } else { m.starts_at.0 })
        });
        Ok(out)
    }

    /// A registration by its private link's token.
    pub async fn registration_by_token(&self, token: &str) -> ServiceResult<MyRegistration> {
        let r = store::events::registration_by_token(self.db(), token)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.mine(TenantId(r.tenant_id), &r).await
    }

    pub(crate) async fn mine(
        &self,
        tenant: TenantId,
        r: &RegistrationRow,
    ) -> ServiceResult<MyRegistration> {
        let now = self.now();
        let a = self.activity_row(tenant, r.activity_id).await?;
        let d = self.date_row(tenant, r.date_id).await?;
        let attendance = store::events::attendance_of(self.db(), &[r.id]).await?;
        let attended = attendance.iter().any(|x| x.outcome == "attended");
        let rated = !store::events::rated(self.db(), &[r.id]).await?.is_empty();
        let waiting_place = if r.status == "waiting" {
            let filter = RegistrationFilter {
                dates: vec![r.date_id],
                statuses: vec!["waiting"],
                ..Default::default()
            };
            let list = store::events::registrations(self.db(), tenant, &filter).await?;
            list.iter().position(|x| x.id == r.id).map(|p| p as i64 + 1)
        } else {
            None
        };
        let may_rate = !rated
            && domain::event::rating::may_rate(
                attended,
                Timestamp(d.ends_at),
                now,
                crate::ratings::WINDOW_DAYS,
            )
            .is_ok();
        Ok(MyRegistration {
            id: r.id,
            activity: a.id,
            title: a.title,
            venue: a.venue,
            starts_at: Timestamp(d.starts_at),
            ends_at: Timestamp(d.ends_at),
            status: r.status.clone(),
            seats: r.seats,
            companions: serde_json::from_str(&r.companions).unwrap_or_default(),
            code: r.code.clone(),
            token: r.token.clone(),
            application_no: r.application_no.clone(),
            offer_expires_at: r.offer_expires_at.map(Timestamp),
            waiting_place,
            attended,
            rated,
            may_rate,
            may_cancel: crate::registration::ACTIVE.contains(&r.status.as_str())
                && now.0 < d.starts_at,
        })
    }

    /// Figures per activity of `staff`'s units, for activities with a date in [from, to).
    pub async fn figures(
        &self,
        staff: &Staff,
        from: Timestamp,
        to: Timestamp,
    ) -> ServiceResult<Vec<ActivityFigures>> {
        let tenant = staff.actor.tenant_id;
        let within = crate::event_scopes(staff);
        if within.is_empty() {
            return Err(ServiceError::Forbidden);
        }
        let filter = ActivityFilter {
            within,
            statuses: vec!["published", "cancelled"],
            dates_between: Some((from, to)),
            limit: 500,
            ..Default::default()
        };
        let rows = store::events::list_activities(self.db(), tenant, &filter).await?;
        let units = store::org::units(self.db(), tenant).await?;
        let ids: Vec<i64> = rows.iter().map(|a| a.id).collect();
        let dates = store::events::dates_of(self.db(), tenant, &ids).await?;
        let regs = store::events::registrations(
            self.db(),
            tenant,
            &RegistrationFilter {
                dates: dates.iter().map(|d| d.id).collect(),
                ..Default::default()
            },
        )
        .await?;
        let attendance =
            store::events::attendance_of(self.db(), &regs.iter().map(|r| r.id).collect::<Vec<_>>())
                .await?;
        let stars = store::events::stars_of(self.db(), tenant, &ids).await?;
        let mut out: Vec<ActivityFigures> = rows
            .iter()
            .map(|a| ActivityFigures {
                activity: a.id,
                title: a.title.clone(),
                unit_name: crate::activities::unit_label(&units, a.unit_id),
                ..Default::default()
            })
            .collect();
        for f in &mut out {
            let mine: Vec<&RegistrationRow> = regs
                .iter()
                .filter(|r| r.activity_id == f.activity)
                .collect();
            f.registered = mine
                .iter()
                .filter(|r| r.status == "confirmed")
                .map(|r| i64::from(r.seats))
                .sum();
            f.unmet_demand = mine
                .iter()
                // Still waiting, or an offer that lapsed; lottery applications not yet drawn
                // are demand not yet known.
                .filter(|r| matches!(r.status.as_str(), "waiting" | "lapsed"))
                .map(|r| i64::from(r.seats))
                .sum();
            for r in &mine {
                for a in attendance.iter().filter(|a| a.registration_id == r.id) {
                    match a.outcome.as_str() {
                        "attended" => f.attended += i64::from(r.seats),
                        _ if r.excused => {}
                        _ => f.no_shows += i64::from(r.seats),
                    }
                }
            }
            let s: Vec<u8> = stars
                .iter()
                .filter(|(a, _)| *a == f.activity)
                .filter_map(|(_, s)| u8::try_from(*s).ok())
                .collect();
            f.ratings = s.len() as i64;
            f.average_tenths = public_summary(&s).map(|s| s.average_tenths);
        }
        Ok(out)
    }
}
