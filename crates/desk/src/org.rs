//! The organisation tree: what it looks like, and changing it.

use crate::{Desk, Institution, ServiceError, ServiceResult, Staff};
use domain::Role;
use domain::validate::Checks;
use domain::{
    DepartmentId, DepartmentKind, Permission, TenantId, UnitId, UnitKind, UnitPath, UserId,
};
use i18n::Key;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use store::Conn;
use store::org::{self, DepartmentRow, UnitRow};
use store::users::{GrantRow, UserRow};

/// A unit with its departments, in tree order.
#[derive(Clone, Debug, Serialize)]
pub struct UnitNode {
    pub id: UnitId,
    pub parent: Option<UnitId>,
    pub kind: UnitKind,
    pub name: String,
    /// 0 for the centre.
    pub depth: usize,
    pub path: String,
    pub departments: Vec<DepartmentView>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DepartmentView {
    pub id: DepartmentId,
    pub kind: DepartmentKind,
    pub name: String,
    pub head: Option<UserId>,
    pub head_name: Option<String>,
}

/// The whole tree of an institution.
#[derive(Clone, Debug, Serialize)]
pub struct OrgTree {
    pub units: Vec<UnitNode>,
}

impl OrgTree {
    pub fn unit(&self, id: UnitId) -> Option<&UnitNode> {
        self.units.iter().find(|u| u.id == id)
    }

    pub fn department(&self, id: DepartmentId) -> Option<(&UnitNode, &DepartmentView)> {
        self.units
            .iter()
            .find_map(|u| u.departments.iter().find(|d| d.id == id).map(|d| (u, d)))
    }

    /// Every department, with the unit it belongs to.
    pub fn departments(&self) -> impl Iterator<Item = (&UnitNode, &DepartmentView)> {
        self.units
            .iter()
            .flat_map(|u| u.departments.iter().map(move |d| (u, d)))
    }
}

/// What a people picker is for, which decides who it offers.
#[derive(Clone, Copy, Debug)]
pub enum PickFor<'a> {
    /// Anyone active, named one by one in a notice's audience.
    NoticeAudience,
    /// Those who may review a notice of this unit (never the author).
    NoticeReviewer(&'a UnitPath),
    /// Those who handle feedback, once for each department they handle it in.
    FeedbackAssignee,
    /// Anyone active, to head a department.
    DepartmentHead,
}

/// A person a picker offers, with where they work: seventeen people are "办公室", but at
/// nine different offices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PickablePerson {
    pub id: UserId,
    pub name: String,
    /// Empty for someone with no role anywhere yet.
    pub unit: String,
    pub department: Option<String>,
    pub department_id: Option<DepartmentId>,
    /// "城关镇文化站 · 办公室 · 冯军"; the username follows when two people would read
    /// the same.
    pub label: String,
    /// The label without the unit, for a list already grouped under the unit's name.
    pub label_in_unit: String,
}

impl Desk {
    /// The people a staff member may pick for `purpose`: the centre's first, then each
    /// station's (with its service points) in the tree's order; within a unit by
    /// department, then name. Every person picker in the console offers these.
    pub async fn people_to_pick(
        &self,
        staff: &Staff,
        purpose: PickFor<'_>,
    ) -> ServiceResult<Vec<PickablePerson>> {
        let permission = match purpose {
            PickFor::NoticeAudience | PickFor::NoticeReviewer(_) => Permission::WriteNotices,
            PickFor::FeedbackAssignee => Permission::ViewFeedback,
            PickFor::DepartmentHead => Permission::ManageOrg,
        };
        if !staff.actor.can_somewhere(permission) {
            return Err(ServiceError::Forbidden);
        }
        let tenant = staff.actor.tenant_id;
        let only: Option<HashSet<UserId>> = match purpose {
            PickFor::NoticeReviewer(unit) => Some(
                self.eligible_reviewers(staff, unit)
                    .await?
                    .into_iter()
                    .map(|(id, _)| id)
                    .collect(),
            ),
            _ => None,
        };
        let tree = self.org_tree(tenant).await?;
        let users: Vec<UserRow> = store::users::list(self.db(), tenant)
            .await?
            .into_iter()
            .filter(|u| u.active && only.as_ref().is_none_or(|o| o.contains(&u.user_id())))
            .collect();
        let grants = store::users::grants_in(self.db(), tenant).await?;
        let places = match purpose {
            PickFor::FeedbackAssignee => Places::EachDepartment(|g: &GrantRow| {
                Role::parse(&g.role)
                    .is_some_and(|r| r.permissions().contains(&Permission::HandleFeedback))
            }),
            _ => Places::Main,
        };
        Ok(labelled(placed(&tree, &users, &grants, places)))
    }

