//! When a member may register for a date, and when cancelling is still in time.
//!
//! Registration opens at `opens_at`; members with priority registration (优先报名, earned
//! with points) may start at `priority_opens_at`, earlier. It closes at `closes_at`, and in
//! any case when the date starts: nobody registers for a class already under way.
//!
//! A member who cannot come should cancel early, so the seat can be offered from the
//! waiting list in time for someone to use it. Cancelling later than `cutoff_hours` before
//! the start leaves the seat empty just as surely as not coming, so it counts as a no-show
//! (爽约) unless staff excuse it (illness, a family emergency).

use crate::Timestamp;
use crate::time::HOUR_MS;
use serde::{Deserialize, Serialize};

/// The times registration for a date is open: `[opens_at, closes_at)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationWindow {
    pub opens_at: Timestamp,
    /// When members with priority registration may start; ignored unless earlier.
    pub priority_opens_at: Option<Timestamp>,
    pub closes_at: Timestamp,
}

/// Why registering is refused now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WindowRefusal {
    #[error("registration is not open yet; it opens at {opens_at:?}")]
    NotYet { opens_at: Timestamp },
    #[error("registration closed at {closed_at:?}")]
    Closed { closed_at: Timestamp },
    #[error("the date started at {starts_at:?}")]
    Started { starts_at: Timestamp },
}

impl RegistrationWindow {
    /// When registration opens for this member.
    pub fn opens_for(&self, priority: bool) -> Timestamp {
        match self.priority_opens_at {
            Some(early) if priority => early.min(self.opens_at),
            _ => self.opens_at,
        }
    }

    /// Whether a member (with priority registration or not) may register at `now` for a
    /// date starting at `starts_at`. A started date is reported before a closed window.
    pub fn check(
        &self,
        now: Timestamp,
        starts_at: Timestamp,
        priority: bool,
    ) -> Result<(), WindowRefusal> {
        if now >= starts_at {
            return Err(WindowRefusal::Started { starts_at });
        }
        if now >= self.closes_at {
            return Err(WindowRefusal::Closed {
                closed_at: self.closes_at,
            });
        }
        let opens_at = self.opens_for(priority);
        if now < opens_at {
            return Err(WindowRefusal::NotYet { opens_at });
        }
        Ok(())
    }
}

/// Whether a member's cancellation came in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancelTiming {
    /// At least `cutoff_hours` before the start: no consequence.
    InTime,
    /// Later (or after the start): a no-show unless staff excuse it.
    Late,
}

/// When a cancellation at `now` falls, for a date starting at `starts_at`.
pub fn cancel_timing(now: Timestamp, starts_at: Timestamp, cutoff_hours: u32) -> CancelTiming {
    let cutoff = starts_at.minus_ms(i64::from(cutoff_hours) * HOUR_MS);
    if now <= cutoff {
        CancelTiming::InTime
    } else {
        CancelTiming::Late
    }
}

/// Whether a cancellation counts against the member as a no-show.
pub fn counts_as_no_show(timing: CancelTiming, excused_by_staff: bool) -> bool {
    timing == CancelTiming::Late && !excused_by_staff
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const OPENS: Timestamp = Timestamp(100 * HOUR_MS);
    const EARLY: Timestamp = Timestamp(90 * HOUR_MS);
    const CLOSES: Timestamp = Timestamp(200 * HOUR_MS);
    const STARTS: Timestamp = Timestamp(220 * HOUR_MS);

    fn window() -> RegistrationWindow {
        RegistrationWindow {
            opens_at: OPENS,
            priority_opens_at: Some(EARLY),
            closes_at: CLOSES,
        }
    }

    #[test]
    fn open_from_opening_until_closing() {
        let w = window();
        let table = [
            (
                EARLY.minus_ms(1),
                true,
                Err(WindowRefusal::NotYet { opens_at: EARLY }),
            ),
            (EARLY, true, Ok(())),
            (EARLY, false, Err(WindowRefusal::NotYet { opens_at: OPENS })),
            (
                OPENS.minus_ms(1),
                false,
                Err(WindowRefusal::NotYet { opens_at: OPENS }),
            ),
            (OPENS, false, Ok(())),
            (CLOSES.minus_ms(1), false, Ok(())),
            (
                CLOSES,
                true,
                Err(WindowRefusal::Closed { closed_at: CLOSES }),
            ),
            (
                STARTS,
                false,
                Err(WindowRefusal::Started { starts_at: STARTS }),
            ),
        ];
        for (now, priority, expected) in table {
            assert_eq!(
                w.check(now, STARTS, priority),
                expected,
                "{now:?} {priority}"
            );
        }
    }

    #[test]
    fn a_started_date_refuses_even_if_the_window_is_open() {
        let w = RegistrationWindow {
            closes_at: STARTS.plus_ms(HOUR_MS),
            ..window()
        };
        assert_eq!(
            w.check(STARTS, STARTS, false),
            Err(WindowRefusal::Started { starts_at: STARTS })
        );
        assert_eq!(w.check(STARTS.minus_ms(1), STARTS, false), Ok(()));
    }

    #[test]
    fn a_later_priority_opening_gives_no_disadvantage() {
        let w = RegistrationWindow {
            priority_opens_at: Some(OPENS.plus_ms(HOUR_MS)),
            ..window()
        };
        assert_eq!(w.opens_for(true), OPENS);
        assert_eq!(w.check(OPENS, STARTS, true), Ok(()));
    }

    #[test]
    fn cancelling_after_the_cutoff_is_a_no_show_unless_excused() {
        let cutoff = STARTS.minus_ms(24 * HOUR_MS);
        assert_eq!(cancel_timing(cutoff, STARTS, 24), CancelTiming::InTime);
        assert_eq!(
            cancel_timing(cutoff.plus_ms(1), STARTS, 24),
            CancelTiming::Late
        );
        assert_eq!(
            cancel_timing(STARTS.plus_ms(HOUR_MS), STARTS, 0),
            CancelTiming::Late
        );
        assert!(!counts_as_no_show(CancelTiming::InTime, false));
        assert!(counts_as_no_show(CancelTiming::Late, false));
        assert!(!counts_as_no_show(CancelTiming::Late, true));
    }

    proptest! {
        #[test]
        fn open_exactly_between_opening_and_the_earlier_of_close_and_start(
            now in 0i64..300, opens in 0i64..300, early in prop::option::of(0i64..300),
            closes in 0i64..300, starts in 0i64..300, priority in any::<bool>(),
        ) {
            let w = RegistrationWindow {
                opens_at: Timestamp(opens),
                priority_opens_at: early.map(Timestamp),
                closes_at: Timestamp(closes),
            };
            let open_at = if priority { early.map_or(opens, |e| e.min(opens)) } else { opens };
            let expected = now >= open_at && now < closes && now < starts;
            prop_assert_eq!(w.check(Timestamp(now), Timestamp(starts), priority).is_ok(), expected);
        }
    }
}
