//! Staff sign-in, sessions and passwords.

use crate::secrets::{self, password};
use crate::{Desk, MemberSession, ServiceError, ServiceResult};
use domain::throttle::{self, Backoff};
use domain::time::{DAY_MS, HOUR_MS, MINUTE_MS};
use domain::validate::{Checks, check_password};
use domain::{Actor, FieldError, MemberId, TenantId, Timestamp, UserId};
use i18n::Key;
use store::{sessions, sign_in, users};

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
    /// The device token for the browser to keep (`cd_device`): guesses made elsewhere
    /// do not slow its owner down there.
    pub device: String,
    pub user: UserId,
    pub must_change_password: bool,
}

/// Sessions end after this long without a request…
const STAFF_IDLE_MS: i64 = 8 * HOUR_MS;
/// …and after this long in any case.
const STAFF_MAX_MS: i64 = 7 * DAY_MS;
pub const MEMBER_SESSION_MS: i64 = 30 * DAY_MS;
/// A session's expiry is pushed forward at most this often, to spare the database a write per request.
const TOUCH_EVERY_MS: i64 = 5 * MINUTE_MS;

/// Where a sign-in comes from.
#[derive(Clone, Copy, Debug, Default)]
pub struct Origin<'a> {
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    /// The browser's device token (the `cd_device` cookie), if it has one.
    pub device: Option<&'a str>,
}

impl Desk {
    /// Signs a staff member in from no particular device (the API, tools).
    pub async fn login(
        &self,
        username: &str,
        password_given: &str,
        ip: Option<&str>,
        user_agent: Option<&str>,
    ) -> ServiceResult<LoginOutcome> {
        let origin = Origin {
            ip,
            user_agent,
            device: None,
        };
        self.login_from(username, password_given, origin).await
    }

    /// Signs a staff member in. Wrong username and wrong password give the same answer
    /// in the same time, and names that do not exist are throttled like real ones, so
    /// neither can be probed.
    ///
    /// Guesses are slowed, never locked out (`domain::throttle`): every attempt is counted
    /// and decided atomically before the password is checked, against the name tried from
    /// this address, the name tried from anywhere, and the address. A device where the
    /// owner signed in before passes only its own gate, so a stranger's guesses elsewhere
    /// do not keep the owner out.
    pub async fn login_from(
        &self,
        username: &str,
        password_given: &str,
        origin: Origin<'_>,
    ) -> ServiceResult<LoginOutcome> {
        let name = username.trim().to_lowercase();
        let device = origin.device.filter(|d| well_formed_device(d));
        let user = users::find_by_username(self.db(), &name)
            .await?
            .filter(|u| u.active);
        let known_device = match (&user, device) {
            (Some(user), Some(device)) => {
                sign_in::is_known_device(self.db(), user.user_id(), &secrets::token_hash(device))
                    .await?
            }
            _ => false,
        };
        let gates = Gates::new(&name, origin, device.filter(|_| known_device));
        self.pass(&gates).await?;
        let Some(user) = user else {
            password::verify(password_given.to_owned(), password::DECOY.to_owned()).await;
            return Err(ServiceError::refused(Key::login_failed));
        };
        if !password::verify(password_given.to_owned(), user.password_hash.clone()).await {
            return Err(ServiceError::refused(Key::login_failed));
        }
        let now = self.now();
        let token = secrets::new_token();
        let device = device.map_or_else(secrets::new_token, str::to_owned);
        let tx = self.db().begin().await?;
        gates.open_after_success(&tx).await?;
        sign_in::remember_device(&tx, user.user_id(), &secrets::token_hash(&device), now).await?;
        sessions::insert(
            &tx,
            sessions::NewSession {
                id_hash: &secrets::token_hash(&token),
                tenant: user.tenant_id(),
                user: Some(user.user_id()),
                member: None,
                expires_at: now.plus_ms(STAFF_IDLE_MS),
                ip: origin.ip,
                user_agent: origin.user_agent,
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
                ip: origin.ip,
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(LoginOutcome {
            token,
            device,
            user: user.user_id(),
            must_change_password: user.must_change_password,
        })
    }

    /// Counts this attempt through each gate, most particular first; refuses at the first
    /// shut one with how long to wait.
    async fn pass(&self, gates: &Gates) -> ServiceResult<()> {
        let now = self.now();
        for (gate, backoff) in gates.all() {
            if let sign_in::Gate::Shut(until) =
                sign_in::attempt(self.db(), gate, backoff, now).await?
            {
                return Err(ServiceError::RateLimited {
                    retry_after_seconds: ((until.0 - now.0 + 999) / 1000).max(1),
                });
            }
        }
        Ok(())
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
    pub async fn staff(
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

/// The gates one sign-in attempt passes (see `migrations/*/0007_sign_in.sql`).
struct Gates {
    /// The name from this address, or from the owner's own device.
    here: String,
    /// The name from anywhere, and the address: not for the owner's own device.
    elsewhere: Option<(String, String)>,
}

impl Gates {
    fn new(name: &str, origin: Origin<'_>, known_device: Option<&str>) -> Gates {
        let ip = origin.ip.unwrap_or("unknown");
        match known_device {
            Some(device) => Gates {
                here: format!("device:{}:{name}", &secrets::token_hash(device)[..32]),
                elsewhere: None,
            },
            None => Gates {
                here: format!("here:{ip}:{name}"),
                elsewhere: Some((format!("name:{name}"), format!("ip:{ip}"))),
            },
        }
    }

    fn all(&self) -> Vec<(&str, &'static Backoff)> {
        let mut gates = vec![(self.here.as_str(), &throttle::ACCOUNT_FROM_ONE_PLACE)];
        if let Some((name, ip)) = &self.elsewhere {
            gates.push((name.as_str(), &throttle::ACCOUNT_FROM_ANYWHERE));
            gates.push((ip.as_str(), &throttle::ONE_ADDRESS));
        }
        gates
    }

    /// The right password opens the name's gates; at the address it only takes back its
    /// own attempt, so that a spray of guesses from there is not wiped by one good sign-in.
    async fn open_after_success(&self, tx: &impl store::Conn) -> ServiceResult<()> {
        sign_in::clear(tx, &self.here).await?;
        if let Some((name, ip)) = &self.elsewhere {
            sign_in::clear(tx, name).await?;
            sign_in::refund(tx, ip).await?;
        }
        Ok(())
    }
}

/// A device token as `secrets::new_token` makes them; anything else is replaced.
fn well_formed_device(device: &str) -> bool {
    (20..=64).contains(&device.len())
        && device
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
