//! The context of every request: which institution, which language, who is signed in,
//! the CSRF token for forms, where the request came from.

use crate::error::AppError;
use crate::{AppState, csrf};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use i18n::{Lang, Tr};
use services::{Institution, MemberSession, Principal, Staff};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

pub const SESSION_COOKIE: &str = "cd_session";
pub const CSRF_COOKIE: &str = "cd_csrf";
pub const LANG_COOKIE: &str = "cd_lang";

/// Everything a handler needs to know about the request beyond its own input.
#[derive(Clone)]
pub struct Ctx {
    pub institution: Arc<Institution>,
    pub lang: Lang,
    pub principal: Option<Principal>,
    /// The session token, when the request carried one that is live.
    pub session_token: Option<String>,
    /// Authenticated by an `Authorization: Bearer` token rather than a cookie.
    pub bearer: bool,
    /// The token to put in every form (`_csrf`) and script request (`X-CSRF-Token`).
    pub csrf: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The path and query of this request, to come back to after signing in.
    pub path: String,
    /// The staff member's notice badge, read for pages only.
    pub pending_notices: Option<i64>,
}

impl Ctx {
    pub fn t(&self) -> Tr {
        Tr::new(self.lang)
    }

    pub fn staff(&self) -> Option<&Staff> {
        match &self.principal {
            Some(Principal::Staff(staff)) => Some(staff),
            _ => None,
        }
    }

    pub fn member(&self) -> Option<&MemberSession> {
        match &self.principal {
            Some(Principal::Member(m)) if m.tenant == self.institution.id => Some(m),
            _ => None,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or(AppError::Internal("request context missing".into()))
    }
}

/// A request from a signed-in staff member who has chosen their own password.
pub struct StaffCtx {
    pub ctx: Ctx,
    pub staff: Staff,
}

impl<S: Send + Sync> FromRequestParts<S> for StaffCtx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        let staff = ctx.staff().cloned().ok_or(AppError::Unauthenticated)?;
        let changing_password =
            parts.uri.path() == "/console/password" || parts.uri.path() == "/logout";
        if staff.must_change_password && !changing_password {
            return Err(AppError::PasswordChangeRequired);
        }
        Ok(StaffCtx { ctx, staff })
    }
}

/// A request from a signed-in member of the public.
pub struct MemberCtx {
    pub ctx: Ctx,
    pub member: MemberSession,
}

impl<S: Send + Sync> FromRequestParts<S> for MemberCtx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        let member = ctx
            .member()
            .cloned()
            .ok_or(AppError::MemberUnauthenticated)?;
        Ok(MemberCtx { ctx, member })
    }
}

/// Builds the [`Ctx`], checks CSRF on every state-changing request, and sets the cookies
/// the response needs.
pub async fn context(State(state): State<AppState>, req: Request, next: Next) -> Response {
    match build(&state, req).await {
        Ok((req, jar)) => {
            let chrome = req
                .extensions()
                .get::<Ctx>()
                .map(crate::page::Chrome::from_ctx);
            let mut response = next.run(req).await;
            if let Some(chrome) = chrome {
                response.extensions_mut().insert(chrome);
            }
            (jar, response).into_response()
        }
        Err((e, jar)) => (jar, e).into_response(),
    }
}

async fn build(
    state: &AppState,
    mut req: Request,
) -> Result<(Request, CookieJar), (AppError, CookieJar)> {
    let mut jar = CookieJar::from_headers(req.headers());
    let services = &state.services;
    let ip = client_ip(&req, state.config.trusted_proxies);
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    let institution = match services.institution_for_host(host).await {
        Ok(Some(i)) => Arc::new(i),
        Ok(None) => return Err((AppError::NotFound, jar)),
        Err(e) => return Err((e.into(), jar)),
    };

    let bearer_token = bearer(req.headers());
    let bearer = bearer_token.is_some();
    let token = bearer_token.or_else(|| jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()));
    let principal = match &token {
        Some(t) => services
            .principal(t, ip.as_deref())
            .await
            .map_err(|e| (AppError::from(e), jar.clone()))?,
        None => None,
    };
    if principal.is_none() && !bearer && jar.get(SESSION_COOKIE).is_some() {
        jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
    }

    let query_lang = req.uri().query().and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| Lang::from_code(&v))
    });
    if let Some(lang) = query_lang {
        jar = jar.add(cookie(
            LANG_COOKIE,
            lang.code().to_owned(),
            &state.config,
            365,
        ));
    }
    // A staff member's choice follows them to other browsers.
    if let (Some(lang), Some(Principal::Staff(staff))) = (query_lang, &principal)
        && staff.locale.as_deref() != Some(lang.code())
        && let Err(e) = services.set_locale(staff, lang.code()).await
    {
        tracing::warn!("could not remember the language choice: {e}");
    }
    let staff_lang = match &principal {
        Some(Principal::Staff(s)) => s.locale.as_deref().and_then(Lang::from_code),
        _ => None,
    };
    let lang = query_lang
        .or_else(|| {
            jar.get(LANG_COOKIE)
                .and_then(|c| Lang::from_code(c.value()))
        })
        .or(staff_lang)
        .unwrap_or_else(|| lang_from_headers(req.headers()));

    let nonce = match jar.get(CSRF_COOKIE) {
        Some(c) if c.value().len() >= 32 => c.value().to_owned(),
        _ => {
            let fresh = services::new_token();
            jar = jar.add(cookie(CSRF_COOKIE, fresh.clone(), &state.config, 0));
            fresh
        }
    };
    let csrf_token = csrf::token(services.csrf_key(), &nonce);
    if changes_state(req.method()) && !bearer {
        let (checked, given) = csrf::given(req).await.map_err(|e| (e, jar.clone()))?;
        req = checked;
        let cookie_nonce = CookieJar::from_headers(req.headers())
            .get(CSRF_COOKIE)
            .map(|c| c.value().to_owned());
        let ok = match (cookie_nonce, given) {
            (Some(n), Some(g)) => csrf::verify(services.csrf_key(), &n, &g),
            _ => false,
        };
        if !ok && csrf::required(req.headers(), req.uri().path(), token.is_some()) {
            return Err((AppError::Csrf, jar));
        }
    }

    let pending_notices = match &principal {
        Some(Principal::Staff(staff))
            if !bearer && crate::notices::shows_badge(req.method(), req.uri().path()) =>
        {
            crate::notices::badge_for_page(services, staff).await
        }
        _ => None,
    };
    let ctx = Ctx {
        pending_notices,
        institution,
        lang,
        session_token: principal.as_ref().and(token),
        principal,
        bearer,
        csrf: csrf_token,
        user_agent: req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        ip,
        path: req
            .uri()
            .path_and_query()
            .map_or("/".into(), |p| p.as_str().to_owned()),
    };
    req.extensions_mut().insert(ctx);
    Ok((req, jar))
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))?;
    Some(token.trim().to_owned())
}

