//! Staff accounts and their roles, as administrators manage them.

use crate::secrets::{self, password};
use crate::{Desk, ServiceError, ServiceResult, Staff};
use domain::validate::Checks;
use domain::{DepartmentId, FieldError, Permission, Role, UnitId, UserId};
use i18n::Key;
use serde::Serialize;
use store::{Conn, org, sessions, users};

/// What an administrator fills in to add a staff member, as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewStaff {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub role: String,
    pub unit: String,
    pub department: Option<String>,
}

/// A staff member as the console lists them.
#[derive(Clone, Debug, Serialize)]
pub struct StaffMember {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub active: bool,
    pub must_change_password: bool,
    pub grants: Vec<GrantView>,
}

#[derive(Clone, Debug, Serialize)]
pub struct GrantView {
    pub id: i64,
    pub role: Role,
    pub unit: UnitId,
    pub unit_name: String,
    pub department: Option<DepartmentId>,
    pub unit_path: String,
}

impl Desk {
    /// Staff the administrator may manage: those whose every role lies inside their scope,
    /// and those with none.
    pub async fn staff_list(&self, staff: &Staff) -> ServiceResult<Vec<StaffMember>> {
        if !staff.actor.can_somewhere(Permission::ManageUsers) {
            return Err(ServiceError::Forbidden);
        }
        let tenant = staff.actor.tenant_id;
        let grants = users::grants_in(self.db(), tenant).await?;
        let members = users::list(self.db(), tenant)
            .await?
            .into_iter()
            .map(|u| staff_member(u, &grants))
            .filter(|m| self.manages(staff, m))
            .collect();
        Ok(members)
    }

    pub async fn staff_member(&self, staff: &Staff, id: UserId) -> ServiceResult<StaffMember> {
        if !staff.actor.can_somewhere(Permission::ManageUsers) {
            return Err(ServiceError::Forbidden);
        }
        let user = users::find(self.db(), id)
            .await?
            .filter(|u| u.tenant_id == staff.actor.tenant_id.0)
            .ok_or(ServiceError::NotFound)?;
        let grants = users::grants_of(self.db(), id).await?;
        let member = staff_member(user, &grants);
        if !self.manages(staff, &member) {
            return Err(ServiceError::Forbidden);
        }
        Ok(member)
    }

    /// An administrator manages a person only when every role the person holds lies inside
    /// the administrator's subtree (someone with no role at all too). One role inside is
    /// not enough: a station's administrator could otherwise reset the password of the
    /// office director, who also holds a role at that station, and sign in with the
    /// director's county-wide role. Whoever holds a wider role is managed by an
    /// administrator who covers it.
    fn manages(&self, staff: &Staff, member: &StaffMember) -> bool {
        member.grants.iter().all(|g| {
            let path = domain::UnitPath::from_stored(g.unit_path.clone());
            staff.actor.can(Permission::ManageUsers, &path)
        })
    }

    /// Adds a staff member with one role; gives their id and one-time password, which is
    /// shown once and must be changed at first sign-in.
    pub async fn create_staff(
        &self,
        staff: &Staff,
        new: NewStaff,
    ) -> ServiceResult<(UserId, String)> {
        let mut checks = Checks::new();
        let username = new.username.trim().to_lowercase();
        if !valid_username(&username) {
            checks.push(FieldError::new("username", Key::err_username_format));
        }
        let display_name = checks.text("display_name", &new.display_name, 40);
        let email = new
            .email
            .as_deref()
            .filter(|e| !e.trim().is_empty())
            .and_then(|e| checks.email("email", e));
        let mobile = new
            .mobile
            .as_deref()
            .filter(|m| !m.trim().is_empty())
            .and_then(|m| checks.mobile("mobile", m));
        let grant = self
            .checked_grant(
                staff,
                &new.role,
                &new.unit,
                new.department.as_deref(),
                &mut checks,
            )
            .await?;
        let (role, unit, department) = checks.finish_with(grant)?;

        let one_time = secrets::one_time_password();
        let hash = password::hash(one_time.clone()).await?;
        let now = self.now();
        let tenant = staff.actor.tenant_id;
        let tx = self.db().begin().await?;
        let created = users::insert(
            &tx,
            users::NewUser {
                tenant,
                username: &username,
                display_name: &display_name,
                email: email.as_deref(),
                mobile: mobile.as_deref(),
                password_hash: &hash,
                must_change_password: true,
                platform_admin: false,
            },
            now,
        )
        .await;
        let id = match created {
            Ok(id) => id,
            Err(e) if e.is_duplicate() => {
                return Err(ServiceError::invalid("username", Key::err_username_taken));
            }
            Err(e) => return Err(e.into()),
        };
        users::insert_grant(&tx, tenant, id, role, unit, department, now).await?;
        let after = serde_json::json!({
            "username": username, "display_name": display_name, "email": email, "mobile": mobile,
            "role": role, "unit": unit, "department": department,
        });
        self.audit(&tx, staff, "user.created", "user", id, None, Some(after))
            .await?;
        tx.commit().await?;
        Ok((id, one_time))
    }

