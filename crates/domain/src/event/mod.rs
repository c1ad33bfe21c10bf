//! Events and training (活动报名, 公益培训): the pure rules behind registration.
//!
//! A member registers a party (themselves and their companions, 同行人) for one date of an
//! activity. Seats are scarce and the public watches how they are handed out, so every rule
//! here is deterministic and takes the time as an argument: the services read the clock and
//! the database, these functions decide.
//!
//! - [`quota`]: the date's capacity and its reserved pools (pretix's quota model).
//! - [`companion`]: who may come along, the same person never twice, and age limits.
//! - [`window`]: when registration is open, and when cancelling is still in time.
//! - [`no_show`]: repeated no-shows (爽约) put a member on the waiting list only for a while.
//! - [`waiting`]: which waiting-list entry a freed seat is offered to, and for how long.
//! - [`lottery`]: a draw (摇号) anyone can recompute from the published seed.
//! - [`rating`]: who may rate a date, and when ratings are shown.
//! - [`checkin_code`]: the short code a member shows at check-in (签到).

use i18n::Key;
use serde::{Deserialize, Serialize};

pub mod checkin_code;
pub mod companion;
pub mod lottery;
pub mod no_show;
pub mod quota;
pub mod rating;
pub mod waiting;
pub mod window;

codes! {
    /// How an oversubscribed date hands out its seats.
    AllocationMode {
        /// 先到先得: seats go in order of arrival while registration is open.
        FirstCome = "first_come" => alloc_first_come,
        /// 摇号: applications are collected, then a published draw orders them.
        Lottery = "lottery" => alloc_lottery,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocation_modes_round_trip_through_their_codes() {
        for mode in AllocationMode::ALL {
            assert_eq!(AllocationMode::parse(mode.as_str()), Some(*mode));
        }
        assert_eq!(AllocationMode::FirstCome.as_str(), "first_come");
        assert_eq!(AllocationMode::Lottery.as_str(), "lottery");
        assert_eq!(AllocationMode::parse("draw"), None);
    }
}
