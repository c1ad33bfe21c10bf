//! Reading the text of feedback for the staff: category and type with the words behind
//! them, urgency, abuse and spam, similar items, themes of the backlog, hot words.
//!
//! Each institution has a reader: the segmenter with its own words and a classifier that is
//! the shipped baseline plus every correction its staff made, replayed in order. Corrections
//! are rows in `text_corrections`; a node learns its own at once and catches up with the
//! other nodes' by id (at most [`CATCH_UP`] late), so all nodes converge without a restart.
//! The similar-item index is built the same way from the items table (open items and those
//! received in the last [`SIMILAR_WINDOW_DAYS`] days), so it is right on every node.

use super::setup::Setup;
use super::{can_on, tenant_of};
use crate::rate_limit::Limit;
use crate::{Feedback, Institution, ServiceError, ServiceResult, Staff};
use domain::feedback::{FeedbackKind, Status};
use domain::priority::{PriorityInput, PriorityScore, priority_score};
use domain::{Checks, FieldError, Permission, TenantId, Timestamp};
use i18n::Key;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use store::feedback::FeedbackRow;
use text::classify::{Field, Model};
use text::{Segmenter, similar};

/// How stale a node's reader may be about other nodes' corrections, words and items.
const CATCH_UP: Duration = Duration::from_secs(5);
/// Closed items stay candidates for "others have asked this" this long.
pub const SIMILAR_WINDOW_DAYS: i64 = 180;
/// Rows read per catch-up query.
const CATCH_UP_PAGE: u64 = 5_000;
/// Public lookups of similar items per address and minute, the feedback form's and the API's
/// together: the board search's allowance (the same kind of read of the public board, and as
/// cheap or dear).
const PUBLIC_SIMILAR_PER_MINUTE: i64 = 30;

