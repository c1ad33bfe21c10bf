//! Similarity by meaning, from an embeddings endpoint the institution runs on its own
//! network (optional; off unless `[embeddings]` is configured).
//!
//! The built-in similar-item index ([`text::similar`]) compares characters: it finds the
//! same request typed differently, not the same request in other words (周末能开门吗 against
//! 礼拜天也开放吧). An OpenAI-compatible endpoint (`POST {url}/embeddings` with
//! `{"model", "input": [texts]}`, answering `data[i].embedding`) turns each text into a
//! vector, and texts that mean the same point the same way. With it configured, the
//! similar items are the built-in index's candidates *and* the items nearest by cosine;
//! without it, or whenever it fails, the built-in index alone, exactly as before.
//!
//! - **Privacy**: only the text as the public board shows it ([`text::mask`]) is sent:
//!   no phone number, ID number or name leaves the server, whatever the endpoint logs.
//! - **Never in the way**: items get their vectors from a background job
//!   ([`EMBEDDINGS_FILL`]) queued shortly after intake and run every minute for older
//!   open or recent items, never inside the intake transaction. A lookup embeds only the
//!   text asked about (an item with a stored vector needs no call at all), within
//!   `timeout_ms`. An error or timeout is logged, the lookup answers with the built-in
//!   index alone, and this node leaves the endpoint alone for [`REST_MS`].
//! - **Storage**: `feedback_embeddings`, one vector per item with the model that made it;
//!   each node keeps its institution's vectors of open and recent items in memory (as the
//!   built-in index does) and catches up with what other nodes wrote by the time written.
//!   Comparing a query to every vector is a few tens of milliseconds at 100,000 items of
//!   1,024 dimensions; nothing cleverer is needed at an institution's scale.
//! - **Bars**: a cosine is mapped onto the built-in scale: `duplicate_cosine` (default
//!   [`DUPLICATE_COSINE`]) and above counts as a likely duplicate (the built-in
//!   [`similar::DUPLICATE_AT`] and above), `related_cosine` (default [`RELATED_COSINE`])
//!   up to it as related ([`similar::RELATED_AT`] up to the duplicate bar), linearly in
//!   between. Where cosines fall depends on the model — some put unrelated texts at 0.1,
//!   others at 0.6 — so these bars belong to the model: check them on a few known pairs of
//!   the institution's own items when choosing one.

use super::understanding::SIMILAR_WINDOW_DAYS;
use crate::{Feedback, ServiceResult};
pub use ::embeddings::{
    BATCH, Bars, DUPLICATE_COSINE, EmbedError, EmbeddingsConfig, EmbeddingsEndpoint,
    RELATED_COSINE, sendable,
};
use domain::{TenantId, Timestamp};
use jobs::{Handler, Job, JobError, NewJob};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// The background fill of items' vectors.
pub const EMBEDDINGS_FILL: &str = "feedback.embeddings_fill";
/// How long a node leaves a failing endpoint alone (by the services' clock).
pub const REST_MS: i64 = 60_000;
/// How long one run of the fill may go on; the next run carries on.
const FILL_BUDGET: Duration = Duration::from_secs(50);
/// Items taken in within this many milliseconds share one fill job, run when it ends.
const SOON_MS: i64 = 10_000;
/// How stale a node may be about the vectors other nodes wrote (by the services' clock).
const CATCH_UP_MS: i64 = 5_000;
/// Vectors written up to this long before the newest one a node has seen are looked at
/// again: another node may commit a vector stamped a little earlier than one seen already.
const LATE_WRITES_MS: i64 = 30_000;
/// Rows read per catch-up query.
const CATCH_UP_PAGE: u64 = 5_000;
/// Query texts whose vectors a node remembers (an item page asks twice).
const REMEMBERED_QUERIES: usize = 256;

