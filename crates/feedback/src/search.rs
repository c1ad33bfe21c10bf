//! Full-text search over feedback and its answers, for staff: Chinese words, on SQLite and
//! PostgreSQL alike.
//!
//! The application cuts the words (jieba, [`text::Segmenter`]) and each engine indexes
//! them split on spaces (store::search). An item's words — of its text and of the answers
//! and replies in its public timeline — are written in the same transaction as the text or
//! the answer, so a search on any node finds an item as soon as it is committed. Items
//! from before the index have no words yet; [`SearchFill`] gives them theirs in batches.
//!
//! Personal data never enters the index: the words are cut from the text as the public
//! board shows it ([`text::mask`]), so nobody can find out through search whose phone
//! number or name is in which item, and erasing an item's personal data leaves nothing
//! behind in the index.
//!
//! A search ranks (bm25 on SQLite, ts_rank on PostgreSQL) the newest [`SEARCH_WINDOW`]
//! matches that pass the staff member's permissions and filters — the inbox's own
//! conditions — so a common word costs what a rare one does; more words or filters narrow
//! it down. The snippets are cut from the text the staff member may read (masked unless
//! they may see personal data, as on the item page), with the words found in `<mark>`.

use super::board::PublicItem;
use super::inbox::InboxQuery;
use super::views::PersonalData;
use super::{can_on, status_of};
use crate::rate_limit::Limit;
use crate::{Feedback, Institution, ServiceError, ServiceResult, Staff};
use domain::feedback::{FeedbackKind, Status};
use domain::{FieldError, Invalid, Permission, TenantId, Timestamp};
use i18n::Key;
use jobs::{Handler, Job, JobError};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use store::feedback::{self as fb, FeedbackFilter, FeedbackRow};
use store::search::{Scan, Scored};
use text::{Cut, Segmenter};

/// What staff ask the search for: the words, and the inbox's filters.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SearchQuery {
    /// The words to find; every one must be in the item's text or its answers.
    pub q: String,
    /// A status code, or `open`.
    pub status: String,
    pub kind: String,
    pub category: String,
    /// A unit id: items about it and the units below it.
    pub unit: String,
    pub department: String,
    /// Received on or after this day (`YYYY-MM-DD`)…
    pub from: String,
    /// …and on or before this one.
    pub to: String,
    /// The page, from 1.
    pub page: String,
}

