//! What every page shares: the frame around it (header, navigation, language switch,
//! footer) and how templates are rendered.

use crate::ctx::Ctx;
use crate::error::AppError;
use askama::Template;
use axum::response::Html;
use i18n::{Lang, Tr};

/// The parts of the frame that depend on the request; kept on responses so error pages
/// can be framed like the page that failed.
#[derive(Clone, Debug)]
pub struct Chrome {
    pub lang: Lang,
    pub institution: String,
    pub csrf: String,
    pub path: String,
    pub staff_name: Option<String>,
    pub member: Option<String>,
    pub nav: ConsoleNav,
    /// The notices still asking for the staff member's attention, for the badge.
    pub pending_notices: Option<i64>,
}

/// Which console sections the signed-in staff member may open.
#[derive(Clone, Copy, Debug, Default)]
pub struct ConsoleNav {
    pub users: bool,
    pub org: bool,
    pub audit: bool,
    /// The feedback inbox: anyone who sees feedback somewhere.
    pub feedback: bool,
    /// The settings: the administrator, the office director for answer templates, and the
    /// office for the group robots.
    pub settings: bool,
    /// Activities: anyone who organises them for a unit.
    pub events: bool,
}

impl Chrome {
    pub fn from_ctx(ctx: &Ctx) -> Chrome {
        let staff = ctx.staff();
        Chrome {
            lang: ctx.lang,
            institution: ctx.institution.name.clone(),
            csrf: ctx.csrf.clone(),
            path: ctx.path.clone(),
            staff_name: staff.map(|s| s.actor.display_name.clone()),
            member: ctx.member().map(|m| m.masked_mobile()),
            nav: staff.map_or_else(ConsoleNav::default, |s| {
                let powers = domain::ConsolePowers::of(&s.actor);
                ConsoleNav {
                    users: powers.users,
                    org: powers.org,
                    events: powers.events,
                    audit: powers.audit,
                    feedback: powers.feedback,
                    settings: powers.settings(),
                }
            }),
            pending_notices: ctx.pending_notices,
        }
    }

    /// For errors raised before the request was understood.
    pub fn bare(lang: Lang) -> Chrome {
        Chrome {
            lang,
            institution: Tr::new(lang).app_name().to_owned(),
            csrf: String::new(),
            path: "/".into(),
            staff_name: None,
            member: None,
            nav: ConsoleNav::default(),
            pending_notices: None,
        }
    }

    pub fn page(self, title: impl Into<String>) -> Page {
        let other = match self.lang {
            Lang::ZhCn => Lang::En,
            Lang::En => Lang::ZhCn,
        };
        Page {
            t: Tr::new(self.lang),
            lang: self.lang,
            other_lang: other,
            lang_link: with_lang(&self.path, other),
            title: title.into(),
            notice: None,
            chrome: self,
        }
    }
}

/// The frame of one page, as templates see it (through `Deref`, so `t`, `lang`, `csrf`… read directly).
#[derive(Clone, Debug)]
pub struct Page {
    pub t: Tr,
    pub lang: Lang,
    pub other_lang: Lang,
    /// This page in the other language.
    pub lang_link: String,
    pub title: String,
    /// A message at the top of the page, such as "saved".
    pub notice: Option<String>,
    pub chrome: Chrome,
}

impl Page {
    pub fn new(ctx: &Ctx, title: impl Into<String>) -> Page {
        Chrome::from_ctx(ctx).page(title)
    }

    pub fn with_notice(mut self, notice: Option<String>) -> Page {
        self.notice = notice;
        self
    }

    pub fn csrf(&self) -> &str {
        &self.chrome.csrf
    }

    pub fn asset_version(&self) -> &'static str {
        env!("CARGO_PKG_VERSION")
    }

    /// "群众登录", coming back here afterwards: someone who signs in from the form lands
    /// on the form again, not on `/me`.
    pub fn member_login_link(&self) -> String {
        let path = self.chrome.path.as_str();
        if path == "/" || path.starts_with("/me") {
            return "/me/login".to_owned();
        }
        let next: String = form_urlencoded::byte_serialize(path.as_bytes()).collect();
        format!("/me/login?next={next}")
    }

    /// The badge's number (0 hides it).
    pub fn pending_notices(&self) -> i64 {
        self.chrome.pending_notices.unwrap_or(0)
    }

    /// What screen readers hear for the notices link: "通知（3 条未读）", or "通知".
    pub fn notices_link_spoken(&self) -> String {
        match self.pending_notices() {
            0 => self.t.noticebadge_nav().to_owned(),
            n => self.t.fill(i18n::Key::noticebadge_pending, &[("n", &n)]),
        }
    }
}

/// `path` with its `lang` parameter set to `lang`.
fn with_lang(path: &str, lang: Lang) -> String {
    let (base, query) = path.split_once('?').unwrap_or((path, ""));
    let mut params: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .filter(|(k, _)| k != "lang")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    params.push(("lang".into(), lang.code().into()));
    let query: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    format!("{base}?{query}")
}

/// Lets a page template read the frame's fields as its own.
macro_rules! framed {
    ($($t:ty),* $(,)?) => {$(
        impl std::ops::Deref for $t {
            type Target = $crate::page::Page;
            fn deref(&self) -> &$crate::page::Page {
                &self.page
            }
        }
    )*};
}
pub(crate) use framed;

pub fn render(template: &impl Template) -> Result<Html<String>, AppError> {
    template
        .render()
        .map(Html)
        .map_err(|e| AppError::Internal(format!("template: {e}")))
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub page: Page,
    pub message: String,
    pub fields: Vec<(String, String)>,
}
framed!(ErrorPage);

#[cfg(test)]
mod tests {
    #[test]
    fn the_language_link_replaces_only_the_language() {
        assert_eq!(
            super::with_lang("/board?page=2&lang=zh-CN", i18n::Lang::En),
            "/board?page=2&lang=en"
        );
        assert_eq!(super::with_lang("/", i18n::Lang::ZhCn), "/?lang=zh-CN");
    }
}

/// The "it worked" message a redirect after a form asks for with `?done=…`.
pub fn done_notice(t: &Tr, done: Option<&str>) -> Option<String> {
    let key = match done? {
        "password" => i18n::Key::password_changed,
        "saved" => i18n::Key::saved,
        _ => return None,
    };
    Some(t.get(key).to_owned())
}

/// `?done=…` on a page reached by redirect after a form.
#[derive(serde::Deserialize, Default)]
pub struct Done {
    pub done: Option<String>,
}

/// The first `chars` characters of `text`, trimmed, with `…` where it was cut: an excerpt
/// whose whole is a link away. Only for text without personal data or already masked:
/// feedback's own text goes through `text::excerpt`, which masks before it cuts.
pub fn shortened(text: &str, chars: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}