    /// The organisation tree as anyone may see it (names of units and departments).
    pub async fn org_tree(&self, tenant: TenantId) -> ServiceResult<OrgTree> {
        let units = org::units(self.db(), tenant).await?;
        let departments = org::departments(self.db(), tenant).await?;
        // Only the heads are named in the tree: read those few, not every person of the
        // institution (ten thousand at a provincial centre, on every page that shows units).
        let mut names: HashMap<i64, String> = HashMap::new();
        for head in departments.iter().filter_map(|d| d.head_user_id) {
            if names.contains_key(&head) {
                continue;
            }
            if let Some(u) = store::users::find(self.db(), domain::UserId(head)).await? {
                names.insert(u.id, u.display_name);
            }
        }
        Ok(build_tree(units, departments, &names))
    }

    /// The units of the public's institution, for the portal and the feedback form.
    pub async fn public_units(&self, institution: &Institution) -> ServiceResult<Vec<UnitNode>> {
        Ok(self.org_tree(institution.id).await?.units)
    }

    pub async fn add_unit(
        &self,
        staff: &Staff,
        parent: UnitId,
        kind: &str,
        name: &str,
    ) -> ServiceResult<UnitId> {
        let tenant = staff.actor.tenant_id;
        let parent = self.unit_for(staff, Permission::ManageOrg, parent).await?;
        let mut checks = Checks::new();
        let name = checks.text("name", name, 60);
        let allowed = UnitKind::parse(&parent.kind).and_then(UnitKind::allowed_child);
        let kind = checks.present(
            "kind",
            UnitKind::parse(kind).filter(|k| Some(*k) == allowed),
            Key::err_unit_kind,
        );
        let kind = checks.finish_with(kind)?;
        let tx = self.db().begin().await?;
        let unit = org::insert_unit(
            &tx,
            tenant,
            Some(&parent),
            kind.as_str(),
            &name,
            0,
            self.now(),
        )
        .await?;
        let after = serde_json::json!({ "name": name, "kind": kind, "parent": parent.id });
        self.audit(
            &tx,
            staff,
            "unit.created",
            "unit",
            unit.id,
            None,
            Some(after),
        )
        .await?;
        tx.commit().await?;
        self.organisation_changed(staff.actor.tenant_id);
        Ok(unit.unit_id())
    }

    pub async fn rename_unit(&self, staff: &Staff, unit: UnitId, name: &str) -> ServiceResult<()> {
        let row = self.unit_for(staff, Permission::ManageOrg, unit).await?;
        let mut checks = Checks::new();
        let name = checks.text("name", name, 60);
        checks.finish()?;
        let tx = self.db().begin().await?;
        org::rename_unit(&tx, staff.actor.tenant_id, unit, &name).await?;
        let (before, after) = (
            serde_json::json!({ "name": row.name }),
            serde_json::json!({ "name": name }),
        );
        self.audit(
            &tx,
            staff,
            "unit.renamed",
            "unit",
            unit,
            Some(before),
            Some(after),
        )
        .await?;
        tx.commit().await?;
        self.organisation_changed(staff.actor.tenant_id);
        Ok(())
    }

    pub async fn add_department(
        &self,
        staff: &Staff,
        unit: UnitId,
        kind: &str,
        name: &str,
    ) -> ServiceResult<DepartmentId> {
        let row = self.unit_for(staff, Permission::ManageOrg, unit).await?;
        let mut checks = Checks::new();
        let name = checks.text("name", name, 40);
        let kind = checks.present("kind", DepartmentKind::parse(kind), Key::err_choice);
        let kind = checks.finish_with(kind)?;
        let tx = self.db().begin().await?;
        let id = org::insert_department(
            &tx,
            staff.actor.tenant_id,
            row.unit_id(),
            kind.as_str(),
            &name,
            self.now(),
        )
        .await?;
        let after = serde_json::json!({ "name": name, "kind": kind, "unit": row.id });
        self.audit(
            &tx,
            staff,
            "department.created",
            "department",
            id,
            None,
            Some(after),
        )
        .await?;
        tx.commit().await?;
        self.organisation_changed(staff.actor.tenant_id);
        Ok(id)
    }