/// One result.
#[derive(Clone, Debug, Serialize)]
pub struct SearchHit {
    pub id: i64,
    pub tracking_no: String,
    pub kind: FeedbackKind,
    pub category: Option<String>,
    pub status: Status,
    pub unit: i64,
    pub department: Option<i64>,
    pub received_at: Timestamp,
    /// The text around the first word found: HTML, escaped, the words in `<mark>`;
    /// personal data masked unless the staff member may see it.
    pub snippet: String,
    /// The answer or reply the words were found in, when the text itself does not hold
    /// them all; HTML like `snippet`.
    pub answer_snippet: Option<String>,
    /// The staff member may not see this item's personal data: it is masked in the snippets.
    pub masked: bool,
    /// Relevance: higher is better; comparable only within one search.
    pub score: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct SearchPage {
    /// The words searched for, as cut and folded (simplified, lower case).
    pub words: Vec<String>,
    pub hits: Vec<SearchHit>,
    /// This page, from 1, and how many there are.
    pub page: usize,
    pub pages: usize,
    /// Results in all pages.
    pub total: usize,
    /// There were more matches than [`SEARCH_WINDOW`]: only the newest were ranked.
    pub capped: bool,
}

/// One item the public found on the board.
#[derive(Clone, Debug, Serialize)]
pub struct BoardHit {
    /// The item as the board shows it: personal data masked, or the staff's redaction.
    pub item: PublicItem,
    /// HTML like [`SearchHit::snippet`], cut from the text the board shows.
    pub snippet: String,
    /// From the public answer or reply the words were found in, when the text lacks some.
    pub answer_snippet: Option<String>,
}

/// One page of a search of the board.
#[derive(Clone, Debug, Serialize)]
pub struct BoardSearchPage {
    pub words: Vec<String>,
    pub hits: Vec<BoardHit>,
    pub page: usize,
    pub pages: usize,
    pub total: usize,
    pub capped: bool,
}

/// Searches of the board one address may make per minute (on each node).
const BOARD_SEARCHES_PER_MINUTE: i64 = 30;

/// Results per page.
pub const SEARCH_PAGE: usize = 20;
/// How many of the newest matches are ranked.
pub const SEARCH_WINDOW: u64 = 100;
/// How far (in ids) the first step goes back from the newest item.
const FIRST_STEP: i64 = 4_000;
/// What the ways of going on cost, in microseconds, as measured on PostgreSQL at a million
/// items (where the choice matters; SQLite's FTS5 index is quick whichever is taken):
/// going back newest first, per item passed;
const WALK_US: f64 = 1.5;
/// fetching an item the index found, to check and sort it (from a page that is cached or
/// not: the index's matches lie all over the table, the newest items' pages stay warm);
const FETCH_US: f64 = 40.0;
/// the index listing an item that holds the words (all of them, whatever the range);
const LIST_US: f64 = 0.3;
/// keeping to a range of ids, per id in it.
const RANGE_US: f64 = 0.15;
/// The longest query, in characters.
pub const MAX_QUERY: usize = 100;
/// The most words a query may have (after dropping the words that say nothing, like 的).
pub const MAX_WORDS: usize = 10;
/// The length of a snippet, in characters, and how much of it comes before the first word.
const SNIPPET_CHARS: usize = 90;
const SNIPPET_LEAD: usize = 20;

/// The kinds of public timeline entries whose words are indexed with the item's text.
pub(crate) const INDEXED_EVENTS: [&str; 2] = ["answer", "submitter_replied"];

/// The background fill of items without words.
pub const SEARCH_FILL: &str = "feedback.search_fill";
const FILL_BATCH: u64 = 500;
/// How long one run of the fill may go on; the next period carries on.
const FILL_BUDGET: Duration = Duration::from_secs(60);

/// The words a text adds to the index, space-separated: personal data masked, then cut
/// finely (long words and the words inside them, 广场舞 → 广场 广场舞), folded; then each
/// Chinese character once on its own, so a one-character query finds the character where
/// jieba glued it to a neighbour (灯坏了 is cut 灯坏 了, yet 灯 must find it).
pub fn index_words(text: &str) -> String {
    let words = Segmenter::default().cut(&text::mask(text), Cut::Search);
    let mut singles: Vec<char> = Vec::new();
    for word in &words {
        let mut chars = word.chars();
        if let (Some(_), Some(_)) = (chars.next(), chars.next()) {
            singles.extend(word.chars().filter(|c| text::normalize::is_han(*c)));
        }
    }
    singles.sort_unstable();
    singles.dedup();
    singles.retain(|c| !words.iter().any(|w| w.chars().eq(std::iter::once(*c))));
    let mut out = words.join(" ");
    for c in singles {
        out.push(' ');
        out.push(c);
    }
    out
}

/// What an update appends to an item's words when a public answer or reply is written.
pub(crate) fn append_words(text: &str) -> store::feedback::FeedbackChange {
    store::feedback::FeedbackChange::AddSearchWords(index_words(text))
}

/// The words of a query, folded and cut like the index (as whole words), each once; the
/// words that say nothing (的, 了, 吗) are dropped unless nothing else is left.
pub fn query_words(q: &str) -> Result<Vec<String>, Invalid> {
    let q = q.trim();
    let error = |e: FieldError| Invalid(vec![e]);
    if q.is_empty() {
        return Err(error(FieldError::new("q", Key::search_err_empty)));
    }
    if q.chars().count() > MAX_QUERY {
        return Err(error(
            FieldError::new("q", Key::err_too_long).with("max", MAX_QUERY),
        ));
    }
    let mut words: Vec<String> = Vec::new();
    for word in Segmenter::default().cut(q, Cut::Words) {
        // A word of symbols alone is in no index (the engines drop it too).
        if word.chars().any(char::is_alphanumeric) && !words.contains(&word) {
            words.push(word);
        }
    }
    let content: Vec<String> = words
        .iter()
        .filter(|w| !text::is_stopword(w) || w.chars().all(|c| c.is_ascii_digit()))
        .cloned()
        .collect();
    if !content.is_empty() {
        words = content;
    }
    if words.is_empty() {
        return Err(error(FieldError::new("q", Key::search_err_no_words)));
    }
    if words.len() > MAX_WORDS {
        return Err(error(
            FieldError::new("q", Key::search_err_too_many_words).with("max", MAX_WORDS),
        ));
    }
    Ok(words)
}

impl Feedback {
    /// Searches the items the staff member may see for every word of `q.q`, with the
    /// inbox's filters; one page of results, best first.
    pub async fn search_feedback(
        &self,
        staff: &Staff,
        q: &SearchQuery,
    ) -> ServiceResult<SearchPage> {
        let words = query_words(&q.q)?;
        let filters = InboxQuery {
            status: q.status.clone(),
            kind: q.kind.clone(),
            category: q.category.clone(),
            unit: q.unit.clone(),
            department: q.department.clone(),
            from: q.from.clone(),
            to: q.to.clone(),
            ..Default::default()
        };
        // The inbox's conditions: who may see what, and the filters.
        // (Where the newest item is, asked at the same time.)
        let (conditions, newest) = tokio::join!(
            self.inbox_filter(staff, &filters),
            store::search::newest_id(self.db())
        );
        let conditions = conditions?;
        let mut matches = if self.unit_out_of_sight(staff, &q.unit).await? {
            Vec::new()
        } else {
            let tenant = staff.actor.tenant_id;
            self.newest_matches(tenant, &conditions, &words, newest?)
                .await?
        };
        matches.sort_by(|a, b| b.score.total_cmp(&a.score).then(b.id.cmp(&a.id)));
        let total = matches.len();
        let pages = total.div_ceil(SEARCH_PAGE).max(1);
        let page = q.page.trim().parse::<usize>().unwrap_or(1).clamp(1, pages);
        let chosen: Vec<_> = matches
            .iter()
            .skip((page - 1) * SEARCH_PAGE)
            .take(SEARCH_PAGE)
            .copied()
            .collect();
        let hits = self.hits(staff, &chosen, &words).await?;
        Ok(SearchPage {
            words,
            hits,
            page,
            pages,
            total,
            capped: total as u64 >= SEARCH_WINDOW,
        })
    }

