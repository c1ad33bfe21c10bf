//! Tracking numbers (`QS-2026-000123`) and the secret links submitters follow.
//!
//! Numbers come from a counter per institution and year, reserved in blocks: a node takes
//! the next [`BLOCK`] numbers in one short statement and hands them out from memory, so
//! concurrent submissions never queue on one counter row (the way `MAX(number)+1` schemes
//! fail under load). Numbers are unique; a restarted node leaves the rest of its block
//! unused, so there can be gaps.

use crate::{ServiceResult, Services, secrets};
use domain::TenantId;
use std::collections::HashMap;
use tokio::sync::Mutex;

const BLOCK: i64 = 32;

#[derive(Default)]
pub(crate) struct TrackingNumbers(Mutex<HashMap<(TenantId, i16), (i64, i64)>>);

impl Services {
    /// The next tracking number of the institution for `year`.
    pub(crate) async fn next_tracking_number(
        &self,
        tenant: TenantId,
        code: &str,
        year: i16,
    ) -> ServiceResult<String> {
        let mut blocks = self.0.tracking.0.lock().await;
        let slot = blocks.entry((tenant, year)).or_insert((1, 0));
        if slot.0 > slot.1 {
            let last = store::feedback_setup::reserve(
                self.db(),
                tenant,
                &format!("tracking:{year}"),
                BLOCK,
            )
            .await?;
            *slot = (last - BLOCK + 1, last);
        }
        let number = slot.0;
        slot.0 += 1;
        Ok(domain::feedback::tracking_number(code, year, number))
    }

    /// The secret part of an item's tracking link. Derived, not stored: the same item always
    /// gets the same link (so later texts can repeat it), and nobody can make one up.
    pub fn tracking_secret(&self, tenant: TenantId, tracking_no: &str) -> String {
        let mac = secrets::mac(&self.0.keys.codes, &format!("track:{tenant}:{tracking_no}"));
        mac[..24].to_owned()
    }

    /// The path of the page where the submitter follows the item.
    pub fn tracking_path(&self, tenant: TenantId, tracking_no: &str) -> String {
        format!(
            "/t/{tracking_no}/{}",
            self.tracking_secret(tenant, tracking_no)
        )
    }

    pub(crate) fn tracking_link(&self, tenant: TenantId, tracking_no: &str) -> String {
        format!(
            "{}{}",
            self.settings().public_url.trim_end_matches('/'),
            self.tracking_path(tenant, tracking_no)
        )
    }

    pub(crate) fn tracking_secret_matches(
        &self,
        tenant: TenantId,
        tracking_no: &str,
        given: &str,
    ) -> bool {
        secrets::same(&self.tracking_secret(tenant, tracking_no), given)
    }
}
