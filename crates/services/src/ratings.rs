//! An activity's rating comment becomes a feedback item: the events capability asks, the
//! feedback capability files it. Capabilities do not know each other; the composition
//! joins them here.

use desk::{MemberSession, ServiceResult};
use domain::feedback::Channel;
use feedback::{Feedback, Intake};
use store::events::ActivityRow;

pub(crate) struct CommentsToFeedback(pub Feedback);

#[async_trait::async_trait]
impl events::RatingComments for CommentsToFeedback {
    async fn file(
        &self,
        member: &MemberSession,
        activity: &ActivityRow,
        stars: u8,
        comment: &str,
        suggestion: bool,
    ) -> ServiceResult<String> {
        let institution = self.0.institution(member.tenant).await?;
        let t = i18n::Tr::new(i18n::Lang::ZhCn);
        let text = t.fill(
            i18n::Key::event_rating_feedback,
            &[
                ("title", &activity.title),
                ("stars", &stars.to_string()),
                ("comment", &comment.to_owned()),
            ],
        );
        let intake = Intake {
            text,
            kind: if suggestion {
                "suggestion"
            } else {
                "complaint"
            }
            .into(),
            category: Some(activity.category.clone()),
            unit: Some(activity.unit_id.to_string()),
            ..Default::default()
        };
        let submitted = match self
            .0
            .submit_feedback(
                &institution,
                intake.clone(),
                Vec::new(),
                Some(member),
                None,
                Channel::Web,
                i18n::Lang::ZhCn,
            )
            .await
        {
            // An activity category the feedback setup does not have: let it propose one.
            Err(desk::ServiceError::Invalid(_)) => {
                let intake = Intake {
                    category: None,
                    ..intake
                };
                self.0
                    .submit_feedback(
                        &institution,
                        intake,
                        Vec::new(),
                        Some(member),
                        None,
                        Channel::Web,
                        i18n::Lang::ZhCn,
                    )
                    .await?
            }
            other => other?,
        };
        Ok(submitted.tracking_no)
    }
}
