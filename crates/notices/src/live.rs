//! Telling live console sessions that their notices changed.
//!
//! On the node that published, a broadcast reaches every open event stream at once. Other
//! nodes' streams do not hear it; they re-read their badge from the database on a short
//! period ([`RECHECK`]), so a notice published anywhere reaches every session within it.
//! Correctness never depends on the broadcast: the badge is always read from the database.

use domain::TenantId;
use std::time::Duration;
use tokio::sync::broadcast;

/// How often a stream re-reads its badge even without a broadcast (other nodes' notices).
pub const RECHECK: Duration = Duration::from_secs(15);

/// Something changed about a notice of an institution: published, corrected, retracted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoticeChanged {
    pub tenant: TenantId,
    pub notice: i64,
}

/// The node's broadcast of notice changes. Cheap to clone.
#[derive(Clone)]
pub struct LiveNotices(broadcast::Sender<NoticeChanged>);

impl Default for LiveNotices {
    fn default() -> Self {
        // A slow stream that misses messages re-reads its badge anyway.
        LiveNotices(broadcast::channel(256).0)
    }
}

impl LiveNotices {
    pub fn subscribe(&self) -> broadcast::Receiver<NoticeChanged> {
        self.0.subscribe()
    }

    /// Tells every stream on this node; nobody listening is fine.
    pub fn published(&self, tenant: TenantId, notice: i64) {
        let _ = self.0.send(NoticeChanged { tenant, notice });
    }

    /// How many streams are listening on this node.
    pub fn listeners(&self) -> usize {
        self.0.receiver_count()
    }
}
