//! Items as staff and the public see them.

use super::deadlines::{DueState, DueWindow, due_state};
use super::{Moderation, Publish, can_on, status_of};
use crate::{Feedback, ServiceResult, Staff};
use domain::feedback::{Channel, FeedbackKind, Priority, Rating, Status};
use domain::{Permission, Timestamp};
use serde::Serialize;
use store::feedback::{EventRow, FeedbackRow};

/// Whether a staff member may see an item's personal data. The one place that decides it,
/// and the one that masks (with [`text::pii`]) every text of the item — its own text, the
/// timeline's replies, notes and answers, the contact details — for those who may not
/// (the third-party evaluator): a text left out here would show them what the rest hides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonalData {
    Shown,
    Masked,
}

impl PersonalData {
    /// What `staff` may see of the personal data in `row`: shown to those allowed to see
    /// contact details there (over its unit or through its department).
    pub(crate) fn for_staff(staff: &Staff, row: &FeedbackRow) -> PersonalData {
        if can_on(staff, Permission::SeeContactDetails, row) {
            PersonalData::Shown
        } else {
            PersonalData::Masked
        }
    }

    pub fn is_masked(self) -> bool {
        self == PersonalData::Masked
    }

    /// Any text of the item as this viewer may read it.
    pub fn text(self, text: &str) -> String {
        match self {
            PersonalData::Shown => text.to_owned(),
            PersonalData::Masked => text::mask(text),
        }
    }

    /// The item's own text as this viewer may read it: for those who may not see personal
    /// data, what the public sees — the staff's redaction where there is one (it may hide
    /// what the masking cannot find), the masked text otherwise.
    pub(crate) fn item_text(self, row: &FeedbackRow) -> String {
        match self {
            PersonalData::Shown => row.body.clone(),
            PersonalData::Masked => row
                .public_body
                .clone()
                .unwrap_or_else(|| text::mask(&row.body)),
        }
    }

    /// How to reach the submitter, as this viewer may see it.
    fn contact(self, row: &FeedbackRow) -> Contact {
        match self {
            PersonalData::Shown => Contact {
                name: row.contact_name.clone(),
                mobile: row.contact_mobile.clone(),
                email: row.contact_email.clone(),
                verified: row.contact_verified,
            },
            PersonalData::Masked => Contact {
                name: row.contact_name.as_deref().map(text::pii::mask_name),
                mobile: row.contact_mobile.as_deref().map(text::pii::mask_mobile),
                email: row.contact_email.as_deref().map(text::pii::mask_email),
                verified: row.contact_verified,
            },
        }
    }

    /// What the analysis read, with the words of the text it quotes as this viewer may
    /// read them.
    fn analysis(self, analysis: Option<super::Analysis>) -> Option<super::Analysis> {
        let mut a = analysis?;
        let words = |words: &mut Vec<String>| words.iter_mut().for_each(|w| *w = self.text(w));
        for guess in [&mut a.category, &mut a.kind].into_iter().flatten() {
            words(&mut guess.why);
        }
        if let Some(urgent) = &mut a.urgent {
            words(&mut urgent.evidence);
        }
        Some(a)
    }

    /// A timeline entry as this viewer may read it: the submitter's replies, staff's notes
    /// and answers (which may quote the submitter) alike.
    pub(crate) fn entry(self, mut entry: TimelineEntry) -> TimelineEntry {
        entry.body = entry.body.map(|b| self.text(&b));
        entry
    }
}

/// How to reach the submitter; only staff allowed to see contact details get it unmasked.
#[derive(Clone, Debug, Serialize)]
pub struct Contact {
    pub name: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub verified: bool,
}

/// One item, as the staff member asking may see it.
#[derive(Clone, Debug, Serialize)]
pub struct ItemView {
    pub id: i64,
    pub tracking_no: String,
    pub kind: FeedbackKind,
    pub category: Option<String>,
    /// What the system proposed, with the words that led to it.
    pub suggested_category: Option<String>,
    /// The type the analysis reads in the text (it may differ from the one chosen).
    pub suggested_kind: Option<String>,
    /// No confirmed category: waiting for a person to classify it (the triage queue).
    pub needs_triage: bool,
    /// What the analysis made of the text, with its reasons.
    pub analysis: Option<super::Analysis>,
    pub channel: Channel,
    pub status: Status,
    pub priority: Priority,
    pub unit: i64,
    pub station: i64,
    pub department: Option<i64>,
    pub assignee: Option<i64>,
    /// The text as this staff member may read it (see [`PersonalData::item_text`]).
    pub body: String,
    /// Whether the texts and contact details of this view are masked.
    pub personal_data: PersonalData,
    /// What the public sees: personal data masked, or the staff's redaction.
    pub public_body: String,
    pub contact: Contact,
    /// The name shown in public; `None` is anonymous.
    pub display_name: Option<String>,
    pub publish: Publish,
    pub moderation: Moderation,
    pub support_count: i64,
    pub received_at: Timestamp,
    pub first_response_due: Option<Timestamp>,
    pub resolution_due: Option<Timestamp>,
    pub first_responded_at: Option<Timestamp>,
    pub answered_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    pub due: DueState,
    pub rating: Option<Rating>,
    pub adopted: bool,
    pub merged_into: Option<i64>,
    pub reopen_count: i64,
    pub anonymised: bool,
    /// For optimistic concurrency: send it back with an action.
    pub version: i64,
}

