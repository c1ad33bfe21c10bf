//! How an item stands against its deadlines: the one definition of "due soon" and
//! "overdue" that the row label, the inbox queues and their counts all use.
//!
//! # The rule
//!
//! An open item has up to two **pending deadlines**: the first-response deadline until
//! someone first responds, and the resolution deadline until it is answered (an answered
//! item is no longer open). Its **next deadline** is the earlier pending one.
//!
//! - **Overdue**: the next deadline has passed (it is before now).
//! - **Due soon**: not overdue, and the next deadline falls within the next working day —
//!   at or before [`DueWindow::until`], one working day of working time from now on the
//!   institution's calendar. On Friday 15:00 that is Monday 15:00: an item due on Monday
//!   morning is "due soon" on Friday, because no working time lies between.
//! - An item waiting on the submitter is **paused** (its clock stands still); a closed,
//!   answered or declined item is **done**.
//!
//! The inbox's queues are SQL and say the same over the two deadline columns: overdue when
//! some pending deadline is before `now`; due soon when none is before `now` and some is at
//! or before `until` (the earlier of two pending deadlines is before a bound exactly when
//! one of them is).

use crate::calendar::WorkCalendar;
use crate::feedback::Status;
use crate::time::{DAY_MS, Timestamp};
use i18n::Key;
use serde::Serialize;

/// How an item stands against its deadlines, at a glance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DueState {
    OnTrack,
    /// The next deadline falls within the next working day.
    DueSoon,
    Overdue,
    /// Waiting on the submitter: the clock stands still.
    Paused,
    /// Nothing more is due.
    Done,
}

impl DueState {
    pub fn label(self) -> Key {
        match self {
            DueState::OnTrack => Key::due_on_track,
            DueState::DueSoon => Key::due_soon,
            DueState::Overdue => Key::due_overdue,
            DueState::Paused => Key::due_paused,
            DueState::Done => Key::due_done,
        }
    }
}

/// The time bounds the rule compares the next deadline with, fixed once per request so that
/// every row, queue and count of one page is judged at the same instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DueWindow {
    /// Deadlines before this have passed.
    pub now: Timestamp,
    /// Deadlines at or before this (and not passed) are due soon: one working day ahead.
    pub until: Timestamp,
}

impl DueWindow {
    pub fn at(now: Timestamp, calendar: &WorkCalendar) -> DueWindow {
        DueWindow {
            now,
            until: calendar.add_working(now, DAY_MS),
        }
    }
}

/// What the rule reads of an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ItemDeadlines {
    pub status: Status,
    pub first_responded: bool,
    pub first_response_due: Option<Timestamp>,
    pub resolution_due: Option<Timestamp>,
}

impl ItemDeadlines {
    /// The earlier of the deadlines still pending; `None` when none is.
    pub fn next_pending(&self) -> Option<Timestamp> {
        let first = self.first_response_due.filter(|_| !self.first_responded);
        match (first, self.resolution_due) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    pub fn state(&self, window: &DueWindow) -> DueState {
        if self.status == Status::Waiting {
            return DueState::Paused;
        }
        if !self.status.is_open() {
            return DueState::Done;
        }
        match self.next_pending() {
            Some(next) if next < window.now => DueState::Overdue,
            Some(next) if next <= window.until => DueState::DueSoon,
            _ => DueState::OnTrack,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::HOUR_MS;

    fn at(date: &str, time: &str) -> Timestamp {
        let dt: jiff::civil::DateTime = format!("{date}T{time}").parse().unwrap();
        Timestamp(
            dt.to_zoned(crate::time::china())
                .unwrap()
                .timestamp()
                .as_millisecond(),
        )
    }

    fn item(first: Option<Timestamp>, resolution: Option<Timestamp>) -> ItemDeadlines {
        ItemDeadlines {
            status: Status::Assigned,
            first_responded: false,
            first_response_due: first,
            resolution_due: resolution,
        }
    }

    #[test]
    fn on_friday_afternoon_monday_morning_is_due_soon_and_tuesday_is_not() {
        // 2026-12-04 is a Friday.
        let window = DueWindow::at(at("2026-12-04", "15:00"), &WorkCalendar::china([]));
        assert_eq!(window.until, at("2026-12-07", "15:00"));
        let monday = item(None, Some(at("2026-12-07", "09:00")));
        assert_eq!(monday.state(&window), DueState::DueSoon);
        let tuesday = item(None, Some(at("2026-12-08", "09:00")));
        assert_eq!(tuesday.state(&window), DueState::OnTrack);
    }

    #[test]
    fn the_nearer_pending_deadline_decides_and_a_met_one_no_longer_counts() {
        let now = at("2026-12-01", "10:00");
        let window = DueWindow::at(now, &WorkCalendar::china([]));
        let late_reply = item(
            Some(Timestamp(now.0 - HOUR_MS)),
            Some(at("2026-12-08", "10:00")),
        );
        assert_eq!(late_reply.state(&window), DueState::Overdue);
        let replied = ItemDeadlines {
            first_responded: true,
            ..late_reply
        };
        assert_eq!(replied.state(&window), DueState::OnTrack);
        let waiting = ItemDeadlines {
            status: Status::Waiting,
            ..late_reply
        };
        assert_eq!(waiting.state(&window), DueState::Paused);
        let answered = ItemDeadlines {
            status: Status::Answered,
            ..late_reply
        };
        assert_eq!(answered.state(&window), DueState::Done);
    }

    #[test]
    fn a_deadline_exactly_now_is_due_soon_not_overdue() {
        let now = at("2026-12-01", "10:00");
        let window = DueWindow::at(now, &WorkCalendar::china([]));
        assert_eq!(item(None, Some(now)).state(&window), DueState::DueSoon);
        assert_eq!(
            item(None, Some(window.until)).state(&window),
            DueState::DueSoon
        );
        assert_eq!(
            item(None, Some(Timestamp(window.until.0 + 1))).state(&window),
            DueState::OnTrack
        );
    }
}
