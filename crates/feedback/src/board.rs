//! The public transparency board: published items with personal data masked, their public
//! timeline and official answer, "me too" counts, and the figures the institution promises.

use super::views::TimelineEntry;
use super::{status_of, tenant_of};
use crate::{Feedback, Institution, ServiceError, ServiceResult};
use domain::feedback::{FeedbackKind, Rating, Status};
use domain::{TenantId, Timestamp};
use jobs::{Handler, Job, JobError};
use serde::{Deserialize, Serialize};
use store::feedback::{
    self as fb, FeedbackFilter, FeedbackOrder, FeedbackRow, OnBoard, ShownCategory, StatusFilter,
};

/// Filters and order of the board, as the public chooses them.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct BoardQuery {
    pub kind: Option<String>,
    pub category: Option<String>,
    pub station: Option<i64>,
    /// `open`, `answered` (answered or closed) or a status code.
    pub status: Option<String>,
    /// `newest` (default) or `supported`.
    pub sort: Option<String>,
    /// Where the previous page ended.
    pub after: Option<String>,
}

/// An item as the public sees it.
#[derive(Clone, Debug, Serialize)]
pub struct PublicItem {
    pub tracking_no: String,
    pub kind: FeedbackKind,
    pub category: Option<String>,
    pub unit: i64,
    pub station: i64,
    pub status: Status,
    /// The nickname the submitter chose; `None` shows as anonymous.
    pub display_name: Option<String>,
    /// Personal data masked, or the staff's redaction.
    pub text: String,
    pub received_at: Timestamp,
    pub answered_at: Option<Timestamp>,
    pub support_count: i64,
    pub adopted: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct BoardPage {
    pub items: Vec<PublicItem>,
    /// Pass as `after` for the next page.
    pub next: Option<String>,
}

pub const BOARD_PAGE: u64 = 20;

/// The category the public sees: the confirmed one (the submitter chose it, or staff set or
/// confirmed it), else — only where the institution publishes confident guesses — the
/// system's confident guess. A guess is never shown as fact by default.
pub(crate) fn public_category(row: &FeedbackRow, publish_guesses: bool) -> Option<String> {
    row.category
        .clone()
        .or_else(|| row.suggested_category.clone().filter(|_| publish_guesses))
}

impl PublicItem {
    /// The item for the public; `publish_guesses` is the institution's
    /// `publish_confident_guesses` setting (see [`public_category`]).
    pub(crate) fn from_row(row: &FeedbackRow, publish_guesses: bool) -> PublicItem {
        PublicItem {
            tracking_no: row.tracking_no.clone(),
            kind: FeedbackKind::parse(&row.kind).unwrap_or(FeedbackKind::Request),
            category: public_category(row, publish_guesses),
            unit: row.unit_id,
            station: row.station_id,
            status: status_of(row),
            display_name: row.display_name.clone(),
            text: row
                .public_body
                .clone()
                .unwrap_or_else(|| text::mask(&row.body)),
            received_at: Timestamp(row.received_at),
            answered_at: row.answered_at.map(Timestamp),
            support_count: row.support_count,
            adopted: row.adopted,
        }
    }
}

impl Feedback {
    /// One page of the board. Keyset paging: a deep page costs what the first one does.
    pub async fn board(
        &self,
        institution: &Institution,
        q: &BoardQuery,
    ) -> ServiceResult<BoardPage> {
        let setup = self.feedback_setup(institution.id).await?;
        let mut filter = FeedbackFilter {
            on_board: Some(on_board(setup.settings.publish_by_default)),
            kind: q.kind.as_deref().and_then(FeedbackKind::parse),
            // The filter finds what the cards show.
            shown_category: q.category.as_deref().filter(|c| !c.is_empty()).map(|code| {
                ShownCategory {
                    code: code.to_owned(),
                    with_guesses: setup.settings.publish_confident_guesses,
                }
            }),
            station: q.station,
            ..Default::default()
        };
        filter.status = match q.status.as_deref() {
            Some("open") => Some(StatusFilter::Open),
            Some("answered") => Some(StatusFilter::Answered),
            Some(code) => Status::parse(code).map(StatusFilter::Is),
            None => None,
        };
        let by_support = q.sort.as_deref() == Some("supported");
        let after = q.after.as_deref().unwrap_or_default();
        let order = if by_support {
            FeedbackOrder::MostSupported {
                after: after
                    .split_once(':')
                    .and_then(|(c, i)| Some((c.parse::<i64>().ok()?, i.parse::<i64>().ok()?))),
            }
        } else {
            match after.parse::<i64>() {
                Ok(id) => FeedbackOrder::NewestBelow(id),
                Err(_) => FeedbackOrder::Newest,
            }
        };
        let page = (Some(BOARD_PAGE + 1), None);
        let mut rows = fb::list(self.db(), institution.id, &filter, order, page).await?;
        let more = rows.len() as u64 > BOARD_PAGE;
        rows.truncate(BOARD_PAGE as usize);
        let next = if more {
            rows.last().map(|r| {
                if by_support {
                    format!("{}:{}", r.support_count, r.id)
                } else {
                    r.id.to_string()
                }
            })
        } else {
            None
        };
        Ok(BoardPage {
            items: rows
                .iter()
                .map(|r| PublicItem::from_row(r, setup.settings.publish_confident_guesses))
                .collect(),
            next,
        })
    }

