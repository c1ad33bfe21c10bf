//! After a date, the people who were checked in (only they) rate it 1–5 with an optional
//! comment. Ratings show on the activity from five up. A comment with a low rating, or one
//! the person marks as a suggestion, becomes a feedback item, routed and answered like any
//! other, through [`RatingComments`] (the feedback capability, given by the composition).

use crate::{Events, ServiceError, ServiceResult};
use desk::MemberSession;
use domain::event::rating::{RatingRefusal, check_rating, may_rate};
use domain::{Checks, TenantId, Timestamp};
use i18n::Key;
use store::events::{ActivityRow, NewRating, RegistrationRow};

/// How long after a date its attendees may rate it.
pub const WINDOW_DAYS: u32 = 14;

/// Files a rating's comment as a feedback item about the activity; gives its tracking
/// number. The composition implements it with the feedback capability, which this crate
/// does not depend on.
#[async_trait::async_trait]
pub trait RatingComments: Send + Sync {
    async fn file(
        &self,
        member: &MemberSession,
        activity: &ActivityRow,
        stars: u8,
        comment: &str,
        suggestion: bool,
    ) -> ServiceResult<String>;
}

/// No feedback capability: comments stay with the rating (tests of this crate alone).
pub struct KeepComments;

#[async_trait::async_trait]
impl RatingComments for KeepComments {
    async fn file(
        &self,
        _: &MemberSession,
        _: &ActivityRow,
        _: u8,
        _: &str,
        _: bool,
    ) -> ServiceResult<String> {
        Ok(String::new())
    }
}

impl Events {
    /// The member rates a date they attended. Gives the feedback item's tracking number
    /// when the comment became one.
    pub async fn rate(
        &self,
        member: &MemberSession,
        registration: i64,
        stars: i64,
        comment: Option<&str>,
        suggestion: bool,
    ) -> ServiceResult<Option<String>> {
        let tenant = member.tenant;
        let r = self.own_registration(member, registration).await?;
        self.rate_registration(member, tenant, r, stars, comment, suggestion)
            .await
    }

    async fn rate_registration(
        &self,
        member: &MemberSession,
        tenant: TenantId,
        r: RegistrationRow,
        stars: i64,
        comment: Option<&str>,
        suggestion: bool,
    ) -> ServiceResult<Option<String>> {
        let now = self.now();
        let d = self.date_row(tenant, r.date_id).await?;
        let attended = store::events::attendance_of(self.db(), &[r.id])
            .await?
            .iter()
            .any(|a| a.outcome == "attended");
        may_rate(attended, Timestamp(d.ends_at), now, WINDOW_DAYS).map_err(|e| match e {
            RatingRefusal::NotCheckedIn => ServiceError::refused(Key::event_err_rate_not_attended),
            RatingRefusal::NotEnded { .. } => ServiceError::refused(Key::event_err_rate_not_ended),
            RatingRefusal::Closed { .. } => ServiceError::refused(Key::event_err_rate_closed),
        })?;
        let mut checks = Checks::new();
        let rating = check_rating(stars, comment, suggestion, &mut checks);
        checks.finish()?;
        let activity = self.activity_row(tenant, r.activity_id).await?;
        let tx = self.db().begin().await?;
        let new = NewRating {
            registration_id: r.id,
            activity_id: activity.id,
            stars: i32::from(rating.stars),
            comment: rating.comment.clone(),
            suggestion: rating.suggestion,
            feedback_id: None,
        };
        if let Err(e) = store::events::insert_rating(&tx, tenant, &new, now).await {
            return Err(if e.is_duplicate() {
                ServiceError::refused(Key::event_err_rated)
            } else {
                e.into()
            });
        }
        self.member_audit(&tx, tenant, r.member_id, "registration.rated", r.id)
            .await?;
        tx.commit().await?;
        // The rating stands on its own; the feedback item follows it, so a failure to file
        // the comment never loses the rating.
        match (&rating.comment, rating.becomes_feedback()) {
            (Some(text), true) => {
                let tracking = self
                    .0
                    .comments
                    .file(member, &activity, rating.stars, text, rating.suggestion)
                    .await?;
                Ok(Some(tracking).filter(|t| !t.is_empty()))
            }
            _ => Ok(None),
        }
    }
}
