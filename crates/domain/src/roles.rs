//! Roles, what they permit, and where.
//!
//! A [`Grant`] gives a role over a subtree of the organisation (and, for department
//! roles, one department). Every action is checked on the server against the acting
//! staff member's grants with [`Actor::can`]; lists are filtered with [`Actor::scopes`].

use crate::{DepartmentId, TenantId, UnitPath, UserId};
use i18n::Key;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    SystemAdmin,
    /// 办公室主任: top of escalation.
    OfficeDirector,
    /// 文员: intake, distribution, records.
    OfficeClerk,
    /// 部门负责人: first step of escalation.
    DepartmentHead,
    DepartmentStaff,
    /// 宣传员 / 通讯员.
    PublicityLiaison,
    /// 第三方评估: read-only.
    Evaluator,
}

/// Something a staff member may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    ManageUsers,
    ManageOrg,
    ManageSettings,
    ViewAudit,
    /// See feedback and its figures (masked unless also [`Permission::SeeContactDetails`]).
    ViewFeedback,
    /// Accept, route and close feedback in the scope.
    TriageFeedback,
    /// Work on feedback assigned to one's department.
    HandleFeedback,
    ModerateFeedback,
    SeeContactDetails,
    ViewStatistics,
    WriteArticles,
    /// Draft internal notices.
    WriteNotices,
    /// Approve, send back or reject other people's notices.
    ReviewNotices,
    /// The office's view of notices: every notice's receipts, the monthly spot-check, the
    /// staff suggestion box, the group robots.
    ManageNotices,
    /// Publish a long-term notice later than its lead time allows, with a reason.
    OverrideNoticeLead,
    /// Draft activities of one's units, see their registrations and check people in.
    WriteEvents,
    /// The office's part in events: publish, change and cancel activities, excuse
    /// no-shows, lift a no-show block, mark members for priority registration.
    PublishEvents,
}

use Permission as P;

impl Role {
    pub const ALL: [Role; 7] = [
        Role::SystemAdmin,
        Role::OfficeDirector,
        Role::OfficeClerk,
        Role::DepartmentHead,
        Role::DepartmentStaff,
        Role::PublicityLiaison,
        Role::Evaluator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::SystemAdmin => "system_admin",
            Role::OfficeDirector => "office_director",
            Role::OfficeClerk => "office_clerk",
            Role::DepartmentHead => "department_head",
            Role::DepartmentStaff => "department_staff",
            Role::PublicityLiaison => "publicity_liaison",
            Role::Evaluator => "evaluator",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label(self) -> Key {
        match self {
            Role::SystemAdmin => Key::role_system_admin,
            Role::OfficeDirector => Key::role_office_director,
            Role::OfficeClerk => Key::role_office_clerk,
            Role::DepartmentHead => Key::role_department_head,
            Role::DepartmentStaff => Key::role_department_staff,
            Role::PublicityLiaison => Key::role_publicity_liaison,
            Role::Evaluator => Key::role_evaluator,
        }
    }

    /// Department roles act on one department's work; the rest on a whole subtree.
    pub fn needs_department(self) -> bool {
        matches!(
            self,
            Role::DepartmentHead | Role::DepartmentStaff | Role::PublicityLiaison
        )
    }

    pub fn permissions(self) -> &'static [Permission] {
        match self {
            Role::SystemAdmin => &[
                P::ManageUsers,
                P::ManageOrg,
                P::ManageSettings,
                P::ViewAudit,
                P::ViewFeedback,
                P::TriageFeedback,
                P::ModerateFeedback,
                P::SeeContactDetails,
                P::ViewStatistics,
                P::ManageNotices,
            ],
            Role::OfficeDirector => &[
                P::WriteEvents,
                P::PublishEvents,
                P::ViewAudit,
                P::ViewFeedback,
                P::TriageFeedback,
                P::HandleFeedback,
                P::ModerateFeedback,
                P::SeeContactDetails,
                P::ViewStatistics,
                P::WriteArticles,
                P::WriteNotices,
                P::ReviewNotices,
                P::ManageNotices,
                P::OverrideNoticeLead,
            ],
            Role::OfficeClerk => &[
                P::WriteEvents,
                P::PublishEvents,
                P::ViewFeedback,
                P::TriageFeedback,
                P::HandleFeedback,
                P::ModerateFeedback,
                P::SeeContactDetails,
                P::ViewStatistics,
                P::WriteNotices,
                P::ManageNotices,
            ],
            Role::DepartmentHead => &[
                P::WriteEvents,
                P::ViewFeedback,
                P::HandleFeedback,
                P::SeeContactDetails,
                P::ViewStatistics,
                P::WriteArticles,
                P::WriteNotices,
                P::ReviewNotices,
            ],
            Role::DepartmentStaff => &[
                P::WriteEvents,
                P::ViewFeedback,
                P::HandleFeedback,
                P::SeeContactDetails,
                P::WriteNotices,
            ],
            Role::PublicityLiaison => &[P::WriteArticles],
            Role::Evaluator => &[P::ViewFeedback, P::ViewStatistics],
        }
    }
}

/// One role held over one subtree (and, for department roles, one department).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    pub scope: UnitPath,
    pub department: Option<DepartmentId>,
}

/// A signed-in staff member, with everything needed to decide what they may do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user_id: UserId,
    pub tenant_id: TenantId,
    pub display_name: String,
    pub grants: Vec<Grant>,
    /// May create and administer other institutions in this deployment.
    pub platform_admin: bool,
}

