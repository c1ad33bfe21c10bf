//! The records the shared mechanisms (the reminder ledger, the review chain) are kept for.

/// What a reminder or a review is about: one record of a capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    Feedback(i64),
    Notice(i64),
    /// A date of an activity: its reminder the day before, its lottery draw.
    ActivityDate(i64),
    /// A registration: its waiting-list offer running out.
    Registration(i64),
    /// An activity: its review.
    Activity(i64),
}

/// The kinds of subject, for the sweeps (each sweeps its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectKind {
    Feedback,
    Notice,
    ActivityDate,
    Registration,
    Activity,
}

impl SubjectKind {
    pub(crate) fn code(self) -> &'static str {
        match self {
            SubjectKind::Feedback => "feedback",
            SubjectKind::Notice => "notice",
            SubjectKind::ActivityDate => "activity_date",
            SubjectKind::Registration => "registration",
            SubjectKind::Activity => "activity",
        }
    }
}

impl Subject {
    pub(crate) fn kind(self) -> SubjectKind {
        match self {
            Subject::Feedback(_) => SubjectKind::Feedback,
            Subject::Notice(_) => SubjectKind::Notice,
            Subject::ActivityDate(_) => SubjectKind::ActivityDate,
            Subject::Registration(_) => SubjectKind::Registration,
            Subject::Activity(_) => SubjectKind::Activity,
        }
    }

    pub(crate) fn id(self) -> i64 {
        match self {
            Subject::Feedback(id)
            | Subject::Notice(id)
            | Subject::ActivityDate(id)
            | Subject::Registration(id)
            | Subject::Activity(id) => id,
        }
    }
}
