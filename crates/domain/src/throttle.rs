//! How sign-in guesses are slowed: a burst of attempts goes through at once, then each
//! further attempt must wait twice as long as the one before, up to a ceiling. Nothing
//! locks for good, so a stranger's guesses can delay the owner of an account but never
//! shut them out (and a device where the owner signed in before is not slowed by
//! guesses made elsewhere; see `services::auth`).

use crate::time::{DAY_MS, MINUTE_MS};

/// One gate's schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// Attempts let through back to back.
    pub burst: i64,
    /// The wait after the attempt that used up the burst; it doubles with each further one.
    pub first_wait_ms: i64,
    /// The longest wait.
    pub max_wait_ms: i64,
    /// A gate with no attempt for this long starts again.
    pub forget_after_ms: i64,
}

impl Backoff {
    /// How long the gate stays shut after its `n`-th attempt (counting from 1).
    pub fn wait_after(&self, n: i64) -> i64 {
        if n < self.burst {
            return 0;
        }
        let doublings = (n - self.burst).min(40) as u32;
        self.first_wait_ms
            .saturating_mul(1_i64 << doublings.min(62))
            .min(self.max_wait_ms)
    }

    /// The waits that differ from the ceiling, as (attempt number, wait): what a database
    /// needs to compute the wait in the statement that counts the attempt.
    pub fn steps(&self) -> Vec<(i64, i64)> {
        (1..)
            .map(|n| (n, self.wait_after(n)))
            .take_while(|&(_, wait)| wait < self.max_wait_ms)
            .collect()
    }
}

/// One account name tried from one address (or from one of its owner's devices).
pub const ACCOUNT_FROM_ONE_PLACE: Backoff = Backoff {
    burst: 3,
    first_wait_ms: 2_000,
    max_wait_ms: 15 * MINUTE_MS,
    forget_after_ms: DAY_MS,
};

/// One account name tried from anywhere but its owner's devices: guesses spread over many
/// addresses.
pub const ACCOUNT_FROM_ANYWHERE: Backoff = Backoff {
    burst: 10,
    first_wait_ms: 1_000,
    max_wait_ms: 15 * MINUTE_MS,
    forget_after_ms: DAY_MS,
};

/// One address, whatever names it tries: a high ceiling, as a station's Wi-Fi or a
/// carrier's NAT puts many honest people behind one address.
pub const ONE_ADDRESS: Backoff = Backoff {
    burst: 100,
    first_wait_ms: 1_000,
    max_wait_ms: 15 * MINUTE_MS,
    forget_after_ms: DAY_MS,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_goes_through_then_waits_double_up_to_the_ceiling() {
        let b = ACCOUNT_FROM_ONE_PLACE;
        assert_eq!([1, 2].map(|n| b.wait_after(n)), [0, 0]);
        assert_eq!([3, 4, 5].map(|n| b.wait_after(n)), [2_000, 4_000, 8_000]);
        assert_eq!(b.wait_after(12), 15 * MINUTE_MS);
        assert_eq!(b.wait_after(i64::MAX), 15 * MINUTE_MS);
        let steps = b.steps();
        assert_eq!(steps.first(), Some(&(1, 0)));
        assert_eq!(steps.last(), Some(&(11, 512_000)));
    }
}
