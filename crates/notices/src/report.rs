//! The monthly spot-check the communication plan promises: for a month (on the
//! institution's calendar) and a subtree, how many notices went out, how fast each priority
//! was read and acknowledged (median and p95), what share of recipients were reached within
//! the delivery deadline, how many messages failed, and the error rate — corrections and
//! retractions over notices sent — against the plan's 5% ceiling.
//!
//! A notice belongs to the month it was published in; its corrections and retraction count
//! there too, even when they came later, so a month's figure can still rise afterwards.

use super::parse_row;
use crate::{Notices, ServiceError, ServiceResult, Staff};
use domain::notice::{NoticePriority, NoticeStatus, percentile};
use domain::{Checks, FieldError, Permission, Timestamp, UnitId, UnitPath};
use i18n::Key;
use serde::Serialize;
use std::collections::HashMap;
use store::notices::{NoticeFilter, TimingRow, Units};

/// The plan's ceiling on the error rate, in percent: corrections and retractions stay
/// under 5% of the notices sent.
pub const ERROR_RATE_LIMIT_PERCENT: i64 = 5;

/// A calendar month, `2026-11`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ReportMonth {
    pub year: i16,
    pub month: i8,
}

impl ReportMonth {
    /// `2026-11` (or `2026-1`); anything else is `None`.
    pub fn parse(s: &str) -> Option<ReportMonth> {
        let (year, month) = s.trim().split_once('-')?;
        let year: i16 = year.parse().ok()?;
        let month: i8 = month.parse().ok()?;
        jiff::civil::Date::new(year, month, 1).ok()?;
        Some(ReportMonth { year, month })
    }

    /// The month `at` falls in, on the wall clock of `tz`.
    pub fn of(at: Timestamp, tz: &jiff::tz::TimeZone) -> ReportMonth {
        let zoned = at.in_zone(tz);
        ReportMonth {
            year: zoned.year(),
            month: zoned.month(),
        }
    }

    pub fn previous(self) -> ReportMonth {
        match self.month {
            1 => ReportMonth {
                year: self.year - 1,
                month: 12,
            },
            m => ReportMonth {
                year: self.year,
                month: m - 1,
            },
        }
    }

    pub fn next(self) -> ReportMonth {
        match self.month {
            12 => ReportMonth {
                year: self.year + 1,
                month: 1,
            },
            m => ReportMonth {
                year: self.year,
                month: m + 1,
            },
        }
    }

    /// Midnight on its first day to midnight on the next month's, in `tz`.
    pub fn bounds(self, tz: &jiff::tz::TimeZone) -> ServiceResult<(Timestamp, Timestamp)> {
        let start = |m: ReportMonth| -> ServiceResult<Timestamp> {
            let zoned = jiff::civil::Date::new(m.year, m.month, 1)
                .and_then(|d| d.to_zoned(tz.clone()))
                .map_err(|e| ServiceError::Internal(format!("month {m}: {e}")))?;
            Ok(Timestamp(zoned.timestamp().as_millisecond()))
        };
        Ok((start(self)?, start(self.next())?))
    }
}

impl std::fmt::Display for ReportMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The figures of one priority, or of all notices together (`priority: None`).
#[derive(Clone, Debug, Default, Serialize)]
pub struct ReportLine {
    pub priority: Option<NoticePriority>,
    pub notices: i64,
    pub recipients: i64,
    /// From publishing to reading, over the recipients who read it (milliseconds).
    pub read_median_ms: Option<i64>,
    pub read_p95_ms: Option<i64>,
    /// From publishing to "已知悉", over notices that ask for it.
    pub ack_median_ms: Option<i64>,
    pub ack_p95_ms: Option<i64>,
    /// Recipients reached by the deadline (read, or acknowledged where asked) …
    pub reached_in_time: i64,
    /// … out of the recipients of notices whose deadline has passed and that were not
    /// retracted before it.
    pub reach_counted: i64,
    /// Failed e-mails and SMS (after their retries).
    pub failures: i64,
}

impl ReportLine {
    /// The share reached in time, in percent with one decimal; `None` when nothing counts.
    pub fn reached_percent(&self) -> Option<f64> {
        percent(self.reached_in_time, self.reach_counted)
    }
}

