//! The anonymous staff suggestion box: any signed-in staff member writes a suggestion
//! about internal communication, the office answers it in front of everyone, and each
//! quarter is summed up.
//!
//! Nothing ties a suggestion to its sender. The row holds the text and the day (local
//! midnight) under a random id; no audit entry is written for it; the limit on how many a
//! person sends a day is counted in this process only, under a keyed hash of the account,
//! and says nothing about which suggestion is whose.

use crate::rate_limit::Limit;
use crate::{Notices, ServiceError, ServiceResult, Staff};
use domain::time::DAY_MS;
use domain::validate::Checks;
use domain::{Permission, Timestamp};
use serde::Serialize;
use store::staff_suggestions::{self as box_, SuggestionRow};

const BODY_MAX: usize = 1000;
const ANSWER_MAX: usize = 2000;
/// Suggestions shown in the box, newest days first; the quarters keep the count of all.
const LIST_MAX: u64 = 300;
/// Enough to stop a stuck button or a flood, few enough to leave no one out.
const PER_DAY: Limit = Limit {
    name: "staff-suggestion",
    max: 5,
    window_ms: DAY_MS,
};
/// Ids are drawn below 2^53, so any JSON reader keeps them exact.
const ID_BOUND: i64 = 1 << 53;
const TOP_WORDS: usize = 12;

/// A suggestion as every staff member sees it.
#[derive(Clone, Debug, Serialize)]
pub struct SuggestionView {
    pub id: i64,
    pub body: String,
    /// Midnight of the day it came in, local time: all that is known of when.
    pub day: Timestamp,
    pub answer: Option<String>,
    pub answered_at: Option<Timestamp>,
}

impl From<SuggestionRow> for SuggestionView {
    fn from(row: SuggestionRow) -> Self {
        SuggestionView {
            id: row.id,
            body: row.body,
            day: Timestamp(row.received_day),
            answer: row.answer,
            answered_at: row.answered_at.map(Timestamp),
        }
    }
}

/// The box as one staff member sees it.
#[derive(Clone, Debug, Serialize)]
pub struct SuggestionBox {
    pub suggestions: Vec<SuggestionView>,
    /// The office, which answers.
    pub can_answer: bool,
}

/// A calendar quarter: `2026-4` is October to December 2026.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Quarter {
    pub year: i16,
    pub quarter: i8,
}

impl Quarter {
    /// `2026-4`; anything else is `None`.
    pub fn parse(s: &str) -> Option<Quarter> {
        let (year, quarter) = s.trim().split_once('-')?;
        let year: i16 = year.trim().parse().ok()?;
        let quarter: i8 = quarter.trim().parse().ok()?;
        ((1..=4).contains(&quarter) && (1900..=9999).contains(&year))
            .then_some(Quarter { year, quarter })
    }

    /// The quarter `at` falls in, on the wall clock of `tz`.
    pub fn of(at: Timestamp, tz: &jiff::tz::TimeZone) -> Quarter {
        let zoned = at.in_zone(tz);
        Quarter {
            year: zoned.year(),
            quarter: (zoned.month() - 1) / 3 + 1,
        }
    }

    pub fn previous(self) -> Quarter {
        match self.quarter {
            1 => Quarter {
                year: self.year - 1,
                quarter: 4,
            },
            q => Quarter {
                year: self.year,
                quarter: q - 1,
            },
        }
    }

    pub fn next(self) -> Quarter {
        match self.quarter {
            4 => Quarter {
                year: self.year + 1,
                quarter: 1,
            },
            q => Quarter {
                year: self.year,
                quarter: q + 1,
            },
        }
    }

    /// Midnight on its first day to midnight on the next quarter's, in `tz`.
    pub fn bounds(self, tz: &jiff::tz::TimeZone) -> ServiceResult<(Timestamp, Timestamp)> {
        let start = |q: Quarter| -> ServiceResult<Timestamp> {
            let zoned = jiff::civil::Date::new(q.year, (q.quarter - 1) * 3 + 1, 1)
                .and_then(|d| d.to_zoned(tz.clone()))
                .map_err(|e| ServiceError::Internal(format!("quarter {q}: {e}")))?;
            Ok(Timestamp(zoned.timestamp().as_millisecond()))
        };
        Ok((start(self)?, start(self.next())?))
    }
}

impl std::fmt::Display for Quarter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.year, self.quarter)
    }
}

/// A quarter of the box in figures.
#[derive(Clone, Debug, Serialize)]
pub struct QuarterSummary {
    pub quarter: Quarter,
    pub received: usize,
    pub answered: usize,
    /// Answered over received, in whole percent; `None` with nothing received.
    pub answered_percent: Option<u32>,
    /// The words that come up in most suggestions, with in how many; only words in at
    /// least three.
    pub top_words: Vec<(String, usize)>,
}

/// Midnight of the day `at` falls in, on the wall clock of `tz`.
fn day_of(at: Timestamp, tz: &jiff::tz::TimeZone) -> ServiceResult<Timestamp> {
    let midnight = at
        .in_zone(tz)
        .start_of_day()
        .map_err(|e| ServiceError::Internal(format!("start of day: {e}")))?;
    Ok(Timestamp(midnight.timestamp().as_millisecond()))
}