    /// The public searches the board: only published items, and only what the board shows
    /// of them — the masked text or the staff's redaction, and the public answers and
    /// replies (masked) — so an item is found only when those hold every word (the index
    /// holds the text before a redaction). `ip` is limited to a few searches a minute.
    pub async fn search_board(
        &self,
        institution: &Institution,
        q: &str,
        page: &str,
        ip: Option<&str>,
    ) -> ServiceResult<BoardSearchPage> {
        let words = query_words(q)?;
        if let Some(ip) = ip {
            let limit = Limit {
                name: "board-search",
                max: BOARD_SEARCHES_PER_MINUTE,
                window_ms: domain::time::MINUTE_MS,
            };
            self.spend_locally(limit, &format!("{}:{ip}", institution.id))?;
        }
        let setup = self.feedback_setup(institution.id).await?;
        let conditions = FeedbackFilter {
            on_board: Some(super::board::on_board(setup.settings.publish_by_default)),
            ..Default::default()
        };
        let newest = store::search::newest_id(self.db()).await?;
        let matches = self
            .newest_matches(institution.id, &conditions, &words, newest)
            .await?;
        let capped = matches.len() as u64 >= SEARCH_WINDOW;
        let ids: Vec<i64> = matches.iter().map(|m| m.id).collect();
        let (rows, events) = self.rows_and_answers(institution.id, &ids).await?;
        let mut rows: HashMap<i64, FeedbackRow> = rows.into_iter().map(|r| (r.id, r)).collect();
        let mut answers: HashMap<i64, Vec<String>> = HashMap::new();
        for (item, body) in events {
            answers.entry(item).or_default().push(text::mask(&body));
        }
        let mut hits: Vec<(f64, BoardHit)> = Vec::new();
        for m in &matches {
            let Some(row) = rows.remove(&m.id) else {
                continue;
            };
            let item = PublicItem::from_row(&row, setup.settings.publish_confident_guesses);
            let found = Found::in_text(&item.text, &words);
            let theirs = answers.get(&row.id).map(Vec::as_slice).unwrap_or_default();
            // Every word in what the board shows, the text or an answer.
            let shown = words.iter().all(|w| {
                Found::in_text(&item.text, std::slice::from_ref(w)).words > 0
                    || theirs
                        .iter()
                        .any(|a| Found::in_text(a, std::slice::from_ref(w)).words > 0)
            });
            if !shown {
                continue;
            }
            let answer_snippet = (found.words < words.len())
                .then(|| {
                    theirs
                        .iter()
                        .rev()
                        .map(|a| (Found::in_text(a, &words), a))
                        .filter(|(f, _)| f.words > 0)
                        .max_by_key(|(f, _)| f.words)
                        .map(|(f, a)| f.snippet(a))
                })
                .flatten();
            hits.push((
                m.score,
                BoardHit {
                    snippet: found.snippet(&item.text),
                    answer_snippet,
                    item,
                },
            ));
        }
        hits.sort_by(|a, b| b.0.total_cmp(&a.0));
        let total = hits.len();
        let pages = total.div_ceil(SEARCH_PAGE).max(1);
        let page = page.trim().parse::<usize>().unwrap_or(1).clamp(1, pages);
        Ok(BoardSearchPage {
            words,
            hits: hits
                .into_iter()
                .skip((page - 1) * SEARCH_PAGE)
                .take(SEARCH_PAGE)
                .map(|(_, h)| h)
                .collect(),
            page,
            pages,
            total,
            capped,
        })
    }

