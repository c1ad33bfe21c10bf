//! Public feedback: its kinds, where it came from, and the one state machine every change
//! of status goes through.

use i18n::Key;
use serde::{Deserialize, Serialize};

/// The longest text, in characters, of anything written about a piece of feedback: the
/// submission itself, a reply, an answer, a public text, a note. Every channel (page, API,
/// import) and the services check against this one number.
pub const MAX_TEXT: usize = 4000;
/// The longest contact name a submitter gives, in characters.
pub const MAX_CONTACT_NAME: usize = 40;
/// The longest name a submitter shows in public, in characters.
pub const MAX_DISPLAY_NAME: usize = 20;

codes! {
    /// What the person wants: 需求, 建议, 投诉, 表扬, 咨询.
    FeedbackKind {
        Request = "request" => kind_request,
        Suggestion = "suggestion" => kind_suggestion,
        Complaint = "complaint" => kind_complaint,
        Praise = "praise" => kind_praise,
        Inquiry = "inquiry" => kind_inquiry,
    }
}

codes! {
    /// Where the feedback came in.
    Channel {
        Web = "web" => channel_web,
        Wechat = "wechat" => channel_wechat,
        Miniapp = "miniapp" => channel_miniapp,
        Api = "api" => channel_api,
        SuggestionBox = "suggestion_box" => channel_suggestion_box,
        CommentBook = "comment_book" => channel_comment_book,
        Forum = "forum" => channel_forum,
        Phone = "phone" => channel_phone,
        Import = "import" => channel_import,
    }
}

impl Channel {
    /// Channels staff enter by hand from paper or conversation.
    pub const OFFLINE: [Channel; 4] = [
        Channel::SuggestionBox,
        Channel::CommentBook,
        Channel::Forum,
        Channel::Phone,
    ];
}

codes! {
    /// How urgent: urgent items get shorter deadlines and the department head is told.
    Priority {
        Normal = "normal" => priority_normal,
        Urgent = "urgent" => priority_urgent,
    }
}

codes! {
    /// The submitter's verdict on the answer.
    Rating {
        Satisfied = "satisfied" => rating_satisfied,
        MostlySatisfied = "mostly_satisfied" => rating_mostly_satisfied,
        Dissatisfied = "dissatisfied" => rating_dissatisfied,
    }
}

codes! {
    /// Where an item stands.
    Status {
        New = "new" => status_new,
        Accepted = "accepted" => status_accepted,
        Assigned = "assigned" => status_assigned,
        InProgress = "in_progress" => status_in_progress,
        /// Waiting on the submitter for more information; the deadline clock is paused.
        Waiting = "waiting" => status_waiting,
        Answered = "answered" => status_answered,
        Closed = "closed" => status_closed,
        /// 不予受理, with a reason.
        NotAccepted = "not_accepted" => status_not_accepted,
        /// Folded into another item asking the same.
        Merged = "merged" => status_merged,
        Spam = "spam" => status_spam,
    }
}

/// Whether an item shows on the public board: the institution's default, or staff's choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Publish {
    Default,
    Yes,
    No,
}

impl Publish {
    pub fn as_str(self) -> &'static str {
        match self {
            Publish::Default => "default",
            Publish::Yes => "yes",
            Publish::No => "no",
        }
    }

    pub fn parse(s: &str) -> Option<Publish> {
        [Publish::Default, Publish::Yes, Publish::No]
            .into_iter()
            .find(|p| p.as_str() == s)
    }
}

/// Where an item stands with moderation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Moderation {
    Clear,
    /// A sensitive word: nothing is public until staff look at it.
    Held,
    /// Staff hid it from the public.
    Hidden,
}

impl Moderation {
    pub fn as_str(self) -> &'static str {
        match self {
            Moderation::Clear => "clear",
            Moderation::Held => "held",
            Moderation::Hidden => "hidden",
        }
    }

    pub fn parse(s: &str) -> Option<Moderation> {
        [Moderation::Clear, Moderation::Held, Moderation::Hidden]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}

impl Status {
    /// Still to be dealt with: counts for deadlines and the backlog.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::New
                | Status::Accepted
                | Status::Assigned
                | Status::InProgress
                | Status::Waiting
        )
    }

    /// Counts as dealt with in the resolution rate.
    pub fn is_resolved(self) -> bool {
        matches!(self, Status::Answered | Status::Closed)
    }

    /// The public never sees items in these states.
    pub fn is_hidden_from_public(self) -> bool {
        matches!(self, Status::Spam | Status::Merged)
    }
}

/// Something that happens to an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// 受理.
    Accept,
    /// 转办 to a department (also reassignment, with a reason).
    Assign,
    /// The department starts work.
    Start,
    /// Ask the submitter for more information.
    AskSubmitter,
    /// The submitter answered the question.
    SubmitterReplied,
    Answer,
    Close,
    /// 不予受理.
    Decline,
    MarkSpam,
    /// A spam verdict taken back.
    NotSpam,
    Merge,
    /// The submitter is not satisfied and reopens it.
    Reopen,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Assign => "assign",
            Action::Start => "start",
            Action::AskSubmitter => "ask_submitter",
            Action::SubmitterReplied => "submitter_replied",
            Action::Answer => "answer",
            Action::Close => "close",
            Action::Decline => "decline",
            Action::MarkSpam => "mark_spam",
            Action::NotSpam => "not_spam",
            Action::Merge => "merge",
            Action::Reopen => "reopen",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        ACTIONS.iter().copied().find(|a| a.as_str() == s)
    }
}