/// The words (or two-word phrases) that come up in most of the suggestions, each counted
/// once per suggestion, best first: the text crate's hot words against an empty past, which
/// ranks by how many use a term, leaves out general words, and lists only terms in at
/// least three.
fn top_words(rows: &[SuggestionRow]) -> Vec<(String, usize)> {
    let words: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            let mut words = text::words(&row.body);
            words.retain(|w| !text::is_stopword(w));
            words
        })
        .collect();
    text::hotwords::rising(&words, &[], TOP_WORDS)
        .into_iter()
        .map(|hot| (hot.word, hot.now as usize))
        .collect()
}

impl Notices {
    /// The office, which answers suggestions: notices looked after institution-wide.
    async fn answers_suggestions(&self, staff: &Staff) -> ServiceResult<bool> {
        let root = store::org::root_unit(self.db(), staff.actor.tenant_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok(staff
            .actor
            .can(Permission::ManageNotices, &root.unit_path()))
    }

    /// Puts a suggestion in the box, with nothing that could tell who sent it.
    pub async fn submit_suggestion(&self, staff: &Staff, body: &str) -> ServiceResult<()> {
        let mut checks = Checks::new();
        let body = checks.text("body", body, BODY_MAX);
        checks.finish()?;
        // Counted under a keyed hash, in this process only: no table learns who wrote.
        let who = crate::secrets::mac(
            &self.keys().codes,
            &format!("suggestion:{}", staff.actor.user_id.0),
        );
        self.spend_locally(PER_DAY, &who)?;
        let tenant = staff.actor.tenant_id;
        let tz = self.institution(tenant).await?.timezone;
        let day = day_of(self.now(), &tz)?;
        let id = rand::random_range(1..ID_BOUND);
        box_::insert(self.db(), tenant, id, &body, day).await?;
        Ok(())
    }

    /// Every suggestion and answer, newest day first, for any staff member.
    pub async fn suggestion_box(&self, staff: &Staff) -> ServiceResult<SuggestionBox> {
        let rows = box_::recent(self.db(), staff.actor.tenant_id, LIST_MAX).await?;
        Ok(SuggestionBox {
            suggestions: rows.into_iter().map(SuggestionView::from).collect(),
            can_answer: self.answers_suggestions(staff).await?,
        })
    }

    /// The office answers (or re-answers) a suggestion, for all staff to read.
    pub async fn answer_suggestion(
        &self,
        staff: &Staff,
        id: i64,
        answer: &str,
    ) -> ServiceResult<()> {
        if !self.answers_suggestions(staff).await? {
            return Err(ServiceError::Forbidden);
        }
        let mut checks = Checks::new();
        let answer = checks.text("answer", answer, ANSWER_MAX);
        checks.finish()?;
        let tenant = staff.actor.tenant_id;
        let before = box_::find(self.db(), tenant, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let now = self.now();
        let tx = self.db().begin().await?;
        box_::answer(&tx, tenant, id, &answer, staff.actor.user_id, now).await?;
        // The answer is the office's act; the suggestion's sender is nowhere in it.
        self.audit(
            &tx,
            staff,
            "staff_suggestion.answer",
            "staff_suggestion",
            id,
            before.answer.map(|a| serde_json::json!({ "answer": a })),
            Some(serde_json::json!({ "answer": answer })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A quarter in figures: how many came in, how many were answered, and the words that
    /// come up most. Any staff member may read it.
    pub async fn suggestion_quarter(
        &self,
        staff: &Staff,
        quarter: Quarter,
    ) -> ServiceResult<QuarterSummary> {
        let tenant = staff.actor.tenant_id;
        let tz = self.institution(tenant).await?.timezone;
        let (from, to) = quarter.bounds(&tz)?;
        let rows = box_::received_between(self.db(), tenant, from, to).await?;
        let answered = rows.iter().filter(|r| r.answer.is_some()).count();
        let received = rows.len();
        Ok(QuarterSummary {
            quarter,
            received,
            answered,
            answered_percent: (received > 0)
                .then(|| ((answered * 100 + received / 2) / received) as u32),
            top_words: top_words(&rows),
        })
    }

    /// The quarter the institution is in now.
    pub async fn current_quarter(&self, staff: &Staff) -> ServiceResult<Quarter> {
        let tz = self.institution(staff.actor.tenant_id).await?.timezone;
        Ok(Quarter::of(self.now(), &tz))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_parse_step_and_bound() {
        let q = Quarter::parse("2026-4").unwrap();
        assert_eq!(q.to_string(), "2026-4");
        assert_eq!(q.next().to_string(), "2027-1");
        assert_eq!(Quarter::parse("2027-1").unwrap().previous(), q);
        for bad in ["2026", "2026-5", "2026-0", "x-1", ""] {
            assert_eq!(Quarter::parse(bad), None, "{bad}");
        }
        let tz = domain::time::china();
        let (from, to) = q.bounds(&tz).unwrap();
        // 2026-10-01 00:00 and 2027-01-01 00:00 in Beijing.
        assert_eq!(from.format_minutes(&tz), "2026-10-01 00:00");
        assert_eq!(to.format_minutes(&tz), "2027-01-01 00:00");
        assert_eq!(Quarter::of(from, &tz), q);
        assert_eq!(Quarter::of(to.minus_ms(1), &tz), q);
    }

    #[test]
    fn a_day_is_local_midnight() {
        let tz = domain::time::china();
        // 2026-11-23 00:30 in Beijing is still the 22nd in UTC.
        let at = Timestamp(1_795_365_000_000);
        assert_eq!(at.format_minutes(&tz), "2026-11-23 00:30");
        assert_eq!(
            day_of(at, &tz).unwrap().format_minutes(&tz),
            "2026-11-23 00:00"
        );
    }
}
