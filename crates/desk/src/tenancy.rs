//! Which institution a request is for, the first administrator, and housekeeping.

use crate::{Desk, ServiceResult, secrets};
use domain::{Role, TenantId, UnitKind};
use jobs::{Handler, Job, JobError};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use store::{org, tenants, users};

/// How long a node trusts its list of institutions; changes made on this node show at once.
const INSTITUTIONS_TTL: Duration = Duration::from_secs(30);

#[derive(Default)]
pub struct InstitutionCache(RwLock<Option<(Instant, Arc<Vec<Institution>>)>>);

impl InstitutionCache {
    pub fn forget(&self) {
        if let Ok(mut cache) = self.0.write() {
            *cache = None;
        }
    }
}

/// An institution as the rest of the application sees it.
#[derive(Clone, Debug)]
pub struct Institution {
    pub id: TenantId,
    pub code: String,
    pub name: String,
    pub host: Option<String>,
    pub timezone: jiff::tz::TimeZone,
}

impl From<tenants::TenantRow> for Institution {
    fn from(row: tenants::TenantRow) -> Self {
        Institution {
            id: row.tenant_id(),
            timezone: jiff::tz::TimeZone::get(&row.timezone)
                .unwrap_or_else(|_| domain::time::china()),
            code: row.code,
            name: row.name,
            host: row.host,
        }
    }
}

impl Desk {
    /// The institution a request is for: the one whose host name it was sent to, or
    /// else the deployment's first institution. `None` only on an empty deployment.
    pub async fn institution_for_host(
        &self,
        host: Option<&str>,
    ) -> ServiceResult<Option<Institution>> {
        let host = host.map(|h| h.split(':').next().unwrap_or(h).to_ascii_lowercase());
        let all = self.institutions().await?;
        let by_host = host.and_then(|h| all.iter().find(|i| i.host.as_deref() == Some(h.as_str())));
        Ok(by_host.or(all.first()).cloned())
    }

    /// Makes the next request read the institutions afresh (after one was created).
    pub fn forget_institutions(&self) {
        self.0.institutions.forget();
    }

    /// Every institution, oldest first; cached, because every request asks.
    async fn institutions(&self) -> ServiceResult<Arc<Vec<Institution>>> {
        if let Ok(cache) = self.0.institutions.0.read()
            && let Some((at, list)) = cache.as_ref()
            && at.elapsed() < INSTITUTIONS_TTL
        {
            return Ok(list.clone());
        }
        let list: Arc<Vec<Institution>> = Arc::new(
            tenants::list(self.db())
                .await?
                .into_iter()
                .map(Institution::from)
                .collect(),
        );
        if let Ok(mut cache) = self.0.institutions.0.write() {
            *cache = Some((Instant::now(), list.clone()));
        }
        Ok(list)
    }

    pub async fn institution(&self, id: TenantId) -> ServiceResult<Institution> {
        tenants::find(self.db(), id)
            .await?
            .map(Institution::from)
            .ok_or(crate::ServiceError::NotFound)
    }

    /// Creates an institution with its root unit and an office.
    pub async fn create_institution(&self, code: &str, name: &str) -> ServiceResult<Institution> {
        let now = self.now();
        let tx = self.db().begin().await?;
        let id = tenants::insert(&tx, code, name, now).await?;
        let root = org::insert_unit(&tx, id, None, UnitKind::Centre.as_str(), name, 0, now).await?;
        org::insert_department(&tx, id, root.unit_id(), "office", "办公室", now).await?;
        for hooks in self.hooks() {
            hooks.institution_created(&tx, id).await?;
        }
        tx.commit().await?;
        self.0.institutions.forget();
        self.institution(id).await
    }