    /// Whether the unit filter names a unit the staff member sees nothing of (outside their
    /// scopes, and no department of theirs to see items through): nothing to find there, and
    /// no use going through every item to learn that.
    async fn unit_out_of_sight(&self, staff: &Staff, unit: &str) -> ServiceResult<bool> {
        let Ok(unit) = unit.trim().parse::<i64>() else {
            return Ok(false);
        };
        if !staff.actor.departments(Permission::ViewFeedback).is_empty() {
            return Ok(false);
        }
        let Some(row) =
            store::org::find_unit(self.db(), staff.actor.tenant_id, domain::UnitId(unit)).await?
        else {
            return Ok(false);
        };
        let path = row.unit_path();
        Ok(!staff
            .actor
            .scopes(Permission::ViewFeedback)
            .iter()
            .any(|scope| path.is_within(scope) || scope.is_within(&path)))
    }

    /// The newest [`SEARCH_WINDOW`] items that pass `conditions` and hold every word, each
    /// with its relevance: found in steps going back from the newest item. The first step
    /// goes back a little way; each next one is chosen ([`next_step`]) from how common the
    /// words turned out to be there — among the items the staff member may see, and among
    /// all (what the index would have to go through) — so a common word is found by going
    /// back a little further, a rare one in the index (no engine's index lists a common
    /// word's matches newest first cheaply: PostgreSQL's GIN cannot).
    async fn newest_matches(
        &self,
        tenant: TenantId,
        conditions: &FeedbackFilter,
        words: &[String],
        newest: Option<i64>,
    ) -> ServiceResult<Vec<Scored>> {
        let db = self.db();
        let Some(newest) = newest else {
            return Ok(Vec::new());
        };
        let window = SEARCH_WINDOW as usize;
        let mut found: Vec<i64> = Vec::new();
        let mut at = Progress {
            newest,
            upper: newest,
            looked: 0,
            found: 0,
            holding: 0.0,
        };
        let mut step = (Scan::NewestFirst, Some(FIRST_STEP));
        loop {
            let (scan, span) = step;
            let above = span.map(|s| at.upper - s).filter(|a| *a > 0);
            let need = window - found.len();
            let matching = store::search::matching_ids(
                db,
                tenant,
                conditions,
                words,
                scan,
                (above, at.upper),
                need as u64,
            );
            let started = std::time::Instant::now();
            let first = at.looked == 0;
            // With the first step, how many items there hold the words at all, whoever may see
            // them (at the same time, on another connection).
            let (got, holding) = tokio::join!(matching, async {
                match above {
                    Some(above) if first => {
                        store::search::count_holding(db, words, (Some(above), at.upper))
                            .await
                            .map(Some)
                    }
                    _ => Ok(None),
                }
            });
            let got = got?;
            tracing::debug!(
                ?scan,
                ?above,
                upper = at.upper,
                need,
                got = got.len(),
                ms = started.elapsed().as_secs_f64() * 1000.0,
                "search step"
            );
            let full = got.len() >= need;
            found.extend(got);
            let Some(above) = above.filter(|_| !full) else {
                break;
            };
            if let Some(holding) = holding? {
                at.holding = (holding as f64 + 1.0) / (at.upper - above) as f64;
            }
            at.looked += at.upper - above;
            at.upper = above;
            at.found = found.len();
            step = next_step(&at, window);
        }
        // Ranked once, in one statement, whatever the number of steps (see
        // store::search::matching_ids); newest first as found.
        let mut scores: HashMap<i64, f64> = store::search::scores(db, words, &found)
            .await?
            .into_iter()
            .map(|s| (s.id, s.score))
            .collect();
        Ok(found
            .into_iter()
            .filter_map(|id| scores.remove(&id).map(|score| Scored { id, score }))
            .collect())
    }

