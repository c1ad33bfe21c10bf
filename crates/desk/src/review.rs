//! The review chain's actions (审核): sending an item for review, deciding a step,
//! withdrawing it. One mechanism for every capability that reviews — notices now,
//! activities, articles and documents next.
//!
//! The rules are `domain::review`'s (who may act, what a decision does, where a resubmitted
//! item returns); the rows are `store::reviews`'. A capability calls these inside the
//! transaction that changes its own record, so the item's status and its review never
//! disagree, and passes the [`ItemFacts`] it alone can look up.

use crate::{Desk, ServiceError, ServiceResult};
use domain::review::{Chain, Decision, ItemFacts, Progress, ReviewError, Stage, Step};
use domain::{Actor, TenantId};
use i18n::Key;
use store::reminders::Subject;

/// One item's review as stored: the chain it is reviewed under and where it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Review {
    pub chain: Chain,
    pub progress: Progress,
    pub version: i64,
}

impl Review {
    /// Reads the stored columns back (a capability's row carries them joined).
    pub fn from_stored(chain: &str, progress: &str, version: i64) -> ServiceResult<Review> {
        let steps: Vec<Step> = serde_json::from_str(chain)
            .map_err(|e| ServiceError::Internal(format!("stored review chain: {e}")))?;
        let chain = Chain::new(steps)
            .map_err(|e| ServiceError::Internal(format!("stored review chain: {e}")))?;
        let progress = Progress::parse(progress).ok_or_else(|| {
            ServiceError::Internal(format!("stored review progress {progress:?}"))
        })?;
        Ok(Review {
            chain,
            progress,
            version,
        })
    }

    /// The step waiting for a decision and whether `actor` may decide it.
    pub fn may_decide(&self, actor: &Actor, item: &ItemFacts) -> bool {
        self.progress
            .current_step(&self.chain, item)
            .is_some_and(|(_, step)| domain::review::may_act(step, actor, item))
    }

    /// The name of the step waiting for a decision ("部门负责人审核"), for the pages.
    pub fn waiting_step(&self, item: &ItemFacts) -> Option<&str> {
        self.progress
            .current_step(&self.chain, item)
            .map(|(_, step)| step.name.as_str())
    }
}

impl Desk {
    /// The chain the institution reviews `kind` under: its own, from the settings key
    /// `review_chains` (`{"notice": [steps…]}`), or the capability's `default`. A chain in
    /// the settings that the rules refuse is not used.
    pub async fn review_chain(
        &self,
        tenant: TenantId,
        kind: &str,
        default: Chain,
    ) -> ServiceResult<Chain> {
        let settings = store::tenants::find(self.db(), tenant)
            .await?
            .map(|t| t.settings)
            .unwrap_or_default();
        let own = serde_json::from_str::<serde_json::Value>(&settings)
            .ok()
            .and_then(|v| {
                serde_json::from_value::<Chain>(v.get("review_chains")?.get(kind)?.clone()).ok()
            });
        Ok(own.unwrap_or(default))
    }

    /// The item is sent for review: back to the step that asked for changes when it was
    /// sent back (under the chain it was first sent with), otherwise from the first step of
    /// `chain`. Returns where it now stands: in review, or approved when no step is left.
    pub async fn send_for_review(
        &self,
        tx: &store::Tx,
        tenant: TenantId,
        subject: Subject,
        earlier: Option<&Review>,
        chain: Chain,
        item: &ItemFacts,
    ) -> ServiceResult<Stage> {
        let (chain, progress) = match earlier {
            Some(r) if matches!(r.progress.stage(), Stage::ChangesRequested { .. }) => {
                let progress = r.progress.resubmit(&r.chain, item).map_err(refusal)?;
                (r.chain.clone(), progress)
            }
            _ => (chain, Progress::start()),
        };
        let steps = serde_json::to_string(&chain)
            .map_err(|e| ServiceError::Internal(format!("review chain: {e}")))?;
        store::reviews::start(tx, tenant, subject, &steps, &progress.code(), self.now()).await?;
        Ok(progress.stage())
    }

    /// `actor` decides the step waiting on `review` (of an item of `actor`'s institution). Refused with the reason a person can
    /// act on (a comment is needed; not theirs to decide), or `Conflict` when the review
    /// moved since it was read.
    pub async fn decide_review(
        &self,
        tx: &store::Tx,
        subject: Subject,
        review: &Review,
        item: &ItemFacts,
        actor: &Actor,
        decision: &Decision,
    ) -> ServiceResult<Stage> {
        let progress = review
            .progress
            .decide(&review.chain, item, actor, decision)
            .map_err(refusal)?;
        let now = self.now();
        let code = progress.code();
        let tenant = actor.tenant_id;
        if !store::reviews::decide(tx, tenant, subject, review.version, &code, now).await? {
            return Err(ServiceError::Conflict);
        }
        Ok(progress.stage())
    }

    /// The author took the item back before a decision: its review starts afresh.
    pub async fn withdraw_from_review(
        &self,
        tx: &store::Tx,
        tenant: TenantId,
        subject: Subject,
    ) -> ServiceResult<()> {
        store::reviews::forget(tx, tenant, subject).await?;
        Ok(())
    }
}

/// What the person sees when the rules refuse: the comment field named, "not yours to
/// decide", or "this changed, reload".
fn refusal(e: ReviewError) -> ServiceError {
    match e {
        ReviewError::CommentRequired => ServiceError::invalid("comment", Key::err_required),
        ReviewError::SelfReview | ReviewError::NotAReviewerHere { .. } => ServiceError::Forbidden,
        ReviewError::AlreadyDecided
        | ReviewError::WaitingForAuthor
        | ReviewError::NotSentBack
        | ReviewError::NoStepWaiting => ServiceError::Conflict,
    }
}
