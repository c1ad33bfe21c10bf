//! Staff sign-in, sessions and passwords.

use crate::rate_limit::Limit;
use crate::secrets::{self, password};
use crate::{MemberSession, ServiceError, ServiceResult, Services};
use domain::time::{DAY_MS, HOUR_MS, MINUTE_MS};
use domain::validate::{Checks, check_password};
use domain::{Actor, FieldError, MemberId, TenantId, Timestamp, UserId};
use i18n::Key;
use store::{sessions, users};

/// A signed-in staff member, as every staff action receives them.
#[derive(Clone, Debug)]
pub struct Staff {
    pub actor: Actor,
    pub username: String,
    /// The hash identifying this session.
    pub session: String,
    /// True after an administrator set a one-time password: nothing else is allowed
    /// until the staff member chose their own.
    pub must_change_password: bool,
    pub locale: Option<String>,
    pub ip: Option<String>,
}

/// Whoever a session belongs to.
#[derive(Clone, Debug)]
pub enum Principal {
    Staff(Box<Staff>),
    Member(MemberSession),
}

#[derive(Debug)]
pub struct LoginOutcome {
    /// The session token: the cookie's value, or an API bearer token.
    pub token: String,
    pub user: UserId,
    pub must_change_password: bool,
}

/// Sessions end after this long without a request…
const STAFF_IDLE_MS: i64 = 8 * HOUR_MS;
/// …and after this long in any case.
const STAFF_MAX_MS: i64 = 7 * DAY_MS;
pub(crate) const MEMBER_SESSION_MS: i64 = 30 * DAY_MS;
/// A session's expiry is pushed forward at most this often, to spare the database a write per request.
const TOUCH_EVERY_MS: i64 = 5 * MINUTE_MS;

/// Failed sign-ins from one address.
const LOGIN_FAILURES_PER_IP: Limit = Limit {
    name: "login-ip",
    max: 20,
    window_ms: 15 * MINUTE_MS,
};
/// An account locks for `ACCOUNT_LOCK_MS` after every `ACCOUNT_LOCK_AFTER` failures in a row.
const ACCOUNT_LOCK_AFTER: i64 = 5;
const ACCOUNT_LOCK_MS: i64 = 15 * MINUTE_MS;

