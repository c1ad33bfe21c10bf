//! Taking feedback in: from the public (web form, API), from staff typing up the
//! suggestion box, the comment book, a forum or a phone call.

use super::deadlines::{Dues, deadlines_for, reminder_plan};
use super::photos::{self, PhotoError};
use super::setup::Setup;
use super::understanding::Analysis;
use crate::rate_limit::Limit;
use crate::{Feedback, Institution, MemberSession, ServiceError, ServiceResult, Staff};
use domain::feedback::{Channel, FeedbackKind, Priority, Status};
use domain::validate::Checks;
use domain::{FieldError, Permission, TenantId, Timestamp, UnitId, UnitPath};
use i18n::{Key, Lang, Tr};
use notify::Channel as Sending;
use serde::{Deserialize, Serialize};
use store::Conn;
use store::feedback as fb;
use store::org::UnitRow;

/// What a member of the public sends, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Intake {
    pub text: String,
    /// request | suggestion | complaint | praise | inquiry
    pub kind: String,
    /// A category code; empty lets the system propose one.
    pub category: Option<String>,
    /// The station or service point it concerns; empty for the institution as a whole.
    pub unit: Option<String>,
    pub contact_name: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    /// How the name shows in public; empty is anonymous.
    pub display_name: Option<String>,
    /// A key the form or client made for this submission: sending it twice gives one item.
    pub submission_key: Option<String>,
}

/// What staff type in from an offline channel.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct OfflineEntry {
    #[serde(flatten)]
    pub intake: Intake,
    /// suggestion_box | comment_book | forum | phone
    pub channel: String,
    /// The day it was received, `YYYY-MM-DD`; empty for today.
    pub received_on: Option<String>,
}

/// The receipt of a submission.
#[derive(Clone, Debug, Serialize)]
pub struct Submitted {
    pub id: i64,
    pub tracking_no: String,
    /// Where the submitter follows it, without an account.
    pub tracking_path: String,
    pub status: Status,
    /// Held for review before anything becomes public.
    pub held: bool,
    /// The category the system proposed, if the submitter chose none.
    pub suggested_category: Option<String>,
    /// A repeated submission (same key) gives back the first one.
    pub repeated: bool,
}

/// A submission's receipt as shown again later, with what it said (to know the same form
/// sent twice) and where its link was sent, masked.
#[derive(Clone, Debug)]
pub struct Receipt {
    pub submitted: Submitted,
    pub text: String,
    pub kind: String,
    /// `139****0077`, `w***@example.com`.
    pub link_sent_to: Vec<String>,
}

/// Where a new item's tracking link goes: the contacts given, when verified (a signed-in
/// member's number) or when the institution chose to send to unverified ones as well.
fn link_recipients(
    setup: &Setup,
    verified: bool,
    mobile: Option<String>,
    email: Option<String>,
) -> Vec<(Sending, String)> {
    if !verified && !setup.settings.confirm_unverified {
        return Vec::new();
    }
    let mut to = Vec::new();
    to.extend(mobile.map(|m| (Sending::Sms, m)));
    to.extend(email.map(|e| (Sending::Email, e)));
    to
}

/// An accepted photo, ready to store. The only way to make one is [`PhotoUpload::clean`], so
/// whatever channel a photo comes in by (page, API, Open311), it is checked and its location
/// removed (unless the submitter asked to keep it) by the `photos` crate before the services
/// see it.
pub struct PhotoUpload {
    content_type: &'static str,
    bytes: Vec<u8>,
    size: (u32, u32),
}

impl PhotoUpload {
    /// Checks the photo (type by content, size, structure, dimensions) and removes its
    /// location unless `keep_location`; see [`photos::sanitize`] (the `photos` crate) for
    /// exactly what is kept.
    pub fn clean(bytes: &[u8], keep_location: bool) -> Result<PhotoUpload, PhotoError> {
        let photo = photos::sanitize(bytes, keep_location)?;
        Ok(PhotoUpload {
            content_type: photo.content_type,
            size: (photo.width, photo.height),
            bytes: photo.bytes,
        })
    }
}