/// The spot-check of one month and subtree.
#[derive(Clone, Debug, Serialize)]
pub struct NoticeReport {
    pub month: ReportMonth,
    pub from: Timestamp,
    pub to: Timestamp,
    /// The unit chosen, or `None` for everything the staff member oversees.
    pub unit: Option<UnitId>,
    /// The units the staff member may choose, in tree order, with their depth.
    pub units: Vec<(UnitId, String, usize)>,
    /// One line per priority, urgent first, each present even when nothing was sent.
    pub lines: Vec<ReportLine>,
    pub total: ReportLine,
    /// Published notices whose deadline is still ahead: not yet in the reach figures.
    pub still_due: i64,
    pub corrections: i64,
    pub retractions: i64,
    /// (corrections + retractions) / notices sent, in percent; `None` when nothing was sent.
    pub error_rate_percent: Option<f64>,
    /// The error rate is at or over the plan's ceiling.
    pub over_limit: bool,
}

/// `part` of `whole` in percent, rounded to one decimal.
fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// What the report needs of each notice of the month.
struct SentNotice {
    priority: NoticePriority,
    retracted_at: Option<i64>,
    due_at: Option<i64>,
}

impl Notices {
    /// The spot-check for `month` (the current one when `None`) over `unit`'s subtree, or
    /// over every subtree where the staff member manages notices.
    pub async fn notice_report(
        &self,
        staff: &Staff,
        month: Option<&str>,
        unit: Option<UnitId>,
    ) -> ServiceResult<NoticeReport> {
        let tenant = staff.actor.tenant_id;
        let scopes: Vec<UnitPath> = staff
            .actor
            .scopes(Permission::ManageNotices)
            .into_iter()
            .cloned()
            .collect();
        if scopes.is_empty() {
            return Err(ServiceError::Forbidden);
        }
        let tz = self.institution(tenant).await?.timezone;
        let month = match month.map(str::trim).filter(|m| !m.is_empty()) {
            None => ReportMonth::of(self.now(), &tz),
            Some(text) => {
                let mut checks = Checks::new();
                let parsed = checks.present(
                    "month",
                    ReportMonth::parse(text),
                    Key::noticereport_err_month,
                );
                checks.finish_with(parsed)?
            }
        };
        let all_units = store::org::units(self.db(), tenant).await?;
        let units: Vec<(UnitId, String, usize)> = all_units
            .iter()
            .filter(|u| scopes.iter().any(|s| u.unit_path().is_within(s)))
            .map(|u| (u.unit_id(), u.name.clone(), u.unit_path().depth()))
            .collect();
        let subtrees = Units::Within(match unit {
            Some(id) => {
                let Some(row) = all_units.iter().find(|u| u.id == id.0) else {
                    return Err(invalid_unit());
                };
                if !staff.actor.can(Permission::ManageNotices, &row.unit_path()) {
                    return Err(invalid_unit());
                }
                vec![row.unit_path()]
            }
            None => scopes,
        });
        let (from, to) = month.bounds(&tz)?;
        let rows = store::notices::list(
            self.db(),
            tenant,
            &NoticeFilter {
                units: subtrees.clone(),
                published_between: Some((from, to)),
                ..NoticeFilter::default()
            },
        )
        .await?;
        let mut sent = HashMap::new();
        let (mut corrections, mut retractions) = (0, 0);
        for row in &rows {
            let parsed = parse_row(row)?;
            corrections += row.correction_count;
            if parsed.status == NoticeStatus::Retracted {
                retractions += 1;
            }
            sent.insert(
                row.id,
                SentNotice {
                    priority: parsed.priority,
                    retracted_at: row.retracted_at,
                    due_at: row.due_at,
                },
            );
        }
        let timings = store::notices::timings(self.db(), tenant, &subtrees, from, to).await?;
        let now = self.now();
        let mut tally: HashMap<Option<NoticePriority>, Tally> = HashMap::new();
        for notice in sent.values() {
            for key in [Some(notice.priority), None] {
                tally.entry(key).or_default().line.notices += 1;
            }
        }
        let still_due = sent
            .values()
            .filter(|n| n.retracted_at.is_none() && n.due_at.is_some_and(|d| d > now.0))
            .count() as i64;
        for t in &timings {
            let Some(notice) = sent.get(&t.notice_id) else {
                // Published after the list was read: next time.
                continue;
            };
            for key in [Some(notice.priority), None] {
                tally.entry(key).or_default().add(t, notice, now);
            }
        }
        let mut lines = Vec::with_capacity(NoticePriority::ALL.len());
        for p in NoticePriority::ALL {
            lines.push(tally.remove(&Some(*p)).unwrap_or_default().finish(Some(*p)));
        }
        let total = tally.remove(&None).unwrap_or_default().finish(None);
        let errors = corrections + retractions;
        Ok(NoticeReport {
            month,
            from,
            to,
            unit,
            units,
            error_rate_percent: percent(errors, total.notices),
            over_limit: total.notices > 0
                && errors * 100 >= ERROR_RATE_LIMIT_PERCENT * total.notices,
            lines,
            total,
            still_due,
            corrections,
            retractions,
        })
    }
}