/// One institution's vectors on this node: unit length, one row per item, all of one
/// model and size.
#[derive(Default)]
pub(crate) struct VectorIndex {
    dims: usize,
    ids: Vec<i64>,
    /// Item → (row, when its vector was written).
    rows: HashMap<i64, (usize, i64)>,
    data: Vec<f32>,
    /// The newest write seen: catch-ups start a little before it.
    newest: i64,
    /// When it last caught up; `None`: never loaded.
    checked: Option<Timestamp>,
}

impl VectorIndex {
    /// Adds or replaces an item's vector. A zero vector, or one of another size than those
    /// held, is left out: it could not be compared.
    fn put(&mut self, id: i64, written: i64, vector: &[f32]) {
        let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
        if !norm.is_finite() || norm == 0.0 {
            return;
        }
        if self.ids.is_empty() {
            self.dims = vector.len();
        }
        if vector.len() != self.dims {
            tracing::debug!(
                id,
                dims = vector.len(),
                held = self.dims,
                "embeddings: vector of another size left out"
            );
            return;
        }
        let unit = vector.iter().map(|x| x / norm);
        match self.rows.get(&id) {
            Some(&(row, _)) => {
                let at = row * self.dims;
                for (slot, x) in self.data[at..at + self.dims].iter_mut().zip(unit) {
                    *slot = x;
                }
                self.rows.insert(id, (row, written));
            }
            None => {
                self.rows.insert(id, (self.ids.len(), written));
                self.ids.push(id);
                self.data.extend(unit);
            }
        }
        self.newest = self.newest.max(written);
    }

    fn vector(&self, id: i64) -> Option<&[f32]> {
        let &(row, _) = self.rows.get(&id)?;
        Some(&self.data[row * self.dims..(row + 1) * self.dims])
    }

    /// Is this write of the item's vector one the index lacks?
    fn lacks(&self, w: &store::embeddings::Written) -> bool {
        self.rows
            .get(&w.feedback_id)
            .is_none_or(|&(_, at)| at < w.created_at)
    }

    /// The items whose vectors have the highest cosine with `query` (at least `min`),
    /// best first, at most `k`.
    fn nearest(&self, query: &[f32], k: usize, min: f32, except: Option<i64>) -> Vec<(i64, f32)> {
        if query.len() != self.dims || self.ids.is_empty() {
            return Vec::new();
        }
        let norm = query.iter().map(|x| x * x).sum::<f32>().sqrt();
        if !norm.is_finite() || norm == 0.0 {
            return Vec::new();
        }
        let mut found: Vec<(i64, f32)> = self
            .data
            .chunks_exact(self.dims)
            .zip(&self.ids)
            .filter(|(_, id)| Some(**id) != except)
            .map(|(row, id)| {
                let dot: f32 = row.iter().zip(query).map(|(a, b)| a * b).sum();
                (*id, dot / norm)
            })
            .filter(|(_, cosine)| *cosine >= min)
            .collect();
        found.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.0.cmp(&a.0)));
        found.truncate(k);
        found
    }
}

/// What this node keeps about the endpoint and the institutions' vectors.
#[derive(Default)]
pub(crate) struct Vectors {
    indexes: RwLock<HashMap<TenantId, Arc<RwLock<VectorIndex>>>>,
    /// The endpoint failed: leave it alone until then.
    resting_until: Mutex<Option<Timestamp>>,
    /// Masked query texts and their vectors.
    queries: Mutex<HashMap<String, Arc<[f32]>>>,
    /// Per institution, the last period a fill job was queued for from this node.
    queued: Mutex<HashMap<TenantId, i64>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // The data stays usable after a panic elsewhere; at worst a vector is missing.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// How a fill run went.
struct Filled {
    items: usize,
    failed: Option<EmbedError>,
}

impl Feedback {
    fn embeddings(&self) -> Option<&EmbeddingsEndpoint> {
        self.0.embeddings.as_ref()
    }

    fn vectors(&self) -> &Vectors {
        &self.0.readers.vectors
    }

    fn endpoint_resting(&self) -> bool {
        lock(&self.vectors().resting_until).is_some_and(|until| self.now() < until)
    }