/// Who sent it and how.
pub struct Source<'a> {
    pub channel: Channel,
    pub member: Option<&'a MemberSession>,
    pub staff: Option<&'a Staff>,
    pub ip: Option<&'a str>,
    pub lang: Lang,
    pub received_at: Option<Timestamp>,
}

impl Feedback {
    /// A member of the public submits feedback (web form or API).
    #[allow(clippy::too_many_arguments)]
    pub async fn submit_feedback(
        &self,
        institution: &Institution,
        intake: Intake,
        photos: Vec<PhotoUpload>,
        member: Option<&MemberSession>,
        ip: Option<&str>,
        channel: Channel,
        lang: Lang,
    ) -> ServiceResult<Submitted> {
        let source = Source {
            channel,
            member,
            staff: None,
            ip,
            lang,
            received_at: None,
        };
        self.take_in(institution, intake, photos, source).await
    }

    /// Checks a public submission as [`Feedback::submit_feedback`] would, writing nothing:
    /// a form with mistakes of its own (a photo, a missing nickname) lists them all at once.
    pub async fn check_feedback(
        &self,
        institution: &Institution,
        intake: &Intake,
        member: Option<&MemberSession>,
    ) -> ServiceResult<()> {
        let setup = self.feedback_setup(institution.id).await?;
        let source = Source {
            channel: Channel::Web,
            member,
            staff: None,
            ip: None,
            lang: Lang::ZhCn,
            received_at: None,
        };
        check_fields(&setup, &setup.units, intake, &source).map(|_| ())
    }