    /// Names the head of a department: the first one told when its work falls behind.
    pub async fn set_department_head(
        &self,
        staff: &Staff,
        department: DepartmentId,
        head: Option<UserId>,
    ) -> ServiceResult<()> {
        let tenant = staff.actor.tenant_id;
        let dept = org::find_department(self.db(), tenant, department)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.unit_for(staff, Permission::ManageOrg, UnitId(dept.unit_id))
            .await?;
        if let Some(head) = head {
            let user = store::users::find(self.db(), head).await?;
            if !user.is_some_and(|u| u.tenant_id == tenant.0 && u.active) {
                return Err(ServiceError::invalid("head", Key::err_choice));
            }
        }
        let tx = self.db().begin().await?;
        org::set_department_head(&tx, tenant, department, head).await?;
        let before = serde_json::json!({ "head": dept.head_user_id });
        let after = serde_json::json!({ "head": head });
        self.audit(
            &tx,
            staff,
            "department.head_set",
            "department",
            department,
            Some(before),
            Some(after),
        )
        .await?;
        tx.commit().await?;
        self.organisation_changed(staff.actor.tenant_id);
        Ok(())
    }

    /// The unit, if it is the staff member's institution's and they may do `permission` there.
    pub async fn unit_for(
        &self,
        staff: &Staff,
        permission: Permission,
        unit: UnitId,
    ) -> ServiceResult<UnitRow> {
        let row = org::find_unit(self.db(), staff.actor.tenant_id, unit)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !staff.actor.can(permission, &row.unit_path()) {
            return Err(ServiceError::Forbidden);
        }
        Ok(row)
    }
}

/// Orders units depth-first, siblings by their sort order and then by when they were made.
fn build_tree(
    units: Vec<UnitRow>,
    departments: Vec<DepartmentRow>,
    names: &HashMap<i64, String>,
) -> OrgTree {
    let mut children: HashMap<Option<i64>, Vec<&UnitRow>> = HashMap::new();
    for u in &units {
        children.entry(u.parent_id).or_default().push(u);
    }
    for list in children.values_mut() {
        list.sort_by_key(|u| (u.sort_order, u.id));
    }
    let mut by_unit: HashMap<i64, Vec<DepartmentView>> = HashMap::new();
    for d in departments {
        by_unit.entry(d.unit_id).or_default().push(DepartmentView {
            id: d.department_id(),
            kind: DepartmentKind::parse(&d.kind).unwrap_or(DepartmentKind::Other),
            head_name: d.head_user_id.and_then(|h| names.get(&h).cloned()),
            head: d.head_user_id.map(UserId),
            name: d.name,
        });
    }
    let mut out = Vec::with_capacity(units.len());
    let mut stack: Vec<(&UnitRow, usize)> = children
        .get(&None)
        .map(|roots| roots.iter().rev().map(|u| (*u, 0)).collect())
        .unwrap_or_default();
    while let Some((unit, depth)) = stack.pop() {
        out.push(UnitNode {
            id: unit.unit_id(),
            parent: unit.parent_id.map(UnitId),
            kind: UnitKind::parse(&unit.kind).unwrap_or(UnitKind::ServicePoint),
            name: unit.name.clone(),
            depth,
            path: unit.path.clone(),
            departments: by_unit.remove(&unit.id).unwrap_or_default(),
        });
        if let Some(kids) = children.get(&Some(unit.id)) {
            stack.extend(kids.iter().rev().map(|k| (*k, depth + 1)));
        }
    }
    OrgTree { units: out }
}

/// Where a person is shown: once at their main place, or once in each department where a
/// grant of theirs passes the test (a feedback handler in two departments is offered twice).
enum Places {
    Main,
    EachDepartment(fn(&GrantRow) -> bool),
}

/// A person at a place, before labelling; the key sorts them in the tree's order.
struct Placed {
    key: (usize, usize, String, i64),
    username: String,
    person: PickablePerson,
}

