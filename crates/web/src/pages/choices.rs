//! The options of the selects that pick units, departments, roles and staff.

use i18n::Tr;
use services::OrgTree;

/// One `<option>`.
#[derive(Clone, Debug)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// Units in tree order, indented by depth.
pub fn units(tree: &OrgTree) -> Vec<Choice> {
    tree.units
        .iter()
        .map(|u| Choice {
            value: u.id.to_string(),
            label: format!("{}{}", "　".repeat(u.depth), u.name),
        })
        .collect()
}

/// Departments, each named with its unit.
pub fn departments(tree: &OrgTree) -> Vec<Choice> {
    tree.departments()
        .map(|(unit, d)| Choice {
            value: d.id.to_string(),
            label: format!("{} · {}", unit.name, d.name),
        })
        .collect()
}

pub fn roles(t: &Tr) -> Vec<Choice> {
    domain::Role::ALL
        .iter()
        .map(|r| Choice {
            value: r.as_str().to_owned(),
            label: t.get(r.label()).to_owned(),
        })
        .collect()
}

pub fn unit_kinds(t: &Tr) -> Vec<Choice> {
    domain::UnitKind::ALL
        .iter()
        .filter(|k| **k != domain::UnitKind::Centre)
        .map(|k| Choice {
            value: k.as_str().to_owned(),
            label: t.get(k.label()).to_owned(),
        })
        .collect()
}

pub fn department_kinds(t: &Tr) -> Vec<Choice> {
    domain::DepartmentKind::ALL
        .iter()
        .map(|k| Choice {
            value: k.as_str().to_owned(),
            label: t.get(k.label()).to_owned(),
        })
        .collect()
}