    /// One published item with its public timeline (answers, questions, reasons; never
    /// internal notes, never who on the staff did what).
    pub async fn board_item(
        &self,
        institution: &Institution,
        tracking_no: &str,
    ) -> ServiceResult<(PublicItem, Vec<TimelineEntry>)> {
        let row = fb::find_by_tracking_no(self.db(), institution.id, tracking_no)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !self.publicly_visible(&row).await? {
            return Err(ServiceError::NotFound);
        }
        let events = fb::events(self.db(), institution.id, row.id, true).await?;
        let texts = self.public_texts(&row, &events).await?;
        let setup = self.feedback_setup(institution.id).await?;
        Ok((
            PublicItem::from_row(&row, setup.settings.publish_confident_guesses),
            events.into_iter().map(|e| texts.entry(e)).collect(),
        ))
    }

    /// The item as its submitter follows it through the tracking link (published or not).
    pub async fn tracked_item(
        &self,
        institution: &Institution,
        tracking_no: &str,
        secret: &str,
    ) -> ServiceResult<(PublicItem, Vec<TimelineEntry>, TrackingState)> {
        let row = self.tracked(institution, tracking_no, secret).await?;
        let setup = self.feedback_setup(institution.id).await?;
        let events = fb::events(self.db(), institution.id, row.id, true).await?;
        let status = status_of(&row);
        let now = self.now();
        let in_window = row
            .answered_at
            .is_some_and(|a| now.0 - a <= setup.settings.reopen_days * domain::time::DAY_MS);
        let state = TrackingState {
            can_reply: status == Status::Waiting,
            can_rate: status.is_resolved() && row.rating.is_none(),
            can_reopen: status.is_resolved()
                && in_window
                && row
                    .rating
                    .as_deref()
                    .is_none_or(|r| r == Rating::Dissatisfied.as_str()),
            rating: row.rating.as_deref().and_then(Rating::parse),
            published: self.publicly_visible(&row).await?,
            merged_into: match row.merged_into {
                Some(id) => fb::find(self.db(), institution.id, id)
                    .await?
                    .map(|t| t.tracking_no),
                None => None,
            },
        };
        let mut item = PublicItem::from_row(&row, setup.settings.publish_confident_guesses);
        // The submitter reads their own words as they wrote them.
        item.text = row.body.clone();
        let texts = PublicTexts::new(&row, &events, &setup.settings.public_contacts);
        Ok((
            item,
            events.into_iter().map(|e| texts.entry(e)).collect(),
            state,
        ))
    }

    /// How the public reads the texts of `row`'s timeline (`events`, all of them or the
    /// public ones).
    pub(crate) async fn public_texts(
        &self,
        row: &FeedbackRow,
        events: &[fb::EventRow],
    ) -> ServiceResult<PublicTexts> {
        let setup = self.feedback_setup(tenant_of(row)).await?;
        Ok(PublicTexts::new(
            row,
            events,
            &setup.settings.public_contacts,
        ))
    }