/// Which parts of the console a staff member may open: the menu, the settings tabs, the
/// notice lists' buttons. Decided here, once, from the roles; the pages only render it,
/// and every action is still checked on its own row by the capability that does it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ConsolePowers {
    pub users: bool,
    pub org: bool,
    pub audit: bool,
    /// The inbox, search and themes.
    pub feedback: bool,
    /// Entering paper and phone feedback, and importing sheets of it.
    pub enter_feedback: bool,
    /// The feedback settings an administrator keeps.
    pub feedback_settings: bool,
    /// The answer templates: the centre's office director keeps them with the administrator.
    pub answer_templates: bool,
    /// The group robots: the office, over the units it looks after.
    pub robots: bool,
    pub write_notices: bool,
    pub review_notices: bool,
    /// Publishing a long-term notice without its lead time, with a reason.
    pub override_notice_lead: bool,
    /// The office's view of every notice of its units.
    pub notices_office: bool,
    /// The activities of one's units: drafting, registrations, check-in.
    pub events: bool,
    /// Publishing activities, excusing no-shows and lifting blocks.
    pub publish_events: bool,
}

impl ConsolePowers {
    pub fn of(actor: &Actor) -> ConsolePowers {
        let can = |p| actor.can_somewhere(p);
        let centre_director = actor.grants.iter().any(|g| {
            g.role == Role::OfficeDirector && g.department.is_none() && g.scope.depth() == 1
        });
        ConsolePowers {
            users: can(P::ManageUsers),
            org: can(P::ManageOrg),
            audit: can(P::ViewAudit),
            feedback: can(P::ViewFeedback),
            enter_feedback: can(P::TriageFeedback),
            feedback_settings: can(P::ManageSettings),
            answer_templates: can(P::ManageSettings) || centre_director,
            robots: can(P::ManageNotices),
            write_notices: can(P::WriteNotices),
            review_notices: can(P::ReviewNotices),
            override_notice_lead: can(P::OverrideNoticeLead),
            notices_office: can(P::ManageNotices),
            events: can(P::WriteEvents),
            publish_events: can(P::PublishEvents),
        }
    }

    /// The settings entry of the menu: someone who keeps some setting. (A clerk's import
    /// tab is reached from the inbox, not the menu.)
    pub fn settings(&self) -> bool {
        self.feedback_settings || self.answer_templates || self.robots
    }
}

impl Actor {
    /// May this actor do `permission` anywhere in the unit whose path is `at`? A department
    /// role does not count: it reaches only its department's work (see [`Actor::departments`]).
    pub fn can(&self, permission: Permission, at: &UnitPath) -> bool {
        self.grants.iter().any(|g| {
            g.department.is_none()
                && g.role.permissions().contains(&permission)
                && at.is_within(&g.scope)
        })
    }

    /// May this actor do `permission` anywhere at all?
    pub fn can_somewhere(&self, permission: Permission) -> bool {
        self.grants
            .iter()
            .any(|g| g.role.permissions().contains(&permission))
    }

    /// The subtrees where `permission` holds for the whole subtree (not only for one department).
    pub fn scopes(&self, permission: Permission) -> Vec<&UnitPath> {
        self.grants
            .iter()
            .filter(|g| g.department.is_none() && g.role.permissions().contains(&permission))
            .map(|g| &g.scope)
            .collect()
    }

    /// The departments where `permission` holds through a department role.
    pub fn departments(&self, permission: Permission) -> Vec<DepartmentId> {
        self.grants
            .iter()
            .filter(|g| g.role.permissions().contains(&permission))
            .filter_map(|g| g.department)
            .collect()
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::UnitId;

    fn actor(grants: Vec<Grant>) -> Actor {
        Actor {
            user_id: UserId(1),
            tenant_id: TenantId(1),
            display_name: "张三".into(),
            grants,
            platform_admin: false,
        }
    }

    #[test]
    fn a_station_clerk_cannot_triage_at_a_sibling_station() {
        let centre = UnitPath::root(UnitId(1));
        let east = centre.child(UnitId(2));
        let west = centre.child(UnitId(3));
        let clerk = actor(vec![Grant {
            role: Role::OfficeClerk,
            scope: east.clone(),
            department: None,
        }]);
        assert!(clerk.can(Permission::TriageFeedback, &east.child(UnitId(7))));
        assert!(!clerk.can(Permission::TriageFeedback, &west));
        assert!(!clerk.can(Permission::TriageFeedback, &centre));
        assert!(!clerk.can(Permission::ManageUsers, &east));
    }

    #[test]
    fn evaluators_only_read() {
        let centre = UnitPath::root(UnitId(1));
        let evaluator = actor(vec![Grant {
            role: Role::Evaluator,
            scope: centre.clone(),
            department: None,
        }]);
        assert!(evaluator.can(Permission::ViewStatistics, &centre));
        for p in [
            Permission::TriageFeedback,
            Permission::HandleFeedback,
            Permission::SeeContactDetails,
            Permission::ManageOrg,
        ] {
            assert!(!evaluator.can(p, &centre), "{p:?}");
        }
    }

    #[test]
    fn department_roles_give_departments_not_scopes() {
        let centre = UnitPath::root(UnitId(1));
        let staff = actor(vec![Grant {
            role: Role::DepartmentStaff,
            scope: centre,
            department: Some(DepartmentId(5)),
        }]);
        assert!(staff.scopes(Permission::HandleFeedback).is_empty());
        assert!(
            !staff.can(Permission::ViewFeedback, &UnitPath::root(UnitId(1))),
            "not the whole unit"
        );
        assert_eq!(
            staff.departments(Permission::HandleFeedback),
            vec![DepartmentId(5)]
        );
    }
}