    /// The items `ids` and the texts of their public answers and replies (asked at the same
    /// time, on two connections).
    async fn rows_and_answers(
        &self,
        tenant: TenantId,
        ids: &[i64],
    ) -> ServiceResult<(Vec<FeedbackRow>, Vec<(i64, String)>)> {
        let chosen = FeedbackFilter {
            ids: Some(ids.to_vec()),
            ..Default::default()
        };
        let order = fb::FeedbackOrder::Newest;
        let (rows, events) = tokio::join!(
            fb::list(self.db(), tenant, &chosen, order, (None, None)),
            store::search::event_texts(self.db(), ids, &INDEXED_EVENTS)
        );
        Ok((rows?, events?))
    }

    /// The results of one page, in the order given, with their snippets.
    async fn hits(
        &self,
        staff: &Staff,
        chosen: &[Scored],
        words: &[String],
    ) -> ServiceResult<Vec<SearchHit>> {
        if chosen.is_empty() {
            return Ok(Vec::new());
        }
        let tenant = staff.actor.tenant_id;
        let ids: Vec<i64> = chosen.iter().map(|s| s.id).collect();
        let (rows, events) = self.rows_and_answers(tenant, &ids).await?;
        let mut rows: HashMap<i64, FeedbackRow> = rows.into_iter().map(|r| (r.id, r)).collect();
        let mut answers: HashMap<i64, Vec<String>> = HashMap::new();
        for (item, body) in events {
            answers.entry(item).or_default().push(body);
        }
        let mut hits = Vec::with_capacity(chosen.len());
        for scored in chosen {
            let Some(row) = rows.remove(&scored.id) else {
                continue;
            };
            // The query already kept to what the staff member may see; this says so again.
            if !can_on(staff, Permission::ViewFeedback, &row) {
                continue;
            }
            // What the item page shows this staff member, masked before it is cut.
            let personal_data = PersonalData::for_staff(staff, &row);
            let text = personal_data.item_text(&row);
            let found = Found::in_text(&text, words);
            let snippet = found.snippet(&text);
            // Words missing from the text were found in an answer or a reply: show the one
            // (latest first) that holds the most of them.
            let answer_snippet = if found.words < words.len() {
                answers
                    .get(&row.id)
                    .into_iter()
                    .flatten()
                    .rev()
                    .map(|a| personal_data.text(a))
                    .map(|a| (Found::in_text(&a, words), a))
                    .filter(|(f, _)| f.words > 0)
                    .max_by_key(|(f, _)| f.words)
                    .map(|(f, a)| f.snippet(&a))
            } else {
                None
            };
            hits.push(SearchHit {
                id: row.id,
                kind: FeedbackKind::parse(&row.kind).unwrap_or(FeedbackKind::Request),
                status: status_of(&row),
                received_at: Timestamp(row.received_at),
                tracking_no: row.tracking_no,
                category: row.category.or(row.suggested_category),
                unit: row.unit_id,
                department: row.department_id,
                snippet,
                answer_snippet,
                masked: personal_data.is_masked(),
                score: scored.score,
            });
        }
        Ok(hits)
    }