    /// Staff enter feedback received offline.
    pub async fn enter_offline_feedback(
        &self,
        staff: &Staff,
        entry: OfflineEntry,
    ) -> ServiceResult<Submitted> {
        let institution = self.institution(staff.actor.tenant_id).await?;
        if !staff.actor.can_somewhere(Permission::TriageFeedback) {
            return Err(ServiceError::Forbidden);
        }
        let mut checks = Checks::new();
        let channel = checks.present(
            "channel",
            Channel::parse(&entry.channel).filter(|c| Channel::OFFLINE.contains(c)),
            Key::err_choice,
        );
        let received_at = match entry
            .received_on
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            None => Some(self.now()),
            Some(day) => {
                let parsed = day
                    .parse::<jiff::civil::Date>()
                    .ok()
                    .and_then(|d| d.to_zoned(institution.timezone.clone()).ok())
                    .map(|z| Timestamp(z.timestamp().as_millisecond()))
                    .filter(|t| *t <= self.now());
                checks.present("received_on", parsed, Key::err_date)
            }
        };
        checks.finish()?;
        let (Some(channel), Some(received_at)) = (channel, received_at) else {
            return Err(ServiceError::Internal("checked above".into()));
        };
        let source = Source {
            channel,
            member: None,
            staff: Some(staff),
            ip: None,
            lang: Lang::ZhCn,
            received_at: Some(received_at),
        };
        self.take_in(&institution, entry.intake, Vec::new(), source)
            .await
    }

    async fn take_in(
        &self,
        institution: &Institution,
        intake: Intake,
        photos: Vec<PhotoUpload>,
        source: Source<'_>,
    ) -> ServiceResult<Submitted> {
        let tenant = institution.id;
        let setup = self.feedback_setup(tenant).await?;
        if let Some(key) = intake.submission_key.as_deref().filter(|k| !k.is_empty())
            && let Some(existing) = fb::find_by_submission_key(self.db(), tenant, key).await?
        {
            return Ok(self.receipt(&existing, true));
        }
        let checked = check_fields(&setup, &setup.units, &intake, &source)?;
        self.ration(&setup, tenant, &checked, &source).await?;

        let received = source.received_at.unwrap_or(self.now());
        let year = received.in_zone(&institution.timezone).year();
        let tracking_no = self
            .next_tracking_number(tenant, &institution.code, year)
            .await?;
        let key = intake.submission_key.as_deref().filter(|k| !k.is_empty());
        let analysis = self.analyse(tenant, &setup, &checked.text).await?;
        let new = NewItem {
            setup: &setup,
            checked: &checked,
            source: &source,
            submission_key: key,
            tracking_no,
            audit: true,
            analysis: &analysis,
        };
        // Public submissions without photos are written together with whatever else is
        // arriving (group commit); the rest in a transaction of their own.
        let written = if photos.is_empty() && source.staff.is_none() {
            let prepared = self.prepare_item(tenant, new);
            let receipt = prepared.receipt.clone();
            self.0
                .intake
                .write(prepared)
                .await
                .map(|id| Submitted { id, ..receipt })
        } else {
            let tx = self.db().begin().await?;
            match self.insert_item(&tx, tenant, new, photos).await {
                Ok(submitted) => tx
                    .commit()
                    .await
                    .map(|_| submitted)
                    .map_err(ServiceError::from),
                Err(e) => Err(e),
            }
        };
        match written {
            Ok(submitted) => {
                if source.staff.is_none() {
                    let verified = source.member.is_some();
                    let mobile = source
                        .member
                        .map(|m| m.mobile.clone())
                        .or(checked.mobile.clone());
                    let to = link_recipients(&setup, verified, mobile, checked.email.clone());
                    self.send_tracking_link(institution, &submitted, to, source.lang)
                        .await;
                }
                Ok(submitted)
            }
            // The same submission key arrived twice at once: the other one won.
            Err(ServiceError::Conflict) if key.is_some() => {
                let existing =
                    fb::find_by_submission_key(self.db(), tenant, key.unwrap_or_default())
                        .await?
                        .ok_or(ServiceError::Conflict)?;
                Ok(self.receipt(&existing, true))
            }
            Err(e) => Err(e),
        }
    }

    /// Writes a checked item with its first events in the caller's transaction, so a batch
    /// (an import) can put many items in one. The tracking number is reserved beforehand,
    /// outside any transaction: SQLite has one writer, and the counter must not wait on it.
    /// A repeated submission key comes back as [`ServiceError::Conflict`].
    pub(crate) async fn insert_item(
        &self,
        tx: &impl Conn,
        tenant: TenantId,
        new: NewItem<'_>,
        photos: Vec<PhotoUpload>,
    ) -> ServiceResult<Submitted> {
        let audit = new.audit.then_some(new.source.staff).flatten();
        let channel = new.source.channel;
        let kind = new.checked.kind;
        let prepared = self.prepare_item(tenant, new);
        let id = write_one(tx, &prepared).await?;
        for photo in photos {
            fb::add_photo(
                tx,
                tenant,
                id,
                photo.content_type,
                photo.size,
                photo.bytes,
                self.now(),
            )
            .await?;
        }
        if let Some(staff) = audit {
            let after = serde_json::json!({ "tracking_no": prepared.receipt.tracking_no, "channel": channel, "kind": kind });
            self.audit(
                tx,
                staff,
                "feedback.entered",
                "feedback",
                id,
                None,
                Some(after),
            )
            .await?;
        }
        Ok(Submitted {
            id,
            ..prepared.receipt
        })
    }

    /// The item's row and the first entries of its timeline, worked out without the database.
    pub(crate) fn prepare_item(&self, tenant: TenantId, new: NewItem<'_>) -> Prepared {
        let NewItem {
            setup,
            checked,
            source,
            submission_key,
            tracking_no,
            analysis,
            ..
        } = new;
        let now = self.now();
        let received = source.received_at.unwrap_or(now);
        // Urgency shortens the deadlines (the urgent policy) and tells the department head
        // (the sweep's urgent alert, due at once).
        let priority = if analysis.urgent.is_some() {
            Priority::Urgent
        } else {
            Priority::Normal
        };
        let policy = setup.policy(checked.kind, priority);
        let (first_due, resolution_due) = deadlines_for(setup, &policy, received);
        let routed = route(setup, checked);
        let hits = setup.words.find(&checked.text);
        let held = !hits.is_empty() || analysis.abuse || analysis.spam;
        // A guess the model is unsure of is no guess: the item waits for a person (triage).
        let suggested = match &checked.category {
            Some(_) => None,
            None => analysis
                .category
                .as_ref()
                .filter(|g| g.confident)
                .map(|g| g.label.clone())
                .filter(|code| setup.category(code).is_some()),
        };
        let needs_triage = checked.category.is_none() && suggested.is_none();
        let suggested_kind = analysis.kind.as_ref().map(|g| g.label.clone());
        let status = if routed.is_some() {
            Status::Assigned
        } else {
            Status::New
        };
        let dues = Dues {
            urgent: priority == Priority::Urgent,
            status,
            first_responded_at: None,
            first_response_due: Some(first_due.0),
            answered_at: None,
            resolution_due: Some(resolution_due.0),
        };
        let reminders = reminder_plan(&dues, setup);
        let member = source.member.map(|m| m.member.0);
        let verified_mobile = source.member.map(|m| m.mobile.clone());
        let row = fb::NewFeedback {
            submission_key: submission_key.map(str::to_owned),
            channel: source.channel,
            kind: checked.kind,
            category: checked.category.clone(),
            suggested_category: suggested.clone(),
            suggested_kind,
            needs_triage,
            urgent_reason: analysis.urgent.as_ref().map(|u| u.reason.clone()),
            analysis: serde_json::to_string(analysis).ok(),
            unit_id: checked.unit.0,
            station_id: checked.station.0,
            unit_path: checked.unit_path.as_str().to_owned(),
            department_id: routed,
            status,
            priority,
            lang: source.lang.code().to_owned(),
            public_body: Some(text::mask(&checked.text)),
            search_text: Some(super::search::index_words(&checked.text)),
            member_id: member,
            contact_name: checked.contact_name.clone(),
            contact_mobile: verified_mobile.clone().or(checked.mobile.clone()),
            contact_email: checked.email.clone(),
            contact_verified: verified_mobile.is_some(),
            display_name: checked.display_name.clone(),
            moderation: if held {
                domain::feedback::Moderation::Held
            } else {
                domain::feedback::Moderation::Clear
            },
            received_at: received,
            first_response_due: Some(first_due),
            resolution_due: Some(resolution_due),
            entered_by: source.staff.map(|s| s.actor.user_id),
            ip: source.ip.map(str::to_owned),
            ..fb::NewFeedback::new(tenant, tracking_no.clone(), checked.text.clone(), now)
        };
        let event =
            |kind, from: Option<Status>, to: Option<Status>, public, data, at| fb::EventInsert {
                tenant,
                feedback: 0,
                kind,
                from: from.map(Status::as_str),
                to: to.map(Status::as_str),
                public,
                data,
                actor: source.staff.map(|s| s.actor.user_id),
                actor_name: source.staff.map(|s| s.actor.display_name.clone()),
                at,
            };
        let mut events = vec![event(
            "received",
            None,
            Some(Status::New),
            true,
            None,
            received,
        )];
        if let Some(dept) = routed {
            let data = serde_json::json!({ "department": dept, "by": "rule" });
            events.push(event(
                "assigned",
                Some(Status::New),
                Some(Status::Assigned),
                true,
                Some(data),
                now,
            ));
        }
        if held {
            let words: Vec<String> = hits.into_iter().map(|h| h.word).collect();
            let data = serde_json::json!({
                "words": words,
                "abuse_score": analysis.abuse_score,
                "spam_score": analysis.spam_score,
            });
            events.push(event("held", None, None, false, Some(data), now));
        }
        Prepared {
            row,
            events,
            reminders,
            receipt: Submitted {
                id: 0,
                tracking_path: self.tracking_path(tenant, &tracking_no),
                tracking_no,
                status,
                held,
                suggested_category: suggested,
                repeated: false,
            },
        }
    }

    /// Texts (or e-mails) the new item's tracking link to `to`. The item is already in: a
    /// failure here is logged, not shown, as the receipt page has the link too.
    async fn send_tracking_link(
        &self,
        institution: &Institution,
        submitted: &Submitted,
        to: Vec<(Sending, String)>,
        lang: Lang,
    ) {
        if to.is_empty() {
            return;
        }
        let t = Tr::new(lang);
        let link = self.tracking_link(institution.id, &submitted.tracking_no);
        // Filled before any await: the arguments are not `Send`.
        let (text, subject) = {
            let words: [(&str, &dyn std::fmt::Display); 3] = [
                ("institution", &institution.name),
                ("tracking", &submitted.tracking_no),
                ("link", &link),
            ];
            (
                t.fill(Key::fbnew_link_sms, &words),
                t.fill(Key::fbnew_link_subject, &words[..2]),
            )
        };
        let queued = async {
            let tx = self.db().begin().await?;
            for (channel, recipient) in &to {
                let subject = (*channel == Sending::Email).then_some(subject.as_str());
                self.queue_message(
                    &tx,
                    Some(institution.id),
                    *channel,
                    recipient,
                    subject,
                    &text,
                )
                .await?;
            }
            tx.commit().await?;
            ServiceResult::Ok(())
        };
        match queued.await {
            Ok(()) => self.wake_worker(),
            Err(e) => tracing::warn!(
                "could not send the tracking link of {}: {e}",
                submitted.tracking_no
            ),
        }
    }

    /// The receipt of the submission made with `key`, to show it again: the receipt page
    /// after the form's redirect, or a form sent a second time. `None` for a key never
    /// used (or an item since erased).
    pub async fn receipt_for_key(
        &self,
        institution: &Institution,
        key: &str,
    ) -> ServiceResult<Option<Receipt>> {
        let Some(row) = fb::find_by_submission_key(self.db(), institution.id, key).await? else {
            return Ok(None);
        };
        let setup = self.feedback_setup(institution.id).await?;
        let link_sent_to = link_recipients(
            &setup,
            row.contact_verified,
            row.contact_mobile.clone(),
            row.contact_email.clone(),
        )
        .into_iter()
        .map(|(channel, to)| match channel {
            Sending::Sms => text::pii::mask_mobile(&to),
            Sending::Email => text::pii::mask_email(&to),
        })
        .collect();
        Ok(Some(Receipt {
            submitted: self.receipt(&row, true),
            text: row.body.clone(),
            kind: row.kind.clone(),
            link_sent_to,
        }))
    }

    fn receipt(&self, row: &fb::FeedbackRow, repeated: bool) -> Submitted {
        Submitted {
            id: row.id,
            tracking_path: self.tracking_path(TenantId(row.tenant_id), &row.tracking_no),
            tracking_no: row.tracking_no.clone(),
            status: super::status_of(row),
            held: row.moderation == "held",
            suggested_category: row.suggested_category.clone(),
            repeated,
        }
    }

    /// Per-address and per-contact limits on public submissions (staff entry is not limited).
    async fn ration(
        &self,
        setup: &Setup,
        tenant: TenantId,
        checked: &Checked,
        source: &Source<'_>,
    ) -> ServiceResult<()> {
        if source.staff.is_some() {
            return Ok(());
        }
        if let Some(ip) = source.ip {
            let limit = Limit {
                name: "feedback-ip",
                max: setup.settings.per_ip_per_hour,
                window_ms: domain::time::HOUR_MS,
            };
            // Counted per node: a database row per address would make one busy address's
            // submissions queue behind each other.
            self.spend_locally(limit, &format!("{tenant}:{ip}"))?;
        }
        let contact = source
            .member
            .map(|m| m.mobile.clone())
            .or(checked.mobile.clone())
            .or(checked.email.clone());
        if let Some(contact) = contact {
            let limit = Limit {
                name: "feedback-contact",
                max: setup.settings.per_contact_per_day,
                window_ms: domain::time::DAY_MS,
            };
            self.spend(limit, &format!("{tenant}:{contact}")).await?;
        }
        Ok(())
    }
}

