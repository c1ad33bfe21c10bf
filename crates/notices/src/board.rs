//! The bulletin board on the hall screen: notices meant for everyone in the institution's
//! units, read-only and without signing in, so it carries the same message as e-mail and
//! the work group.
//!
//! The screen is public — anyone in the hall, or anyone with its address, sees it — so it
//! shows only what an author chose to put there: a published notice in force now
//! (effective, or without an effective date, and not expired) whose author ticked "show on
//! the hall screen", which is offered only for notices to whole units. A notice to a
//! department, a role or named people never appears, whatever was ticked. Titles,
//! category, priority and text only; never who received or read it.

use super::parse_row;
use crate::{Notices, ServiceResult};
use domain::notice::{NoticeCategory, NoticePriority, NoticeStatus, may_show_on_hall_screen};
use domain::{TenantId, Timestamp};
use serde::Serialize;
use store::notices::NoticeFilter;

/// Notices on the screen at most: more would not be read from across the hall.
pub const BOARD_MAX: usize = 30;
/// Rows read before any whose audience is not whole units is dropped (none should be).
const BOARD_SCAN: u64 = 200;

/// A notice as the hall screen shows it.
#[derive(Clone, Debug, Serialize)]
pub struct BoardNotice {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub category: NoticeCategory,
    pub priority: NoticePriority,
    pub published_at: Option<Timestamp>,
    pub effective_at: Option<Timestamp>,
    pub expires_at: Option<Timestamp>,
    /// Corrected since it was first published.
    pub corrected: bool,
}

impl Notices {
    /// The notices in force now, urgent first, then newest first.
    pub async fn notice_board(&self, tenant: TenantId) -> ServiceResult<Vec<BoardNotice>> {
        let rows = store::notices::list(
            self.db(),
            tenant,
            &NoticeFilter {
                status: Some(NoticeStatus::Published),
                on_hall_screen_at: Some(self.now()),
                limit: Some(BOARD_SCAN),
                ..NoticeFilter::default()
            },
        )
        .await?;
        let mut board = Vec::new();
        for row in rows {
            let parsed = parse_row(&row)?;
            // The form refuses the choice for narrower audiences; this keeps a row written
            // some other way off the public screen all the same.
            if !may_show_on_hall_screen(&parsed.audience) {
                continue;
            }
            board.push(BoardNotice {
                id: row.id,
                title: row.title,
                body: row.body,
                category: parsed.category,
                priority: parsed.priority,
                published_at: row.published_at.map(Timestamp),
                effective_at: row.effective_at.map(Timestamp),
                expires_at: row.expires_at.map(Timestamp),
                corrected: row.correction_count > 0,
            });
        }
        let rank = |p: NoticePriority| NoticePriority::ALL.iter().position(|x| *x == p);
        board.sort_by(|a, b| {
            rank(a.priority)
                .cmp(&rank(b.priority))
                .then(b.published_at.cmp(&a.published_at))
        });
        board.truncate(BOARD_MAX);
        Ok(board)
    }
}