fn placed(tree: &OrgTree, users: &[UserRow], grants: &[GrantRow], places: Places) -> Vec<Placed> {
    let unit_order: HashMap<UnitId, usize> = tree
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id, i))
        .collect();
    let at = |user: &UserRow, grant: Option<&GrantRow>| {
        let department = grant
            .and_then(|g| g.department_id)
            .and_then(|d| tree.department(DepartmentId(d)));
        let unit = department
            .map(|(u, _)| u)
            .or_else(|| grant.and_then(|g| tree.unit(UnitId(g.unit_id))));
        let department_order = department
            .and_then(|(u, d)| u.departments.iter().position(|x| x.id == d.id))
            .map_or(0, |i| i + 1);
        Placed {
            key: (
                unit.and_then(|u| unit_order.get(&u.id).copied())
                    .unwrap_or(usize::MAX),
                department_order,
                user.display_name.clone(),
                user.id,
            ),
            username: user.username.clone(),
            person: PickablePerson {
                id: user.user_id(),
                name: user.display_name.clone(),
                unit: unit.map(|u| u.name.clone()).unwrap_or_default(),
                department: department.map(|(_, d)| d.name.clone()),
                department_id: department.map(|(_, d)| d.id),
                label: String::new(),
                label_in_unit: String::new(),
            },
        }
    };
    let mut out = Vec::new();
    for user in users {
        let mine: Vec<&GrantRow> = grants.iter().filter(|g| g.user_id == user.id).collect();
        match places {
            // Their first department, else the unit of their first role.
            Places::Main => {
                let main = mine
                    .iter()
                    .find(|g| g.department_id.is_some())
                    .or_else(|| mine.first());
                out.push(at(user, main.copied()));
            }
            Places::EachDepartment(keep) => {
                let mut seen = HashSet::new();
                for g in mine.iter().filter(|g| keep(g)) {
                    if g.department_id.is_some_and(|d| seen.insert(d)) {
                        out.push(at(user, Some(g)));
                    }
                }
            }
        }
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}

/// Labels each person "unit · department · name"; where two different people would read
/// the same, their usernames tell them apart.
fn labelled(placed: Vec<Placed>) -> Vec<PickablePerson> {
    let in_unit = |p: &PickablePerson| match &p.department {
        Some(d) => format!("{d} · {}", p.name),
        None => p.name.clone(),
    };
    let full = |p: &PickablePerson| {
        let short = in_unit(p);
        if p.unit.is_empty() {
            short
        } else {
            format!("{} · {short}", p.unit)
        }
    };
    let mut ids_by_label: HashMap<String, HashSet<UserId>> = HashMap::new();
    for p in &placed {
        ids_by_label
            .entry(full(&p.person))
            .or_default()
            .insert(p.person.id);
    }
    placed
        .into_iter()
        .map(
            |Placed {
                 username, person, ..
             }| {
                let label = full(&person);
                let suffix = if ids_by_label.get(&label).is_some_and(|ids| ids.len() > 1) {
                    format!("（{username}）")
                } else {
                    String::new()
                };
                PickablePerson {
                    label: format!("{label}{suffix}"),
                    label_in_unit: format!("{}{suffix}", in_unit(&person)),
                    ..person
                }
            },
        )
        .collect()
}

/// The organisation directory: an institution's active staff with their roles and the
/// heads of its departments, read once per sweep, so that who is told about a reminder or an
/// escalation (of any capability) is looked up here, not in the database.
pub struct Directory {
    users: HashMap<i64, store::users::UserRow>,
    grants: Vec<store::users::GrantRow>,
    heads: HashMap<i64, i64>,
}

impl Directory {
    pub async fn load(c: &impl Conn, tenant: TenantId) -> ServiceResult<Directory> {
        let users = store::users::list(c, tenant)
            .await?
            .into_iter()
            .filter(|u| u.active)
            .map(|u| (u.id, u))
            .collect();
        let grants = store::users::grants_in(c, tenant).await?;
        let heads = store::org::departments(c, tenant)
            .await?
            .into_iter()
            .filter_map(|d| Some((d.id, d.head_user_id?)))
            .collect();
        Ok(Directory {
            users,
            grants,
            heads,
        })
    }

    /// The head of `department`, else the office directors over `unit_path`.
    pub fn head_of(&self, department: Option<i64>, unit_path: &str) -> Vec<&store::users::UserRow> {
        match department
            .and_then(|d| self.heads.get(&d))
            .and_then(|u| self.users.get(u))
        {
            Some(head) => vec![head],
            None => self.with_role_over(Role::OfficeDirector, unit_path),
        }
    }

