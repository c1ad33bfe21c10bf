//! Who a notice is for, in words and names, for the people who decide about it: its author,
//! its reviewer and the office. A reviewer approves what they can see: "城关镇文化站 ·
//! 办公室", not "4 recipients".
//!
//! Before publishing the audience is resolved as it stands today (who would get it if it
//! went out now); once published, the people are those it was frozen to.

use super::{may_see_audience, parse_row};
use crate::{Notices, ServiceError, ServiceResult, Staff};
use domain::notice::AudienceRule;
use domain::{Role, TenantId, UserId};
use serde::Serialize;
use std::collections::HashMap;

/// One group the author chose, named.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AudienceGroup {
    /// Everyone at a unit and the units below it.
    Unit {
        unit: String,
    },
    Department {
        unit: String,
        department: String,
    },
    /// Everyone holding the role in the notice's unit and below it.
    Role {
        unit: String,
        role: Role,
    },
    Person {
        name: String,
        place: Option<String>,
    },
    /// A unit, department or person removed since the notice was written.
    Gone,
}

/// A person the notice reaches, with where they work ("青山县文化馆 · 活动部").
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AudienceMember {
    pub id: UserId,
    pub name: String,
    pub place: Option<String>,
}

/// A notice's audience: the groups as chosen, and the people they come to.
#[derive(Clone, Debug, Serialize)]
pub struct NoticeAudience {
    pub groups: Vec<AudienceGroup>,
    /// In the order of the groups' places, then names.
    pub people: Vec<AudienceMember>,
    /// The people are those it was published to (not today's resolution).
    pub frozen: bool,
}

impl Notices {
    /// Who a notice is for. Only its author, its reviewer and the office may ask; anyone
    /// else who sees the notice (a recipient) gets `Forbidden`.
    pub async fn notice_audience(&self, staff: &Staff, id: i64) -> ServiceResult<NoticeAudience> {
        let row = self.visible_notice(staff, id).await?;
        let parsed = parse_row(&row)?;
        if !may_see_audience(staff, &row, parsed.status) {
            return Err(ServiceError::Forbidden);
        }
        let tenant = staff.actor.tenant_id;
        let places = Places::load(self, tenant).await?;
        let frozen = row.published_at.is_some();
        let ids: Vec<i64> = if frozen {
            store::notices::recipients(
                self.db(),
                tenant,
                id,
                None,
                store::notices::RecipientFilter::All,
            )
            .await?
            .into_iter()
            .map(|r| r.user_id)
            .collect()
        } else {
            self.resolve_audience(tenant, &row, &parsed.audience)
                .await?
                .into_iter()
                .map(|r| r.user)
                .collect()
        };
        let notice_unit = places.unit_name(row.unit_id);
        let groups = parsed
            .audience
            .iter()
            .map(|rule| places.group(rule, &notice_unit))
            .collect();
        let mut people: Vec<AudienceMember> = ids
            .into_iter()
            .filter_map(|user| {
                Some(AudienceMember {
                    id: UserId(user),
                    name: places.names.get(&user)?.clone(),
                    place: places.of_person(user),
                })
            })
            .collect();
        people.sort_by(|a, b| (&a.place, &a.name).cmp(&(&b.place, &b.name)));
        Ok(NoticeAudience {
            groups,
            people,
            frozen,
        })
    }
}

/// The institution's names, read once per page.
struct Places {
    units: HashMap<i64, String>,
    /// Department id → (its unit's name, its name).
    departments: HashMap<i64, (String, String)>,
    names: HashMap<i64, String>,
    grants: Vec<store::users::GrantRow>,
}

impl Places {
    async fn load(services: &Notices, tenant: TenantId) -> ServiceResult<Places> {
        let db = services.db();
        let units: HashMap<i64, String> = store::org::units(db, tenant)
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect();
        let departments = store::org::departments(db, tenant)
            .await?
            .into_iter()
            .map(|d| {
                let unit = units.get(&d.unit_id).cloned().unwrap_or_default();
                (d.id, (unit, d.name))
            })
            .collect();
        let names = store::users::list(db, tenant)
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect();
        Ok(Places {
            units,
            departments,
            names,
            grants: store::users::grants_in(db, tenant).await?,
        })
    }

    fn unit_name(&self, unit: i64) -> String {
        self.units.get(&unit).cloned().unwrap_or_default()
    }

    fn group(&self, rule: &AudienceRule, notice_unit: &str) -> AudienceGroup {
        match rule {
            AudienceRule::Unit { unit } => match self.units.get(&unit.0) {
                Some(name) => AudienceGroup::Unit { unit: name.clone() },
                None => AudienceGroup::Gone,
            },
            AudienceRule::Department { department } => match self.departments.get(&department.0) {
                Some((unit, name)) => AudienceGroup::Department {
                    unit: unit.clone(),
                    department: name.clone(),
                },
                None => AudienceGroup::Gone,
            },
            AudienceRule::Role { role } => AudienceGroup::Role {
                unit: notice_unit.to_owned(),
                role: *role,
            },
            AudienceRule::Person { user } => match self.names.get(&user.0) {
                Some(name) => AudienceGroup::Person {
                    name: name.clone(),
                    place: self.of_person(user.0),
                },
                None => AudienceGroup::Gone,
            },
        }
    }

    /// "unit · department" of the person's first department grant, else the unit of their
    /// first grant: enough to tell two 王芳 apart.
    fn of_person(&self, user: i64) -> Option<String> {
        let mine = || self.grants.iter().filter(|g| g.user_id == user);
        mine()
            .find_map(|g| {
                let (unit, department) = self.departments.get(&g.department_id?)?;
                Some(format!("{unit} · {department}"))
            })
            .or_else(|| mine().next().map(|g| g.unit_name.clone()))
    }
}