/// What the analysis made of an item, kept with it (`feedback.analysis`) and shown to staff.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Analysis {
    pub category: Option<GuessView>,
    pub kind: Option<GuessView>,
    pub urgent: Option<UrgentView>,
    pub abuse: bool,
    pub spam: bool,
    pub abuse_score: f32,
    pub spam_score: f32,
    /// How many corrections the institution's model had learnt when it read the item.
    pub corrections: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct GuessView {
    pub label: String,
    pub confidence: f32,
    pub confident: bool,
    /// The words that drove the guess, strongest first.
    pub why: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct UrgentView {
    /// `hazard`, `injury`, `blocked_exit`, `child_lost`, `person_lost`, `event_info_wrong`.
    pub reason: String,
    /// The words of the text that made it urgent.
    pub evidence: Vec<String>,
}

impl Analysis {
    pub fn parse(stored: Option<&str>) -> Option<Analysis> {
        serde_json::from_str(stored?).ok()
    }
}

/// An open or recent item like the one at hand.
#[derive(Clone, Debug, Serialize)]
pub struct SimilarItem {
    pub id: i64,
    pub tracking_no: String,
    pub status: Status,
    /// 0–100.
    pub similarity: u8,
    pub support_count: i64,
    /// Masked, shortened.
    pub excerpt: String,
    /// At or above the duplicate bar: a merge candidate.
    pub duplicate: bool,
}

/// A theme of the open backlog.
#[derive(Clone, Debug, Serialize)]
pub struct ThemeView {
    pub id: String,
    pub label: Vec<String>,
    pub count: usize,
    pub supporters: i64,
    /// Items received in each of the last weeks, oldest first.
    pub weeks: Vec<usize>,
    /// (station id, items), most first.
    pub stations: Vec<(i64, usize)>,
    /// A few of its items, highest priority first.
    pub examples: Vec<SimilarItem>,
}

#[derive(Clone, Debug, Serialize)]
pub struct HotWordView {
    pub word: String,
    pub now: u32,
    pub before: u32,
}

/// The weeks a theme's trend covers.
pub const THEME_WEEKS: usize = 8;
/// Open items read for themes at most (newest first).
const THEME_ITEMS: u64 = 5_000;

#[derive(Default)]
pub(crate) struct Readers {
    by_tenant: RwLock<HashMap<TenantId, Arc<Reader>>>,
    /// Vectors from the embeddings endpoint, when one is configured.
    pub(super) vectors: super::embeddings::Vectors,
}

pub(crate) struct Reader {
    learnt: RwLock<Learnt>,
    similar: RwLock<SimilarIndex>,
}

impl Reader {
    /// The institution's lexicon, for reading what its items ask for.
    fn lexicon(&self) -> ServiceResult<Arc<text::request::Lexicon>> {
        Ok(self.learnt.read().map_err(|_| poisoned())?.lexicon.clone())
    }
}

struct Learnt {
    seg: Segmenter,
    model: Model,
    /// The field's lexicon with the institution's dictionary words, for same-request reading.
    lexicon: Arc<text::request::Lexicon>,
    categories: Vec<String>,
    words: Vec<String>,
    /// The last correction learnt.
    seen: i64,
    checked: Instant,
    /// The words changed on this node: learn everything again at next use.
    relearn: bool,
}

#[derive(Default)]
struct SimilarIndex {
    index: similar::Index,
    /// The last item added.
    seen: i64,
    checked: Option<Instant>,
}

fn poisoned() -> ServiceError {
    ServiceError::Internal("text reader lock poisoned".into())
}

impl Feedback {
    /// The institution's reader, caught up with corrections and words made on any node.
    pub(crate) async fn reader(&self, tenant: TenantId) -> ServiceResult<Arc<Reader>> {
        let setup = self.feedback_setup(tenant).await?;
        let categories: Vec<String> = setup
            .categories
            .iter()
            .filter(|c| c.active)
            .map(|c| c.code.clone())
            .collect();
        let existing = self
            .0
            .readers
            .by_tenant
            .read()
            .map_err(|_| poisoned())?
            .get(&tenant)
            .cloned();
        if let Some(reader) = existing {
            let (fresh, same_categories) = {
                let l = reader.learnt.read().map_err(|_| poisoned())?;
                (
                    l.checked.elapsed() < CATCH_UP,
                    l.categories == categories && !l.relearn,
                )
            };
            if fresh && same_categories {
                return Ok(reader);
            }
            if same_categories {
                let words = self.segmenter_words(tenant).await?;
                let same_words = reader.learnt.read().map_err(|_| poisoned())?.words == words;
                if same_words {
                    self.learn_new_corrections(tenant, &reader).await?;
                    return Ok(reader);
                }
            }
        }
        // First use, or the categories or words changed: learn everything again.
        let learnt = self.learn_from_scratch(tenant, categories).await?;
        let reader = Arc::new(Reader {
            learnt: RwLock::new(learnt),
            similar: RwLock::new(SimilarIndex::default()),
        });
        let mut map = self.0.readers.by_tenant.write().map_err(|_| poisoned())?;
        // Keep the similar index across a relearn: it does not depend on the model, only on
        // the dictionary's words (through the lexicon).
        if let Some(old) = map.get(&tenant)
            && old
                .learnt
                .read()
                .is_ok_and(|o| reader.learnt.read().is_ok_and(|n| n.words == o.words))
            && let Ok(mut old_similar) = old.similar.write()
            && let Ok(mut new_similar) = reader.similar.write()
        {
            std::mem::swap(&mut *old_similar, &mut *new_similar);
        }
        map.insert(tenant, reader.clone());
        Ok(reader)
    }

    /// Learns the corrections made (on any node) since the reader last looked. Two requests
    /// catching up at once learn each correction once: only the one whose starting point
    /// is still current applies what it read.
    async fn learn_new_corrections(&self, tenant: TenantId, reader: &Reader) -> ServiceResult<()> {
        let seen = reader.learnt.read().map_err(|_| poisoned())?.seen;
        let rows = self.corrections_after(tenant, seen).await?;
        let mut l = reader.learnt.write().map_err(|_| poisoned())?;
        if l.seen == seen {
            let Learnt { seg, model, .. } = &mut *l;
            for row in &rows {
                learn_row(model, seg, row);
            }
            l.seen = rows.last().map_or(seen, |r| r.id);
        }
        l.checked = Instant::now();
        Ok(())
    }

    async fn segmenter_words(&self, tenant: TenantId) -> ServiceResult<Vec<String>> {
        Ok(store::text::words(self.db(), tenant)
            .await?
            .into_iter()
            .map(|w| w.word)
            .collect())
    }

    async fn corrections_after(
        &self,
        tenant: TenantId,
        mut after: i64,
    ) -> ServiceResult<Vec<store::text::CorrectionRow>> {
        let mut out = Vec::new();
        loop {
            let page =
                store::text::corrections_after(self.db(), tenant, after, CATCH_UP_PAGE).await?;
            let full = page.len() as u64 == CATCH_UP_PAGE;
            after = page.last().map_or(after, |r| r.id);
            out.extend(page);
            if !full {
                return Ok(out);
            }
        }
    }

    async fn learn_from_scratch(
        &self,
        tenant: TenantId,
        categories: Vec<String>,
    ) -> ServiceResult<Learnt> {
        let words = self.segmenter_words(tenant).await?;
        let rows = self.corrections_after(tenant, 0).await?;
        // Both names of an alias (推手=太极) are words to keep whole.
        let seg = Segmenter::new(
            words
                .iter()
                .flat_map(|w| match text::request::local_alias(w) {
                    Some((other, name)) => vec![other, name],
                    None => vec![w.as_str()],
                }),
        );
        let lexicon = Arc::new(text::request::Lexicon::builtin().with_local_words(&words));
        let mut model = Model::for_categories(&categories);
        for row in &rows {
            learn_row(&mut model, &seg, row);
        }
        Ok(Learnt {
            seg,
            model,
            lexicon,
            categories,
            words,
            seen: rows.last().map_or(0, |r| r.id),
            checked: Instant::now(),
            relearn: false,
        })
    }

    /// Reads a new item's text: classification, urgency, abuse and spam.
    pub(crate) async fn analyse(
        &self,
        tenant: TenantId,
        setup: &Setup,
        body: &str,
    ) -> ServiceResult<Analysis> {
        let reader = self.reader(tenant).await?;
        // The item gets its vector from the endpoint (if any) soon after it is written.
        self.embed_soon(tenant).await;
        let l = reader.learnt.read().map_err(|_| poisoned())?;
        Ok(analyse_with(&l.model, &l.seg, setup, body))
    }

    /// Staff set (or confirm) an item's category and type; where that differs from what the
    /// analysis proposed, or it was unsure, the institution's model learns it at once.
    pub async fn classify_feedback(
        &self,
        staff: &Staff,
        id: i64,
        version: Option<i64>,
        category: &str,
        kind: &str,
    ) -> ServiceResult<super::ItemView> {
        let row = self.visible_item(staff, id).await?;
        if !can_on(staff, Permission::TriageFeedback, &row) {
            return Err(ServiceError::Forbidden);
        }
        if version.is_some_and(|v| v != row.version) {
            return Err(ServiceError::Conflict);
        }
        let tenant = tenant_of(&row);
        let setup = self.feedback_setup(tenant).await?;
        let mut checks = Checks::new();
        if setup.category(category).is_none() {
            checks.push(FieldError::new("category", Key::err_choice));
        }
        let new_kind = FeedbackKind::parse(kind);
        if new_kind.is_none() {
            checks.push(FieldError::new("kind", Key::err_choice));
        }
        checks.finish()?;
        let analysis = Analysis::parse(row.analysis.as_deref()).unwrap_or_default();
        let teaches = |guess: &Option<GuessView>, label: &str| {
            guess
                .as_ref()
                .is_none_or(|g| g.label != label || !g.confident)
        };
        let mut lessons = Vec::new();
        if teaches(&analysis.category, category) {
            lessons.push(("category", category));
        }
        if teaches(&analysis.kind, kind) {
            lessons.push(("kind", kind));
        }
        let now = self.now();
        let masked = text::mask(&row.body);
        let tx = self.db().begin().await?;
        let Some(new_kind) = new_kind else {
            return Err(ServiceError::invalid("kind", Key::err_choice));
        };
        let changes = vec![store::feedback::FeedbackChange::Classified {
            category: category.to_owned(),
            kind: new_kind,
        }];
        if store::feedback::update(&tx, tenant, row.id, row.version, changes, now).await? == 0 {
            return Err(ServiceError::Conflict);
        }
        for (field, label) in &lessons {
            store::text::insert_correction(
                &tx,
                store::text::NewCorrection {
                    tenant,
                    feedback: Some(row.id),
                    field,
                    label,
                    text: &masked,
                    by: Some(staff.actor.user_id),
                    at: now,
                },
            )
            .await?;
        }
        self.audit(
            &tx,
            staff,
            "feedback.classify",
            "feedback",
            row.id,
            Some(serde_json::json!({ "category": row.category, "kind": row.kind })),
            Some(
                serde_json::json!({ "category": category, "kind": kind, "learnt": lessons.len() }),
            ),
        )
        .await?;
        tx.commit().await?;
        if !lessons.is_empty() {
            // This node learns now; others catch up from the table.
            let reader = self.reader(tenant).await?;
            self.learn_new_corrections(tenant, &reader).await?;
        }
        let fresh = self.visible_item(staff, id).await?;
        let window = self.due_window(tenant).await?;
        Ok(super::ItemView::for_staff(fresh, staff, &window))
    }

    /// Counts one public lookup of similar items from `ip`; refuses past the allowance.
    /// Counted in this process, like the board search: one busy address must not make every
    /// request wait on a database row.
    pub fn spend_similar_lookup(
        &self,
        institution: &Institution,
        ip: Option<&str>,
    ) -> ServiceResult<()> {
        let Some(ip) = ip else {
            return Ok(());
        };
        let limit = Limit {
            name: "similar-lookup",
            max: PUBLIC_SIMILAR_PER_MINUTE,
            window_ms: domain::time::MINUTE_MS,
        };
        self.spend_locally(limit, &format!("{}:{ip}", institution.id))
    }

    /// The open or recent items most like `body`, that whoever asks may see: published ones
    /// for the public (`staff` = None), visible ones for staff. Best first.
    pub async fn similar_feedback(
        &self,
        tenant: TenantId,
        staff: Option<&Staff>,
        body: &str,
        except: Option<i64>,
        k: usize,
    ) -> ServiceResult<Vec<SimilarItem>> {
        let reader = self.reader(tenant).await?;
        self.catch_up_similar(tenant, &reader).await?;
        let sig = similar::signature_with(body, &*reader.lexicon()?, None);
        let mut found = {
            let s = reader.similar.read().map_err(|_| poisoned())?;
            s.index.nearest(&sig, k * 3 + 1, similar::RELATED_AT)
        };
        // With an embeddings endpoint, also the items nearest in meaning: each item at the
        // better of its two scores; of two items scored alike, the one whose characters
        // are more alike first.
        let by_meaning = self
            .similar_by_meaning(tenant, body, except, k * 3 + 1)
            .await;
        if !by_meaning.is_empty() {
            let mut best: HashMap<u64, (f32, f32)> = found
                .iter()
                .map(|&(id, score)| (id, (score, score)))
                .collect();
            for (id, score) in by_meaning {
                let kept = best.entry(id).or_insert((score, 0.0));
                kept.0 = kept.0.max(score);
            }
            let mut merged: Vec<(u64, (f32, f32))> = best.into_iter().collect();
            merged.sort_by(|a, b| {
                (b.1.0.total_cmp(&a.1.0))
                    .then(b.1.1.total_cmp(&a.1.1))
                    .then(b.0.cmp(&a.0))
            });
            found = merged
                .into_iter()
                .map(|(id, (score, _))| (id, score))
                .collect();
        }
        // The candidates' rows in one query, then in the index's order.
        let ids: Vec<i64> = found.iter().map(|(id, _)| *id as i64).collect();
        let chosen = store::feedback::FeedbackFilter {
            ids: Some(ids),
            ..Default::default()
        };
        let order = store::feedback::FeedbackOrder::Newest;
        let mut rows: HashMap<i64, FeedbackRow> =
            store::feedback::list(self.db(), tenant, &chosen, order, (None, None))
                .await?
                .into_iter()
                .map(|r| (r.id, r))
                .collect();
        let mut out = Vec::new();
        for (id, score) in found {
            let id = id as i64;
            if Some(id) == except || out.len() == k {
                continue;
            }
            let Some(row) = rows.remove(&id) else {
                continue;
            };
            let status = super::status_of(&row);
            let shown = match staff {
                Some(staff) => can_on(staff, Permission::ViewFeedback, &row),
                None => self.publicly_visible(&row).await?,
            };
            if !shown || matches!(status, Status::Merged | Status::Spam | Status::NotAccepted) {
                continue;
            }
            out.push(similar_item(&row, score));
        }
        Ok(out)
    }

    /// The open or recent items most like item `id`, for the staff member who sees it: its
    /// own text is compared, whatever of it they may read; the excerpts are masked.
    pub async fn similar_to_item(
        &self,
        staff: &Staff,
        id: i64,
        k: usize,
    ) -> ServiceResult<Vec<SimilarItem>> {
        let row = self.visible_item(staff, id).await?;
        self.similar_feedback(staff.actor.tenant_id, Some(staff), &row.body, Some(id), k)
            .await
    }

    /// Adds to the similar-item index what other nodes (or this one) wrote since last time.
    async fn catch_up_similar(&self, tenant: TenantId, reader: &Reader) -> ServiceResult<()> {
        let (seen, fresh) = {
            let s = reader.similar.read().map_err(|_| poisoned())?;
            (s.seen, s.checked.is_some_and(|c| c.elapsed() < CATCH_UP))
        };
        if fresh {
            return Ok(());
        }
        let since = Timestamp(self.now().0 - SIMILAR_WINDOW_DAYS * domain::time::DAY_MS);
        let mut after = seen;
        // Read once, and only when there is something to add.
        let mut places: Option<Places> = None;
        loop {
            let rows =
                store::text::texts_after(self.db(), tenant, after, since, CATCH_UP_PAGE).await?;
            let full = rows.len() as u64 == CATCH_UP_PAGE;
            if places.is_none() && !rows.is_empty() {
                places = Some(Places::new(reader.lexicon()?, self, tenant).await?);
            }
            let signed: Vec<(u64, similar::Signature)> = match &places {
                Some(places) => rows
                    .iter()
                    .map(|r| {
                        (
                            r.id as u64,
                            places.signature(&r.body, &r.kind, r.station_id),
                        )
                    })
                    .collect(),
                None => Vec::new(),
            };
            let mut s = reader.similar.write().map_err(|_| poisoned())?;
            if s.seen != after {
                // Another request caught up meanwhile.
                return Ok(());
            }
            for (id, sig) in signed {
                s.index.add(id, sig);
            }
            after = rows.last().map_or(after, |r| r.id);
            s.seen = after;
            if !full {
                s.checked = Some(Instant::now());
                return Ok(());
            }
        }
    }

    /// Leaves in the words an analysis of `body` gives as its reasons only words of the text
    /// as the institution's segmenter cuts it, of two characters or more, and no stop-words:
    /// analyses stored before the classifier chose its evidence so quote stop-words and
    /// character pairs (了, 村文) a clerk cannot read.
    pub(crate) async fn keep_meaningful_evidence(
        &self,
        tenant: TenantId,
        body: &str,
        analysis: &mut Analysis,
    ) -> ServiceResult<()> {
        let reader = self.reader(tenant).await?;
        let words: std::collections::HashSet<String> = {
            let l = reader.learnt.read().map_err(|_| poisoned())?;
            l.seg.words(body).into_iter().collect()
        };
        for guess in [&mut analysis.category, &mut analysis.kind]
            .into_iter()
            .flatten()
        {
            guess.why.retain(|w| {
                w.chars().count() >= 2
                    && !text::is_stopword(w)
                    && words.contains(text::fold(w).as_str())
            });
        }
        Ok(())
    }

    /// The open backlog the staff member may see, grouped into themes, largest first.
    pub async fn feedback_themes(
        &self,
        staff: &Staff,
        station: Option<i64>,
    ) -> ServiceResult<Vec<ThemeView>> {
        let tenant = staff.actor.tenant_id;
        let rows = self.open_items_for_themes(staff, station).await?;
        let reader = self.reader(tenant).await?;
        let places = Places::new(reader.lexicon()?, self, tenant).await?;
        let items: Vec<_> = rows
            .iter()
            .map(|r| {
                let sig = places.signature(&r.body, &r.kind, r.station_id);
                (r.id as u64, sig, places.lexicon.key_words(&r.body))
            })
            .collect();
        let by_id: HashMap<i64, &FeedbackRow> = rows.iter().map(|r| (r.id, r)).collect();
        let now = self.now();
        let setup = self.feedback_setup(tenant).await?;
        let mut out = Vec::new();
        for theme in text::themes::group(&items, 2) {
            let members: Vec<&FeedbackRow> = theme
                .members
                .iter()
                .filter_map(|id| by_id.get(&(*id as i64)).copied())
                .collect();
            let mut weeks = vec![0; THEME_WEEKS];
            let mut stations: HashMap<i64, usize> = HashMap::new();
            for r in &members {
                let age_weeks = (now.0 - r.received_at) / (7 * domain::time::DAY_MS);
                if let Ok(age) = usize::try_from(age_weeks)
                    && age < THEME_WEEKS
                {
                    weeks[THEME_WEEKS - 1 - age] += 1;
                }
                *stations.entry(r.station_id).or_default() += 1;
            }
            let mut stations: Vec<(i64, usize)> = stations.into_iter().collect();
            stations.sort_by_key(|(id, n)| (std::cmp::Reverse(*n), *id));
            let mut ranked: Vec<(i64, &FeedbackRow)> = members
                .iter()
                .map(|r| (score_of(r, members.len(), now, &setup).total, *r))
                .collect();
            ranked.sort_by_key(|(score, r)| (std::cmp::Reverse(*score), r.id));
            out.push(ThemeView {
                id: theme.id,
                label: theme.label,
                count: members.len(),
                supporters: members.iter().map(|r| r.support_count).sum(),
                weeks,
                stations,
                examples: ranked
                    .into_iter()
                    .take(3)
                    .map(|(_, r)| similar_item(r, 1.0))
                    .collect(),
            });
        }
        Ok(out)
    }

    async fn open_items_for_themes(
        &self,
        staff: &Staff,
        station: Option<i64>,
    ) -> ServiceResult<Vec<FeedbackRow>> {
        let tenant = staff.actor.tenant_id;
        let open = store::feedback::FeedbackFilter {
            open: true,
            station,
            ..Default::default()
        };
        let order = store::feedback::FeedbackOrder::Newest;
        let page = (Some(THEME_ITEMS), None);
        let rows = store::feedback::list(self.db(), tenant, &open, order, page).await?;
        Ok(rows
            .into_iter()
            .filter(|r| can_on(staff, Permission::ViewFeedback, r))
            .collect())
    }

    /// Words and phrases rising over the last `days` against the `days` before, in what the
    /// staff member may see (optionally one station).
    pub async fn hot_words(
        &self,
        staff: &Staff,
        station: Option<i64>,
        days: i64,
    ) -> ServiceResult<Vec<HotWordView>> {
        let tenant = staff.actor.tenant_id;
        let now = self.now();
        let window = days.clamp(1, 90) * domain::time::DAY_MS;
        let recent = store::feedback::FeedbackFilter {
            received_from: Some(Timestamp(now.0 - 2 * window)),
            station,
            ..Default::default()
        };
        let order = store::feedback::FeedbackOrder::Newest;
        let page = (Some(2 * THEME_ITEMS), None);
        let rows: Vec<FeedbackRow> = store::feedback::list(self.db(), tenant, &recent, order, page)
            .await?
            .into_iter()
            .filter(|r| can_on(staff, Permission::ViewFeedback, r))
            .filter(|r| !matches!(r.status.as_str(), "spam" | "merged"))
            .collect();
        let reader = self.reader(tenant).await?;
        let (mut recent, mut before) = (Vec::new(), Vec::new());
        {
            let l = reader.learnt.read().map_err(|_| poisoned())?;
            for r in &rows {
                let words = content_words(&l.seg, &r.body);
                if r.received_at >= now.0 - window {
                    recent.push(words);
                } else {
                    before.push(words);
                }
            }
        }
        Ok(text::hotwords::rising(&recent, &before, 20)
            .into_iter()
            .map(|h| HotWordView {
                word: h.word,
                now: h.now,
                before: h.before,
            })
            .collect())
    }

    /// An institution's segmenter and learnt model, by its code, for batch analysis.
    pub async fn learnt_reader(&self, code: &str) -> ServiceResult<(Segmenter, Model)> {
        let tenant = store::tenants::list(self.db())
            .await?
            .into_iter()
            .find(|t| t.code == code)
            .ok_or(ServiceError::NotFound)?;
        let reader = self.reader(TenantId(tenant.id)).await?;
        let l = reader.learnt.read().map_err(|_| poisoned())?;
        Ok((l.seg.clone(), l.model.clone()))
    }

    /// The priority score of an item the staff member may see.
    pub async fn feedback_priority_of(
        &self,
        staff: &Staff,
        id: i64,
    ) -> ServiceResult<PriorityScore> {
        let row = self.visible_item(staff, id).await?;
        self.feedback_priority(&row).await
    }

    /// The item's priority score with its parts (theme size from the similar-item index).
    pub async fn feedback_priority(&self, row: &FeedbackRow) -> ServiceResult<PriorityScore> {
        let tenant = tenant_of(row);
        let setup = self.feedback_setup(tenant).await?;
        let similar = if super::status_of(row).is_open() {
            self.similar_feedback(tenant, None, &row.body, Some(row.id), 25)
                .await?
                .len()
        } else {
            0
        };
        Ok(score_of(row, similar + 1, self.now(), &setup))
    }

    /// The institution's own words for the segmenter.
    pub async fn text_words(&self, staff: &Staff) -> ServiceResult<Vec<String>> {
        self.require_institution_wide(staff, Permission::ManageSettings)
            .await?;
        self.segmenter_words(staff.actor.tenant_id).await
    }

    pub async fn add_text_word(&self, staff: &Staff, word: &str) -> ServiceResult<()> {
        self.require_institution_wide(staff, Permission::ManageSettings)
            .await?;
        let mut checks = Checks::new();
        let word = checks.text("word", word, 20);
        let shape = |w: &str| w.chars().count() >= 2 && !w.chars().any(|c| c.is_whitespace());
        let fits = match text::request::local_alias(&word) {
            Some((other, name)) => shape(other) && shape(name) && !name.contains(['=', '＝']),
            None => shape(&word) && !word.contains(['=', '＝']),
        };
        if !fits {
            checks.push(FieldError::new("word", Key::err_word_shape));
        }
        checks.finish()?;
        let tenant = staff.actor.tenant_id;
        let tx = self.db().begin().await?;
        let added =
            store::text::add_word(&tx, tenant, &word, staff.actor.user_id, self.now()).await?;
        if added > 0 {
            self.audit(&tx, staff, "text.word_add", "text_word", &word, None, None)
                .await?;
        }
        tx.commit().await?;
        self.forget_reader(tenant);
        Ok(())
    }

    pub async fn remove_text_word(&self, staff: &Staff, word: &str) -> ServiceResult<()> {
        self.require_institution_wide(staff, Permission::ManageSettings)
            .await?;
        let tenant = staff.actor.tenant_id;
        let tx = self.db().begin().await?;
        if store::text::remove_word(&tx, tenant, word).await? > 0 {
            self.audit(
                &tx,
                staff,
                "text.word_remove",
                "text_word",
                word,
                None,
                None,
            )
            .await?;
        }
        tx.commit().await?;
        self.forget_reader(tenant);
        Ok(())
    }

    /// Makes this node relearn at next use (its words changed; other nodes notice the
    /// change within [`CATCH_UP`]).
    fn forget_reader(&self, tenant: TenantId) {
        if let Ok(map) = self.0.readers.by_tenant.read()
            && let Some(reader) = map.get(&tenant)
            && let Ok(mut l) = reader.learnt.write()
        {
            l.relearn = true;
        }
    }
}

fn learn_row(model: &mut Model, seg: &Segmenter, row: &store::text::CorrectionRow) {
    let field = match row.field.as_str() {
        "category" => Field::Category,
        _ => Field::Kind,
    };
    model.learn(seg, &row.text, field, &row.label);
}

/// Words that say what an item is about (no function words, numbers or punctuation).
/// The words themes and hot words are made of: whole, meaningful words only, so that a theme
/// is never named by jieba's guess at an unknown run (室能) or a stop-word.
pub(crate) fn content_words(seg: &Segmenter, body: &str) -> Vec<String> {
    seg.meaningful_words(body)
}

pub(crate) fn analyse_with(model: &Model, seg: &Segmenter, setup: &Setup, body: &str) -> Analysis {
    let c = model.classify(seg, body);
    let guess = |g: text::classify::Guess| GuessView {
        label: g.label,
        confidence: (g.confidence * 100.0).round() / 100.0,
        confident: g.confident,
        why: g.why,
    };
    let verdict = text::spam::moderate(&setup.words, body);
    Analysis {
        category: Some(guess(c.category)),
        kind: Some(guess(c.kind)),
        urgent: text::urgency::urgency(body).map(|u| UrgentView {
            reason: u.reason.code().to_owned(),
            evidence: u.evidence,
        }),
        abuse: verdict.abuse,
        spam: verdict.spam,
        abuse_score: (verdict.abuse_score * 100.0).round() / 100.0,
        spam_score: (verdict.spam_score * 100.0).round() / 100.0,
        corrections: model.corrections(),
    }
}

fn score_of(row: &FeedbackRow, theme_size: usize, now: Timestamp, setup: &Setup) -> PriorityScore {
    let window = super::DueWindow::at(now, &setup.calendar);
    let due = super::deadlines::due_state(row, &window);
    priority_score(
        PriorityInput {
            supporters: row.support_count,
            theme_others: theme_size.saturating_sub(1) as i64,
            urgent: row.priority == "urgent",
            kind: FeedbackKind::parse(&row.kind).unwrap_or(FeedbackKind::Request),
            days_open: (now.0 - row.received_at) / domain::time::DAY_MS,
            overdue: due == super::DueState::Overdue,
        },
        &setup.settings.priority_weights,
    )
}

fn similar_item(row: &FeedbackRow, score: f32) -> SimilarItem {
    SimilarItem {
        id: row.id,
        tracking_no: row.tracking_no.clone(),
        status: super::status_of(row),
        similarity: (score.clamp(0.0, 1.0) * 100.0).round() as u8,
        support_count: row.support_count,
        excerpt: text::excerpt(&row.body, super::EXCERPT_CHARS),
        duplicate: score >= similar::DUPLICATE_AT,
    }
}

/// What an institution's items are read with for the similar-item index and themes: its
/// lexicon, and each unit's name with the names of the units above it (河口村农家书屋
/// 清河镇文化站) for the place of an item whose text names none.
struct Places {
    lexicon: Arc<text::request::Lexicon>,
    units: HashMap<i64, String>,
}

impl Places {
    async fn new(
        lexicon: Arc<text::request::Lexicon>,
        feedback: &Feedback,
        tenant: TenantId,
    ) -> ServiceResult<Places> {
        let units = store::org::units(feedback.db(), tenant).await?;
        let by_id: HashMap<i64, &store::org::UnitRow> = units.iter().map(|u| (u.id, u)).collect();
        let names = |u: &store::org::UnitRow| {
            let mut names = u.name.clone();
            let mut parent = u.parent_id;
            while let Some(p) = parent.and_then(|p| by_id.get(&p)) {
                names.push(' ');
                names.push_str(&p.name);
                parent = p.parent_id;
            }
            names
        };
        let units = units.iter().map(|u| (u.id, names(u))).collect();
        Ok(Places { lexicon, units })
    }

    /// An item's signature: its request's kind of ask from its cue words, else from its
    /// type; its place from its text, else from the station it was received at.
    fn signature(&self, body: &str, kind: &str, station: i64) -> similar::Signature {
        let ask = text::request::Ask::of_kind(kind);
        let at = self.units.get(&station).map_or("", String::as_str);
        similar::signature_with(body, &self.lexicon, ask).received_at(at)
    }
}
