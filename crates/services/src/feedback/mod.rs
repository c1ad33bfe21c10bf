//! The public feedback loop: intake from every channel, the workflow with its deadlines
//! and escalation, answers, the staff inbox, the public board, and the submitter's rights.

mod admin;
mod batch;
mod board;
mod deadlines;
mod embeddings;
mod import;
mod inbox;
mod intake;
mod privacy;
mod search;
mod setup;
mod staff_extras;
mod tracking;
mod understanding;
mod views;
mod workflow;

/// Checking and cleaning photos is the `photos` crate; web finds its limits and errors here
/// (`MAX_PHOTOS`, `MAX_PHOTO_BYTES`, `PhotoError`). Services take a photo only as a
/// [`PhotoUpload`], which is made by cleaning it.
pub use ::photos;

pub use admin::{
    AnswerTemplate, AnswerTemplateInput, CalendarDayView, CategoryInput, DeadlinePolicyInput,
    DeadlinePolicyView, Move, RoutingRuleInput, RoutingRuleView, SAMPLE_2026, SensitiveWordView,
    WORD_CATEGORIES, WORKING_DAY_MINUTES, built_in_words, word_category_label, working_time_words,
};
pub(crate) use batch::IntakeWriter;
pub(crate) use board::ComputeFigures;
pub use board::{
    BoardFigures, BoardPage, BoardQuery, FIGURES, Figures, MIN_FOR_RATE, PublicItem, TrackingState,
};
pub(crate) use deadlines::Sweep;
pub use deadlines::{DueState, DueWindow, SWEEP};
pub(crate) use embeddings::EmbeddingsFill;
pub use embeddings::{
    Bars, DUPLICATE_COSINE, EMBEDDINGS_FILL, EmbedError, EmbeddingsConfig, EmbeddingsEndpoint,
    RELATED_COSINE, REST_MS,
};
pub use import::{
    IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, Imported, import_columns, import_problem_place,
    import_template_headers,
};
pub use inbox::{
    BulkOutcome, CONSOLE_PAGE, CategoryGuess, INBOX_PAGE, InboxPage, InboxQuery, InboxRow,
    NumberedPage, QUEUES,
};
pub use intake::PhotoUpload;
pub use intake::{Intake, OfflineEntry, Receipt, Submitted};
pub(crate) use privacy::Retention;
pub use privacy::{
    ExportedItem, ExportedMember, ExportedPhoto, ExportedSupport, MemberExport, MemberItem,
    OwnPhoto, RETENTION,
};
pub(crate) use search::SearchFill;
pub use search::{
    BoardHit, BoardSearchPage, MAX_QUERY, MAX_WORDS, SEARCH_FILL, SEARCH_PAGE, SEARCH_WINDOW,
    SearchHit, SearchPage, SearchQuery, index_words, query_words,
};
pub(crate) use setup::SetupCache;
pub use setup::{
    CategoryView, DEFAULT_CATEGORIES, DeadlinePolicy, FeedbackSettings, RoutingRule, Setup,
    default_policies,
};
pub use staff_extras::{
    Actions, Assignable, BulkReport, COUNT_CAP, InboxCounts, InboxPowers, ItemPowers, PhotoInfo,
};
pub(crate) use tracking::TrackingNumbers;
pub(crate) use understanding::Readers;
pub use understanding::{
    Analysis, GuessView, HotWordView, SIMILAR_WINDOW_DAYS, SimilarItem, THEME_WEEKS, ThemeView,
    UrgentView,
};
pub use views::{Contact, ItemView, PersonalData, TimelineEntry};
pub use workflow::{Moderation, Publish, StaffAction};

use crate::{ServiceError, ServiceResult, Services, Staff};
use domain::feedback::Status;
use domain::{DepartmentId, Permission, TenantId, UnitPath};
use store::feedback::FeedbackRow;

impl Services {
    /// The item, if the staff member may see it: its unit lies in their scope for viewing
    /// feedback, or it is assigned to one of their departments.
    pub(crate) async fn visible_item(&self, staff: &Staff, id: i64) -> ServiceResult<FeedbackRow> {
        let row = store::feedback::find(self.db(), staff.actor.tenant_id, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !can_on(staff, Permission::ViewFeedback, &row) {
            // Not telling whether it exists.
            return Err(ServiceError::NotFound);
        }
        Ok(row)
    }
}

/// May the staff member do `permission` to this item: over its unit, or through the
/// department it is assigned to?
pub(crate) fn can_on(staff: &Staff, permission: Permission, row: &FeedbackRow) -> bool {
    let path = UnitPath::from_stored(row.unit_path.clone());
    staff.actor.can(permission, &path)
        || row.department_id.is_some_and(|d| {
            staff
                .actor
                .departments(permission)
                .contains(&DepartmentId(d))
        })
}

/// How long an excerpt of an item's text is in lists (the inbox, themes, similar items),
/// in characters; made by [`text::excerpt`], which masks before it cuts.
pub(crate) const EXCERPT_CHARS: usize = 80;

pub(crate) fn status_of(row: &FeedbackRow) -> Status {
    Status::parse(&row.status).unwrap_or(Status::New)
}

pub(crate) fn tenant_of(row: &FeedbackRow) -> TenantId {
    TenantId(row.tenant_id)
}
