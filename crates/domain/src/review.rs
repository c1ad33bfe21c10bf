//! The review chain (审核): the ordered steps an item passes before it goes out, one set of
//! rules for every capability that reviews — notices today, publicity articles and documents
//! next.
//!
//! A [`Chain`] is a list of [`Step`]s. Each step says who may act on it ([`Reviewer`]) and
//! when it applies ([`Condition`] over the item's [`ItemFacts`]). An item's [`Progress`]
//! records which steps have approved and where the item stands. The step waiting for a
//! decision is always the first applicable step not yet approved, so an item resubmitted
//! after a step asked for changes comes back to that step, and the approvals before it
//! stand. This follows Wagtail's workflows, whose next task is the first one without an
//! approval.
//!
//! Nobody reviews their own item, whatever else they hold.
//!
//! Pure rules: who heads the author's department, whom the author chose and what the item
//! targets are facts the services look up and pass in.

use crate::{Actor, Permission, Role, UnitPath, UserId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Who may act on a step.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reviewer {
    /// One named person: the deputy director in charge (分管领导), say.
    Person { user: UserId },
    /// The reviewer named on the item: chosen by the author, or the supervisor the
    /// services put there when it was sent for review.
    ChosenByAuthor,
    /// Anyone holding `role` with a scope that covers `unit`. A department role counts too:
    /// the chain names the role on purpose.
    RoleInUnit { role: Role, unit: UnitPath },
    /// Anyone who may do `permission` over the item's own unit, as [`Actor::can`] decides.
    PermissionOverItem { permission: Permission },
    /// The head of the author's department (部门负责人).
    HeadOfAuthorsDepartment,
}

impl Reviewer {
    /// Whether `actor` is this reviewer for `item`. Says nothing about authorship: see
    /// [`may_act`].
    pub fn includes(&self, actor: &Actor, item: &ItemFacts) -> bool {
        let me = actor.user_id;
        match self {
            Reviewer::Person { user } => *user == me,
            Reviewer::ChosenByAuthor => item.chosen_reviewer == Some(me),
            Reviewer::RoleInUnit { role, unit } => actor
                .grants
                .iter()
                .any(|g| g.role == *role && unit.is_within(&g.scope)),
            Reviewer::PermissionOverItem { permission } => actor.can(*permission, &item.unit),
            Reviewer::HeadOfAuthorsDepartment => item.authors_department_head == Some(me),
        }
    }
}

/// When a step applies to an item.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Condition {
    Always,
    /// Only when the item's targets include this code: an article for outside media
    /// (外宣) goes past the deputy director in charge.
    TargetIncludes {
        target: String,
    },
}

impl Condition {
    pub fn holds(&self, item: &ItemFacts) -> bool {
        match self {
            Condition::Always => true,
            Condition::TargetIncludes { target } => item.targets.iter().any(|t| t == target),
        }
    }
}

/// One step of a chain: anyone matching one of `who` may decide it, when `when` holds.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Step {
    /// What the author and reviewers see: "部门负责人审核".
    pub name: String,
    pub who: Vec<Reviewer>,
    pub when: Condition,
}

/// What the chain needs to know about the item under review, looked up by the services.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemFacts {
    pub author: UserId,
    /// The unit the item belongs to (a notice's or article's unit).
    pub unit: UnitPath,
    /// Who heads the author's department, if it has a head.
    pub authors_department_head: Option<UserId>,
    /// The reviewer named on the item, if any.
    pub chosen_reviewer: Option<UserId>,
    /// Where the item goes, as codes: an article's "outside_media", say.
    pub targets: Vec<String>,
}

/// Whether `actor` may decide `step` of `item`: one of its reviewers, and not the author.
pub fn may_act(step: &Step, actor: &Actor, item: &ItemFacts) -> bool {
    actor.user_id != item.author && step.who.iter().any(|r| r.includes(actor, item))
}

/// A chain that cannot review anything.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// Without a step that always applies, some item would go out unreviewed.
    #[error("a review chain needs a step that always applies")]
    NoStepAlwaysApplies,
    #[error("review step {step:?} names nobody who may act")]
    NobodyMayAct { step: String },
}

/// The ordered steps of a review. Built only through [`Chain::new`] (or deserialised
/// through it), so every chain has a step that always applies and someone on every step.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<Step>", into = "Vec<Step>")]
pub struct Chain {
    steps: Vec<Step>,
}

impl Chain {
    pub fn new(steps: Vec<Step>) -> Result<Chain, ChainError> {
        if let Some(empty) = steps.iter().find(|s| s.who.is_empty()) {
            return Err(ChainError::NobodyMayAct {
                step: empty.name.clone(),
            });
        }
        if !steps.iter().any(|s| s.when == Condition::Always) {
            return Err(ChainError::NoStepAlwaysApplies);
        }
        Ok(Chain { steps })
    }