    fn endpoint_failed(&self, e: &EmbedError) {
        tracing::warn!(
            rest_s = REST_MS / 1000,
            "{e}; similar items come from the built-in index meanwhile"
        );
        *lock(&self.vectors().resting_until) = Some(self.now().plus_ms(REST_MS));
    }

    /// A new item is being taken in: queue a fill soon after (one job per institution per
    /// [`SOON_MS`], run when that period ends, so the item is committed by then). Outside
    /// the intake transaction, and a failure only leaves the item to the next minute's fill.
    pub(crate) async fn embed_soon(&self, tenant: TenantId) {
        if self.embeddings().is_none() {
            return;
        }
        let period = self.now().0.div_euclid(SOON_MS);
        if lock(&self.vectors().queued).insert(tenant, period) == Some(period) {
            return;
        }
        let job = NewJob::new(EMBEDDINGS_FILL, serde_json::json!({}))
            .tenant(tenant)
            .dedupe(format!("embeddings:{}:{period}", tenant.0))
            .at(Timestamp((period + 1) * SOON_MS + 1_000));
        if let Err(e) = self.queue().enqueue(self.db(), job).await {
            tracing::warn!("embeddings: could not queue the fill: {e}");
        }
    }

    /// Items that mean much the same as `body`, open or recent, with their score on the
    /// built-in scale, best first; empty without an endpoint or when anything fails (it is
    /// logged: the built-in index answers alone).
    pub(crate) async fn similar_by_meaning(
        &self,
        tenant: TenantId,
        body: &str,
        except: Option<i64>,
        k: usize,
    ) -> Vec<(u64, f32)> {
        let Some(endpoint) = self.embeddings() else {
            return Vec::new();
        };
        let index = match self.caught_up_vectors(tenant).await {
            Ok(index) => index,
            Err(e) => {
                tracing::warn!("embeddings: could not read the stored vectors: {e}");
                return Vec::new();
            }
        };
        let stored = except.and_then(|id| {
            let index = index.read().ok()?;
            index.vector(id).map(Arc::<[f32]>::from)
        });
        let query = match stored {
            Some(v) => v,
            None => match self.embed_query(endpoint, body).await {
                Some(v) => v,
                None => return Vec::new(),
            },
        };
        let bars = endpoint.bars();
        let Ok(index) = index.read() else {
            return Vec::new();
        };
        index
            .nearest(&query, k, bars.related, except)
            .into_iter()
            .filter_map(|(id, cosine)| Some((id as u64, bars.score(cosine)?)))
            .collect()
    }

    /// The vector of a text asked about, from the endpoint (or this node's memory of it).
    async fn embed_query(&self, endpoint: &EmbeddingsEndpoint, body: &str) -> Option<Arc<[f32]>> {
        let key = sendable(body);
        if let Some(v) = lock(&self.vectors().queries).get(&key) {
            return Some(v.clone());
        }
        if self.endpoint_resting() {
            return None;
        }
        match endpoint.embed(&[&key]).await {
            Ok(mut vectors) => {
                let v: Arc<[f32]> = vectors.pop()?.into();
                let mut queries = lock(&self.vectors().queries);
                if queries.len() >= REMEMBERED_QUERIES {
                    queries.clear();
                }
                queries.insert(key, v.clone());
                Some(v)
            }
            // This text alone was refused: the endpoint itself is fine.
            Err(e) if e.refused_input() => {
                tracing::warn!("embeddings: {e} for a text asked about");
                None
            }
            Err(e) => {
                self.endpoint_failed(&e);
                None
            }
        }
    }

