//! The options of the selects that pick units, departments, roles and staff.

use i18n::Tr;
use services::{OrgTree, PickablePerson};

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

/// One unit's people in a people picker (`people_picker` in macros.html): an `<optgroup>`
/// of a select, or a `<fieldset>` of checkboxes.
#[derive(Clone, Debug)]
pub struct PeopleGroup {
    pub unit: String,
    pub people: Vec<PersonChoice>,
}

#[derive(Clone, Debug)]
pub struct PersonChoice {
    pub value: String,
    /// "城关镇文化站 · 办公室 · 冯军", for an option.
    pub label: String,
    /// "办公室 · 冯军", for a checkbox under its unit's legend.
    pub label_in_unit: String,
    pub picked: bool,
}

/// The people, as the services sorted them, grouped by unit; `picked` are the values
/// already chosen.
pub fn people<'a>(
    t: &Tr,
    people: impl IntoIterator<Item = &'a PickablePerson>,
    picked: &[&str],
) -> Vec<PeopleGroup> {
    let mut groups: Vec<PeopleGroup> = Vec::new();
    for p in people {
        let unit = if p.unit.is_empty() {
            t.people_no_unit().to_owned()
        } else {
            p.unit.clone()
        };
        let value = p.id.0.to_string();
        let choice = PersonChoice {
            picked: picked.contains(&value.as_str()),
            value,
            label: p.label.clone(),
            label_in_unit: p.label_in_unit.clone(),
        };
        match groups.last_mut() {
            Some(g) if g.unit == unit => g.people.push(choice),
            _ => groups.push(PeopleGroup {
                unit,
                people: vec![choice],
            }),
        }
    }
    groups
}
