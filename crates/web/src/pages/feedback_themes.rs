//! `/console/feedback/themes`: what people want most — the open backlog grouped into themes
//! with counts, the trend by week and the stations they come from, and the words rising
//! this month.

use super::choices::Choice;
use super::feedback_names::Names;
use crate::AppState;
use crate::ctx::StaffCtx;
use crate::error::AppError;
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use i18n::Key;
use serde::Deserialize;
use services::feedback::{HotWordView, THEME_WEEKS, ThemeView};

/// The window hot words compare: these days against the ones before.
const HOT_DAYS: i64 = 30;

#[derive(Template)]
#[template(path = "console/feedback_themes.html")]
struct ThemesPage {
    page: Page,
    stations: Vec<Choice>,
    station: String,
    themes: Vec<ThemeRow>,
    hot: Vec<HotWordView>,
    weeks_label: String,
}
framed!(ThemesPage);

struct ThemeRow {
    theme: ThemeView,
    label: String,
    /// The weekly counts as text bars, oldest first, for eyes and screen readers alike.
    trend: String,
    stations: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ThemesQuery {
    station: String,
}

pub async fn show(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Query(q): Query<ThemesQuery>,
) -> Result<Html<String>, AppError> {
    let t = ctx.t();
    let services = &state.services;
    let station = q.station.trim().parse::<i64>().ok();
    let themes = services.feedback_themes(&staff, station).await?;
    let hot = services.hot_words(&staff, station, HOT_DAYS).await?;
    let names = Names::load(services, &staff, &t).await?;
    let themes = themes
        .into_iter()
        .map(|theme| ThemeRow {
            label: theme.label.join(" · "),
            trend: theme
                .weeks
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(" → "),
            stations: theme
                .stations
                .iter()
                .take(3)
                .map(|(id, n)| format!("{} {n}", names.unit(*id)))
                .collect::<Vec<_>>()
                .join("，"),
            theme,
        })
        .collect();
    render(&ThemesPage {
        page: Page::new(&ctx, t.get(Key::themes_title)),
        stations: names.units.clone(),
        station: q.station,
        themes,
        hot,
        weeks_label: t.fill(Key::themes_trend, &[("weeks", &THEME_WEEKS)]),
    })
}