/// One step of an item's history.
#[derive(Clone, Debug, Serialize)]
pub struct TimelineEntry {
    pub id: i64,
    pub kind: String,
    pub from: Option<Status>,
    pub to: Option<Status>,
    pub public: bool,
    pub body: Option<String>,
    /// Staff see who did it; the public sees the institution acting.
    pub actor: Option<String>,
    pub at: Timestamp,
}

impl TimelineEntry {
    pub(crate) fn from_row(row: EventRow, with_actor: bool) -> Self {
        TimelineEntry {
            id: row.id,
            kind: row.kind,
            from: row.from_status.as_deref().and_then(Status::parse),
            to: row.to_status.as_deref().and_then(Status::parse),
            public: row.public,
            body: row.body,
            actor: if with_actor { row.actor_name } else { None },
            at: Timestamp(row.created_at),
        }
    }
}

impl ItemView {
    /// The view of `row` for `staff` at the instant of `window`; personal data masked
    /// unless they may see it.
    pub(crate) fn for_staff(row: FeedbackRow, staff: &Staff, window: &DueWindow) -> ItemView {
        let personal_data = PersonalData::for_staff(staff, &row);
        ItemView::build(row, personal_data, window)
    }

    fn build(row: FeedbackRow, personal_data: PersonalData, window: &DueWindow) -> ItemView {
        let due = due_state(&row, window);
        let needs_triage = row.category.is_none() && status_of(&row).is_open();
        let contact = personal_data.contact(&row);
        let body = personal_data.item_text(&row);
        ItemView {
            id: row.id,
            kind: FeedbackKind::parse(&row.kind).unwrap_or(FeedbackKind::Request),
            channel: Channel::parse(&row.channel).unwrap_or(Channel::Web),
            status: status_of(&row),
            priority: Priority::parse(&row.priority).unwrap_or(Priority::Normal),
            public_body: row
                .public_body
                .clone()
                .unwrap_or_else(|| text::mask(&row.body)),
            publish: Publish::parse(&row.publish).unwrap_or(Publish::Default),
            moderation: Moderation::parse(&row.moderation).unwrap_or(Moderation::Clear),
            received_at: Timestamp(row.received_at),
            first_response_due: row.first_response_due.map(Timestamp),
            resolution_due: row.resolution_due.map(Timestamp),
            first_responded_at: row.first_responded_at.map(Timestamp),
            answered_at: row.answered_at.map(Timestamp),
            closed_at: row.closed_at.map(Timestamp),
            rating: row.rating.as_deref().and_then(Rating::parse),
            anonymised: row.anonymised_at.is_some(),
            due,
            contact,
            tracking_no: row.tracking_no,
            category: row.category,
            suggested_category: row.suggested_category,
            suggested_kind: row.suggested_kind,
            needs_triage,
            analysis: personal_data.analysis(super::Analysis::parse(row.analysis.as_deref())),
            unit: row.unit_id,
            station: row.station_id,
            department: row.department_id,
            assignee: row.assignee_id,
            body,
            personal_data,
            display_name: row.display_name,
            support_count: row.support_count,
            adopted: row.adopted,
            merged_into: row.merged_into,
            reopen_count: row.reopen_count,
            version: row.version,
        }
    }
}

impl Feedback {
    /// An item with its whole timeline (internal notes included), for staff; its texts
    /// masked for those who may not see personal data.
    pub async fn feedback_item(
        &self,
        staff: &Staff,
        id: i64,
    ) -> ServiceResult<(ItemView, Vec<TimelineEntry>)> {
        let row = self.visible_item(staff, id).await?;
        let events = store::feedback::events(self.db(), staff.actor.tenant_id, id, false).await?;
        let body = row.body.clone();
        let window = self.due_window(staff.actor.tenant_id).await?;
        let mut item = ItemView::for_staff(row, staff, &window);
        if let Some(analysis) = &mut item.analysis {
            self.keep_meaningful_evidence(staff.actor.tenant_id, &body, analysis)
                .await?;
        }
        let personal_data = item.personal_data;
        Ok((
            item,
            events
                .into_iter()
                .map(|e| personal_data.entry(TimelineEntry::from_row(e, true)))
                .collect(),
        ))
    }
}
