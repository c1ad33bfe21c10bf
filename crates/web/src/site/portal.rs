//! `/`: the public portal.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use services::UnitNode;

#[derive(Template)]
#[template(path = "portal/index.html")]
struct PortalPage {
    page: Page,
    stations: Vec<(UnitNode, Vec<UnitNode>)>,
}
framed!(PortalPage);

pub async fn show(State(state): State<AppState>, ctx: Ctx) -> Result<Html<String>, AppError> {
    let units = state.services.public_units(&ctx.institution).await?;
    let mut stations: Vec<(UnitNode, Vec<UnitNode>)> = Vec::new();
    for unit in units.into_iter().filter(|u| u.depth > 0) {
        match (unit.depth, stations.last_mut()) {
            (1, _) => stations.push((unit, Vec::new())),
            (_, Some((_, points))) => points.push(unit),
            _ => {}
        }
    }
    let t = ctx.t();
    render(&PortalPage {
        page: Page::new(&ctx, t.portal_title()),
        stations,
    })
}
