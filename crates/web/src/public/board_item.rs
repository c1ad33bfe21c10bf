//! `/board/{tracking_no}`: one published item — its masked text, the public timeline
//! (answers, questions, reasons; never internal notes or staff names), the official answer
//! highlighted — and the "me too" button for signed-in members.

use super::view::{ItemCard, Names, TimelineRow, official_answer, timeline};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use i18n::Key;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "public/board_item.html")]
struct BoardItemPage {
    page: Page,
    item: ItemCard,
    answer: Option<TimelineRow>,
    timeline: Vec<TimelineRow>,
    /// A member is signed in and may add their support.
    member: bool,
    /// Where someone not signed in goes to sign in and come back.
    login: String,
}
framed!(BoardItemPage);

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Done {
    done: String,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(tracking_no): Path<String>,
    Query(done): Query<Done>,
) -> Result<Html<String>, AppError> {
    let t = ctx.t();
    let (item, entries) = state
        .services
        .feedback()
        .board_item(&ctx.institution, &tracking_no)
        .await?;
    let names = Names::load(&state.services, &ctx.institution).await?;
    let rows = timeline(&entries, &names, &t);
    let notice = match done.done.as_str() {
        "supported" => Some(t.board_supported().to_owned()),
        "already" => Some(t.board_already_supported().to_owned()),
        _ => None,
    };
    let answer = official_answer(&rows).map(|a| TimelineRow {
        what: a.what.clone(),
        at: a.at.clone(),
        body: a.body.clone(),
        answer: true,
    });
    render(&BoardItemPage {
        page: Page::new(
            &ctx,
            t.fill(Key::board_item_title, &[("tracking", &item.tracking_no)]),
        )
        .with_notice(notice),
        login: format!("/me/login?next=/board/{}", item.tracking_no),
        item: ItemCard::new(&item, &names, &t),
        answer,
        timeline: rows,
        member: ctx.member().is_some(),
    })
}

/// "Me too": once per member; anyone else is sent to sign in first and brought back.
pub async fn support(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(tracking_no): Path<String>,
) -> Result<Response, AppError> {
    let Some(member) = ctx.member() else {
        let back = format!("/board/{tracking_no}");
        let next = form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>();
        return Ok(Redirect::to(&format!("/me/login?next={next}")).into_response());
    };
    let added = state
        .services
        .feedback()
        .support_feedback(&ctx.institution, member, &tracking_no)
        .await?;
    let done = if added { "supported" } else { "already" };
    let path = form_urlencoded::byte_serialize(tracking_no.as_bytes()).collect::<String>();
    Ok(Redirect::to(&format!("/board/{path}?done={done}")).into_response())
}
