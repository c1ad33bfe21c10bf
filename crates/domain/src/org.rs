//! The organisation tree: centre → stations → service points, each with departments.

use i18n::Key;
use serde::{Deserialize, Serialize};

/// What a unit of the organisation tree is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// 文化馆 / 图书馆 / 博物馆: the root of an institution.
    Centre,
    /// 乡镇文化站 / 分馆.
    Station,
    /// 村文化大院, 农家书屋, 社区文化室.
    ServicePoint,
}

impl UnitKind {
    pub const ALL: [UnitKind; 3] = [UnitKind::Centre, UnitKind::Station, UnitKind::ServicePoint];

    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Centre => "centre",
            UnitKind::Station => "station",
            UnitKind::ServicePoint => "service_point",
        }
    }

    pub fn parse(s: &str) -> Option<UnitKind> {
        UnitKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> Key {
        match self {
            UnitKind::Centre => Key::unit_kind_centre,
            UnitKind::Station => Key::unit_kind_station,
            UnitKind::ServicePoint => Key::unit_kind_service_point,
        }
    }

    /// What may hang under a unit of this kind.
    pub fn allowed_child(self) -> Option<UnitKind> {
        match self {
            UnitKind::Centre => Some(UnitKind::Station),
            UnitKind::Station => Some(UnitKind::ServicePoint),
            UnitKind::ServicePoint => None,
        }
    }
}

/// What a department does; the office (办公室) is where triage and escalation end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DepartmentKind {
    Office,
    Activity,
    Training,
    Heritage,
    Information,
    Other,
}

impl DepartmentKind {
    pub const ALL: [DepartmentKind; 6] = [
        DepartmentKind::Office,
        DepartmentKind::Activity,
        DepartmentKind::Training,
        DepartmentKind::Heritage,
        DepartmentKind::Information,
        DepartmentKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DepartmentKind::Office => "office",
            DepartmentKind::Activity => "activity",
            DepartmentKind::Training => "training",
            DepartmentKind::Heritage => "heritage",
            DepartmentKind::Information => "information",
            DepartmentKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<DepartmentKind> {
        DepartmentKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> Key {
        match self {
            DepartmentKind::Office => Key::dept_kind_office,
            DepartmentKind::Activity => Key::dept_kind_activity,
            DepartmentKind::Training => Key::dept_kind_training,
            DepartmentKind::Heritage => Key::dept_kind_heritage,
            DepartmentKind::Information => Key::dept_kind_information,
            DepartmentKind::Other => Key::dept_kind_other,
        }
    }
}

/// A unit's place in the tree as a materialised path of ids, `/1/4/9/`.
///
/// Subtree questions ("is this station under that centre?", "every item in this
/// station's subtree") become prefix tests, which both engines index well.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnitPath(String);

impl UnitPath {
    pub fn root(id: crate::UnitId) -> UnitPath {
        UnitPath(format!("/{}/", id.0))
    }

    pub fn child(&self, id: crate::UnitId) -> UnitPath {
        UnitPath(format!("{}{}/", self.0, id.0))
    }

    /// Wraps a stored path; stored paths are written only by [`UnitPath::root`] and [`UnitPath::child`].
    pub fn from_stored(path: String) -> UnitPath {
        UnitPath(path)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when `self` is `ancestor` or lies below it.
    pub fn is_within(&self, ancestor: &UnitPath) -> bool {
        self.0.starts_with(&ancestor.0)
    }

    /// Number of units from the root: the centre is 1.
    pub fn depth(&self) -> usize {
        self.0.matches('/').count().saturating_sub(1)
    }

    /// The ids on the path from the root down to this unit.
    pub fn ids(&self) -> Vec<crate::UnitId> {
        self.0
            .split('/')
            .filter_map(|s| s.parse().ok())
            .map(crate::UnitId)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::UnitId;

    #[test]
    fn subtree_is_a_prefix_and_not_a_sibling_with_a_longer_id() {
        let centre = UnitPath::root(UnitId(1));
        let station = centre.child(UnitId(4));
        let other = centre.child(UnitId(41));
        let point = station.child(UnitId(9));
        assert!(point.is_within(&station) && point.is_within(&centre));
        assert!(!other.is_within(&station), "/1/41/ is not under /1/4/");
        assert!(!centre.is_within(&station));
        assert_eq!(point.depth(), 3);
        assert_eq!(point.ids(), vec![UnitId(1), UnitId(4), UnitId(9)]);
    }
}
