//! Ratings of a date (评价): from people who were there, shown only when they say something.
//!
//! Only a member checked in at a date may rate it, after it ended and for
//! [`RATING_WINDOW_DAYS`] after: a rating is about what happened, while it is remembered.
//! A low rating with a comment, or a comment its author marked as a suggestion, becomes a
//! feedback item (反馈), so it is answered and tracked like any other; praise stays a
//! rating. A date's average is public only from [`PUBLIC_FROM`] ratings up: below that a
//! single person's verdict would be on show, and so, in a village class, would the person.

use crate::Timestamp;
use crate::time::DAY_MS;
use crate::validate::{Checks, FieldError};
use i18n::Key;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How long after the end a date may be rated.
pub const RATING_WINDOW_DAYS: u32 = 14;
/// The longest comment, in characters.
pub const MAX_COMMENT: usize = 500;
/// The fewest ratings shown publicly as a summary.
pub const PUBLIC_FROM: usize = 5;
/// Ratings at or below this, with a comment, become feedback.
pub const LOW_STARS: u8 = 2;

/// Why a member may not rate a date (now).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RatingRefusal {
    #[error("only people checked in at the date may rate it")]
    NotCheckedIn,
    #[error("the date has not ended yet; it ends at {ends_at:?}")]
    NotEnded { ends_at: Timestamp },
    #[error("ratings closed at {closed_at:?}")]
    Closed { closed_at: Timestamp },
}

/// Whether a member may rate a date ending at `ends_at`, at `now`: checked in, and from
/// the end until `window_days` after it (inclusive).
pub fn may_rate(
    checked_in: bool,
    ends_at: Timestamp,
    now: Timestamp,
    window_days: u32,
) -> Result<(), RatingRefusal> {
    if !checked_in {
        return Err(RatingRefusal::NotCheckedIn);
    }
    if now < ends_at {
        return Err(RatingRefusal::NotEnded { ends_at });
    }
    let closed_at = ends_at.plus_ms(i64::from(window_days) * DAY_MS);
    if now > closed_at {
        return Err(RatingRefusal::Closed { closed_at });
    }
    Ok(())
}

/// A checked rating.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    /// 1 to 5.
    pub stars: u8,
    pub comment: Option<String>,
    /// The member marked the comment as a suggestion (建议).
    pub suggestion: bool,
}

impl Rating {
    /// Whether the comment goes on as a feedback item.
    pub fn becomes_feedback(&self) -> bool {
        self.comment.is_some() && (self.stars <= LOW_STARS || self.suggestion)
    }
}

/// Checks a rating form: `stars` from 1 to 5, `comment` at most [`MAX_COMMENT`] characters
/// (blank is none).
pub fn check_rating(
    stars: i64,
    comment: Option<&str>,
    suggestion: bool,
    checks: &mut Checks,
) -> Rating {
    let valid = u8::try_from(stars).ok().filter(|s| (1..=5).contains(s));
    if valid.is_none() {
        checks.push(
            FieldError::new("stars", Key::err_range)
                .with("min", 1)
                .with("max", 5),
        );
    }
    Rating {
        stars: valid.unwrap_or(0),
        comment: checks.optional_text("comment", comment, MAX_COMMENT),
        suggestion,
    }
}

/// What the public sees of a date's ratings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingSummary {
    pub count: u32,
    /// The average in tenths, rounded half up: 43 is 4.3.
    pub average_tenths: u32,
}

impl fmt::Display for RatingSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{}",
            self.average_tenths / 10,
            self.average_tenths % 10
        )
    }
}

