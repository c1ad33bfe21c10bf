//! `/console/feedback/themes`: what people want most — the open backlog grouped into themes
//! with counts, the trend by week and the stations they come from, and the words rising
//! this month.

use super::names::Names;
use crate::AppState;
use crate::choices::Choice;
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
    trend: Trend,
    stations: String,
}

/// The weekly counts drawn as a small line (an inline SVG), with the numbers in words for
/// screen readers.
struct Trend {
    /// `x,y` pairs of the line in a 100×24 box, oldest week on the left.
    points: String,
    label: String,
    /// The latest week's count, shown beside the line for the eye.
    last: String,
}

impl Trend {
    const WIDTH: f64 = 100.0;
    const HEIGHT: f64 = 24.0;
    /// Room for the line's width at the top and bottom.
    const PAD: f64 = 2.0;

    fn of(weeks: &[usize], t: &i18n::Tr) -> Trend {
        let max = weeks.iter().copied().max().unwrap_or(0).max(1) as f64;
        let step = Self::WIDTH / weeks.len().saturating_sub(1).max(1) as f64;
        let points = weeks
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let y =
                    Self::HEIGHT - Self::PAD - (*n as f64 / max) * (Self::HEIGHT - 2.0 * Self::PAD);
                format!("{:.1},{:.1}", i as f64 * step, y)
            })
            .collect::<Vec<_>>()
            .join(" ");
        let counts = weeks
            .iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(t.get(Key::setup_list_separator));
        Trend {
            points,
            last: t.fill(
                Key::themes_trend_last,
                &[("n", &weeks.last().copied().unwrap_or(0))],
            ),
            label: t.fill(
                Key::themes_trend_label,
                &[("weeks", &weeks.len()), ("counts", &counts)],
            ),
        }
    }
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
    let themes = services.feedback().feedback_themes(&staff, station).await?;
    let hot = services
        .feedback()
        .hot_words(&staff, station, HOT_DAYS)
        .await?;
    let names = Names::load(services, &staff, &t).await?;
    let themes = themes
        .into_iter()
        .map(|theme| ThemeRow {
            label: theme.label.join(" · "),
            trend: Trend::of(&theme.weeks, &t),
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