    /// Gives their words to items that have none yet (written before the index existed), a
    /// batch at a time, for at most `budget`; gives how many it filled. Idempotent: an item
    /// is filled once, and one answered meanwhile is left for the next run.
    pub async fn fill_search_index(&self, budget: Duration) -> ServiceResult<usize> {
        let started = Instant::now();
        let mut filled = 0;
        loop {
            let pending = store::search::pending(self.db(), FILL_BATCH).await?;
            if pending.is_empty() {
                return Ok(filled);
            }
            let ids: Vec<i64> = pending.iter().map(|p| p.id).collect();
            let events = store::search::event_texts(self.db(), &ids, &INDEXED_EVENTS).await?;
            // Cutting words is CPU work: off the async threads, and outside the transaction
            // (SQLite has one writer).
            let words = tokio::task::spawn_blocking(move || {
                let mut answers: HashMap<i64, Vec<String>> = HashMap::new();
                for (item, body) in events {
                    answers.entry(item).or_default().push(body);
                }
                pending
                    .into_iter()
                    .map(|p| {
                        let mut words = index_words(&p.body);
                        for answer in answers.get(&p.id).into_iter().flatten() {
                            words.push(' ');
                            words.push_str(&index_words(answer));
                        }
                        (p, words)
                    })
                    .collect::<Vec<_>>()
            })
            .await
            .map_err(|e| ServiceError::Internal(format!("search fill: {e}")))?;
            let tx = self.db().begin().await?;
            let mut progressed = 0;
            for (p, words) in &words {
                progressed +=
                    store::search::fill(&tx, TenantId(p.tenant_id), p.id, p.version, words).await?;
            }
            tx.commit().await?;
            filled += progressed as usize;
            if progressed == 0 || started.elapsed() >= budget {
                return Ok(filled);
            }
        }
    }
}

/// How far a search has come: ids above `upper` (of `newest`) are done, `looked` of them,
/// and gave `found` matches; `holding` is the share of items that hold the words at all.
struct Progress {
    newest: i64,
    upper: i64,
    looked: i64,
    found: usize,
    holding: f64,
}

/// How to go on, whichever costs least: go back newest first until what is missing is found
/// (the walk stops there, so its range is set wide); ask the index for a range twice as deep
/// as should hold what is missing (a second step costs more than fetching a few more); or
/// ask the index for all that is left. How far what is missing lies is judged by the matches
/// so far — counting one more than found, so as never to assume there are none.
fn next_step(at: &Progress, window: usize) -> (Scan, Option<i64>) {
    let need = window.saturating_sub(at.found) as f64;
    let visible = (at.found as f64 + 1.0) / std::cmp::Ord::max(at.looked, 1) as f64;
    let upper = at.upper as f64;
    let expected = (need / visible).min(upper);
    let listing = at.holding * at.newest as f64 * LIST_US;
    let walk = expected * WALK_US;
    let all = at.holding * upper * FETCH_US + listing;
    let range = (2.0 * expected).min(upper);
    let part = at.holding * range * FETCH_US + listing + range * RANGE_US;
    if all <= walk.min(part) {
        (Scan::Index, None)
    } else if walk <= part {
        (
            Scan::NewestFirst,
            Some((3.0 * expected).min(upper).ceil() as i64),
        )
    } else {
        (Scan::Index, Some(range.ceil() as i64))
    }
}

/// Where the words of a query are in a text.
struct Found {
    /// Byte ranges of the text, in order, not overlapping.
    ranges: Vec<std::ops::Range<usize>>,
    /// How many of the words occur at all.
    words: usize,
}

impl Found {
    /// Finds the words (folded, as [`query_words`] gives them) in `text`, seen through the
    /// same folding, so 廣場舞 in the text is found for 广场舞 and `WiFi` for `wifi`.
    fn in_text(text: &str, words: &[String]) -> Found {
        let folded = text::fold(text);
        let f = folded.as_str();
        let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
        let mut present = 0;
        for word in words {
            let mut any = false;
            for (at, _) in f.match_indices(word.as_str()) {
                spans.push(at..at + word.len());
                any = true;
            }
            present += usize::from(any);
        }
        // Longest first where they start together; then drop what overlaps one kept.
        spans.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
        for span in spans {
            if ranges.last().is_some_and(|last| span.start < last.end) {
                continue;
            }
            ranges.push(span);
        }
        Found {
            ranges: ranges
                .into_iter()
                .map(|r| folded.original_range(r))
                .collect(),
            words: present,
        }
    }