    /// Today's notice review as a chain: one step, decided by the reviewer named on the
    /// notice or by anyone who may review notices over its unit.
    pub fn notice_review() -> Chain {
        Chain {
            steps: vec![Step {
                name: "审核".into(),
                who: vec![
                    Reviewer::ChosenByAuthor,
                    Reviewer::PermissionOverItem {
                        permission: Permission::ReviewNotices,
                    },
                ],
                when: Condition::Always,
            }],
        }
    }

    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The steps `item` goes through, in order, with their places in the chain.
    pub fn applicable_steps<'c>(
        &'c self,
        item: &'c ItemFacts,
    ) -> impl Iterator<Item = (usize, &'c Step)> + 'c {
        self.steps
            .iter()
            .enumerate()
            .filter(move |(_, s)| s.when.holds(item))
    }
}

impl TryFrom<Vec<Step>> for Chain {
    type Error = ChainError;
    fn try_from(steps: Vec<Step>) -> Result<Chain, ChainError> {
        Chain::new(steps)
    }
}

impl From<Chain> for Vec<Step> {
    fn from(chain: Chain) -> Vec<Step> {
        chain.steps
    }
}

/// A reviewer's decision on the step waiting for them.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Decision {
    Approve {
        comment: Option<String>,
    },
    /// Back to the author, who changes the item and resubmits it to this step.
    RequestChanges {
        comment: String,
    },
    /// The end of the item's review: it does not go out.
    Reject {
        comment: String,
    },
}

impl Decision {
    pub fn comment(&self) -> Option<&str> {
        match self {
            Decision::Approve { comment } => comment.as_deref(),
            Decision::RequestChanges { comment } | Decision::Reject { comment } => Some(comment),
        }
    }
}

/// Where an item's review stands. Steps are places in the chain (from 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Stage {
    /// Waiting for the current step's decision.
    InReview,
    /// `step` asked for changes; the item is back with the author.
    ChangesRequested {
        step: usize,
    },
    Rejected {
        step: usize,
    },
    /// Every applicable step approved: the item may go out.
    Approved,
}

impl Stage {
    fn code(self) -> &'static str {
        match self {
            Stage::InReview => "in_review",
            Stage::ChangesRequested { .. } => "changes_requested",
            Stage::Rejected { .. } => "rejected",
            Stage::Approved => "approved",
        }
    }

    /// The step that decided it, for the stages a step ends.
    fn deciding_step(self) -> Option<usize> {
        match self {
            Stage::ChangesRequested { step } | Stage::Rejected { step } => Some(step),
            Stage::InReview | Stage::Approved => None,
        }
    }
}

/// A decision or resubmission the rules do not allow.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    #[error("nobody reviews their own work")]
    SelfReview,
    #[error("not a reviewer at step {step:?}")]
    NotAReviewerHere { step: String },
    #[error("sending back or rejecting needs a comment")]
    CommentRequired,
    #[error("the review is already decided")]
    AlreadyDecided,
    #[error("changes were asked for and the author has not resubmitted")]
    WaitingForAuthor,
    #[error("only an item sent back for changes can be resubmitted")]
    NotSentBack,
    /// The stored progress does not fit the chain or the item any more.
    #[error("no step of the chain waits for a decision")]
    NoStepWaiting,
}

/// An item's way through its chain: the stage, and which steps have approved.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Progress {
    stage: Stage,
    approved: BTreeSet<usize>,
}

impl Progress {
    /// Sent for review: nothing approved yet. A [`Chain`] always has a step that applies.
    pub fn start() -> Progress {
        Progress {
            stage: Stage::InReview,
            approved: BTreeSet::new(),
        }
    }

    pub fn stage(&self) -> Stage {
        self.stage
    }

