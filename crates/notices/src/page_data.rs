//! What the console's notice pages show beyond the workflow: the versions a correction
//! replaced, with what the correction said changed. (The people an author can name in the
//! audience come from `people_to_pick`, like every person picker's.)

use crate::{Notices, ServiceResult, Staff};
use domain::Timestamp;
use serde::Serialize;

/// A version of a notice that a correction replaced.
#[derive(Clone, Debug, Serialize)]
pub struct NoticeVersionView {
    pub version: i64,
    pub title: String,
    pub body: String,
    /// When this version was last written.
    pub written_at: Timestamp,
    /// When the correction replaced it, and what it said changed.
    pub replaced_at: Option<Timestamp>,
    pub change_note: Option<String>,
}

impl Notices {
    /// Earlier versions of a notice, newest first. Whoever sees the notice sees them:
    /// recipients are told what a correction changed.
    pub async fn notice_versions(
        &self,
        staff: &Staff,
        id: i64,
    ) -> ServiceResult<Vec<NoticeVersionView>> {
        self.visible_notice(staff, id).await?;
        let tenant = staff.actor.tenant_id;
        // Versions are numbered from 1 and each correction keeps the one it replaces, so
        // the n-th correction (oldest first) replaced version n.
        let corrections: Vec<store::notices::EventRow> =
            store::notices::events(self.db(), tenant, id)
                .await?
                .into_iter()
                .filter(|e| e.action == "corrected")
                .collect();
        Ok(store::notices::versions(self.db(), tenant, id)
            .await?
            .into_iter()
            .map(|v| {
                let correction = usize::try_from(v.version - 1)
                    .ok()
                    .and_then(|n| corrections.get(n));
                NoticeVersionView {
                    version: v.version,
                    title: v.title,
                    body: v.body,
                    written_at: Timestamp(v.created_at),
                    replaced_at: correction.map(|e| Timestamp(e.created_at)),
                    change_note: correction.and_then(|e| e.comment.clone()).or(v.change_note),
                }
            })
            .collect())
    }
}
