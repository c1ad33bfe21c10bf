//! Limits on how often something may be tried, counted in the database so they hold
//! across server nodes.

use crate::{ServiceError, ServiceResult, Services};
use domain::Timestamp;

/// A limit: at most `max` hits per `window_ms`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limit {
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

impl Services {
    /// Counts one attempt against `limit` for `key`; refuses once the limit is passed.
    pub(crate) async fn spend(&self, limit: Limit, key: &str) -> ServiceResult<()> {
        let now = self.now();
        let hits =
            store::rate_limits::hit(self.db(), &limit.bucket(key), limit.window(now)).await?;
        if hits > limit.max {
            return Err(limit.refusal(now));
        }
        Ok(())
    }

    /// Refuses when `limit` is already used up for `key`, without counting an attempt
    /// (for limits that count only failures).
    pub(crate) async fn check(&self, limit: Limit, key: &str) -> ServiceResult<()> {
        let now = self.now();
        let hits =
            store::rate_limits::hits(self.db(), &limit.bucket(key), limit.window(now)).await?;
        if hits >= limit.max {
            return Err(limit.refusal(now));
        }
        Ok(())
    }

    /// Counts a failure against a limit that [`Services::check`] guards.
    pub(crate) async fn count_failure(&self, limit: Limit, key: &str) -> ServiceResult<()> {
        let now = self.now();
        store::rate_limits::hit(self.db(), &limit.bucket(key), limit.window(now)).await?;
        Ok(())
    }
}
