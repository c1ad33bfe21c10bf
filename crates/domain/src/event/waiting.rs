//! The waiting list (候补): who is offered a freed seat (递补), and until when.
//!
//! Entries wait in order. When seats free up, the first entry whose whole party fits is
//! offered them; a party never gets part of what it asked for. Entries before it that did
//! not fit stay where they are, and are reported as skipped with the reason, so staff and
//! the member can see why someone later in the list went first.
//!
//! An offer expires, so a seat does not sit unused while the first in line is asleep:
//! normally after [`DEFAULT_OFFER_HOURS`]. Close to the date the offer must end early
//! enough for the next person to still plan the trip, so it ends [`LAST_CALL_MS`] before
//! the start at the latest; when that leaves less than [`SHORTEST_OFFER_MS`], the offer lasts
//! [`SHORTEST_OFFER_MS`] (a real chance to answer), and never past the start.

use crate::Timestamp;
use crate::time::{HOUR_MS, MINUTE_MS};
use serde::{Deserialize, Serialize};

/// How long an offer lasts when the date is far away.
pub const DEFAULT_OFFER_HOURS: u32 = 12;
/// Offers end at least this long before the start, unless that is too soon.
pub const LAST_CALL_MS: i64 = 2 * HOUR_MS;
/// The shortest offer, unless the date starts sooner.
pub const SHORTEST_OFFER_MS: i64 = 30 * MINUTE_MS;

/// One entry of a waiting list: who (`T`: a registration id, an application number) wants
/// how many seats.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingEntry<T> {
    pub who: T,
    pub seats: u32,
}

/// Why an entry was passed over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SkipReason {
    #[error("wanted {wanted} seats, only {free} free")]
    TooFewSeats { wanted: u32, free: u32 },
}

/// Entries passed over, each with the reason.
pub type Skipped<'a, T> = Vec<(&'a WaitingEntry<T>, SkipReason)>;

/// The entry to offer `free_seats` to, and the entries before it that did not fit. With
/// no entry fitting, every entry is reported as skipped.
pub fn next_offer<T>(
    entries: &[WaitingEntry<T>],
    free_seats: u32,
) -> (Option<&WaitingEntry<T>>, Skipped<'_, T>) {
    let mut skipped = Vec::new();
    for entry in entries {
        if entry.seats <= free_seats {
            return (Some(entry), skipped);
        }
        let reason = SkipReason::TooFewSeats {
            wanted: entry.seats,
            free: free_seats,
        };
        skipped.push((entry, reason));
    }
    (None, skipped)
}

/// When an offer made at `now` for a date starting at `starts_at` expires; `None` when
/// the date has started and nothing can be offered.
///
/// The offer lasts `hours`, but ends [`LAST_CALL_MS`] before the start at the latest; if
/// that leaves less than [`SHORTEST_OFFER_MS`] it lasts [`SHORTEST_OFFER_MS`]; and it never
/// runs past the start.
pub fn offer_expires_at(now: Timestamp, starts_at: Timestamp, hours: u32) -> Option<Timestamp> {
    if now >= starts_at {
        return None;
    }
    let normal = now.plus_ms(i64::from(hours) * HOUR_MS);
    let last_call = starts_at.minus_ms(LAST_CALL_MS);
    let shortest = now.plus_ms(SHORTEST_OFFER_MS);
    Some(normal.min(last_call).max(shortest).min(starts_at))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn e(who: &'static str, seats: u32) -> WaitingEntry<&'static str> {
        WaitingEntry { who, seats }
    }

    fn too_few(wanted: u32, free: u32) -> SkipReason {
        SkipReason::TooFewSeats { wanted, free }
    }

    #[test]
    fn the_first_entry_that_fits_is_offered_and_the_others_are_told_why() {
        let list = [e("A", 3), e("B", 4), e("C", 2), e("D", 1)];
        let (offer, skipped) = next_offer(&list, 2);
        assert_eq!(offer, Some(&list[2]));
        assert_eq!(
            skipped,
            vec![(&list[0], too_few(3, 2)), (&list[1], too_few(4, 2))]
        );

        let (offer, skipped) = next_offer(&list, 3);
        assert_eq!(offer, Some(&list[0]));
        assert!(skipped.is_empty());

        let (offer, skipped) = next_offer(&list, 0);
        assert_eq!(offer, None);
        assert_eq!(skipped.len(), 4);
        assert_eq!(skipped[3], (&list[3], too_few(1, 0)));
        assert_eq!(too_few(3, 2).to_string(), "wanted 3 seats, only 2 free");
    }

    const H: i64 = HOUR_MS;
    const M: i64 = MINUTE_MS;

    #[test]
    fn offers_shrink_as_the_date_comes_near() {
        let now = Timestamp(1_000 * H);
        let table = [
            // (start in, expires in), both from now
            (48 * H, Some(12 * H)),
            (14 * H, Some(12 * H)),
            (13 * H, Some(11 * H)),
            (3 * H, Some(H)),
            (2 * H + 30 * M, Some(30 * M)),
            (2 * H + 10 * M, Some(30 * M)),
            (20 * M, Some(20 * M)),
            (1, Some(1)),
            (0, None),
            (-H, None),
        ];
        for (start_in, expires_in) in table {
            assert_eq!(
                offer_expires_at(now, now.plus_ms(start_in), DEFAULT_OFFER_HOURS),
                expires_in.map(|ms| now.plus_ms(ms)),
                "start in {} min",
                start_in / M
            );
        }
    }

    proptest! {
        #[test]
        fn the_offer_is_the_first_fitting_entry(seats in prop::collection::vec(1u32..6, 0..10), free in 0u32..6) {
            let list: Vec<_> = seats.iter().enumerate().map(|(i, &s)| WaitingEntry { who: i, seats: s }).collect();
            let (offer, skipped) = next_offer(&list, free);
            let expected = list.iter().position(|x| x.seats <= free);
            prop_assert_eq!(offer.map(|o| o.who), expected);
            prop_assert_eq!(skipped.len(), expected.unwrap_or(list.len()));
            prop_assert!(skipped.iter().all(|(x, _)| x.seats > free));
        }

        #[test]
        fn an_offer_never_outlasts_the_start_or_its_hours(
            now in 0i64..1_000_000_000, start_in in -100_000_000i64..1_000_000_000, hours in 0u32..48,
        ) {
            let now = Timestamp(now);
            let starts = now.plus_ms(start_in);
            match offer_expires_at(now, starts, hours) {
                None => prop_assert!(starts <= now),
                Some(t) => {
                    prop_assert!(t > now);
                    prop_assert!(t <= starts);
                    let hours_end = now.plus_ms(i64::from(hours) * HOUR_MS);
                    prop_assert!(t <= hours_end.max(now.plus_ms(SHORTEST_OFFER_MS)));
                    // At least half an hour to answer, unless the date starts sooner.
                    prop_assert!(t >= now.plus_ms(SHORTEST_OFFER_MS).min(starts));
                }
            }
        }
    }
}