    /// About [`SNIPPET_CHARS`] characters of `text` from a little before the first word
    /// found (or its start), HTML-escaped, each word found in `<mark>`, `…` where cut.
    fn snippet(&self, text: &str) -> String {
        let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        let chars = starts.len();
        let char_at = |byte: usize| starts.partition_point(|&s| s < byte);
        let byte_at = |char: usize| starts.get(char).copied().unwrap_or(text.len());
        let first = self.ranges.first().map_or(0, |r| char_at(r.start));
        let mut from = first.saturating_sub(SNIPPET_LEAD);
        let to = (from + SNIPPET_CHARS).min(chars);
        from = from.min(to.saturating_sub(SNIPPET_CHARS));
        let (start, end) = (byte_at(from), byte_at(to));
        let mut html = String::with_capacity(end - start + 32);
        if from > 0 {
            html.push('…');
        }
        let mut at = start;
        for r in &self.ranges {
            if r.end <= start || r.start >= end {
                continue;
            }
            let (s, e) = (r.start.max(start), r.end.min(end));
            escape_into(&text[at..s], &mut html);
            html.push_str("<mark>");
            escape_into(&text[s..e], &mut html);
            html.push_str("</mark>");
            at = e;
        }
        escape_into(&text[at..end], &mut html);
        if to < chars {
            html.push('…');
        }
        html
    }
}

fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Line breaks read as one space in a list.
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
}

/// Gives items from before the index their words, every few minutes until all have some.
pub(crate) struct SearchFill(pub Feedback);

