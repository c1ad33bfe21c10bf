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
/// (`MAX_PHOTOS`, `MAX_PHOTO_BYTES`, `PhotoError`). Feedback take a photo only as a
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
pub use setup::seed_categories;
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

// The core's names, as this crate's own: the code reads `crate::ServiceError`, `crate::secrets`.
pub use desk::{
    Arg, Desk, Institution, MemberSession, Principal, ServiceError, ServiceResult, Staff,
};
pub(crate) use desk::{org, rate_limit, secrets};

use async_trait::async_trait;
use domain::MemberId;
use domain::feedback::Status;
use domain::{DepartmentId, Permission, TenantId, UnitPath};
use std::ops::Deref;
use std::sync::Arc;
use store::feedback::FeedbackRow;

/// The feedback capability's facade: `services.feedback().…`. Cheap to clone.
///
/// It dereferences to the [`Desk`], so its methods use the core's context (database, clock,
/// authorisation, audit, outbox) as their own.
#[derive(Clone)]
pub struct Feedback(Arc<Inner>);

struct Inner {
    desk: Desk,
    embeddings: Option<EmbeddingsEndpoint>,
    setups: SetupCache,
    intake: IntakeWriter,
    tracking: TrackingNumbers,
    readers: Readers,
}

impl Deref for Feedback {
    type Target = Desk;
    fn deref(&self) -> &Desk {
        &self.0.desk
    }
}

impl Feedback {
    /// The capability over `desk`, with an optional embeddings endpoint for similar items
    /// (`None`: the built-in method alone). Subscribes to the core's changes.
    pub fn new(desk: Desk, embeddings: Option<EmbeddingsEndpoint>) -> Feedback {
        let intake = IntakeWriter::start(desk.db().clone());
        let feedback = Feedback(Arc::new(Inner {
            desk,
            embeddings,
            setups: Default::default(),
            intake,
            tracking: Default::default(),
            readers: Default::default(),
        }));
        let hooks: Arc<Inner> = feedback.0.clone();
        let weak: std::sync::Weak<dyn desk::Hooks> = Arc::downgrade(&hooks) as _;
        feedback.desk().subscribe(weak);
        feedback
    }

    /// The core this capability sits at.
    pub fn desk(&self) -> &Desk {
        &self.0.desk
    }

    /// Adds the capability's handlers and schedules to the worker.
    pub fn add_work(&self, worker: jobs::Worker) -> jobs::Worker {
        use domain::time::{DAY_MS, MINUTE_MS};
        use jobs::Schedule;
        let worker = worker
            .handle(Sweep(self.clone()))
            .handle(ComputeFigures(self.clone()))
            .handle(Retention(self.clone()))
            .handle(SearchFill(self.clone()))
            .handle(EmbeddingsFill(self.clone()))
            .every(Schedule {
                kind: SWEEP,
                every_ms: MINUTE_MS,
            })
            .every(Schedule {
                kind: FIGURES,
                every_ms: 5 * MINUTE_MS,
            })
            .every(Schedule {
                kind: RETENTION,
                every_ms: DAY_MS,
            })
            .every(Schedule {
                kind: SEARCH_FILL,
                every_ms: 5 * MINUTE_MS,
            });
        // Older items' vectors, only where an endpoint is configured.
        match self.0.embeddings {
            Some(_) => worker.every(Schedule {
                kind: EMBEDDINGS_FILL,
                every_ms: MINUTE_MS,
            }),
            None => worker,
        }
    }
}

#[async_trait]
impl desk::Hooks for Inner {
    async fn institution_created(&self, tx: &store::Tx, tenant: TenantId) -> ServiceResult<()> {
        setup::seed_categories(tx, tenant, self.desk.now()).await
    }

    async fn member_verified(
        &self,
        tx: &store::Tx,
        tenant: TenantId,
        mobile: &str,
        member: MemberId,
    ) -> ServiceResult<()> {
        store::feedback::claim_for_member(tx, tenant, mobile, member).await?;
        Ok(())
    }

    fn organisation_changed(&self, tenant: TenantId) {
        self.setups.forget(tenant);
    }
}

impl Feedback {
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