    /// What the submitter and the public will read of an answer `text` staff are about to
    /// send on item `id`: the "预览" before "确认发送". Changes nothing.
    pub async fn answer_preview(
        &self,
        staff: &crate::Staff,
        id: i64,
        text: &str,
    ) -> ServiceResult<String> {
        let powers = self.feedback_powers(staff, id).await?;
        let row = self.visible_item(staff, id).await?;
        if !powers
            .actions(status_of(&row))
            .contains(&domain::feedback::Action::Answer)
        {
            return Err(ServiceError::Forbidden);
        }
        let mut checks = domain::Checks::new();
        let text = checks.text("text", text, domain::feedback::MAX_TEXT);
        checks.finish()?;
        let events = fb::events(self.db(), tenant_of(&row), row.id, true).await?;
        Ok(self.public_texts(&row, &events).await?.staff_text(&text))
    }

    /// Whether the public may see the item: cleared by moderation, published by the
    /// institution's policy or staff's choice, and not spam or merged away.
    pub(crate) async fn publicly_visible(&self, row: &FeedbackRow) -> ServiceResult<bool> {
        let setup = self.feedback_setup(tenant_of(row)).await?;
        let published = match row.publish.as_str() {
            "yes" => true,
            "no" => false,
            _ => setup.settings.publish_by_default,
        };
        Ok(published && row.moderation == "clear" && !status_of(row).is_hidden_from_public())
    }
}

/// What the submitter may do on the tracking page.
#[derive(Clone, Debug, Serialize)]
pub struct TrackingState {
    pub can_reply: bool,
    pub can_rate: bool,
    pub can_reopen: bool,
    pub rating: Option<Rating>,
    pub published: bool,
    pub merged_into: Option<String>,
}

/// How the public reads the texts of one item's timeline. What the submitter wrote is masked
/// like the item itself. What staff wrote (answers, questions, reasons) is the institution
/// speaking: its phone numbers, addresses and names are there for people to use, so only what
/// repeats the submitter's own personal data is masked, and never the institution's contact
/// details (the feedback settings list them).
pub(crate) struct PublicTexts {
    submitter: text::Known,
    institution: text::Known,
}

impl PublicTexts {
    /// The submitter's data is what their item, its contact fields and their later replies hold.
    pub(crate) fn new(
        row: &FeedbackRow,
        events: &[fb::EventRow],
        institution_contacts: &[String],
    ) -> PublicTexts {
        let mut submitter = text::Known::new();
        submitter.add_text(&row.body);
        for value in [&row.contact_name, &row.contact_mobile, &row.contact_email]
            .into_iter()
            .flatten()
        {
            submitter.add_value(value);
        }
        for e in events.iter().filter(|e| e.actor_user_id.is_none()) {
            if let Some(body) = &e.body {
                submitter.add_text(body);
            }
        }
        let mut institution = text::Known::new();
        for line in institution_contacts {
            institution.add_value(line);
        }
        PublicTexts {
            submitter,
            institution,
        }
    }

    /// A text staff write to the public, as the public reads it.
    pub(crate) fn staff_text(&self, text: &str) -> String {
        text::mask_reply(text, &self.submitter, &self.institution)
    }

    /// A timeline entry for the public: no staff names, texts masked as above.
    pub(crate) fn entry(&self, e: fb::EventRow) -> TimelineEntry {
        let by_staff = e.actor_user_id.is_some();
        let mut entry = TimelineEntry::from_row(e, false);
        entry.body = entry.body.map(|b| {
            if by_staff {
                self.staff_text(&b)
            } else {
                text::mask_keeping(&b, &self.institution)
            }
        });
        entry
    }
}

/// What the public may see: moderation clear, not spam or merged, and published.
pub(super) fn on_board(publish_by_default: bool) -> OnBoard {
    OnBoard { publish_by_default }
}

// ---- Figures ---------------------------------------------------------------------------------

/// The figures the institution promises, for itself or one station, over the last year.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Figures {
    pub received: i64,
    pub answered: i64,
    /// Handled: answered, closed or declined with a reason.
    pub resolved: i64,
    /// Of the resolved items with a deadline, how many were resolved within it.
    pub on_time: i64,
    pub with_deadline: i64,
    pub first_response_median_ms: Option<i64>,
    pub resolution_median_ms: Option<i64>,
    pub rated: i64,
    /// Satisfied or mostly satisfied.
    pub satisfied: i64,
}

/// Below this many items a rate is shown as counts, not a percentage.
pub const MIN_FOR_RATE: i64 = 10;

impl Figures {
    pub fn resolution_rate(&self) -> Option<f64> {
        rate(self.resolved, self.received)
    }

    pub fn on_time_rate(&self) -> Option<f64> {
        rate(self.on_time, self.with_deadline)
    }

