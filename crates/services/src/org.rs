//! The organisation tree: what it looks like, and changing it.

use crate::{Institution, ServiceError, ServiceResult, Services, Staff};
use domain::validate::Checks;
use domain::{DepartmentId, DepartmentKind, Permission, TenantId, UnitId, UnitKind, UserId};
use i18n::Key;
use serde::Serialize;
use std::collections::HashMap;
use store::org::{self, DepartmentRow, UnitRow};

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

impl Services {
    /// The organisation tree as anyone may see it (names of units and departments).
    pub async fn org_tree(&self, tenant: TenantId) -> ServiceResult<OrgTree> {
        let units = org::units(self.db(), tenant).await?;
        let departments = org::departments(self.db(), tenant).await?;
        let names: HashMap<i64, String> = store::users::list(self.db(), tenant)
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect();
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
        self.0.setups.forget(staff.actor.tenant_id);
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
        self.0.setups.forget(staff.actor.tenant_id);
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
        self.0.setups.forget(staff.actor.tenant_id);
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
        self.0.setups.forget(staff.actor.tenant_id);
        Ok(())
    }

    /// The unit, if it is the staff member's institution's and they may do `permission` there.
    pub(crate) async fn unit_for(
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
