//! What the console's notice pages show beyond the workflow: the versions a correction
//! replaced, with what the correction said changed, and the people an author can name in
//! the audience.

use crate::{ServiceError, ServiceResult, Services, Staff};
use domain::{Permission, Timestamp, UserId};
use serde::Serialize;
use std::collections::HashMap;

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

/// A staff member an author can name in a notice's audience.
#[derive(Clone, Debug, Serialize)]
pub struct AudiencePerson {
    pub id: UserId,
    pub name: String,
    /// Their department, or else the unit of their first role: to tell two 王芳 apart.
    pub place: Option<String>,
}

impl Services {
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

    /// The institution's active staff, by name, for an author choosing recipients.
    pub async fn notice_audience_people(
        &self,
        staff: &Staff,
    ) -> ServiceResult<Vec<AudiencePerson>> {
        if !staff.actor.can_somewhere(Permission::WriteNotices) {
            return Err(ServiceError::Forbidden);
        }
        let tenant = staff.actor.tenant_id;
        let departments: HashMap<i64, String> = store::org::departments(self.db(), tenant)
            .await?
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect();
        let grants = store::users::grants_in(self.db(), tenant).await?;
        let mut people: Vec<AudiencePerson> = store::users::list(self.db(), tenant)
            .await?
            .into_iter()
            .filter(|u| u.active)
            .map(|u| {
                let mine = || grants.iter().filter(|g| g.user_id == u.id);
                let place = mine()
                    .find_map(|g| g.department_id.and_then(|d| departments.get(&d).cloned()))
                    .or_else(|| mine().next().map(|g| g.unit_name.clone()));
                AudiencePerson {
                    id: UserId(u.id),
                    name: u.display_name,
                    place,
                }
            })
            .collect();
        people.sort_by(|a, b| (&a.place, &a.name).cmp(&(&b.place, &b.name)));
        Ok(people)
    }
}
