//! Tracking numbers (`QS-2026-000123`) and the secret links submitters follow.
//!
//! Numbers come from a counter per institution and year, reserved in blocks: a node takes
//! the next [`BLOCK`] numbers in one short statement and hands them out from memory, so
//! concurrent submissions never queue on one counter row (the way `MAX(number)+1` schemes
//! fail under load). Numbers are unique; a restarted node leaves the rest of its block
//! unused, so there can be gaps.

use crate::rate_limit::Limit;
use crate::{Feedback, Institution, MemberSession, ServiceResult, secrets};
use domain::TenantId;
use domain::time::DAY_MS;
use i18n::{Key, Lang, Tr};
use notify::Channel;
use std::collections::HashMap;
use text::pii::mask_mobile;
use tokio::sync::Mutex;

const BLOCK: i64 = 32;

#[derive(Default)]
pub(crate) struct TrackingNumbers(Mutex<HashMap<(TenantId, i16), (i64, i64)>>);

impl Feedback {
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
        let mac = secrets::mac(&self.keys().codes, &format!("track:{tenant}:{tracking_no}"));
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

/// A high ceiling only: a station's Wi-Fi or a carrier's NAT puts many people behind one
/// address, and the limits per number above are what stop a flood of texts.
/// Texts of all of a member's tracking links: a few a day is plenty for someone who lost
/// theirs, and keeps a signed-in session from running up the institution's bill.
const LINKS_PER_NUMBER_DAY: Limit = Limit {
    name: "links-number-day",
    max: 2,
    window_ms: DAY_MS,
};
/// The newest items whose links one text carries; the rest are on the member's page.
const LINKS_PER_TEXT: usize = 5;

impl Feedback {
    /// Texts the signed-in member the links of their newest items again (someone who lost
    /// theirs, or never kept them). The links are the items' own, derived from their
    /// numbers, so the old ones keep working. Gives the masked number texted, or `None`
    /// when there was nothing to send; refused past [`LINKS_PER_NUMBER_DAY`].
    pub async fn resend_tracking_links(
        &self,
        institution: &Institution,
        member: &MemberSession,
        lang: Lang,
    ) -> ServiceResult<Option<String>> {
        let items = store::feedback::by_member(self.db(), member.tenant, member.member).await?;
        if items.is_empty() {
            return Ok(None);
        }
        self.spend(
            LINKS_PER_NUMBER_DAY,
            &format!("{}:{}", member.tenant, member.mobile),
        )
        .await?;
        let links: Vec<String> = items
            .iter()
            .take(LINKS_PER_TEXT)
            .map(|row| {
                let link = self.tracking_link(member.tenant, &row.tracking_no);
                format!("{} {link}", row.tracking_no)
            })
            .collect();
        let text = Tr::new(lang).fill(
            Key::recover_sms,
            &[
                ("institution", &institution.name),
                ("links", &links.join("；")),
            ],
        );
        let tx = self.db().begin().await?;
        self.queue_message(
            &tx,
            Some(member.tenant),
            Channel::Sms,
            &member.mobile,
            None,
            &text,
        )
        .await?;
        tx.commit().await?;
        self.wake_worker();
        Ok(Some(mask_mobile(&member.mobile)))
    }
}
