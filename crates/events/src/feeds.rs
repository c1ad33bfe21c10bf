//! The public calendar as feeds (iCalendar subscriptions per institution and station, one
//! date's "add to calendar", an Atom feed of new activities) and the lottery's publication:
//! the commitment from the start, the frozen list of applications (names masked) when the
//! window closes, the seed and the drawn order after the draw — enough for anyone to
//! recompute the result with `scripts/verify_lottery.py`.

use crate::views::CalendarQuery;
use crate::{Events, ServiceError, ServiceResult};
use domain::event::lottery::draw_order;
use domain::{TenantId, Timestamp};
use export::calendar::{Calendar, CalendarEvent};
use export::feed::{Feed, FeedEntry};
use serde::Serialize;
use store::events::{ActivityFilter, RegistrationFilter};

/// The lottery of an activity's date, as published.
#[derive(Clone, Debug, Serialize)]
pub struct LotteryPublication {
    pub activity: i64,
    pub title: String,
    pub date: i64,
    pub seats: i32,
    pub commitment: Option<String>,
    pub closes_at: Option<Timestamp>,
    /// Published when the window has closed: the frozen list.
    pub frozen: bool,
    pub applications: Vec<PublishedApplication>,
    /// Revealed after the draw.
    pub seed: Option<String>,
    pub drawn_at: Option<Timestamp>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PublishedApplication {
    pub number: String,
    pub masked_name: String,
    pub seats: i32,
    /// The place in the drawn order (1 first), after the draw.
    pub drawn_place: Option<usize>,
    pub won: bool,
}

impl Events {
    /// The institution's (or one station's) calendar as an iCalendar subscription.
    pub async fn ical(
        &self,
        tenant: TenantId,
        unit: Option<i64>,
        host: &str,
    ) -> ServiceResult<Vec<u8>> {
        let institution = self.institution(tenant).await?;
        let now = self.now();
        let q = CalendarQuery {
            from: Some(now.minus_ms(30 * domain::time::DAY_MS)),
            to: Some(now.plus_ms(365 * domain::time::DAY_MS)),
            unit,
            ..Default::default()
        };
        let entries = self.calendar(tenant, &q).await?;
        let base = &self.settings().public_url;
        let mut events = Vec::new();
        for e in entries {
            let row = self.date_row(tenant, e.date).await?;
            let activity = self.activity_row(tenant, e.activity).await?;
            events.push(CalendarEvent {
                uid_key: format!("date-{}", e.date),
                sequence: u32::try_from(row.sequence).unwrap_or(0),
                starts_at_ms: e.starts_at.0,
                ends_at_ms: e.ends_at.0,
                all_day: false,
                summary: e.title,
                description: activity.description,
                location: Some(
                    format!("{} {}", activity.venue, activity.address)
                        .trim()
                        .to_owned(),
                ),
                geo: activity.latitude.zip(activity.longitude),
                url: Some(format!("{base}/events/{}", e.activity)),
                cancelled: e.cancelled,
                last_modified_ms: row.updated_at,
                categories: vec![e.category],
            });
        }
        let cal = Calendar {
            name: institution.name,
            domain_for_uid: host.to_owned(),
            events,
        };
        export::calendar::ical(&cal, now.0)
            .map_err(|e| ServiceError::Internal(format!("calendar: {e}")))
    }

    /// New activities as an Atom feed.
    pub async fn atom(&self, tenant: TenantId, host: &str) -> ServiceResult<Vec<u8>> {
        let institution = self.institution(tenant).await?;
        let filter = ActivityFilter {
            statuses: vec!["published"],
            limit: 50,
            ..Default::default()
        };
        let rows = store::events::list_activities(self.db(), tenant, &filter).await?;
        let base = &self.settings().public_url;
        let entries: Vec<FeedEntry> = rows
            .iter()
            .map(|a| FeedEntry {
                id_key: format!("activity-{}", a.id),
                title: a.title.clone(),
                html_content: html_paragraphs(&a.description),
                link: format!("{base}/events/{}", a.id),
                updated_ms: a.updated_at,
                published_ms: a.published_at.unwrap_or(a.created_at),
                categories: vec![a.category.clone()],
            })
            .collect();
        let feed = Feed {
            title: institution.name.clone(),
            id_key: "activities".into(),
            domain_for_id: host.to_owned(),
            author: institution.name,
            link: format!("{base}/events"),
            self_link: format!("{base}/events/feed.atom"),
            updated_ms: rows.iter().map(|a| a.updated_at).max().unwrap_or(0),
            entries,
        };
        export::feed::atom(&feed).map_err(|e| ServiceError::Internal(format!("feed: {e}")))
    }

    /// One registration's date as a single-event calendar file ("add to calendar").
    pub async fn ical_of_registration(&self, token: &str, host: &str) -> ServiceResult<Vec<u8>> {
        let mine = self.registration_by_token(token).await?;
        let r = store::events::registration_by_token(self.db(), token)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let tenant = TenantId(r.tenant_id);
        let d = self.date_row(tenant, r.date_id).await?;
        let activity = self.activity_row(tenant, r.activity_id).await?;
        let cal = Calendar {
            name: mine.title.clone(),
            domain_for_uid: host.to_owned(),
            events: vec![CalendarEvent {
                uid_key: format!("date-{}", d.id),
                sequence: u32::try_from(d.sequence).unwrap_or(0),
                starts_at_ms: d.starts_at,
                ends_at_ms: d.ends_at,
                all_day: false,
                summary: mine.title,
                description: activity.description,
                location: Some(activity.venue),
                geo: activity.latitude.zip(activity.longitude),
                url: Some(format!("{}/e/{token}", self.settings().public_url)),
                cancelled: d.status == "cancelled",
                last_modified_ms: d.updated_at,
                categories: vec![activity.category],
            }],
        };
        export::calendar::ical(&cal, self.now().0)
            .map_err(|e| ServiceError::Internal(format!("calendar: {e}")))
    }

