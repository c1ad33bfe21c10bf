//! The priority score: which open items to work on first, by a formula anyone can check.
//!
//! Each part is points = weight × a count, so the item page can show every part and the
//! institution can change the weights. Counts are capped so that no single part (a
//! campaign of supporters, a very old item) drowns the others.

use crate::feedback::FeedbackKind;
use serde::{Deserialize, Serialize};

/// Points per unit of each part. Whole numbers, so clerks can reason about them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PriorityWeights {
    /// Per supporter (people who said "me too").
    pub support: i64,
    /// Per other open item in the same theme.
    pub theme: i64,
    /// Once, for an item flagged urgent.
    pub urgent: i64,
    /// Once, for a complaint.
    pub complaint: i64,
    /// Once, for a request.
    pub request: i64,
    /// Per day the item has been open.
    pub age_day: i64,
    /// Once, for an item past a deadline.
    pub overdue: i64,
}

impl Default for PriorityWeights {
    fn default() -> Self {
        PriorityWeights {
            support: 2,
            theme: 1,
            urgent: 30,
            complaint: 10,
            request: 5,
            age_day: 1,
            overdue: 20,
        }
    }
}

/// Caps on the counts: supporters, theme size, days.
const MAX_SUPPORT: i64 = 25;
const MAX_THEME: i64 = 25;
const MAX_DAYS: i64 = 30;

/// What the score is computed from.
#[derive(Clone, Copy, Debug)]
pub struct PriorityInput {
    pub supporters: i64,
    /// Other open items in its theme.
    pub theme_others: i64,
    pub urgent: bool,
    pub kind: FeedbackKind,
    pub days_open: i64,
    pub overdue: bool,
}

/// One part of the score, for showing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PriorityPart {
    /// `support`, `theme`, `urgent`, `kind`, `age`, `overdue`.
    pub part: &'static str,
    /// The count it multiplies (capped), 1 for yes/no parts.
    pub count: i64,
    pub points: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PriorityScore {
    pub total: i64,
    /// The parts that gave points, largest first.
    pub parts: Vec<PriorityPart>,
}

pub fn priority_score(input: PriorityInput, w: &PriorityWeights) -> PriorityScore {
    let kind_points = match input.kind {
        FeedbackKind::Complaint => w.complaint,
        FeedbackKind::Request => w.request,
        _ => 0,
    };
    let mut parts = vec![
        part("support", input.supporters.clamp(0, MAX_SUPPORT), w.support),
        part("theme", input.theme_others.clamp(0, MAX_THEME), w.theme),
        part("urgent", i64::from(input.urgent), w.urgent),
        part("kind", i64::from(kind_points != 0), kind_points),
        part("age", input.days_open.clamp(0, MAX_DAYS), w.age_day),
        part("overdue", i64::from(input.overdue), w.overdue),
    ];
    parts.retain(|p| p.points != 0);
    parts.sort_by_key(|p| std::cmp::Reverse(p.points));
    PriorityScore {
        total: parts.iter().map(|p| p.points).sum(),
        parts,
    }
}

fn part(part: &'static str, count: i64, weight: i64) -> PriorityPart {
    PriorityPart {
        part,
        count,
        points: count * weight,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> PriorityInput {
        PriorityInput {
            supporters: 0,
            theme_others: 0,
            urgent: false,
            kind: FeedbackKind::Suggestion,
            days_open: 0,
            overdue: false,
        }
    }

    #[test]
    fn every_part_counts_and_the_total_is_their_sum() {
        let w = PriorityWeights::default();
        let s = priority_score(
            PriorityInput {
                supporters: 3,
                theme_others: 4,
                urgent: true,
                kind: FeedbackKind::Complaint,
                days_open: 2,
                overdue: true,
            },
            &w,
        );
        assert_eq!(s.total, 3 * 2 + 4 + 30 + 10 + 2 + 20);
        assert_eq!(s.parts[0].part, "urgent");
        assert_eq!(s.parts.len(), 6);
    }

    #[test]
    fn a_quiet_new_suggestion_scores_nothing() {
        let s = priority_score(input(), &PriorityWeights::default());
        assert_eq!(s.total, 0);
        assert!(s.parts.is_empty());
    }

    #[test]
    fn a_flood_of_supporters_is_capped() {
        let w = PriorityWeights::default();
        let many = priority_score(
            PriorityInput {
                supporters: 10_000,
                ..input()
            },
            &w,
        );
        assert_eq!(many.total, MAX_SUPPORT * w.support);
    }

    #[test]
    fn weights_change_the_order() {
        let w = PriorityWeights {
            urgent: 0,
            support: 10,
            ..Default::default()
        };
        let urgent = priority_score(
            PriorityInput {
                urgent: true,
                ..input()
            },
            &w,
        );
        let popular = priority_score(
            PriorityInput {
                supporters: 2,
                ..input()
            },
            &w,
        );
        assert!(popular.total > urgent.total);
    }
}