    /// When the deployment's first institution has no system administrator (a new
    /// deployment), creates one (and, if there is none, an institution to hold it) with a
    /// random one-time password, which it returns to be printed once.
    pub async fn ensure_first_admin(&self) -> ServiceResult<Option<(String, String)>> {
        let institution = match tenants::list(self.db()).await?.into_iter().next() {
            Some(row) => Institution::from(row),
            None => match self.create_institution("CD", "文化馆").await {
                // Another node created it first.
                Err(crate::ServiceError::Conflict) => self
                    .institution_for_host(None)
                    .await?
                    .ok_or(crate::ServiceError::NotFound)?,
                other => other?,
            },
        };
        if users::count_active_with_role(self.db(), institution.id, Role::SystemAdmin).await? > 0 {
            return Ok(None);
        }
        let password = secrets::one_time_password();
        let hash = secrets::password::hash(password.clone()).await?;
        let now = self.now();
        let tx = self.db().begin().await?;
        let root = org::root_unit(&tx, institution.id).await?.ok_or_else(|| {
            crate::ServiceError::Internal("institution without a root unit".into())
        })?;
        let created = users::insert(
            &tx,
            users::NewUser {
                tenant: institution.id,
                username: "admin",
                display_name: "系统管理员",
                email: None,
                mobile: None,
                password_hash: &hash,
                must_change_password: true,
                platform_admin: true,
            },
            now,
        )
        .await;
        let admin = match created {
            Ok(id) => id,
            // Another node created it first.
            Err(e) if e.is_duplicate() => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        users::insert_grant(
            &tx,
            institution.id,
            admin,
            Role::SystemAdmin,
            root.unit_id(),
            None,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(Some(("admin".into(), password)))
    }
}

pub const HOUSEKEEPING: &str = "housekeeping";

/// Hourly clean-up: expired sessions, old rate-limit windows.
pub struct Housekeeping(pub Desk);

#[async_trait::async_trait]
impl Handler for Housekeeping {
    fn kind(&self) -> &'static str {
        HOUSEKEEPING
    }

    async fn run(&self, _job: &Job) -> Result<(), JobError> {
        let db = self.0.db();
        let now = self.0.now();
        store::sessions::delete_expired(db, now).await?;
        store::rate_limits::delete_before(db, now.minus_ms(2 * domain::time::DAY_MS)).await?;
        store::sign_in::delete_quiet(db, now.minus_ms(domain::time::DAY_MS)).await?;
        db.optimize().await?;
        Ok(())
    }
}

impl Desk {
    /// Answers when the database does.
    pub async fn health(&self) -> ServiceResult<()> {
        tenants::list(self.db()).await?;
        Ok(())
    }
}

impl Desk {
    /// Adds a system administrator over an institution's whole tree (from the command
    /// line, where no one is signed in); gives the one-time password.
    pub async fn create_admin(
        &self,
        institution_code: Option<&str>,
        username: &str,
        name: &str,
    ) -> ServiceResult<String> {
        let all = tenants::list(self.db()).await?;
        let tenant = match institution_code {
            Some(code) => all.into_iter().find(|t| t.code.eq_ignore_ascii_case(code)),
            None => all.into_iter().next(),
        }
        .ok_or(crate::ServiceError::NotFound)?;
        let username = username.trim().to_lowercase();
        let mut checks = domain::Checks::new();
        let name = checks.text("name", name, 40);
        if !crate::accounts::valid_username(&username) {
            checks.push(domain::FieldError::new(
                "username",
                i18n::Key::err_username_format,
            ));
        }
        checks.finish()?;
        let password = secrets::one_time_password();
        let hash = secrets::password::hash(password.clone()).await?;
        let now = self.now();
        let tx = self.db().begin().await?;
        let root = org::root_unit(&tx, tenant.tenant_id())
            .await?
            .ok_or_else(|| {
                crate::ServiceError::Internal("institution without a root unit".into())
            })?;
        let user = users::NewUser {
            tenant: tenant.tenant_id(),
            username: &username,
            display_name: &name,
            email: None,
            mobile: None,
            password_hash: &hash,
            must_change_password: true,
            platform_admin: false,
        };
        let id = match users::insert(&tx, user, now).await {
            Ok(id) => id,
            Err(e) if e.is_duplicate() => {
                return Err(crate::ServiceError::invalid(
                    "username",
                    i18n::Key::err_username_taken,
                ));
            }
            Err(e) => return Err(e.into()),
        };
        users::insert_grant(
            &tx,
            tenant.tenant_id(),
            id,
            Role::SystemAdmin,
            root.unit_id(),
            None,
            now,
        )
        .await?;
        store::audit::append(
            &tx,
            store::audit::NewEntry {
                tenant: Some(tenant.tenant_id()),
                actor: None,
                actor_name: "command line",
                action: "user.created",
                entity_type: "user",
                entity_id: Some(id.to_string()),
                before: None,
                after: Some(serde_json::json!({ "username": username, "display_name": name, "role": Role::SystemAdmin })),
                ip: None,
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(password)
    }
}