    /// The private address of a member's own calendar ("my activities"): the institution,
    /// the member and a MAC of both under the server's key, so that it cannot be guessed
    /// and needs no table. Calendar apps cannot send a session, so the address is the key.
    pub fn member_feed_token(&self, member: &desk::MemberSession) -> String {
        let (tenant, id) = (member.tenant.0, member.member.0);
        format!("{tenant}-{id}-{}", self.feed_mac(tenant, id))
    }

    fn feed_mac(&self, tenant: i64, member: i64) -> String {
        let mac = desk::secrets::mac(
            &self.keys().codes,
            &format!("member-feed:{tenant}:{member}"),
        );
        mac.chars().take(32).collect()
    }

    /// The member's activities (places held, with a course's every lesson) as an
    /// iCalendar subscription, by the address [`Events::member_feed_token`] gave.
    pub async fn ical_of_member(&self, token: &str, host: &str) -> ServiceResult<Vec<u8>> {
        let mut parts = token.splitn(3, '-');
        let (Some(tenant), Some(member), Some(mac)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(ServiceError::NotFound);
        };
        let (Ok(tenant), Ok(member)) = (tenant.parse::<i64>(), member.parse::<i64>()) else {
            return Err(ServiceError::NotFound);
        };
        if !desk::secrets::same(mac, &self.feed_mac(tenant, member)) {
            return Err(ServiceError::NotFound);
        }
        let tenant = TenantId(tenant);
        let filter = RegistrationFilter {
            member: Some(member),
            statuses: vec!["confirmed", "offered"],
            ..Default::default()
        };
        let regs = store::events::registrations(self.db(), tenant, &filter).await?;
        let base = &self.settings().public_url;
        let mut events = Vec::new();
        for r in regs {
            let activity = self.activity_row(tenant, r.activity_id).await?;
            let dates = store::events::dates_of(self.db(), tenant, &[activity.id]).await?;
            let mine = dates
                .iter()
                .filter(|d| d.id == r.date_id || activity.booking == "course");
            for d in mine {
                events.push(CalendarEvent {
                    uid_key: format!("date-{}", d.id),
                    sequence: u32::try_from(d.sequence).unwrap_or(0),
                    starts_at_ms: d.starts_at,
                    ends_at_ms: d.ends_at,
                    all_day: false,
                    summary: activity.title.clone(),
                    description: format!("签到码 {}", r.code),
                    location: Some(activity.venue.clone()),
                    geo: activity.latitude.zip(activity.longitude),
                    url: Some(format!("{base}/e/{}", r.token)),
                    cancelled: d.status == "cancelled",
                    last_modified_ms: d.updated_at,
                    categories: vec![activity.category.clone()],
                });
            }
        }
        let institution = self.institution(tenant).await?;
        let cal = Calendar {
            name: institution.name,
            domain_for_uid: host.to_owned(),
            events,
        };
        export::calendar::ical(&cal, self.now().0)
            .map_err(|e| ServiceError::Internal(format!("calendar: {e}")))
    }

    /// The lottery of a date as published now.
    pub async fn lottery(&self, tenant: TenantId, date: i64) -> ServiceResult<LotteryPublication> {
        let d = self.date_row(tenant, date).await?;
        let activity = self.activity_row(tenant, d.activity_id).await?;
        if activity.allocation != "lottery" || activity.published_at.is_none() {
            return Err(ServiceError::NotFound);
        }
        let now = self.now();
        let closes = activity.closes_at.unwrap_or(d.starts_at).min(d.starts_at);
        let frozen = now.0 >= closes;
        let filter = RegistrationFilter {
            dates: vec![d.id],
            ..Default::default()
        };
        let regs = store::events::registrations(self.db(), tenant, &filter).await?;
        let applied: Vec<_> = regs.iter().filter(|r| r.application_no.is_some()).collect();
        let seed = activity.drawn_at.and(activity.lottery_seed.clone());
        let order = match &seed {
            Some(seed) => {
                let numbers: Vec<String> = applied
                    .iter()
                    .filter_map(|r| r.application_no.clone())
                    .collect();
                draw_order(seed, &numbers).unwrap_or_default()
            }
            None => Vec::new(),
        };
        let mut applications: Vec<PublishedApplication> = if frozen {
            applied
                .iter()
                .map(|r| {
                    let number = r.application_no.clone().unwrap_or_default();
                    PublishedApplication {
                        drawn_place: order.iter().position(|n| *n == number).map(|p| p + 1),
                        won: matches!(r.status.as_str(), "offered" | "confirmed") && seed.is_some(),
                        masked_name: text::pii::mask_name(&r.name),
                        seats: r.seats,
                        number,
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        applications.sort_by(|a, b| a.number.cmp(&b.number));
        Ok(LotteryPublication {
            activity: activity.id,
            title: activity.title,
            date: d.id,
            seats: d.capacity,
            commitment: activity.lottery_commitment,
            closes_at: Some(Timestamp(closes)),
            frozen,
            applications,
            seed,
            drawn_at: activity.drawn_at.map(Timestamp),
        })
    }
}

/// Plain text as HTML paragraphs, escaped.
fn html_paragraphs(text: &str) -> String {
    text.split('\n')
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let escaped = l
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            format!("<p>{escaped}</p>")
        })
        .collect()
}
