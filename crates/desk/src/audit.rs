//! Writing and reading the audit log.

use crate::{Desk, ServiceError, ServiceResult, Staff};
use domain::{Permission, Timestamp};
use serde::Serialize;
use store::Conn;
use store::audit::{self, Filter, NewEntry};

/// One audit entry as staff see it.
#[derive(Clone, Debug, Serialize)]
pub struct AuditEntryView {
    pub id: i64,
    pub at: Timestamp,
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub ip: Option<String>,
}

impl Desk {
    /// Records a staff change in the caller's transaction, so the entry exists exactly
    /// when the change does.
    #[allow(clippy::too_many_arguments)]
    pub async fn audit(
        &self,
        c: &impl Conn,
        staff: &Staff,
        action: &str,
        entity_type: &str,
        entity_id: impl ToString,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> ServiceResult<()> {
        audit::append(
            c,
            NewEntry {
                tenant: Some(staff.actor.tenant_id),
                actor: Some(staff.actor.user_id),
                actor_name: &staff.actor.display_name,
                action,
                entity_type,
                entity_id: Some(entity_id.to_string()),
                before,
                after,
                ip: staff.ip.as_deref(),
            },
            self.now(),
        )
        .await?;
        Ok(())
    }

    /// The audit log of the staff member's institution, newest first. Only those who may
    /// view it across the whole institution see it.
    pub async fn audit_log(
        &self,
        staff: &Staff,
        filter: Filter,
    ) -> ServiceResult<Vec<AuditEntryView>> {
        let root = store::org::root_unit(self.db(), staff.actor.tenant_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !staff.actor.can(Permission::ViewAudit, &root.unit_path()) {
            return Err(ServiceError::Forbidden);
        }
        let rows = audit::list(self.db(), staff.actor.tenant_id, &filter).await?;
        Ok(rows
            .into_iter()
            .map(|r| AuditEntryView {
                id: r.id,
                at: Timestamp(r.created_at),
                actor: r.actor_name,
                action: r.action,
                entity_type: r.entity_type,
                entity_id: r.entity_id,
                before: r.before_json,
                after: r.after_json,
                ip: r.ip,
            })
            .collect())
    }
}
