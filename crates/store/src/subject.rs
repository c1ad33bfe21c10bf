//! The records the shared mechanisms (the reminder ledger, the review chain) are kept for.

/// What a reminder or a review is about: one record of a capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    Feedback(i64),
    Notice(i64),
}

/// The kinds of subject, for the sweeps (each sweeps its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectKind {
    Feedback,
    Notice,
}

impl SubjectKind {
    pub(crate) fn code(self) -> &'static str {
        match self {
            SubjectKind::Feedback => "feedback",
            SubjectKind::Notice => "notice",
        }
    }
}

impl Subject {
    pub(crate) fn kind(self) -> SubjectKind {
        match self {
            Subject::Feedback(_) => SubjectKind::Feedback,
            Subject::Notice(_) => SubjectKind::Notice,
        }
    }

    pub(crate) fn id(self) -> i64 {
        match self {
            Subject::Feedback(id) | Subject::Notice(id) => id,
        }
    }
}

