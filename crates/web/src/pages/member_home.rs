//! `/me`: a member's own page.

use crate::ctx::MemberCtx;
use crate::error::AppError;
use crate::page::{Page, framed, render};
use askama::Template;
use axum::response::Html;
use i18n::Key;

#[derive(Template)]
#[template(path = "member/home.html")]
struct MemberHomePage {
    page: Page,
    signed_in_as: String,
}
framed!(MemberHomePage);

pub async fn show(MemberCtx { ctx, member }: MemberCtx) -> Result<Html<String>, AppError> {
    let t = ctx.t();
    let masked = domain::validate::mask_mobile(&member.mobile);
    render(&MemberHomePage {
        page: Page::new(&ctx, t.member_login_title()),
        signed_in_as: t.fill(Key::member_signed_in, &[("mobile", &masked)]),
    })
}