    /// The institution's vectors on this node, with what any node wrote since last time.
    async fn caught_up_vectors(&self, tenant: TenantId) -> ServiceResult<Arc<RwLock<VectorIndex>>> {
        let index = {
            let mut map =
                self.vectors().indexes.write().map_err(|_| {
                    crate::ServiceError::Internal("vector index lock poisoned".into())
                })?;
            map.entry(tenant).or_default().clone()
        };
        let now = self.now();
        let (fresh, newest, empty) = {
            let i = index
                .read()
                .map_err(|_| crate::ServiceError::Internal("vector index lock poisoned".into()))?;
            (
                i.checked.is_some_and(|c| now.0 - c.0 < CATCH_UP_MS),
                i.newest,
                i.ids.is_empty() && i.checked.is_none(),
            )
        };
        if fresh {
            return Ok(index);
        }
        let Some(endpoint) = self.embeddings() else {
            return Ok(index);
        };
        let since = Timestamp(now.0 - SIMILAR_WINDOW_DAYS * domain::time::DAY_MS);
        let mut after = if empty {
            (i64::MIN, i64::MIN)
        } else {
            (newest - LATE_WRITES_MS, i64::MIN)
        };
        loop {
            let written = store::embeddings::written_since(
                self.db(),
                tenant,
                endpoint.model(),
                since,
                after,
                CATCH_UP_PAGE,
            )
            .await?;
            let full = written.len() as u64 == CATCH_UP_PAGE;
            after = written
                .last()
                .map_or(after, |w| (w.created_at, w.feedback_id));
            let wanted: Vec<i64> = {
                let i = index.read().map_err(|_| {
                    crate::ServiceError::Internal("vector index lock poisoned".into())
                })?;
                written
                    .iter()
                    .filter(|w| i.lacks(w))
                    .map(|w| w.feedback_id)
                    .collect()
            };
            for ids in wanted.chunks(500) {
                let rows = store::embeddings::vectors(self.db(), tenant, ids).await?;
                let mut i = index.write().map_err(|_| {
                    crate::ServiceError::Internal("vector index lock poisoned".into())
                })?;
                for row in rows.iter().filter(|r| r.model == endpoint.model()) {
                    if let Some(v) = row.values() {
                        i.put(row.feedback_id, row.created_at, &v);
                    }
                }
            }
            if !full {
                break;
            }
        }
        if let Ok(mut i) = index.write() {
            i.checked = Some(now);
        }
        Ok(index)
    }

    /// Gives open and recent items of the institution their vectors, newest first, for at
    /// most `budget`. Stops at the first failure of the endpoint (and rests it).
    async fn fill_embeddings(&self, tenant: TenantId, budget: Duration) -> ServiceResult<Filled> {
        let mut filled = Filled {
            items: 0,
            failed: None,
        };
        let Some(endpoint) = self.embeddings() else {
            return Ok(filled);
        };
        if self.endpoint_resting() {
            return Ok(filled);
        }
        let started = Instant::now();
        let since = Timestamp(self.now().0 - SIMILAR_WINDOW_DAYS * domain::time::DAY_MS);
        let mut before = i64::MAX;
        while started.elapsed() < budget {
            let items = store::embeddings::unembedded(
                self.db(),
                tenant,
                endpoint.model(),
                since,
                before,
                BATCH as u64,
            )
            .await?;
            let Some(last) = items.last() else {
                break;
            };
            before = last.id;
            let texts: Vec<&str> = items.iter().map(|i| i.body.as_str()).collect();
            let vectors = match endpoint.embed(&texts).await {
                Ok(vectors) => vectors.into_iter().map(Some).collect(),
                // One text the endpoint will not take must not hold back the others.
                Err(e) if e.refused_input() && texts.len() == 1 => vec![None],
                Err(e) if e.refused_input() => {
                    let mut one_by_one = Vec::with_capacity(texts.len());
                    for text in &texts {
                        match endpoint.embed(&[text]).await {
                            Ok(mut v) => one_by_one.push(v.pop()),
                            Err(e) if e.refused_input() => one_by_one.push(None),
                            Err(e) => {
                                self.endpoint_failed(&e);
                                filled.failed = Some(e);
                                break;
                            }
                        }
                    }
                    one_by_one
                }
                Err(e) => {
                    self.endpoint_failed(&e);
                    filled.failed = Some(e);
                    break;
                }
            };
            filled.items += self
                .store_vectors(tenant, endpoint, &items, vectors)
                .await?;
            if filled.failed.is_some() {
                break;
            }
        }
        Ok(filled)
    }