    pub fn satisfaction_rate(&self) -> Option<f64> {
        rate(self.satisfied, self.rated)
    }
}

fn rate(part: i64, whole: i64) -> Option<f64> {
    (whole >= MIN_FOR_RATE).then(|| part as f64 / whole as f64)
}

/// The board's figures: the institution's (station 0) and each station's.
#[derive(Clone, Debug, Serialize)]
pub struct BoardFigures {
    pub computed_at: Option<Timestamp>,
    pub institution: Figures,
    pub stations: Vec<(i64, Figures)>,
}

pub const FIGURES: &str = "feedback.figures";
const FIGURE_WINDOW_MS: i64 = 365 * domain::time::DAY_MS;

impl Feedback {
    /// The figures as last computed; computed now if they never were.
    pub async fn board_figures(&self, institution: &Institution) -> ServiceResult<BoardFigures> {
        let mut saved = fb::saved_figures(self.db(), institution.id).await?;
        if saved.is_empty() {
            self.compute_figures(institution.id).await?;
            saved = fb::saved_figures(self.db(), institution.id).await?;
        }
        let mut out = BoardFigures {
            computed_at: None,
            institution: Figures::default(),
            stations: Vec::new(),
        };
        for s in saved {
            let figures: Figures = serde_json::from_str(&s.figures).unwrap_or_default();
            out.computed_at = Some(Timestamp(s.computed_at));
            if s.station_id == 0 {
                out.institution = figures;
            } else {
                out.stations.push((s.station_id, figures));
            }
        }
        Ok(out)
    }

    /// Works out the figures of the last year from the items themselves.
    pub async fn compute_figures(&self, tenant: TenantId) -> ServiceResult<()> {
        let now = self.now();
        let rows = fb::figure_rows(self.db(), tenant, now.minus_ms(FIGURE_WINDOW_MS)).await?;
        let mut by_station: std::collections::BTreeMap<i64, Vec<&fb::FigureRow>> =
            std::collections::BTreeMap::new();
        let counted: Vec<&fb::FigureRow> = rows
            .iter()
            .filter(|r| !matches!(r.status.as_str(), "spam" | "merged"))
            .collect();
        for r in &counted {
            by_station.entry(r.station_id).or_default().push(r);
        }
        let tx = self.db().begin().await?;
        fb::save_figures(&tx, tenant, 0, &to_json(&figures_of(&counted)), now).await?;
        for (station, rows) in by_station {
            fb::save_figures(&tx, tenant, station, &to_json(&figures_of(&rows)), now).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

fn to_json(f: &Figures) -> String {
    serde_json::to_string(f).unwrap_or_else(|_| "{}".into())
}

fn figures_of(rows: &[&fb::FigureRow]) -> Figures {
    let mut f = Figures {
        received: rows.len() as i64,
        ..Figures::default()
    };
    let mut first = Vec::new();
    let mut resolution = Vec::new();
    for r in rows {
        if let Some(at) = r.first_responded_at {
            first.push(at - r.received_at);
        }
        if let Some(at) = r.answered_at {
            f.answered += 1;
            resolution.push(at - r.received_at);
        }
        let resolved_at = r.answered_at.or_else(|| {
            (r.status == "not_accepted")
                .then_some(r.first_responded_at)
                .flatten()
        });
        if r.answered_at.is_some() || r.status == "not_accepted" {
            f.resolved += 1;
            if let (Some(due), Some(at)) = (r.resolution_due, resolved_at) {
                f.with_deadline += 1;
                if at <= due {
                    f.on_time += 1;
                }
            }
        }
        if let Some(rating) = &r.rating {
            f.rated += 1;
            if rating != "dissatisfied" {
                f.satisfied += 1;
            }
        }
    }
    f.first_response_median_ms = median(&mut first);
    f.resolution_median_ms = median(&mut resolution);
    f
}

fn median(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2
    })
}

/// Recomputes every institution's figures on a schedule.
pub(crate) struct ComputeFigures(pub Feedback);

#[async_trait::async_trait]
impl Handler for ComputeFigures {
    fn kind(&self) -> &'static str {
        FIGURES
    }

    async fn run(&self, _job: &Job) -> Result<(), JobError> {
        for t in store::tenants::list(self.0.db()).await? {
            self.0
                .compute_figures(t.tenant_id())
                .await
                .map_err(|e| JobError::Retry(e.to_string()))?;
        }
        Ok(())
    }
}