#[async_trait::async_trait]
impl Handler for SearchFill {
    fn kind(&self) -> &'static str {
        SEARCH_FILL
    }

    async fn run(&self, _job: &Job) -> Result<(), JobError> {
        let filled = self
            .0
            .fill_search_index(FILL_BUDGET)
            .await
            .map_err(|e| JobError::Retry(e.to_string()))?;
        if filled > 0 {
            tracing::info!(filled, "search index: filled items written before it");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn common_words_are_found_going_back_and_rare_ones_in_the_index() {
        let window = SEARCH_WINDOW as usize;
        // After the first 4,000 of a million ids, with `found` matches the staff member may
        // see and `holding` the share of all items that hold the words.
        let step = |found: usize, holding: f64| {
            let at = Progress {
                newest: 1_000_000,
                upper: 1_000_000 - FIRST_STEP,
                looked: FIRST_STEP,
                found,
                holding,
            };
            next_step(&at, window)
        };
        // A common word, half the window found: going back a little further finds the rest.
        assert_eq!(step(50, 0.025), (Scan::NewestFirst, Some(11_765)));
        // One in three thousand: some three hundred in all, fetched from the index at once.
        assert_eq!(step(1, 0.000_3), (Scan::Index, None));
        // One in a hundred: too far to go back, too many to fetch: the index, for a range.
        assert_eq!(step(20, 0.01), (Scan::Index, Some(30_477)));
        // A common word the staff member may see little of (their station's share, a rare
        // status): the index would fetch too much from all over; going back is the lesser
        // evil.
        assert_eq!(step(16, 0.038), (Scan::NewestFirst, Some(59_295)));
        assert_eq!(step(4, 0.2), (Scan::NewestFirst, Some(230_400)));
    }

    #[test]
    fn a_query_is_folded_cut_into_words_and_checked() {
        assert_eq!(query_words("廣場舞").unwrap(), words(&["广场舞"]));
        assert_eq!(
            query_words("广场舞的音响！").unwrap(),
            words(&["广场舞", "音响"])
        );
        assert_eq!(query_words("WiFi 密碼").unwrap(), words(&["wifi", "密码"]));
        assert_eq!(query_words("2233").unwrap(), words(&["2233"]));
        // Only words that say nothing: they are what is searched for.
        assert_eq!(query_words("我们").unwrap(), words(&["我们"]));
        let field = |q: &str| query_words(q).unwrap_err().0[0].key;
        assert_eq!(field("  "), Key::search_err_empty);
        assert_eq!(field("！？…"), Key::search_err_no_words);
        assert_eq!(field(&"长".repeat(MAX_QUERY + 1)), Key::err_too_long);
        assert_eq!(
            field("广场舞 音响 灯光 空调 厕所 书法 剪纸 皮影 合唱 舞蹈 摄影"),
            Key::search_err_too_many_words
        );
    }

    #[test]
    fn the_index_holds_the_words_inside_long_ones_and_no_personal_data() {
        let indexed = index_words("我叫王秀英，电话13907312233，晚上广场舞的音响太吵了");
        let w: Vec<&str> = indexed.split(' ').collect();
        assert!(
            w.contains(&"广场舞") && w.contains(&"广场") && w.contains(&"音响"),
            "{w:?}"
        );
        assert!(
            !indexed.contains("13907312233") && !indexed.contains("秀英"),
            "{indexed}"
        );
        // Each character once, also where jieba glued it to the next one.
        let indexed = index_words("文化館的燈壞了");
        let w: Vec<&str> = indexed.split(' ').collect();
        assert!(w.contains(&"灯") && w.contains(&"馆"), "{w:?}");
        assert_eq!(w.iter().filter(|x| **x == "的").count(), 1, "{w:?}");
        assert_eq!(w.iter().filter(|x| **x == "文").count(), 1, "{w:?}");
    }

    #[test]
    fn snippets_mark_the_words_escape_the_rest_and_keep_the_original_spelling() {
        let text = "<b>文化館</b>門口的廣場舞音響太吵 & 太晚";
        let found = Found::in_text(text, &words(&["广场舞", "音响"]));
        assert_eq!(found.words, 2);
        assert_eq!(
            found.snippet(text),
            "&lt;b&gt;文化館&lt;/b&gt;門口的<mark>廣場舞</mark><mark>音響</mark>太吵 &amp; 太晚"
        );
        let missing = Found::in_text(text, &words(&["书法"]));
        assert_eq!(missing.words, 0);
        assert!(missing.snippet(text).starts_with("&lt;b&gt;"));
    }

    #[test]
    fn a_long_text_is_cut_around_the_first_word() {
        let text = format!("{}广场舞{}", "前".repeat(200), "后".repeat(200));
        let found = Found::in_text(&text, &words(&["广场舞"]));
        let snippet = found.snippet(&text);
        assert!(
            snippet.starts_with('…') && snippet.ends_with('…'),
            "{snippet}"
        );
        assert!(snippet.contains("<mark>广场舞</mark>"), "{snippet}");
        assert_eq!(
            snippet.chars().count(),
            SNIPPET_CHARS + 2 + "<mark></mark>".len()
        );
        // Near the end: the window ends with the text, no trailing ellipsis.
        let tail = format!("{}广场舞", "前".repeat(200));
        let snippet = Found::in_text(&tail, &words(&["广场舞"])).snippet(&tail);
        assert!(snippet.ends_with("<mark>广场舞</mark>"), "{snippet}");
        assert_eq!(
            snippet.chars().count(),
            SNIPPET_CHARS + 1 + "<mark></mark>".len()
        );
    }
}