impl Services {
    /// Signs a staff member in. Wrong username and wrong password give the same answer
    /// in the same time, so neither can be probed.
    pub async fn login(
        &self,
        username: &str,
        password_given: &str,
        ip: Option<&str>,
        user_agent: Option<&str>,
    ) -> ServiceResult<LoginOutcome> {
        let ip_key = ip.unwrap_or("unknown");
        self.check(LOGIN_FAILURES_PER_IP, ip_key).await?;
        let now = self.now();
        let user = users::find_by_username(self.db(), username.trim()).await?;
        let Some(user) = user.filter(|u| u.active) else {
            password::verify(password_given.to_owned(), password::DECOY.to_owned()).await;
            self.count_failure(LOGIN_FAILURES_PER_IP, ip_key).await?;
            return Err(ServiceError::refused(Key::login_failed));
        };
        if let Some(until) = user.locked_until.filter(|&until| until > now.0) {
            return Err(locked(now, until));
        }
        if !password::verify(password_given.to_owned(), user.password_hash.clone()).await {
            let failures = user.failed_logins + 1;
            let lock = (failures % ACCOUNT_LOCK_AFTER == 0).then(|| now.plus_ms(ACCOUNT_LOCK_MS));
            users::record_failed_login(self.db(), user.user_id(), lock).await?;
            self.count_failure(LOGIN_FAILURES_PER_IP, ip_key).await?;
            return Err(match lock {
                Some(until) => locked(now, until.0),
                None => ServiceError::refused(Key::login_failed),
            });
        }
        let token = secrets::new_token();
        let tx = self.db().begin().await?;
        users::clear_failed_logins(&tx, user.user_id()).await?;
        sessions::insert(
            &tx,
            sessions::NewSession {
                id_hash: &secrets::token_hash(&token),
                tenant: user.tenant_id(),
                user: Some(user.user_id()),
                member: None,
                expires_at: now.plus_ms(STAFF_IDLE_MS),
                ip,
                user_agent,
            },
            now,
        )
        .await?;
        store::audit::append(
            &tx,
            store::audit::NewEntry {
                tenant: Some(user.tenant_id()),
                actor: Some(user.user_id()),
                actor_name: &user.display_name,
                action: "auth.login",
                entity_type: "user",
                entity_id: Some(user.id.to_string()),
                before: None,
                after: None,
                ip,
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(LoginOutcome {
            token,
            user: user.user_id(),
            must_change_password: user.must_change_password,
        })
    }

    /// Who holds this session token, if it is live.
    pub async fn principal(
        &self,
        token: &str,
        ip: Option<&str>,
    ) -> ServiceResult<Option<Principal>> {
        let now = self.now();
        let hash = secrets::token_hash(token);
        let Some(session) = sessions::find_live(self.db(), &hash, now).await? else {
            return Ok(None);
        };
        if now.0 - session.last_seen_at >= TOUCH_EVERY_MS {
            let max = if session.user_id.is_some() {
                session.created_at + STAFF_MAX_MS
            } else {
                session.created_at + MEMBER_SESSION_MS
            };
            let idle = if session.user_id.is_some() {
                STAFF_IDLE_MS
            } else {
                MEMBER_SESSION_MS
            };
            sessions::touch(self.db(), &hash, now, Timestamp((now.0 + idle).min(max))).await?;
        }
        if let Some(user_id) = session.user_id {
            let Some(staff) = self.staff(UserId(user_id), hash, ip).await? else {
                return Ok(None);
            };
            return Ok(Some(Principal::Staff(Box::new(staff))));
        }
        if let Some(member_id) = session.member_id {
            let tenant = TenantId(session.tenant_id);
            let Some(member) = store::members::find(self.db(), tenant, MemberId(member_id)).await?
            else {
                return Ok(None);
            };
            if member.deleted_at.is_some() {
                return Ok(None);
            }
            return Ok(Some(Principal::Member(MemberSession {
                member: MemberId(member_id),
                tenant,
                mobile: member.mobile.unwrap_or_default(),
                session: hash,
            })));
        }
        Ok(None)
    }

    /// Loads a staff member with their grants; `None` for a deactivated account.
    async fn staff(
        &self,
        id: UserId,
        session: String,
        ip: Option<&str>,
    ) -> ServiceResult<Option<Staff>> {
        let Some(user) = users::find(self.db(), id).await?.filter(|u| u.active) else {
            return Ok(None);
        };
        let grants = users::grants_of(self.db(), id)
            .await?
            .iter()
            .filter_map(users::GrantRow::grant)
            .collect();
        Ok(Some(Staff {
            actor: Actor {
                user_id: id,
                tenant_id: user.tenant_id(),
                display_name: user.display_name.clone(),
                grants,
                platform_admin: user.platform_admin,
            },
            username: user.username,
            session,
            must_change_password: user.must_change_password,
            locale: user.locale,
            ip: ip.map(str::to_owned),
        }))
    }

    /// Ends the session behind this token (staff or member).
    pub async fn logout(&self, token: &str) -> ServiceResult<()> {
        sessions::delete(self.db(), &secrets::token_hash(token)).await?;
        Ok(())
    }

    /// A staff member replaces their password; their other sessions end.
    pub async fn change_password(
        &self,
        staff: &Staff,
        current: &str,
        new: &str,
        repeat: &str,
    ) -> ServiceResult<()> {
        let user = users::find(self.db(), staff.actor.user_id)
            .await?
            .ok_or(ServiceError::Unauthenticated)?;
        let mut checks = Checks::new();
        check_password("new_password", new, &user.username, &mut checks);
        if new != repeat {
            checks.push(FieldError::new(
                "repeat_password",
                Key::err_password_mismatch,
            ));
        }
        checks.finish()?;
        if !password::verify(current.to_owned(), user.password_hash.clone()).await {
            return Err(ServiceError::invalid(
                "current_password",
                Key::err_password_wrong,
            ));
        }
        let hash = password::hash(new.to_owned()).await?;
        let tx = self.db().begin().await?;
        users::set_password(&tx, user.user_id(), &hash, false, self.now()).await?;
        sessions::delete_for_user(&tx, user.user_id(), Some(&staff.session)).await?;
        self.audit(
            &tx,
            staff,
            "user.password_changed",
            "user",
            user.id,
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Remembers a staff member's language.
    pub async fn set_locale(&self, staff: &Staff, locale: &str) -> ServiceResult<()> {
        users::set_locale(self.db(), staff.actor.user_id, locale).await?;
        Ok(())
    }
}

fn locked(now: Timestamp, until: i64) -> ServiceError {
    let minutes = ((until - now.0) + MINUTE_MS - 1) / MINUTE_MS;
    ServiceError::Refused {
        key: Key::login_locked,
        args: vec![("minutes", crate::Arg::Text(minutes.max(1).to_string()))],
    }
}
