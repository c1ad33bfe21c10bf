//! Writing items: a new item's values, and the changes an update may make, typed so that
//! no other crate names a column.

use crate::schema::Feedback as F;
use domain::feedback::{Channel, FeedbackKind, Moderation, Priority, Publish, Rating, Status};
use domain::{TenantId, Timestamp, UserId};
use sea_query::{BinOper, Expr, ExprTrait};

/// A new item, as intake (or an import, or a benchmark's generator) makes it.
#[derive(Debug, Clone)]
pub struct NewFeedback {
    pub tenant: TenantId,
    pub tracking_no: String,
    /// The client's key for a submission sent twice (a retry after a lost connection).
    pub submission_key: Option<String>,
    pub channel: Channel,
    pub kind: FeedbackKind,
    pub category: Option<String>,
    pub suggested_category: Option<String>,
    pub suggested_kind: Option<String>,
    pub needs_triage: bool,
    pub urgent_reason: Option<String>,
    /// The text analysis, as JSON.
    pub analysis: Option<String>,
    pub unit_id: i64,
    pub station_id: i64,
    pub unit_path: String,
    pub department_id: Option<i64>,
    pub status: Status,
    pub priority: Priority,
    pub lang: String,
    pub body: String,
    pub public_body: Option<String>,
    /// The words for full-text search; `None` leaves them to the background fill.
    pub search_text: Option<String>,
    pub member_id: Option<i64>,
    pub contact_name: Option<String>,
    pub contact_mobile: Option<String>,
    pub contact_email: Option<String>,
    pub contact_verified: bool,
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
    pub rating: Option<Rating>,
    pub entered_by: Option<UserId>,
    pub ip: Option<String>,
    pub created_at: Timestamp,
}

impl NewFeedback {
    /// An item received at `at` with everything else at its plain default (a web request,
    /// new, normal priority, published by default, nothing about the person), to be filled in.
    pub fn new(tenant: TenantId, tracking_no: String, body: String, at: Timestamp) -> NewFeedback {
        NewFeedback {
            tenant,
            tracking_no,
            submission_key: None,
            channel: Channel::Web,
            kind: FeedbackKind::Request,
            category: None,
            suggested_category: None,
            suggested_kind: None,
            needs_triage: false,
            urgent_reason: None,
            analysis: None,
            unit_id: 0,
            station_id: 0,
            unit_path: String::new(),
            department_id: None,
            status: Status::New,
            priority: Priority::Normal,
            lang: "zh-CN".into(),
            body,
            public_body: None,
            search_text: None,
            member_id: None,
            contact_name: None,
            contact_mobile: None,
            contact_email: None,
            contact_verified: false,
            display_name: None,
            publish: Publish::Default,
            moderation: Moderation::Clear,
            support_count: 0,
            received_at: at,
            first_response_due: None,
            resolution_due: None,
            first_responded_at: None,
            answered_at: None,
            closed_at: None,
            rating: None,
            entered_by: None,
            ip: None,
            created_at: at,
        }
    }

    /// Every column written, in one order (so many rows make one statement).
    pub(crate) fn values(self) -> Vec<(F, Expr)> {
        let at = |t: Option<Timestamp>| Expr::from(t.map(|t| t.0));
        vec![
            (F::TenantId, self.tenant.0.into()),
            (F::TrackingNo, self.tracking_no.into()),
            (F::SubmissionKey, self.submission_key.into()),
            (F::Channel, self.channel.as_str().into()),
            (F::Kind, self.kind.as_str().into()),
            (F::Category, self.category.into()),
            (F::SuggestedCategory, self.suggested_category.into()),
            (F::SuggestedKind, self.suggested_kind.into()),
            (F::NeedsTriage, self.needs_triage.into()),
            (F::UrgentReason, self.urgent_reason.into()),
            (F::Analysis, self.analysis.into()),
            (F::UnitId, self.unit_id.into()),
            (F::StationId, self.station_id.into()),
            (F::UnitPath, self.unit_path.into()),
            (F::DepartmentId, self.department_id.into()),
            (F::Status, self.status.as_str().into()),
            (F::Priority, self.priority.as_str().into()),
            (F::Lang, self.lang.into()),
            (F::Body, self.body.into()),
            (F::PublicBody, self.public_body.into()),
            (F::SearchText, self.search_text.into()),
            (F::MemberId, self.member_id.into()),
            (F::ContactName, self.contact_name.into()),
            (F::ContactMobile, self.contact_mobile.into()),
            (F::ContactEmail, self.contact_email.into()),
            (F::ContactVerified, self.contact_verified.into()),
            (F::DisplayName, self.display_name.into()),
            (F::Publish, self.publish.as_str().into()),
            (F::Moderation, self.moderation.as_str().into()),
            (F::SupportCount, self.support_count.into()),
            (F::ReceivedAt, self.received_at.0.into()),
            (F::FirstResponseDue, at(self.first_response_due)),
            (F::ResolutionDue, at(self.resolution_due)),
            (F::FirstRespondedAt, at(self.first_responded_at)),
            (F::AnsweredAt, at(self.answered_at)),
            (F::ClosedAt, at(self.closed_at)),
            (F::Rating, self.rating.map(Rating::as_str).into()),
            (F::EnteredBy, self.entered_by.map(|u| u.0).into()),
            (F::Ip, self.ip.into()),
            (F::CreatedAt, self.created_at.0.into()),
            (F::UpdatedAt, self.created_at.0.into()),
        ]
    }
}