    /// Writes a batch's vectors (one transaction) and puts them in this node's index at once.
    async fn store_vectors(
        &self,
        tenant: TenantId,
        endpoint: &EmbeddingsEndpoint,
        items: &[store::embeddings::Unembedded],
        vectors: Vec<Option<Vec<f32>>>,
    ) -> ServiceResult<usize> {
        let now = self.now();
        let tx = self.db().begin().await?;
        let mut stored = Vec::new();
        for (item, vector) in items.iter().zip(vectors) {
            // A text the model refused is stored without a vector, so it is not sent again
            // (until the model changes); it is never anybody's nearest.
            let vector = vector.unwrap_or_else(|| {
                tracing::warn!(
                    item = item.id,
                    "embeddings: the endpoint refused this item's text; it has no vector"
                );
                Vec::new()
            });
            store::embeddings::upsert(&tx, tenant, item.id, endpoint.model(), &vector, now).await?;
            stored.push((item.id, vector));
        }
        tx.commit().await?;
        let index = self
            .vectors()
            .indexes
            .read()
            .ok()
            .and_then(|m| m.get(&tenant).cloned());
        // Only into an index that has been loaded: a fresh one loads everything anyway.
        if let Some(index) = index
            && let Ok(mut i) = index.write()
            && i.checked.is_some()
        {
            for (id, vector) in &stored {
                i.put(*id, now.0, vector);
            }
        }
        Ok(stored.len())
    }
}

/// Gives items their vectors: one institution's soon after intake, every institution's
/// open and recent items every minute. Idempotent: an item with a vector of the model is
/// not sent again.
pub(crate) struct EmbeddingsFill(pub Feedback);

#[async_trait::async_trait]
impl Handler for EmbeddingsFill {
    fn kind(&self) -> &'static str {
        EMBEDDINGS_FILL
    }

    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let services = &self.0;
        if services.embeddings().is_none() {
            return Ok(());
        }
        let tenants = match job.tenant {
            Some(tenant) => vec![tenant],
            None => store::tenants::list(services.db())
                .await?
                .iter()
                .map(|t| t.tenant_id())
                .collect(),
        };
        let started = Instant::now();
        for tenant in tenants {
            let budget = FILL_BUDGET.saturating_sub(started.elapsed());
            let filled = services
                .fill_embeddings(tenant, budget)
                .await
                .map_err(|e| JobError::Retry(e.to_string()))?;
            if filled.items > 0 {
                tracing::info!(
                    tenant = tenant.0,
                    items = filled.items,
                    "embeddings: vectors written"
                );
            }
            if let Some(e) = filled.failed {
                return Err(JobError::Retry(e.to_string()));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_vectors_are_found_by_cosine() {
        let mut index = VectorIndex::default();
        index.put(1, 10, &[1.0, 0.0, 0.0]);
        index.put(2, 10, &[0.7, 0.7, 0.0]);
        index.put(3, 10, &[0.0, 0.0, 2.0]);
        index.put(4, 10, &[0.0, 0.0]); // another size: left out
        index.put(5, 10, &[0.0, 0.0, 0.0]); // no direction: left out
        let found = index.nearest(&[2.0, 0.0, 0.0], 5, 0.5, None);
        assert_eq!(found.iter().map(|f| f.0).collect::<Vec<_>>(), [1, 2]);
        assert!((found[0].1 - 1.0).abs() < 1e-6);
        assert!(index.nearest(&[2.0, 0.0, 0.0], 5, 0.5, Some(1))[0].0 == 2);
        // A newer vector replaces the item's old one.
        index.put(1, 20, &[0.0, 0.0, 1.0]);
        assert_eq!(index.nearest(&[0.0, 0.0, 1.0], 5, 0.9, None).len(), 2);
        assert!(!index.lacks(&store::embeddings::Written {
            feedback_id: 1,
            created_at: 20
        }));
        assert!(index.lacks(&store::embeddings::Written {
            feedback_id: 1,
            created_at: 21
        }));
    }
}
