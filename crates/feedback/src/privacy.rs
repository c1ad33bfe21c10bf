//! What a member of the public may see of, take away from, and have erased about
//! themselves; and the retention rule that erases it anyway once an item has long been
//! closed.
//!
//! Erasing ("anonymising") an item keeps everything the figures count — its kind, unit,
//! status, dates, rating — and removes whatever identifies the person: contact details,
//! the link to their member record, their nickname, their address, their photos; their
//! text is replaced by its masked form, as the board already shows it.

use super::board::PublicItem;
use super::tenant_of;
use super::views::TimelineEntry;
use crate::{Feedback, Institution, MemberSession, ServiceError, ServiceResult};
use domain::Timestamp;
use jobs::{Handler, Job, JobError};
use serde::Serialize;
use store::Conn;
use store::feedback::{self as fb, FeedbackChange, FeedbackRow, NewEvent};

/// One of a member's own items, with the private link to follow it.
#[derive(Clone, Debug, Serialize)]
pub struct MemberItem {
    /// As the submitter sees it: their own words, unmasked.
    pub item: PublicItem,
    pub tracking_path: String,
}

/// Everything held about a member, for them to download.
#[derive(Clone, Debug, Serialize)]
pub struct MemberExport {
    pub institution: String,
    pub exported_at: String,
    pub member: ExportedMember,
    pub items: Vec<ExportedItem>,
    /// Items they said "me too" to.
    pub supports: Vec<ExportedSupport>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ExportedMember {
    pub id: i64,
    pub mobile: Option<String>,
    pub nickname: Option<String>,
    pub created_at: String,
    pub last_login_at: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ExportedItem {
    pub tracking_no: String,
    pub tracking_path: String,
    pub kind: String,
    pub category: Option<String>,
    pub unit: i64,
    pub status: String,
    pub channel: String,
    pub received_at: String,
    /// What they wrote, as stored.
    pub text: String,
    /// What the public board shows instead.
    pub public_text: Option<String>,
    pub contact_name: Option<String>,
    pub contact_mobile: Option<String>,
    pub contact_email: Option<String>,
    pub display_name: Option<String>,
    pub rating: Option<String>,
    pub photos: Vec<ExportedPhoto>,
    /// The timeline they can see on the tracking page (staff's internal notes are working
    /// records of the institution, not data about the member, and are not included).
    pub timeline: Vec<TimelineEntry>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ExportedPhoto {
    pub content_type: String,
    pub width: i64,
    pub height: i64,
    /// Where to download it (the tracking link's photos).
    pub path: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ExportedSupport {
    pub tracking_no: String,
    pub at: String,
}

/// A photo the submitter attached, as they get it back.
pub struct OwnPhoto {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

pub const RETENTION: &str = "feedback.retention";
/// Items anonymised per statement batch by the retention job.
const RETENTION_BATCH: u64 = 200;

impl Feedback {
    /// The member's own items, newest first.
    pub async fn member_feedback(&self, member: &MemberSession) -> ServiceResult<Vec<MemberItem>> {
        let rows = fb::by_member(self.db(), member.tenant, member.member).await?;
        let guesses = self
            .feedback_setup(member.tenant)
            .await?
            .settings
            .publish_confident_guesses;
        Ok(rows
            .iter()
            .map(|row| MemberItem {
                item: own_item(row, guesses),
                tracking_path: self.tracking_path(member.tenant, &row.tracking_no),
            })
            .collect())
    }

    /// Everything held about the member: their record, their items with texts, contact
    /// details and timelines, and what they supported.
    pub async fn member_export(
        &self,
        institution: &Institution,
        member: &MemberSession,
    ) -> ServiceResult<MemberExport> {
        let tenant = member.tenant;
        let record = store::members::find(self.db(), tenant, member.member)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let mut items = Vec::new();
        for row in fb::by_member(self.db(), tenant, member.member).await? {
            let tracking_path = self.tracking_path(tenant, &row.tracking_no);
            let timeline = fb::events(self.db(), tenant, row.id, true)
                .await?
                .into_iter()
                .map(|e| TimelineEntry::from_row(e, false))
                .collect();
            let photos = fb::photos(self.db(), tenant, row.id)
                .await?
                .into_iter()
                .map(|p| ExportedPhoto {
                    path: format!("{tracking_path}/photos/{}", p.id),
                    content_type: p.content_type,
                    width: p.width,
                    height: p.height,
                })
                .collect();
            items.push(ExportedItem {
                tracking_path,
                kind: row.kind.clone(),
                category: row.category.clone(),
                unit: row.unit_id,
                status: row.status.clone(),
                channel: row.channel.clone(),
                received_at: Timestamp(row.received_at).rfc3339(),
                text: row.body.clone(),
                public_text: row.public_body.clone(),
                contact_name: row.contact_name.clone(),
                contact_mobile: row.contact_mobile.clone(),
                contact_email: row.contact_email.clone(),
                display_name: row.display_name.clone(),
                rating: row.rating.clone(),
                photos,
                timeline,
                tracking_no: row.tracking_no,
            });
        }
        let supports = fb::supported_by(self.db(), tenant, member.member)
            .await?
            .into_iter()
            .map(|s| ExportedSupport {
                tracking_no: s.tracking_no,
                at: Timestamp(s.created_at).rfc3339(),
            })
            .collect();
        Ok(MemberExport {
            institution: institution.name.clone(),
            exported_at: self.now().rfc3339(),
            member: ExportedMember {
                id: record.id,
                mobile: record.mobile,
                nickname: record.nickname,
                created_at: Timestamp(record.created_at).rfc3339(),
                last_login_at: record.last_login_at.map(|t| Timestamp(t).rfc3339()),
            },
            items,
            supports,
        })
    }

    /// Erases the member's personal data in one transaction: their items are anonymised
    /// (and still counted in the figures), their record no longer holds their number, and
    /// every session of theirs ends.
    pub async fn delete_member_data(&self, member: &MemberSession) -> ServiceResult<()> {
        let now = self.now();
        let setup = self.feedback_setup(member.tenant).await?;
        let tx = self.db().begin().await?;
        for row in fb::by_member(&tx, member.tenant, member.member).await? {
            if !anonymise(&tx, &row, &setup.settings.public_contacts, now).await? {
                // Staff changed the item a moment ago: nothing is half-erased, try again.
                return Err(ServiceError::Conflict);
            }
        }
        store::members::delete_codes(&tx, member.tenant, &member.mobile).await?;
        store::members::erase(&tx, member.tenant, member.member, now).await?;
        store::sessions::delete_for_member(&tx, member.member).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The photos the submitter attached, behind the tracking link (id, content type).
    pub async fn tracked_photos(
        &self,
        institution: &Institution,
        tracking_no: &str,
        secret: &str,
    ) -> ServiceResult<Vec<i64>> {
        let row = self.tracked(institution, tracking_no, secret).await?;
        Ok(fb::photos(self.db(), institution.id, row.id)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect())
    }

    /// One of those photos, as stored (location already removed unless they chose to keep it).
    pub async fn tracked_photo(
        &self,
        institution: &Institution,
        tracking_no: &str,
        secret: &str,
        photo: i64,
    ) -> ServiceResult<OwnPhoto> {
        let row = self.tracked(institution, tracking_no, secret).await?;
        let photo = fb::photo(self.db(), institution.id, row.id, photo)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok(OwnPhoto {
            content_type: photo.content_type,
            bytes: photo.bytes,
        })
    }

    /// Anonymises the items of `institution` closed more than its retention period ago;
    /// gives how many.
    pub async fn apply_retention(&self, institution: &Institution) -> ServiceResult<usize> {
        let setup = self.feedback_setup(institution.id).await?;
        let now = self.now();
        let before = now.minus_ms(setup.settings.retention_days * domain::time::DAY_MS);
        let mut done = 0;
        loop {
            let rows =
                fb::closed_before(self.db(), institution.id, before, RETENTION_BATCH).await?;
            if rows.is_empty() {
                return Ok(done);
            }
            let mut progressed = false;
            for row in rows {
                let tx = self.db().begin().await?;
                // A lost race (staff touched the item) is left for the next run.
                if anonymise(&tx, &row, &setup.settings.public_contacts, now).await? {
                    tx.commit().await?;
                    done += 1;
                    progressed = true;
                }
            }
            if !progressed {
                return Ok(done);
            }
        }
    }
}

/// The item as its submitter sees it.
fn own_item(row: &FeedbackRow, publish_guesses: bool) -> PublicItem {
    let mut item = PublicItem::from_row(row, publish_guesses);
    item.text = row.body.clone();
    item
}

/// Removes the personal data of one item; `false` when the item changed meanwhile.
async fn anonymise(
    c: &impl Conn,
    row: &FeedbackRow,
    public_contacts: &[String],
    now: Timestamp,
) -> ServiceResult<bool> {
    let tenant = tenant_of(row);
    let masked = text::mask(&row.body);
    let mut sets = vec![
        FeedbackChange::ForgetPerson { at: now },
        FeedbackChange::Body(masked.clone()),
    ];
    if row.public_body.is_none() {
        sets.push(FeedbackChange::PublicBody(Some(masked)));
    }
    if fb::update(c, tenant, row.id, row.version, sets, now).await? == 0 {
        return Ok(false);
    }
    fb::delete_photos(c, tenant, row.id).await?;
    // The submitter's own later words (added information, reasons for reopening) go the
    // same way as the first ones. Staff's answers are the institution's and stay, but where
    // they repeat the submitter's data that goes too, masked as the public reads it: once
    // the contact details are gone, nothing would tell the public view what to hide.
    let events = fb::events(c, tenant, row.id, false).await?;
    let texts = super::board::PublicTexts::new(row, &events, public_contacts);
    for event in &events {
        let Some(body) = &event.body else {
            continue;
        };
        let masked = if matches!(event.kind.as_str(), "submitter_replied" | "reopened") {
            text::mask(body)
        } else if event.public && event.actor_user_id.is_some() {
            texts.staff_text(body)
        } else {
            continue;
        };
        if &masked != body {
            fb::replace_event_body(c, tenant, event.id, &masked).await?;
        }
    }
    fb::add_event(
        c,
        NewEvent {
            tenant,
            feedback: row.id,
            kind: "anonymised",
            from: None,
            to: None,
            public: false,
            body: None,
            data: None,
            actor: None,
            actor_name: None,
        },
        now,
    )
    .await?;
    Ok(true)
}

/// Anonymises long-closed items of every institution, once a day.
pub(crate) struct Retention(pub Feedback);

#[async_trait::async_trait]
impl Handler for Retention {
    fn kind(&self) -> &'static str {
        RETENTION
    }

    async fn run(&self, _job: &Job) -> Result<(), JobError> {
        for t in store::tenants::list(self.0.db()).await? {
            let institution = Institution::from(t);
            self.0
                .apply_retention(&institution)
                .await
                .map_err(|e| JobError::Retry(e.to_string()))?;
        }
        Ok(())
    }
}