/// The public summary of these ratings' stars, or `None` below [`PUBLIC_FROM`].
pub fn public_summary(stars: &[u8]) -> Option<RatingSummary> {
    if stars.len() < PUBLIC_FROM {
        return None;
    }
    let count = u64::try_from(stars.len()).ok()?;
    let sum: u64 = stars.iter().map(|&s| u64::from(s)).sum();
    let average_tenths = (sum * 20 + count) / (count * 2);
    Some(RatingSummary {
        count: u32::try_from(count).ok()?,
        average_tenths: u32::try_from(average_tenths).ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::Invalid;
    use proptest::prelude::*;

    const END: Timestamp = Timestamp(100 * DAY_MS);

    #[test]
    fn only_those_checked_in_rate_after_the_end_for_two_weeks() {
        let closes = END.plus_ms(14 * DAY_MS);
        let table = [
            (
                true,
                END.minus_ms(1),
                Err(RatingRefusal::NotEnded { ends_at: END }),
            ),
            (true, END, Ok(())),
            (true, closes, Ok(())),
            (
                true,
                closes.plus_ms(1),
                Err(RatingRefusal::Closed { closed_at: closes }),
            ),
            (false, END, Err(RatingRefusal::NotCheckedIn)),
        ];
        for (checked_in, now, expected) in table {
            assert_eq!(
                may_rate(checked_in, END, now, RATING_WINDOW_DAYS),
                expected,
                "{now:?}"
            );
        }
    }

    fn check(stars: i64, comment: Option<&str>) -> (Rating, Vec<(String, Key)>) {
        let mut checks = Checks::new();
        let rating = check_rating(stars, comment, false, &mut checks);
        let errors = match checks.finish() {
            Ok(()) => Vec::new(),
            Err(Invalid(e)) => e.into_iter().map(|e| (e.field, e.key)).collect(),
        };
        (rating, errors)
    }

    #[test]
    fn stars_from_one_to_five_and_a_comment_up_to_500() {
        for stars in 1..=5 {
            assert_eq!(check(stars, None).1, vec![]);
        }
        for stars in [0, 6, -1, 300] {
            assert_eq!(check(stars, None).1, vec![("stars".into(), Key::err_range)]);
        }
        assert_eq!(check(3, Some(&"好".repeat(500))).1, vec![]);
        assert_eq!(
            check(3, Some(&"好".repeat(501))).1,
            vec![("comment".into(), Key::err_too_long)]
        );
        assert_eq!(check(3, Some("   ")).0.comment, None);
        assert_eq!(check(3, Some(" 很好 ")).0.comment.as_deref(), Some("很好"));
    }

    #[test]
    fn low_ratings_and_suggestions_with_a_comment_become_feedback() {
        let r = |stars, comment: Option<&str>, suggestion| Rating {
            stars,
            comment: comment.map(str::to_owned),
            suggestion,
        };
        assert!(r(1, Some("太吵"), false).becomes_feedback());
        assert!(r(2, Some("太吵"), false).becomes_feedback());
        assert!(!r(3, Some("还行"), false).becomes_feedback());
        assert!(r(5, Some("希望多开一期"), true).becomes_feedback());
        assert!(!r(1, None, false).becomes_feedback());
        assert!(!r(5, None, true).becomes_feedback());
    }

    #[test]
    fn the_summary_is_public_from_five_ratings() {
        assert_eq!(public_summary(&[5, 5, 5, 5]), None);
        let s = public_summary(&[5, 4, 4, 4, 5]).unwrap();
        assert_eq!(
            (s.count, s.average_tenths, s.to_string().as_str()),
            (5, 44, "4.4")
        );
        // 4.25 rounds up to 4.3; 4.2 stays.
        let s = public_summary(&[5, 5, 4, 4, 4, 4, 4, 4]).unwrap();
        assert_eq!(s.to_string(), "4.3");
        assert_eq!(public_summary(&[5, 4, 4, 4, 4]).unwrap().to_string(), "4.2");
        assert_eq!(public_summary(&[1; 5]).unwrap().to_string(), "1.0");
        assert_eq!(public_summary(&[5; 7]).unwrap().to_string(), "5.0");
    }

    proptest! {
        #[test]
        fn the_average_is_the_mean_rounded_to_a_tenth(stars in prop::collection::vec(1u8..=5, 5..200)) {
            let s = public_summary(&stars).unwrap();
            let mean = stars.iter().map(|&x| f64::from(x)).sum::<f64>() / stars.len() as f64;
            prop_assert!((f64::from(s.average_tenths) / 10.0 - mean).abs() <= 0.05 + 1e-9);
            prop_assert!((10..=50).contains(&s.average_tenths));
        }
    }
}
