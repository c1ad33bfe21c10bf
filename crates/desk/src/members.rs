//! Members of the public: identified by a mobile number verified with a one-time SMS code.

use crate::auth::MEMBER_SESSION_MS;
use crate::rate_limit::Limit;
use crate::secrets;
use crate::{Desk, Institution, ServiceError, ServiceResult};
use domain::time::{DAY_MS, HOUR_MS, MINUTE_MS};
use domain::validate::Checks;
use domain::{MemberId, TenantId};
use i18n::{Key, Lang, Tr};
use notify::Channel;
use store::{members, sessions};
use text::pii::mask_mobile;

/// A signed-in member.
#[derive(Clone, Debug)]
pub struct MemberSession {
    pub member: MemberId,
    pub tenant: TenantId,
    pub mobile: String,
    pub session: String,
}

impl MemberSession {
    /// `138****5678`: how pages show whose session it is.
    pub fn masked_mobile(&self) -> String {
        mask_mobile(&self.mobile)
    }
}

/// What the person is told after asking for a code.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CodeSent {
    /// `138****5678`
    pub sent_to: String,
    pub expires_in_seconds: i64,
}

const CODE_VALID_MS: i64 = 5 * MINUTE_MS;
const CODE_MAX_ATTEMPTS: i64 = 5;
const CODES_PER_NUMBER_MINUTE: Limit = Limit {
    name: "sms-number-minute",
    max: 1,
    window_ms: MINUTE_MS,
};
const CODES_PER_NUMBER_HOUR: Limit = Limit {
    name: "sms-number-hour",
    max: 5,
    window_ms: HOUR_MS,
};
const CODES_PER_NUMBER_DAY: Limit = Limit {
    name: "sms-number-day",
    max: 10,
    window_ms: DAY_MS,
};
const CODES_PER_IP_HOUR: Limit = Limit {
    name: "sms-ip-hour",
    max: 200,
    window_ms: HOUR_MS,
};

impl Desk {
    /// Texts a six-digit code to `mobile`, within the per-number and per-address limits.
    pub async fn send_member_code(
        &self,
        institution: &Institution,
        mobile: &str,
        ip: Option<&str>,
        lang: Lang,
    ) -> ServiceResult<CodeSent> {
        let mut checks = Checks::new();
        let mobile = checks.mobile("mobile", mobile);
        checks.finish()?;
        let mobile = mobile.ok_or_else(|| ServiceError::invalid("mobile", Key::err_mobile))?;
        let tenant_key = format!("{}:{mobile}", institution.id);
        self.spend(CODES_PER_IP_HOUR, ip.unwrap_or("unknown"))
            .await?;
        self.spend(CODES_PER_NUMBER_MINUTE, &tenant_key).await?;
        self.spend(CODES_PER_NUMBER_HOUR, &tenant_key).await?;
        self.spend(CODES_PER_NUMBER_DAY, &tenant_key).await?;

        let code = secrets::sms_code();
        let now = self.now();
        let text = Tr::new(lang).fill(
            Key::sms_code_text,
            &[("institution", &institution.name), ("code", &code)],
        );
        let tx = self.db().begin().await?;
        members::insert_code(
            &tx,
            institution.id,
            &mobile,
            &self.code_mac(institution.id, &mobile, &code),
            now,
            now.plus_ms(CODE_VALID_MS),
        )
        .await?;
        self.queue_message(
            &tx,
            Some(institution.id),
            Channel::Sms,
            &mobile,
            None,
            &text,
        )
        .await?;
        tx.commit().await?;
        self.wake_worker();
        Ok(CodeSent {
            sent_to: mask_mobile(&mobile),
            expires_in_seconds: CODE_VALID_MS / 1000,
        })
    }

    /// Checks a code and, when right, signs the member in; gives the session token.
    /// Only the newest code counts; it works once, for five minutes, and five wrong tries
    /// use it up.
    pub async fn verify_member_code(
        &self,
        institution: &Institution,
        mobile: &str,
        code: &str,
        ip: Option<&str>,
        user_agent: Option<&str>,
    ) -> ServiceResult<(String, MemberSession)> {
        let mut checks = Checks::new();
        let mobile = checks.mobile("mobile", mobile);
        let code = checks.text("code", code, 6);
        checks.finish()?;
        let mobile = mobile.ok_or_else(|| ServiceError::invalid("mobile", Key::err_mobile))?;
        let now = self.now();
        let Some(latest) = members::latest_code(self.db(), institution.id, &mobile).await? else {
            return Err(ServiceError::invalid("code", Key::err_code_wrong));
        };
        if latest.consumed_at.is_some() || latest.expires_at <= now.0 {
            return Err(ServiceError::invalid("code", Key::err_code_expired));
        }
        let Some(tries) = members::count_attempt(self.db(), latest.id, CODE_MAX_ATTEMPTS).await?
        else {
            return Err(ServiceError::invalid("code", Key::err_code_attempts));
        };
        if !secrets::same(
            &self.code_mac(institution.id, &mobile, &code),
            &latest.code_hash,
        ) {
            let key = if tries >= CODE_MAX_ATTEMPTS {
                Key::err_code_attempts
            } else {
                Key::err_code_wrong
            };
            return Err(ServiceError::invalid("code", key));
        }
        let token = secrets::new_token();
        let hash = secrets::token_hash(&token);
        let tx = self.db().begin().await?;
        if members::consume_code(&tx, latest.id, now).await? == 0 {
            // A double submit: the first one signed in.
            return Err(ServiceError::invalid("code", Key::err_code_expired));
        }
        let member = members::upsert_by_mobile(&tx, institution.id, &mobile, now).await?;
        for hooks in self.hooks() {
            hooks
                .member_verified(&tx, institution.id, &mobile, member)
                .await?;
        }
        sessions::insert(
            &tx,
            sessions::NewSession {
                id_hash: &hash,
                tenant: institution.id,
                user: None,
                member: Some(member),
                expires_at: now.plus_ms(MEMBER_SESSION_MS),
                ip,
                user_agent,
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok((
            token,
            MemberSession {
                member,
                tenant: institution.id,
                mobile,
                session: hash,
            },
        ))
    }

    fn code_mac(&self, tenant: TenantId, mobile: &str, code: &str) -> String {
        secrets::mac(&self.0.keys.codes, &format!("{tenant}:{mobile}:{code}"))
    }
}