fn invalid_unit() -> ServiceError {
    ServiceError::Invalid(domain::Invalid(vec![FieldError::new(
        "unit",
        Key::noticereport_err_unit,
    )]))
}

/// Figures gathered for one line, recipient by recipient.
#[derive(Default)]
struct Tally {
    line: ReportLine,
    to_read: Vec<i64>,
    to_acknowledge: Vec<i64>,
}

impl Tally {
    fn add(&mut self, t: &TimingRow, notice: &SentNotice, now: Timestamp) {
        self.line.recipients += 1;
        if let Some(read) = t.read_at {
            self.to_read.push(std::cmp::max(0, read - t.published_at));
        }
        if let (true, Some(ack)) = (t.requires_ack, t.acknowledged_at) {
            self.to_acknowledge
                .push(std::cmp::max(0, ack - t.published_at));
        }
        let failed = |s: &Option<String>| s.as_deref() == Some(store::outbox::FAILED);
        self.line.failures += i64::from(failed(&t.email_status)) + i64::from(failed(&t.sms_status));
        // Reach is judged once the deadline has passed, and not for a notice withdrawn
        // before it: nobody was still expected to read that one.
        let Some(due) = t.due_at else {
            return;
        };
        if due > now.0 || notice.retracted_at.is_some_and(|r| r < due) {
            return;
        }
        self.line.reach_counted += 1;
        let reached_at = if t.requires_ack {
            t.acknowledged_at
        } else {
            t.read_at.or(t.acknowledged_at)
        };
        if reached_at.is_some_and(|at| at <= due) {
            self.line.reached_in_time += 1;
        }
    }

    fn finish(mut self, priority: Option<NoticePriority>) -> ReportLine {
        self.to_read.sort_unstable();
        self.to_acknowledge.sort_unstable();
        ReportLine {
            priority,
            read_median_ms: percentile(&self.to_read, 50),
            read_p95_ms: percentile(&self.to_read, 95),
            ack_median_ms: percentile(&self.to_acknowledge, 50),
            ack_p95_ms: percentile(&self.to_acknowledge, 95),
            ..self.line
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_runs_from_midnight_to_midnight_in_beijing() {
        let m = ReportMonth::parse("2026-11").unwrap();
        let (from, to) = m.bounds(&domain::time::china()).unwrap();
        // 2026-11-01 00:00 +08:00 and 2026-12-01 00:00 +08:00.
        assert_eq!(from.rfc3339(), "2026-10-31T16:00:00Z");
        assert_eq!(to.rfc3339(), "2026-11-30T16:00:00Z");
        assert_eq!(m.to_string(), "2026-11");
        assert_eq!(
            ReportMonth::parse("2026-12").unwrap().next().to_string(),
            "2027-01"
        );
        assert_eq!(
            ReportMonth::parse("2026-1").unwrap().previous().to_string(),
            "2025-12"
        );
        assert_eq!(ReportMonth::parse("2026-13"), None);
        assert_eq!(ReportMonth::parse("十一月"), None);
        // The last evening of October in Beijing is already November in UTC's eyes, and
        // the other way round.
        assert_eq!(
            ReportMonth::of(Timestamp(from.0 - 1), &domain::time::china()).to_string(),
            "2026-10"
        );
    }

    #[test]
    fn percentages_have_one_decimal() {
        assert_eq!(percent(1, 3), Some(33.3));
        assert_eq!(percent(2, 3), Some(66.7));
        assert_eq!(percent(0, 0), None);
    }
}