/// Checks a submission against the institution's setup and units without touching the
/// database, so an import can check every row before it writes any.
pub(crate) fn check_fields(
    setup: &Setup,
    units: &[UnitRow],
    intake: &Intake,
    source: &Source<'_>,
) -> ServiceResult<Checked> {
    let mut checks = Checks::new();
    let text = checks.text("text", &intake.text, domain::feedback::MAX_TEXT);
    let kind = checks.present(
        "kind",
        FeedbackKind::parse(intake.kind.trim()),
        Key::err_choice,
    );
    let category = match intake
        .category
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        None => None,
        Some(code) => checks.present(
            "category",
            setup.category(code).map(|c| c.code.clone()),
            Key::err_choice,
        ),
    };
    let unit = match intake
        .unit
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
    {
        None => units.iter().find(|u| u.parent_id.is_none()),
        Some(id) => {
            let found = id
                .parse::<i64>()
                .ok()
                .and_then(|id| units.iter().find(|u| u.id == id));
            checks.present("unit", found, Key::err_choice)
        }
    };
    let contact_name = checks.optional_text(
        "contact_name",
        intake.contact_name.as_deref(),
        domain::feedback::MAX_CONTACT_NAME,
    );
    let display_name = checks.optional_text(
        "display_name",
        intake.display_name.as_deref(),
        domain::feedback::MAX_DISPLAY_NAME,
    );
    let mobile = intake
        .mobile
        .as_deref()
        .filter(|m| !m.trim().is_empty())
        .and_then(|m| checks.mobile("mobile", m));
    let email = intake
        .email
        .as_deref()
        .filter(|e| !e.trim().is_empty())
        .and_then(|e| checks.email("email", e));
    let public = source.staff.is_none();
    if public && source.member.is_none() && !setup.settings.accept_unverified {
        checks.push(FieldError::new("mobile", Key::err_verify_first));
    }
    checks.finish()?;
    let (Some(kind), Some(unit)) = (kind, unit) else {
        return Err(ServiceError::Internal("checked above".into()));
    };
    let path = unit.unit_path();
    let station = path.ids().get(1).copied().unwrap_or(UnitId(unit.id));
    Ok(Checked {
        text,
        kind,
        category,
        unit: UnitId(unit.id),
        station,
        unit_path: path,
        contact_name,
        display_name,
        mobile,
        email,
    })
}