/// One change an update makes to an item.
#[derive(Debug, Clone, PartialEq)]
pub enum FeedbackChange {
    Status(Status),
    /// The status to go back to when a pause ends.
    ResumeStatus(Option<Status>),
    Priority(Priority),
    Department(Option<i64>),
    Assignee(Option<i64>),
    FirstResponseDue(Option<Timestamp>),
    ResolutionDue(Option<Timestamp>),
    FirstRespondedAt(Timestamp),
    AnsweredAt(Option<Timestamp>),
    ClosedAt(Option<Timestamp>),
    PausedAt(Option<Timestamp>),
    Adopted(bool),
    MergedInto(i64),
    Moderation(Moderation),
    Publish(Publish),
    PublicBody(Option<String>),
    Body(String),
    Rating(Rating),
    RatedAt(Timestamp),
    ReopenCount(i64),
    /// Words added to what full-text search finds it by (a public answer's). An item whose
    /// words are not known yet stays so: the background fill reads the answer with the rest.
    AddSearchWords(String),
    /// Staff confirmed (or corrected) what the item is about and what the person wants.
    Classified {
        category: String,
        kind: FeedbackKind,
    },
    /// The person's contact details, account and address forgotten (anonymised at `at`).
    ForgetPerson {
        at: Timestamp,
    },
}

impl FeedbackChange {
    pub(crate) fn columns(self) -> Vec<(F, Expr)> {
        let at = |t: Option<Timestamp>| Expr::from(t.map(|t| t.0));
        let none = || Expr::from(Option::<String>::None);
        let one = |c: F, v: Expr| vec![(c, v)];
        match self {
            FeedbackChange::Status(s) => one(F::Status, s.as_str().into()),
            FeedbackChange::ResumeStatus(s) => one(F::ResumeStatus, s.map(Status::as_str).into()),
            FeedbackChange::Priority(p) => one(F::Priority, p.as_str().into()),
            FeedbackChange::Department(d) => one(F::DepartmentId, d.into()),
            FeedbackChange::Assignee(a) => one(F::AssigneeId, a.into()),
            FeedbackChange::FirstResponseDue(t) => one(F::FirstResponseDue, at(t)),
            FeedbackChange::ResolutionDue(t) => one(F::ResolutionDue, at(t)),
            FeedbackChange::FirstRespondedAt(t) => one(F::FirstRespondedAt, t.0.into()),
            FeedbackChange::AnsweredAt(t) => one(F::AnsweredAt, at(t)),
            FeedbackChange::ClosedAt(t) => one(F::ClosedAt, at(t)),
            FeedbackChange::PausedAt(t) => one(F::PausedAt, at(t)),
            FeedbackChange::Adopted(a) => one(F::Adopted, a.into()),
            FeedbackChange::MergedInto(id) => one(F::MergedInto, id.into()),
            FeedbackChange::Moderation(m) => one(F::Moderation, m.as_str().into()),
            FeedbackChange::Publish(p) => one(F::Publish, p.as_str().into()),
            FeedbackChange::PublicBody(t) => one(F::PublicBody, t.into()),
            FeedbackChange::Body(t) => one(F::Body, t.into()),
            FeedbackChange::Rating(r) => one(F::Rating, r.as_str().into()),
            FeedbackChange::RatedAt(t) => one(F::RatedAt, t.0.into()),
            FeedbackChange::ReopenCount(n) => one(F::ReopenCount, n.into()),
            FeedbackChange::AddSearchWords(words) => one(
                F::SearchText,
                Expr::col(F::SearchText).binary(BinOper::Custom("||"), format!(" {words}")),
            ),
            FeedbackChange::Classified { category, kind } => vec![
                (F::Category, category.into()),
                (F::Kind, kind.as_str().into()),
                (F::NeedsTriage, false.into()),
            ],
            FeedbackChange::ForgetPerson { at } => vec![
                (F::ContactName, none()),
                (F::ContactMobile, none()),
                (F::ContactEmail, none()),
                (F::MemberId, Option::<i64>::None.into()),
                (F::DisplayName, none()),
                (F::Ip, none()),
                (F::AnonymisedAt, at.0.into()),
            ],
        }
    }
}
