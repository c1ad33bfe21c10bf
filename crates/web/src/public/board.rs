//! `/board`: the public transparency board (公示栏) — the figures the institution promises,
//! per station, and the published items with personal data masked, filtered and sorted by
//! a plain GET form and paged by a "next page" link (keyset paging: the service hands back
//! where the page ended).

use super::board_filters::BoardParams;
use super::view::{ItemCard, Names, duration_words};
use crate::AppState;
use crate::choices::Choice;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use domain::feedback::FeedbackKind;
use i18n::{Key, Tr};
use services::feedback::Figures;

#[derive(Template)]
#[template(path = "public/board.html")]
struct BoardPage {
    page: Page,
    filters: BoardParams,
    kinds: Vec<Choice>,
    categories: Vec<Choice>,
    stations: Vec<Choice>,
    statuses: Vec<Choice>,
    sorts: Vec<Choice>,
    items: Vec<ItemCard>,
    /// The link to the next page, when there is one.
    next: Option<String>,
    /// Back to the first page, when this is not it.
    first: Option<String>,
    /// Rates over fewer than ten items are counts; the explanation above the table says so
    /// once, not every cell.
    figures: Vec<FigureRow>,
    computed: Option<String>,
}
framed!(BoardPage);

/// One line of the figures table.
struct FigureRow {
    name: String,
    received: i64,
    answered: i64,
    resolution_rate: String,
    on_time_rate: String,
    first_response: String,
    resolution_time: String,
    satisfaction_rate: String,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(filters): Query<BoardParams>,
) -> Result<Html<String>, AppError> {
    let t = ctx.t();
    let services = &state.services;
    let names = Names::load(services, &ctx.institution).await?;
    let board = services
        .feedback()
        .board(&ctx.institution, &filters.query())
        .await?;
    let figures = services.feedback().board_figures(&ctx.institution).await?;
    let units = services.public_units(&ctx.institution).await?;
    let setup = services
        .feedback()
        .feedback_setup(ctx.institution.id)
        .await?;
    // Items about the centre itself count under the centre as if it were a station.
    let root = units.iter().find(|u| u.depth == 0).map(|u| u.id.0);
    let station_name = |station: i64| {
        let name = names.unit(station);
        if Some(station) == root {
            t.fill(Key::board_centre_itself, &[("centre", &name)])
        } else {
            name
        }
    };
    let mut table = vec![figure_row(
        t.board_figures_total().to_owned(),
        &figures.institution,
        &t,
    )];
    table.extend(
        figures
            .stations
            .iter()
            .map(|(station, f)| figure_row(station_name(*station), f, &t)),
    );
    let today = services.now().in_zone(&names.tz).date();
    let computed = figures.computed_at.map(|at| {
        let zoned = at.in_zone(&names.tz);
        let time = if zoned.date() == today {
            zoned.strftime("%H:%M").to_string()
        } else {
            names.minute(at)
        };
        t.fill(Key::board_figures_at, &[("time", &time)])
    });
    render(&BoardPage {
        page: Page::new(&ctx, t.board_title()),
        kinds: FeedbackKind::ALL
            .iter()
            .map(|k| choice(k.as_str(), t.get(k.label())))
            .collect(),
        categories: setup
            .categories
            .iter()
            .filter(|c| c.active)
            .map(|c| choice(&c.code, c.label(ctx.lang)))
            .collect(),
        stations: units
            .iter()
            .filter(|u| u.depth == 1)
            .map(|u| choice(&u.id.to_string(), &u.name))
            .collect(),
        statuses: vec![
            choice("open", t.board_status_open()),
            choice("answered", t.board_status_answered()),
        ],
        sorts: vec![
            choice("newest", t.board_sort_newest()),
            choice("supported", t.board_sort_supported()),
        ],
        items: board
            .items
            .iter()
            .map(|i| ItemCard::new(i, &names, &t))
            .collect(),
        next: board.next.as_deref().map(|n| filters.link(Some(n))),
        first: (!filters.after.is_empty()).then(|| filters.link(None)),
        figures: table,
        computed,
        filters,
    })
}

fn choice(value: &str, label: &str) -> Choice {
    Choice {
        value: value.to_owned(),
        label: label.to_owned(),
    }
}

fn figure_row(name: String, f: &Figures, t: &Tr) -> FigureRow {
    FigureRow {
        name,
        received: f.received,
        answered: f.answered,
        resolution_rate: rate_cell(f.resolution_rate(), f.resolved, f.received, t),
        on_time_rate: rate_cell(f.on_time_rate(), f.on_time, f.with_deadline, t),
        first_response: duration_words(f.first_response_median_ms, t),
        resolution_time: duration_words(f.resolution_median_ms, t),
        satisfaction_rate: rate_cell(f.satisfaction_rate(), f.satisfied, f.rated, t),
    }
}

/// A percentage, or — over fewer than [`services::feedback::MIN_FOR_RATE`] items, where a percentage would
/// mislead — the counts themselves.
fn rate_cell(rate: Option<f64>, part: i64, whole: i64, t: &Tr) -> String {
    match rate {
        Some(r) => format!("{}%", (r * 100.0).round()),
        None if whole == 0 => t.board_figures_none().to_owned(),
        None => t.fill(
            Key::board_figures_counts,
            &[("part", &part), ("whole", &whole)],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_under_ten_items_are_counts() {
        let zh = Tr::new(i18n::Lang::ZhCn);
        assert_eq!(rate_cell(None, 2, 3, &zh), "2/3 件");
        assert_eq!(rate_cell(Some(0.875), 35, 40, &zh), "88%");
        assert_eq!(rate_cell(Some(1.0), 10, 10, &zh), "100%");
        assert_eq!(rate_cell(None, 0, 0, &zh), "暂无");
    }
}