/// A submission that passed its checks.
pub(crate) struct Checked {
    pub text: String,
    pub kind: FeedbackKind,
    pub category: Option<String>,
    pub unit: UnitId,
    /// The station the unit belongs to (or the centre itself), for figures per station.
    pub station: UnitId,
    pub unit_path: UnitPath,
    pub contact_name: Option<String>,
    pub display_name: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
}

/// A checked item ready to be written by [`Feedback::insert_item`].
pub(crate) struct NewItem<'a> {
    pub setup: &'a Setup,
    pub checked: &'a Checked,
    pub source: &'a Source<'a>,
    pub submission_key: Option<&'a str>,
    pub tracking_no: String,
    /// One audit entry per item; an import writes one for the whole file instead.
    pub audit: bool,
    /// What the text analysis made of it.
    pub analysis: &'a Analysis,
}

/// An item ready to write: its row, the first entries of its timeline, and the receipt
/// its submitter gets (the id is filled in once written).
pub(crate) struct Prepared {
    pub row: fb::NewFeedback,
    pub events: Vec<fb::EventInsert>,
    /// Its first plan on the reminder ledger.
    pub reminders: Vec<(&'static str, Timestamp)>,
    pub receipt: Submitted,
}

/// Writes one prepared item in the caller's transaction; gives its id.
pub(crate) async fn write_one(tx: &impl Conn, item: &Prepared) -> ServiceResult<i64> {
    let id = match fb::insert(tx, item.row.clone()).await {
        Ok(id) => id,
        Err(e) if e.is_duplicate() => return Err(ServiceError::Conflict),
        Err(e) => return Err(e.into()),
    };
    let events = item
        .events
        .iter()
        .cloned()
        .map(|e| fb::EventInsert { feedback: id, ..e })
        .collect();
    fb::insert_events(tx, events).await?;
    let subject = store::reminders::Subject::Feedback(id);
    store::reminders::plan(tx, item.row.tenant, subject, &item.reminders).await?;
    Ok(id)
}

/// The department the first matching routing rule names; `None` sends it to the office.
fn route(setup: &Setup, item: &Checked) -> Option<i64> {
    setup
        .routing
        .iter()
        .find(|r| {
            r.category
                .as_deref()
                .is_none_or(|c| item.category.as_deref() == Some(c))
                && r.kind.is_none_or(|k| k == item.kind)
                && r.unit_path.as_deref().is_none_or(|p| {
                    item.unit_path
                        .is_within(&UnitPath::from_stored(p.to_owned()))
                })
        })
        .map(|r| r.department)
}