    pub async fn add_grant(
        &self,
        staff: &Staff,
        user: UserId,
        role: &str,
        unit: &str,
        department: Option<&str>,
    ) -> ServiceResult<()> {
        let target = self.staff_member(staff, user).await?;
        let mut checks = Checks::new();
        let grant = self
            .checked_grant(staff, role, unit, department, &mut checks)
            .await?;
        let (role, unit, department) = checks.finish_with(grant)?;
        let tx = self.db().begin().await?;
        let id = users::insert_grant(
            &tx,
            staff.actor.tenant_id,
            target.id,
            role,
            unit,
            department,
            self.now(),
        )
        .await?;
        let after = serde_json::json!({ "grant": id, "role": role, "unit": unit, "department": department });
        self.audit(
            &tx,
            staff,
            "user.role_granted",
            "user",
            target.id,
            None,
            Some(after),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn remove_grant(&self, staff: &Staff, grant_id: i64) -> ServiceResult<()> {
        let tenant = staff.actor.tenant_id;
        let grant = users::find_grant(self.db(), tenant, grant_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        // The person, not only this role, must be the administrator's to manage: revoking a
        // station role of someone who also holds a wider one is for whoever covers it.
        self.staff_member(staff, UserId(grant.user_id)).await?;
        let tx = self.db().begin().await?;
        users::delete_grant(&tx, tenant, grant_id).await?;
        self.keep_an_admin(&tx, staff).await?;
        let before = serde_json::json!({ "grant": grant.id, "role": grant.role, "unit": grant.unit_id, "department": grant.department_id });
        self.audit(
            &tx,
            staff,
            "user.role_revoked",
            "user",
            grant.user_id,
            Some(before),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deactivating signs the person out everywhere and keeps their history.
    pub async fn set_staff_active(
        &self,
        staff: &Staff,
        user: UserId,
        active: bool,
    ) -> ServiceResult<()> {
        let target = self.staff_member(staff, user).await?;
        let tx = self.db().begin().await?;
        users::set_active(&tx, staff.actor.tenant_id, user, active, self.now()).await?;
        if !active {
            sessions::delete_for_user(&tx, user, None).await?;
            self.keep_an_admin(&tx, staff).await?;
        }
        let (before, after) = (
            serde_json::json!({ "active": target.active }),
            serde_json::json!({ "active": active }),
        );
        self.audit(
            &tx,
            staff,
            "user.active_set",
            "user",
            user,
            Some(before),
            Some(after),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A new one-time password for someone who forgot theirs; their sessions end.
    pub async fn reset_staff_password(&self, staff: &Staff, user: UserId) -> ServiceResult<String> {
        let target = self.staff_member(staff, user).await?;
        let one_time = secrets::one_time_password();
        let hash = password::hash(one_time.clone()).await?;
        let tx = self.db().begin().await?;
        users::set_password(&tx, target.id, &hash, true, self.now()).await?;
        sessions::delete_for_user(&tx, target.id, None).await?;
        self.audit(
            &tx,
            staff,
            "user.password_reset",
            "user",
            target.id,
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(one_time)
    }

    /// Refuses a change that would leave the institution without an active system administrator.
    async fn keep_an_admin(&self, c: &impl Conn, staff: &Staff) -> ServiceResult<()> {
        if users::count_active_with_role(c, staff.actor.tenant_id, Role::SystemAdmin).await? == 0 {
            return Err(ServiceError::refused(Key::err_last_admin));
        }
        Ok(())
    }

    /// Parses and checks a role over a unit (and department), as the acting administrator may grant it.
    async fn checked_grant(
        &self,
        staff: &Staff,
        role: &str,
        unit: &str,
        department: Option<&str>,
        checks: &mut Checks,
    ) -> ServiceResult<Option<(Role, UnitId, Option<DepartmentId>)>> {
        let tenant = staff.actor.tenant_id;
        let role = checks.present("role", Role::parse(role), Key::err_choice);
        let unit_row = match unit.trim().parse::<UnitId>() {
            Ok(id) => org::find_unit(self.db(), tenant, id).await?,
            Err(_) => None,
        };
        let Some(unit_row) = checks.present("unit", unit_row, Key::err_choice) else {
            return Ok(None);
        };
        if !staff
            .actor
            .can(Permission::ManageUsers, &unit_row.unit_path())
        {
            checks.push(FieldError::new("unit", Key::err_scope));
            return Ok(None);
        }
        let Some(role) = role else { return Ok(None) };
        if !role.needs_department() {
            return Ok(Some((role, unit_row.unit_id(), None)));
        }
        let department = match department.map(str::trim).filter(|d| !d.is_empty()) {
            None => {
                checks.push(FieldError::new("department", Key::err_department_needed));
                return Ok(None);
            }
            Some(d) => match d.parse::<DepartmentId>() {
                Ok(id) => org::find_department(self.db(), tenant, id).await?,
                Err(_) => None,
            },
        };
        // A department role acts where its department is.
        match department {
            Some(d) if d.unit_id == unit_row.id => {
                Ok(Some((role, unit_row.unit_id(), Some(d.department_id()))))
            }
            _ => {
                checks.push(FieldError::new("department", Key::err_choice));
                Ok(None)
            }
        }
    }
}

fn staff_member(u: users::UserRow, grants: &[users::GrantRow]) -> StaffMember {
    StaffMember {
        grants: grants
            .iter()
            .filter(|g| g.user_id == u.id)
            .filter_map(|g| {
                Some(GrantView {
                    id: g.id,
                    role: Role::parse(&g.role)?,
                    unit: UnitId(g.unit_id),
                    unit_name: g.unit_name.clone(),
                    department: g.department_id.map(DepartmentId),
                    unit_path: g.unit_path.clone(),
                })
            })
            .collect(),
        id: u.user_id(),
        username: u.username,
        display_name: u.display_name,
        email: u.email,
        mobile: u.mobile,
        active: u.active,
        must_change_password: u.must_change_password,
    }
}

pub fn valid_username(u: &str) -> bool {
    (3..=32).contains(&u.len())
        && u.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}