/// The language the browser asks for, or Chinese.
pub fn lang_from_headers(headers: &HeaderMap) -> Lang {
    let cookie = CookieJar::from_headers(headers)
        .get(LANG_COOKIE)
        .and_then(|c| Lang::from_code(c.value()));
    cookie
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::negotiate)
        })
        .unwrap_or_default()
}

/// The address the request came from. Behind `trusted_proxies` reverse proxies, each
/// proxy appends the address it saw to `X-Forwarded-For`, so the client's is the entry
/// that many places from the right; everything to its left was written by the client and
/// proves nothing. When the header is missing, too short, or that entry is not an IP
/// address, the socket peer stands (the proxy's own address: never one a client chose).
fn client_ip(req: &Request, trusted_proxies: u8) -> Option<String> {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    forwarded_for(req.headers(), trusted_proxies)
        .or(peer)
        .map(|ip| ip.to_string())
}

/// The client's address as the trusted proxies recorded it, if they did.
fn forwarded_for(headers: &HeaderMap, trusted_proxies: u8) -> Option<IpAddr> {
    if trusted_proxies == 0 {
        return None;
    }
    // A proxy may add a header line of its own rather than extend the client's: read all
    // lines in order, as one list.
    let mut entries = Vec::new();
    for line in headers.get_all("x-forwarded-for") {
        let line = line.to_str().ok()?;
        entries.extend(line.split(',').map(str::trim).filter(|e| !e.is_empty()));
    }
    let index = entries.len().checked_sub(usize::from(trusted_proxies))?;
    let entry = entries[index];
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|a| a.ip()))
}

/// A cookie only our pages read: HttpOnly, SameSite=Lax, Secure behind HTTPS.
/// `days == 0` makes it last for the browser session.
pub(crate) fn cookie(
    name: &'static str,
    value: String,
    config: &crate::WebConfig,
    days: i64,
) -> Cookie<'static> {
    let mut c = Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(config.secure_cookies)
        .build();
    if days > 0 {
        c.set_max_age(cookie::time::Duration::days(days));
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(lines: &[&str], trusted_proxies: u8) -> Option<String> {
        let mut headers = HeaderMap::new();
        for line in lines {
            headers.append("x-forwarded-for", line.parse().unwrap());
        }
        forwarded_for(&headers, trusted_proxies).map(|ip| ip.to_string())
    }

    #[test]
    fn the_client_is_the_entry_the_trusted_proxies_wrote() {
        assert_eq!(
            client(&["127.0.0.1, 203.0.113.7"], 1).as_deref(),
            Some("203.0.113.7")
        );
        assert_eq!(
            client(&["127.0.0.1", "203.0.113.7"], 1).as_deref(),
            Some("203.0.113.7")
        );
        assert_eq!(
            client(&["127.0.0.1, 203.0.113.7, 10.0.0.2"], 2).as_deref(),
            Some("203.0.113.7")
        );
        assert_eq!(
            client(&["203.0.113.7:5123"], 1).as_deref(),
            Some("203.0.113.7")
        );
        assert_eq!(
            client(&["127.0.0.1, 2001:db8::7"], 1).as_deref(),
            Some("2001:db8::7")
        );
        // The socket peer stands when the proxies wrote nothing usable, or none is trusted.
        assert_eq!(client(&["127.0.0.1, 203.0.113.7"], 0), None);
        assert_eq!(client(&["203.0.113.7"], 2), None);
        assert_eq!(client(&["127.0.0.1, not-an-address"], 1), None);
        assert_eq!(client(&[], 1), None);
    }
}