const ACTIONS: [Action; 12] = [
    Action::Accept,
    Action::Assign,
    Action::Start,
    Action::AskSubmitter,
    Action::SubmitterReplied,
    Action::Answer,
    Action::Close,
    Action::Decline,
    Action::MarkSpam,
    Action::NotSpam,
    Action::Merge,
    Action::Reopen,
];

/// An action that the item's status does not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cannot {action:?} an item that is {from:?}")]
pub struct IllegalTransition {
    pub from: Status,
    pub action: Action,
}

/// The state machine, in one place: where `action` takes an item that is `from`.
/// `resume` is the status an item waiting on its submitter returns to.
pub fn transition(
    from: Status,
    action: Action,
    resume: Option<Status>,
) -> Result<Status, IllegalTransition> {
    use Action as A;
    use Status as S;
    let to = match (from, action) {
        (S::New, A::Accept) => S::Accepted,
        (S::New | S::Accepted | S::Assigned | S::InProgress, A::Assign) => S::Assigned,
        (S::Assigned, A::Start) => S::InProgress,
        (S::New | S::Accepted | S::Assigned | S::InProgress, A::AskSubmitter) => S::Waiting,
        (S::Waiting, A::SubmitterReplied) => match resume {
            Some(r) if r.is_open() && r != S::Waiting => r,
            _ => S::Accepted,
        },
        (S::Accepted | S::Assigned | S::InProgress | S::Waiting, A::Answer) => S::Answered,
        // An inquiry can be answered on the spot, before it is formally accepted.
        (S::New, A::Answer) => S::Answered,
        (S::Answered, A::Close) => S::Closed,
        // A department may find an item routed to it is outside the institution's remit.
        (S::New | S::Accepted | S::Assigned, A::Decline) => S::NotAccepted,
        (S::New | S::Accepted | S::Assigned, A::MarkSpam) => S::Spam,
        (S::Spam, A::NotSpam) => S::New,
        (S::New | S::Accepted | S::Assigned | S::InProgress | S::Waiting, A::Merge) => S::Merged,
        (S::Answered | S::Closed, A::Reopen) => S::InProgress,
        _ => return Err(IllegalTransition { from, action }),
    };
    Ok(to)
}

/// The actions staff may choose for an item in this status (for the item page's buttons).
pub fn staff_actions(from: Status) -> Vec<Action> {
    ACTIONS
        .iter()
        .copied()
        .filter(|a| !matches!(a, Action::SubmitterReplied | Action::Reopen))
        .filter(|a| transition(from, *a, None).is_ok())
        .collect()
}

/// A human-friendly tracking number: `QS-2026-000123`.
pub fn tracking_number(institution_code: &str, year: i16, number: i64) -> String {
    format!("{institution_code}-{year}-{number:06}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_usual_life_of_an_item() {
        let mut s = Status::New;
        for (action, expected) in [
            (Action::Accept, Status::Accepted),
            (Action::Assign, Status::Assigned),
            (Action::Start, Status::InProgress),
            (Action::AskSubmitter, Status::Waiting),
            (Action::SubmitterReplied, Status::InProgress),
            (Action::Answer, Status::Answered),
            (Action::Close, Status::Closed),
            (Action::Reopen, Status::InProgress),
        ] {
            let resume = (s == Status::Waiting).then_some(Status::InProgress);
            s = transition(s, action, resume).unwrap();
            assert_eq!(s, expected, "{action:?}");
        }
    }

    #[test]
    fn illegal_transitions_are_refused() {
        for (from, action) in [
            (Status::Closed, Action::Accept),
            (Status::NotAccepted, Action::Answer),
            (Status::Merged, Action::Assign),
            (Status::Answered, Action::Decline),
            (Status::InProgress, Action::Decline),
            (Status::New, Action::Close),
            (Status::InProgress, Action::Reopen),
            (Status::Spam, Action::Answer),
        ] {
            assert_eq!(
                transition(from, action, None),
                Err(IllegalTransition { from, action })
            );
        }
    }

    #[test]
    fn codes_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(*s));
        }
        for k in FeedbackKind::ALL {
            assert_eq!(FeedbackKind::parse(k.as_str()), Some(*k));
        }
        for a in ACTIONS {
            assert_eq!(Action::parse(a.as_str()), Some(a));
        }
        assert_eq!(tracking_number("QS", 2026, 123), "QS-2026-000123");
    }

    fn any_status() -> impl Strategy<Value = Status> {
        proptest::sample::select(Status::ALL.to_vec())
    }

    fn any_action() -> impl Strategy<Value = Action> {
        proptest::sample::select(ACTIONS.to_vec())
    }

    proptest! {
        /// Whatever happens, terminal states stay terminal and only a reopen leaves an answer.
        #[test]
        fn no_sequence_of_actions_escapes_the_rules(actions in proptest::collection::vec(any_action(), 0..30), start in any_status()) {
            let mut s = start;
            let mut resume = None;
            for a in actions {
                if let Ok(next) = transition(s, a, resume) {
                    prop_assert!(!matches!(s, Status::NotAccepted | Status::Merged), "{s:?} is terminal");
                    if s == Status::Closed { prop_assert_eq!(a, Action::Reopen); }
                    if next == Status::Waiting { resume = Some(s); }
                    s = next;
                }
            }
        }
    }
}
