//! Repeated no-shows (爽约): a member who twice leaves a seat empty waits behind others.
//!
//! A free class turned away people; a no-show wasted a seat one of them wanted. The rule
//! (configurable per institution) is: `count` unexcused no-shows with at most
//! `within_days` between the first and the last put the member on the waiting list only
//! (只能候补) for `block_days` from the last of them. Nobody is shut out: they can still
//! join waiting lists, and the block ends by itself.
//!
//! Staff may lift a block early (the member explained). No-shows up to the moment of the
//! lift are then forgiven for good: they never count again, alone or with later ones.

use crate::Timestamp;
use crate::time::DAY_MS;
use serde::{Deserialize, Serialize};

/// The institution's rule; [`NoShowRule::default`] is 2 within 90 days → 30 days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoShowRule {
    /// How many no-shows trigger a block; 0 switches the rule off.
    pub count: u32,
    /// The most days from the first to the last of them (inclusive).
    pub within_days: u32,
    /// How long the block lasts, from the last of them.
    pub block_days: u32,
}

impl Default for NoShowRule {
    fn default() -> Self {
        NoShowRule {
            count: 2,
            within_days: 90,
            block_days: 30,
        }
    }
}

/// Where a member stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Standing {
    Clear,
    /// May only join waiting lists until `until`; `no_shows` counted towards the block.
    WaitingListOnly {
        until: Timestamp,
        no_shows: u32,
    },
}

/// A member's standing at `now`, from the times of their unexcused no-shows (in any
/// order) and the time staff last lifted a block, if ever. No-shows at or before the
/// lift, or after `now`, do not count.
pub fn standing(
    rule: &NoShowRule,
    no_shows: &[Timestamp],
    lifted_at: Option<Timestamp>,
    now: Timestamp,
) -> Standing {
    let Ok(count) = usize::try_from(rule.count) else {
        return Standing::Clear;
    };
    if count == 0 {
        return Standing::Clear;
    }
    let mut counted: Vec<Timestamp> = no_shows
        .iter()
        .copied()
        .filter(|&t| t <= now && lifted_at.is_none_or(|lift| t > lift))
        .collect();
    counted.sort_unstable();
    let within = i64::from(rule.within_days) * DAY_MS;
    let block = i64::from(rule.block_days) * DAY_MS;
    let latest_trigger = (count - 1..counted.len())
        .rev()
        .find(|&last| counted[last].0 - counted[last + 1 - count].0 <= within);
    let Some(last) = latest_trigger else {
        return Standing::Clear;
    };
    let until = counted[last].plus_ms(block);
    if now >= until {
        return Standing::Clear;
    }
    let from = counted[last].minus_ms(within);
    let no_shows = counted[..=last].iter().filter(|&&t| t >= from).count();
    Standing::WaitingListOnly {
        until,
        no_shows: u32::try_from(no_shows).unwrap_or(u32::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(d: i64) -> Timestamp {
        Timestamp(d * DAY_MS)
    }

    fn days(ds: &[i64]) -> Vec<Timestamp> {
        ds.iter().map(|&d| day(d)).collect()
    }

    fn blocked(until: i64, no_shows: u32) -> Standing {
        Standing::WaitingListOnly {
            until: day(until),
            no_shows,
        }
    }

    #[test]
    fn two_no_shows_within_ninety_days_block_for_thirty() {
        let rule = NoShowRule::default();
        let table: &[(&[i64], Option<i64>, i64, Standing)] = &[
            (&[], None, 10, Standing::Clear),
            (&[0], None, 10, Standing::Clear),
            (&[0, 90], None, 100, blocked(120, 2)),
            (&[0, 91], None, 100, Standing::Clear),
            (&[0, 90], None, 119, blocked(120, 2)),
            (&[0, 90], None, 120, Standing::Clear),
            // Unordered input; the latest trigger decides.
            (&[100, 0, 10], None, 105, blocked(130, 2)),
            (&[0, 10, 20], None, 25, blocked(50, 3)),
            // A no-show in the future (bad data) does not count yet.
            (&[0, 200], None, 50, Standing::Clear),
            // Lifted on day 15: day 0 and 10 are forgiven, even together with day 20.
            (&[0, 10, 20], Some(15), 25, Standing::Clear),
            (&[0, 10, 20, 30], Some(15), 35, blocked(60, 2)),
            // A no-show at the very moment of the lift was forgiven with it.
            (&[0, 15, 20], Some(15), 25, Standing::Clear),
        ];
        for (no_shows, lift, now, expected) in table {
            assert_eq!(
                standing(&rule, &days(no_shows), lift.map(day), day(*now)),
                *expected,
                "{no_shows:?} lifted {lift:?} on day {now}"
            );
        }
    }

    #[test]
    fn the_rule_is_configurable() {
        let strict = NoShowRule {
            count: 1,
            within_days: 0,
            block_days: 7,
        };
        assert_eq!(standing(&strict, &days(&[3]), None, day(4)), blocked(10, 1));
        let off = NoShowRule { count: 0, ..strict };
        assert_eq!(
            standing(&off, &days(&[3, 4]), None, day(5)),
            Standing::Clear
        );
        let three = NoShowRule {
            count: 3,
            ..NoShowRule::default()
        };
        assert_eq!(
            standing(&three, &days(&[0, 50]), None, day(60)),
            Standing::Clear
        );
        assert_eq!(
            standing(&three, &days(&[0, 50, 80]), None, day(85)),
            blocked(110, 3)
        );
    }

    fn arb_rule() -> impl Strategy<Value = NoShowRule> {
        (0u32..4, 0u32..120, 0u32..60).prop_map(|(count, within_days, block_days)| NoShowRule {
            count,
            within_days,
            block_days,
        })
    }

    proptest! {
        #[test]
        fn a_lift_forgives_exactly_what_came_before_it(
            rule in arb_rule(),
            ns in prop::collection::vec(0i64..400, 0..8),
            lift in 0i64..400,
            now in 0i64..500,
        ) {
            let ns = days(&ns);
            let after: Vec<_> = ns.iter().copied().filter(|&t| t > day(lift)).collect();
            prop_assert_eq!(
                standing(&rule, &ns, Some(day(lift)), day(now)),
                standing(&rule, &after, None, day(now))
            );
        }

        #[test]
        fn another_no_show_never_shortens_a_block(
            rule in arb_rule(),
            ns in prop::collection::vec(0i64..400, 0..8),
            extra in 0i64..400,
            now in 0i64..500,
        ) {
            let until = |s: Standing| match s {
                Standing::Clear => None,
                Standing::WaitingListOnly { until, .. } => Some(until),
            };
            let before = until(standing(&rule, &days(&ns), None, day(now)));
            let mut more = days(&ns);
            more.push(day(extra));
            let after = until(standing(&rule, &more, None, day(now)));
            prop_assert!(after >= before);
        }

        #[test]
        fn a_block_is_in_the_future_and_at_most_block_days_long(
            rule in arb_rule(),
            ns in prop::collection::vec(0i64..400, 0..8),
            now in 0i64..500,
        ) {
            if let Standing::WaitingListOnly { until, no_shows } = standing(&rule, &days(&ns), None, day(now)) {
                prop_assert!(until > day(now));
                prop_assert!(until <= day(now).plus_ms(i64::from(rule.block_days) * DAY_MS));
                prop_assert!(no_shows >= rule.count && rule.count > 0);
                prop_assert!(ns.len() >= rule.count as usize);
            }
        }
    }
}
