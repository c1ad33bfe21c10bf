//! Limits on how often something may be tried, counted in the database so they hold
//! across server nodes.

use crate::{Desk, ServiceError, ServiceResult};
use domain::Timestamp;

/// A limit: at most `max` hits per `window_ms`.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub name: &'static str,
    pub max: i64,
    pub window_ms: i64,
}

impl Limit {
    fn window(&self, now: Timestamp) -> Timestamp {
        Timestamp(now.0 - now.0.rem_euclid(self.window_ms))
    }

    fn bucket(&self, key: &str) -> String {
        format!("{}:{key}", self.name)
    }

    fn refusal(&self, now: Timestamp) -> ServiceError {
        let retry_after_ms = self.window(now).0 + self.window_ms - now.0;
        ServiceError::RateLimited {
            retry_after_seconds: (retry_after_ms + 999) / 1000,
        }
    }
}

impl Desk {
    /// Counts one attempt against `limit` for `key`; refuses once the limit is passed.
    pub async fn spend(&self, limit: Limit, key: &str) -> ServiceResult<()> {
        let now = self.now();
        let hits =
            store::rate_limits::hit(self.db(), &limit.bucket(key), limit.window(now)).await?;
        if hits > limit.max {
            return Err(limit.refusal(now));
        }
        Ok(())
    }
}

/// Counts kept in this process only, for limits where one hot database row would make every
/// request queue behind the last (one busy address submitting feedback). Each server node
/// then enforces the limit on its own: with N nodes, an address gets at most N times it.
#[derive(Default)]
pub struct LocalCounts(std::sync::Mutex<std::collections::HashMap<String, (i64, i64)>>);

/// Past this many keys, old windows are dropped.
const LOCAL_KEYS: usize = 100_000;

impl Desk {
    /// Like [`Desk::spend`], counted in this process.
    pub fn spend_locally(&self, limit: Limit, key: &str) -> ServiceResult<()> {
        let now = self.now();
        let window = limit.window(now).0;
        let hits = {
            let Ok(mut counts) = self.0.local_counts.0.lock() else {
                return Ok(());
            };
            if counts.len() > LOCAL_KEYS {
                counts.retain(|_, (w, _)| *w == window);
            }
            let entry = counts.entry(limit.bucket(key)).or_insert((window, 0));
            if entry.0 != window {
                *entry = (window, 0);
            }
            entry.1 += 1;
            entry.1
        };
        if hits > limit.max {
            return Err(limit.refusal(now));
        }
        Ok(())
    }
}
