//! `/me`: a member's own page — their feedback with its private links, and their data
//! (download it, or have it erased).

use crate::AppState;
use crate::ctx::MemberCtx;
use crate::error::AppError;
use crate::page::{Page, framed, render};
use crate::public::{ItemCard, Names};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use i18n::Key;
use serde::Deserialize;

/// `?recovered=sent|again`: the member came through "找回我的反馈".
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HomeQuery {
    recovered: String,
}

#[derive(Template)]
#[template(path = "member/home.html")]
struct MemberHomePage {
    page: Page,
    signed_in_as: String,
    items: Vec<(ItemCard, String)>,
}
framed!(MemberHomePage);

pub async fn show(
    State(state): State<AppState>,
    MemberCtx { ctx, member }: MemberCtx,
    Query(q): Query<HomeQuery>,
) -> Result<Html<String>, AppError> {
    let t = ctx.t();
    let masked = member.masked_mobile();
    let names = Names::load(&state.services, &ctx.institution).await?;
    let items = state
        .services
        .feedback()
        .member_feedback(&member)
        .await?
        .into_iter()
        .map(|mine| (ItemCard::new(&mine.item, &names, &t), mine.tracking_path))
        .collect();
    let notice = match q.recovered.as_str() {
        "sent" => Some(t.fill(Key::recover_sent, &[("mobile", &masked)])),
        "again" => Some(t.recover_not_again().to_owned()),
        _ => None,
    };
    render(&MemberHomePage {
        page: Page::new(&ctx, t.me_title()).with_notice(notice),
        signed_in_as: t.fill(Key::member_signed_in, &[("mobile", &masked)]),
        items,
    })
}