    /// An active staff member.
    pub fn user(&self, id: i64) -> Option<&store::users::UserRow> {
        self.users.get(&id)
    }

    /// Active staff holding `role` over the unit at `unit_path`.
    pub fn with_role_over(&self, role: Role, unit_path: &str) -> Vec<&store::users::UserRow> {
        let path = UnitPath::from_stored(unit_path.to_owned());
        let mut ids: Vec<i64> = self
            .grants
            .iter()
            .filter(|g| {
                g.role == role.as_str()
                    && path.is_within(&UnitPath::from_stored(g.unit_path.clone()))
            })
            .map(|g| g.user_id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.iter().filter_map(|id| self.users.get(id)).collect()
    }
}

impl Desk {
    /// Who may review a notice at `unit` (never the author): holders of the review
    /// permission over it, and heads of departments there. Sorted by name.
    ///
    /// A department head's grant is scoped to the unit of their department, yet reaches only
    /// that department's work: it makes them a reviewer for notices of their own unit (and
    /// of units above it), never for a station below. A station's clerk picks among the
    /// station's own heads and the office over it, not any head of the centre.
    pub async fn eligible_reviewers(
        &self,
        staff: &Staff,
        unit: &UnitPath,
    ) -> ServiceResult<Vec<(UserId, String)>> {
        let tenant = staff.actor.tenant_id;
        let users = store::users::list(self.db(), tenant).await?;
        let grants = store::users::grants_in(self.db(), tenant).await?;
        let mut out: Vec<(UserId, String)> = users
            .into_iter()
            .filter(|u| u.active && u.id != staff.actor.user_id.0)
            .filter(|u| {
                grants.iter().any(|g| {
                    g.user_id == u.id
                        && g.grant().is_some_and(|g| {
                            g.role.permissions().contains(&Permission::ReviewNotices)
                                && (g.scope.is_within(unit)
                                    || (g.department.is_none() && unit.is_within(&g.scope)))
                        })
                })
            })
            .map(|u| (UserId(u.id), u.display_name))
            .collect();
        out.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(id: i64, username: &str, name: &str, unit: &str, department: &str) -> Placed {
        Placed {
            key: (0, 0, name.to_owned(), id),
            username: username.to_owned(),
            person: PickablePerson {
                id: UserId(id),
                name: name.to_owned(),
                unit: unit.to_owned(),
                department: Some(department.to_owned()).filter(|d| !d.is_empty()),
                department_id: None,
                label: String::new(),
                label_in_unit: String::new(),
            },
        }
    }

    #[test]
    fn two_people_who_would_read_the_same_are_told_apart_by_username() {
        let people = labelled(vec![
            at(1, "wang.fang", "王芳", "城关镇文化站", "办公室"),
            at(2, "wang.fang2", "王芳", "城关镇文化站", "办公室"),
            at(3, "feng.jun", "冯军", "城关镇文化站", "办公室"),
            at(4, "feng.jun.by", "冯军", "白云镇文化站", "办公室"),
            at(5, "new.one", "新人", "", ""),
        ]);
        let labels: Vec<(&str, &str)> = people
            .iter()
            .map(|p| (p.label.as_str(), p.label_in_unit.as_str()))
            .collect();
        assert_eq!(
            labels,
            [
                (
                    "城关镇文化站 · 办公室 · 王芳（wang.fang）",
                    "办公室 · 王芳（wang.fang）"
                ),
                (
                    "城关镇文化站 · 办公室 · 王芳（wang.fang2）",
                    "办公室 · 王芳（wang.fang2）"
                ),
                ("城关镇文化站 · 办公室 · 冯军", "办公室 · 冯军"),
                ("白云镇文化站 · 办公室 · 冯军", "办公室 · 冯军"),
                ("新人", "新人"),
            ]
        );
    }

    #[test]
    fn one_person_twice_in_the_same_place_needs_no_username() {
        let people = labelled(vec![
            at(1, "wang.fang", "王芳", "城关镇文化站", "办公室"),
            at(1, "wang.fang", "王芳", "城关镇文化站", "办公室"),
        ]);
        assert!(
            people
                .iter()
                .all(|p| p.label == "城关镇文化站 · 办公室 · 王芳")
        );
    }
}