    /// The steps that have approved, in chain order.
    pub fn approved_steps(&self) -> impl Iterator<Item = usize> + '_ {
        self.approved.iter().copied()
    }

    /// The step waiting for a decision, while the item is in review.
    pub fn current_step<'c>(
        &self,
        chain: &'c Chain,
        item: &ItemFacts,
    ) -> Option<(usize, &'c Step)> {
        match self.stage {
            Stage::InReview => first_unapproved(chain, item, &self.approved),
            _ => None,
        }
    }

    /// `actor` decides the current step. Approving the last applicable step approves the
    /// item; asking for changes or rejecting needs a comment, which the author is told.
    pub fn decide(
        &self,
        chain: &Chain,
        item: &ItemFacts,
        actor: &Actor,
        decision: &Decision,
    ) -> Result<Progress, ReviewError> {
        match self.stage {
            Stage::InReview => {}
            Stage::ChangesRequested { .. } => return Err(ReviewError::WaitingForAuthor),
            Stage::Rejected { .. } | Stage::Approved => return Err(ReviewError::AlreadyDecided),
        }
        let (at, step) = self
            .current_step(chain, item)
            .ok_or(ReviewError::NoStepWaiting)?;
        if actor.user_id == item.author {
            return Err(ReviewError::SelfReview);
        }
        if !may_act(step, actor, item) {
            return Err(ReviewError::NotAReviewerHere {
                step: step.name.clone(),
            });
        }
        let stage = match decision {
            Decision::Approve { .. } => return Ok(self.approve(chain, item, at)),
            Decision::RequestChanges { comment } => {
                require_comment(comment)?;
                Stage::ChangesRequested { step: at }
            }
            Decision::Reject { comment } => {
                require_comment(comment)?;
                Stage::Rejected { step: at }
            }
        };
        Ok(Progress {
            stage,
            approved: self.approved.clone(),
        })
    }

    /// The author sends the changed item back. It returns to the first applicable step not
    /// yet approved: the step that asked, unless the change made an earlier step apply —
    /// or approved at once, if the step that asked no longer applies and every other did.
    pub fn resubmit(&self, chain: &Chain, item: &ItemFacts) -> Result<Progress, ReviewError> {
        let Stage::ChangesRequested { .. } = self.stage else {
            return Err(ReviewError::NotSentBack);
        };
        Ok(self.advance(chain, item, self.approved.clone()))
    }

    /// The stored form: the stage's code, the deciding step after `@`, the approved steps
    /// after `:` — `in_review`, `in_review:0`, `changes_requested@1:0`, `approved:0,1`.
    pub fn code(&self) -> String {
        let mut code = self.stage.code().to_owned();
        if let Some(step) = self.stage.deciding_step() {
            code.push_str(&format!("@{step}"));
        }
        if !self.approved.is_empty() {
            let steps: Vec<String> = self.approved.iter().map(usize::to_string).collect();
            code.push(':');
            code.push_str(&steps.join(","));
        }
        code
    }

    /// Reads [`Progress::code`] back; `None` for anything it would not have written.
    pub fn parse(code: &str) -> Option<Progress> {
        let (head, approved) = match code.split_once(':') {
            Some((head, list)) => (head, parse_steps(list)?),
            None => (code, BTreeSet::new()),
        };
        let (stage, step) = match head.split_once('@') {
            Some((stage, step)) => (stage, Some(parse_step(step)?)),
            None => (head, None),
        };
        let stage = match (stage, step) {
            ("in_review", None) => Stage::InReview,
            ("approved", None) => Stage::Approved,
            ("changes_requested", Some(step)) => Stage::ChangesRequested { step },
            ("rejected", Some(step)) => Stage::Rejected { step },
            _ => return None,
        };
        // A step that decided against the item has not approved it.
        if step.is_some_and(|s| approved.contains(&s)) {
            return None;
        }
        Some(Progress { stage, approved })
    }

    fn approve(&self, chain: &Chain, item: &ItemFacts, step: usize) -> Progress {
        let mut approved = self.approved.clone();
        approved.insert(step);
        self.advance(chain, item, approved)
    }

    /// In review at the next step still to approve, or approved when none is left.
    fn advance(&self, chain: &Chain, item: &ItemFacts, approved: BTreeSet<usize>) -> Progress {
        let stage = match first_unapproved(chain, item, &approved) {
            Some(_) => Stage::InReview,
            None => Stage::Approved,
        };
        Progress { stage, approved }
    }
}

fn first_unapproved<'c>(
    chain: &'c Chain,
    item: &ItemFacts,
    approved: &BTreeSet<usize>,
) -> Option<(usize, &'c Step)> {
    chain
        .steps
        .iter()
        .enumerate()
        .find(|(i, s)| !approved.contains(i) && s.when.holds(item))
}

fn require_comment(comment: &str) -> Result<(), ReviewError> {
    if comment.trim().is_empty() {
        return Err(ReviewError::CommentRequired);
    }
    Ok(())
}

/// A step number as [`Progress::code`] writes it: digits only, no sign, no leading zero.
fn parse_step(s: &str) -> Option<usize> {
    let canonical = s == "0" || (!s.starts_with('0') && s.bytes().all(|b| b.is_ascii_digit()));
    if canonical { s.parse().ok() } else { None }
}

/// Approved steps as [`Progress::code`] writes them: at least one, strictly ascending.
fn parse_steps(list: &str) -> Option<BTreeSet<usize>> {
    let steps: Vec<usize> = list.split(',').map(parse_step).collect::<Option<_>>()?;
    if steps.windows(2).any(|w| w[0] >= w[1]) {
        return None;
    }
    Some(steps.into_iter().collect())
}

#[cfg(test)]
mod tests;
