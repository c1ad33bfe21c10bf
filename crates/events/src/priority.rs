//! Priority registration (优先报名): the office marks members whose record earns it (a
//! volunteer, a long-standing participant; later the points issue's rewards), who may then
//! register from the activity's priority opening. The reason is kept and audited.

use crate::{Events, ServiceError, ServiceResult, Staff};
use domain::{Checks, Permission};
use i18n::Key;

impl Events {
    /// Marks the member with `mobile` for priority registration with `reason`, or takes
    /// the mark away when `reason` is `None`. The office of the institution's centre only.
    pub async fn mark_priority(
        &self,
        staff: &Staff,
        mobile: &str,
        reason: Option<&str>,
    ) -> ServiceResult<()> {
        let tenant = staff.actor.tenant_id;
        let root = store::org::root_unit(self.db(), tenant)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !staff
            .actor
            .can(Permission::PublishEvents, &root.unit_path())
        {
            return Err(ServiceError::Forbidden);
        }
        let mut checks = Checks::new();
        let mobile = checks.mobile("mobile", mobile);
        let reason = reason.map(|r| checks.text("reason", r, crate::activities::PLACE_MAX));
        checks.finish()?;
        let Some(mobile) = mobile else {
            return Err(ServiceError::invalid("mobile", Key::err_mobile));
        };
        let tx = self.db().begin().await?;
        let member = store::members::upsert_by_mobile(&tx, tenant, &mobile, self.now()).await?;
        store::events::set_priority(&tx, tenant, member.0, reason.as_deref()).await?;
        self.audit(
            &tx,
            staff,
            "member.event_priority",
            "member",
            member.0,
            None,
            Some(serde_json::json!({ "reason": reason })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
