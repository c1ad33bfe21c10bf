//! Time: instants stored as UTC milliseconds, and the clock that tells the time.
//!
//! Every time-dependent rule takes its "now" from a [`Clock`], so tests move time
//! forward with a [`ManualClock`] instead of sleeping.

use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

pub const MINUTE_MS: i64 = 60_000;
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
pub const DAY_MS: i64 = 24 * HOUR_MS;

/// An instant, as milliseconds since the Unix epoch in UTC. Stored as a 64-bit integer,
/// so it sorts correctly on every engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn millis(self) -> i64 {
        self.0
    }

    pub fn plus_ms(self, ms: i64) -> Timestamp {
        Timestamp(self.0.saturating_add(ms))
    }

    pub fn minus_ms(self, ms: i64) -> Timestamp {
        Timestamp(self.0.saturating_sub(ms))
    }

    /// This instant on the wall clock of `tz`.
    pub fn in_zone(self, tz: &TimeZone) -> jiff::Zoned {
        jiff::Timestamp::from_millisecond(self.0)
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
            .to_zoned(tz.clone())
    }

    /// `2026-11-22 14:03`, in `tz`: the way Chinese offices write times.
    pub fn format_minutes(self, tz: &TimeZone) -> String {
        self.in_zone(tz).strftime("%Y-%m-%d %H:%M").to_string()
    }

    /// RFC 3339 in UTC, for APIs and exports.
    pub fn rfc3339(self) -> String {
        jiff::Timestamp::from_millisecond(self.0)
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
            .to_string()
    }
}

/// The time zone of mainland China, the default for every institution.
pub fn china() -> TimeZone {
    TimeZone::get("Asia/Shanghai").unwrap_or(TimeZone::fixed(jiff::tz::offset(8)))
}

/// Where "now" comes from.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;
}

/// The real clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp(jiff::Timestamp::now().as_millisecond())
    }
}

/// A clock that only moves when told to; shared between clones.
#[derive(Clone, Debug)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    pub fn new(start: Timestamp) -> Self {
        ManualClock(Arc::new(AtomicI64::new(start.0)))
    }

    pub fn set(&self, to: Timestamp) {
        self.0.store(to.0, Ordering::SeqCst);
    }

    pub fn advance_ms(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_china_time() {
        // 2026-11-22T06:03:00Z is 14:03 in Beijing.
        let t = Timestamp(
            jiff::Timestamp::from_second(1_795_327_380)
                .unwrap()
                .as_millisecond(),
        );
        assert_eq!(t.format_minutes(&china()), "2026-11-22 14:03");
    }

    #[test]
    fn manual_clock_moves_only_when_told() {
        let clock = ManualClock::new(Timestamp(1_000));
        let seen_by_other = clock.clone();
        clock.advance_ms(HOUR_MS);
        assert_eq!(seen_by_other.now(), Timestamp(1_000 + HOUR_MS));
    }
}
