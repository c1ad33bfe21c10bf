//! The console's badge as a live stream keeps it: re-read from the database each time,
//! and only while the session lasts.

use crate::{Notices, ServiceResult, Staff};

impl Notices {
    /// The badge for a live stream: the pending count, or `None` once the session has ended
    /// (signed out, expired, account deactivated). The session is looked at without being
    /// extended, so a console tab left open does not keep its sign-in alive.
    pub async fn notice_badge(&self, staff: &Staff) -> ServiceResult<Option<i64>> {
        if store::sessions::find_live(self.db(), &staff.session, self.now())
            .await?
            .is_none()
        {
            return Ok(None);
        }
        Ok(Some(self.pending_notice_count(staff).await?))
    }
}
