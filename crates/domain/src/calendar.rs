//! The working calendar: 工作日, 法定节假日 and 调休, and deadlines counted in working time.
//!
//! # What counts as working time
//!
//! A **working day** is Monday to Friday, unless the admin entered it as a public holiday
//! (法定节假日, [`DayKind::Holiday`]); Saturday and Sunday are not working days unless the
//! admin entered them as make-up working days (调休上班, [`DayKind::Workday`]). China's State
//! Council publishes each year's arrangement in late autumn and the admin types or pastes it in
//! ([`parse_day_list`]).
//!
//! **Working time** is every instant of a working day — the whole day, midnight to midnight in
//! the calendar's time zone (Asia/Shanghai unless the institution says otherwise), not office
//! hours. A day `d` is the half-open span from the first instant of `d` to the first instant of
//! the next day, found with jiff's civil arithmetic, so it is 24 hours long except where the zone
//! moves its clocks (23 or 25 hours, or even 0 hours for a day a zone skipped). Asia/Shanghai has
//! not moved its clocks since 1991, so in China a working day is always 24 hours.
//!
//! Why whole days and not office hours:
//!
//! - "N 个工作日内答复" reads the way offices read it: one working day
//!   ([`DAY_MS`](crate::time::DAY_MS) of working time) after Friday 15:00 is Monday 15:00, and
//!   an item that came in on Saturday 10:00 is due one working day after Monday begins, at
//!   Tuesday 00:00 — the end of Monday. With office hours, an item received at 20:00 or over
//!   lunch would get a deadline nobody can explain.
//! - [`WorkCalendar::working_between`] and [`WorkCalendar::add_working`] count exactly the same
//!   milliseconds, so they are inverses: `working_between(s, add_working(s, d)) == d` for every
//!   start `s` and `d >= 0`, and `add_working(a, working_between(a, b))` is `b` itself, or the
//!   end of the last working time before `b` when `b` falls in non-working time (`a` if there
//!   was none since `a`; `a` too when `b <= a`). Time the clock is stopped (waiting for the
//!   submitter, say) can be measured with `working_between` and added back to a deadline with
//!   `add_working`, to the millisecond, with nothing lost to rounding.
//!
//! Counting that starts on a non-working day begins at the first instant of the next working
//! day. A deadline that ends exactly at the end of a working day is that day's 24:00, which is
//! written as 00:00 of the next (possibly non-working) day: the result of `add_working` is never
//! *strictly inside* a non-working day, because the millisecond just before it is working time.
//!
//! # Fallbacks
//!
//! jiff represents instants from the year −9999 to 9999. An instant outside that range, or past
//! the start of the last day jiff can represent, has no calendar day; such time counts as working
//! time, so both functions stay total, consistent with each other, and free of panics. Real
//! deadlines (years 1900–2100) never come near it.

use crate::time::Timestamp;
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// What the admin says about one day, overriding the Monday–Friday rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// 法定节假日 (or any other day the institution is closed): not a working day, even on a weekday.
    Holiday,
    /// 调休上班: a make-up working day, a working day even on a Saturday or Sunday.
    Workday,
}

impl DayKind {
    pub const ALL: [DayKind; 2] = [DayKind::Holiday, DayKind::Workday];

    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
        }
    }

    /// The stored code back ([`DayKind::as_str`]); the admin's words are read by [`parse_day_list`].
    pub fn parse(s: &str) -> Option<DayKind> {
        DayKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn is_working(self) -> bool {
        self == DayKind::Workday
    }
}

/// Which days are working days in one institution, and arithmetic in working time.
#[derive(Clone, Debug)]
pub struct WorkCalendar {
    tz: TimeZone,
    overrides: BTreeMap<Date, DayKind>,
}

impl WorkCalendar {
    /// A calendar in `tz` with the admin's holidays and make-up days; when a day is given twice,
    /// the later entry wins.
    pub fn new(tz: TimeZone, overrides: impl IntoIterator<Item = (Date, DayKind)>) -> WorkCalendar {
        WorkCalendar {
            tz,
            overrides: overrides.into_iter().collect(),
        }
    }

    /// A calendar in mainland China's time zone ([`crate::time::china`]).
    pub fn china(overrides: impl IntoIterator<Item = (Date, DayKind)>) -> WorkCalendar {
        WorkCalendar::new(crate::time::china(), overrides)
    }

    pub fn timezone(&self) -> &TimeZone {
        &self.tz
    }

    /// The admin's entries, in date order.
    pub fn overrides(&self) -> impl Iterator<Item = (Date, DayKind)> + '_ {
        self.overrides.iter().map(|(day, kind)| (*day, *kind))
    }

    /// Monday–Friday unless entered as a holiday; Saturday and Sunday only if entered as a
    /// make-up working day.
    pub fn is_working_day(&self, day: Date) -> bool {
        match self.overrides.get(&day) {
            Some(kind) => kind.is_working(),
            None => !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday),
        }
    }

    /// Whether the instant `t` is working time (it falls on a working day in this calendar's zone).
    pub fn is_working_at(&self, t: Timestamp) -> bool {
        self.segments(t.0)
            .find(|s| s.to > s.from)
            .is_none_or(|s| s.working)
    }

    /// The instant `working_ms` of working time after `start` (start itself may be on a
    /// non-working day: counting begins at the next working day's 00:00).
    ///
    /// It is the *earliest* such instant, so for `working_ms > 0` the millisecond just before
    /// the result is working time: a deadline that uses up a whole working day ends at that
    /// day's 24:00, i.e. 00:00 of the next day, whatever that day is.
    ///
    /// Zero returns `start` unchanged, even on a holiday; a negative amount is treated as zero
    /// (a deadline never moves backwards). A sum that overflows saturates at `Timestamp(i64::MAX)`.
    /// Runs in time proportional to the number of days spanned.
    pub fn add_working(&self, start: Timestamp, working_ms: i64) -> Timestamp {
        if working_ms <= 0 {
            return start;
        }
        // Working time never runs faster than the clock, so the answer is at least
        // `start + working_ms`: if that overflows, so does the answer.
        if start.0.checked_add(working_ms).is_none() {
            return Timestamp(i64::MAX);
        }
        let mut remaining = working_ms;
        for segment in self.segments(start.0) {
            if !segment.working {
                continue;
            }
            let available = segment.to.saturating_sub(segment.from);
            if remaining <= available {
                return Timestamp(segment.from.saturating_add(remaining));
            }
            remaining -= available;
        }
        // Not reached: the last segment runs to the end of time and counts as working.
        Timestamp(i64::MAX)
    }

    /// The latest instant from which `working_ms` of working time runs up to `end`: when a
    /// reminder "four working hours before the deadline" falls due. Walks back a day at a
    /// time; 0 or negative durations give `end`.
    pub fn sub_working(&self, end: Timestamp, working_ms: i64) -> Timestamp {
        if working_ms <= 0 {
            return end;
        }
        let Some(mut day) = self.locate(end.0.saturating_sub(1)) else {
            return Timestamp(end.0.saturating_sub(working_ms));
        };
        let mut upper = end.0;
        let mut remaining = working_ms;
        // Beyond a hundred years back, the answer no longer matters to anyone.
        for _ in 0..36_600 {
            let Some(start) = self.day_start(day) else {
                break;
            };
            if self.is_working_day(day) {
                let available = upper.saturating_sub(start);
                if remaining <= available {
                    return Timestamp(upper - remaining);
                }
                remaining -= available;
            }
            upper = start;
            match day.yesterday() {
                Ok(d) => day = d,
                Err(_) => break,
            }
        }
        Timestamp(upper.saturating_sub(remaining))
    }

    /// Working time in `[a, b)`, in milliseconds (0 if `b <= a`).
    pub fn working_between(&self, a: Timestamp, b: Timestamp) -> i64 {
        if b <= a {
            return 0;
        }
        let mut total: i64 = 0;
        for segment in self.segments(a.0) {
            if segment.from >= b.0 {
                break;
            }
            if segment.working {
                total = total.saturating_add(segment.to.min(b.0).saturating_sub(segment.from));
            }
            if segment.to >= b.0 {
                break;
            }
        }
        total
    }

    /// The first instant of `day` in this zone: civil midnight, or the first instant after a
    /// gap when the zone skips midnight. `None` only near the ends of jiff's range.
    fn day_start(&self, day: Date) -> Option<i64> {
        self.tz
            .to_timestamp(day.to_datetime(Time::midnight()))
            .ok()
            .map(|t| t.as_millisecond())
    }

    /// The day whose span `[day_start(day), day_start(day + 1))` holds `t`.
    fn locate(&self, t: i64) -> Option<Date> {
        let instant = jiff::Timestamp::from_millisecond(t).ok()?;
        let mut day = self.tz.to_datetime(instant).date();
        // The local date and the midnight-to-midnight span agree except in zones whose clocks
        // jump back across midnight; a few steps settle those. If they do not settle,
        // `Segments` still never yields time before `t`.
        for _ in 0..3 {
            if self.day_start(day)? > t {
                day = day.yesterday().ok()?;
            } else {
                break;
            }
        }
        for _ in 0..3 {
            let next = day.tomorrow().ok()?;
            if self.day_start(next)? <= t {
                day = next;
            } else {
                break;
            }
        }
        Some(day)
    }

    /// The timeline from `t` onwards, cut at day boundaries: contiguous, non-overlapping spans
    /// that begin at `t`, the last of which runs to the end of time.
    fn segments(&self, t: i64) -> Segments<'_> {
        Segments {
            calendar: self,
            pos: t,
            next: match self.locate(t) {
                Some(day) => Next::Day(day),
                None => Next::Rest,
            },
        }
    }
}

/// One span of the timeline: `[from, to)`, all of it working time or none of it.
#[derive(Clone, Copy, Debug)]
struct Segment {
    from: i64,
    to: i64,
    working: bool,
}

enum Next {
    Day(Date),
    /// Time jiff cannot place on a day: counts as working time (see the module's "Fallbacks").
    Rest,
    Done,
}

struct Segments<'a> {
    calendar: &'a WorkCalendar,
    pos: i64,
    next: Next,
}

impl Iterator for Segments<'_> {
    type Item = Segment;

    fn next(&mut self) -> Option<Segment> {
        let from = self.pos;
        match self.next {
            Next::Done => None,
            Next::Rest => {
                self.next = Next::Done;
                self.pos = i64::MAX;
                Some(Segment {
                    from,
                    to: i64::MAX,
                    working: true,
                })
            }
            Next::Day(day) => {
                let following = day
                    .tomorrow()
                    .ok()
                    .and_then(|next| Some((next, self.calendar.day_start(next)?)));
                let Some((next_day, next_start)) = following else {
                    self.next = Next::Rest;
                    return self.next();
                };
                let to = next_start.max(from);
                self.pos = to;
                self.next = Next::Day(next_day);
                Some(Segment {
                    from,
                    to,
                    working: self.calendar.is_working_day(day),
                })
            }
        }
    }
}

/// A line of an admin's day list that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct DayListError {
    /// 1-based, counting blank and comment lines, as a text editor numbers them.
    pub line: usize,
    pub problem: String,
}

/// Parses an admin's pasted list, one day per line: `2026-10-01 holiday 国庆节` or
/// `2026-10-10 workday 国庆调休`.
///
/// - The date: `2026-10-01`, `2026/10/1`, `2026.10.01` or `2026年10月1日` (full-width digits
///   too), years 1900–2100.
/// - The kind: `holiday` or 休, 假, 节假日, 法定节假日, 放假, 休息 for a day off; `workday` or 班,
///   上班, 调休上班, 工作日 for a make-up working day (English words in any case). A bare 调休
///   is refused: people use it for both.
/// - The name (may be empty): the rest of the line.
///
/// Fields are separated by spaces, tabs, commas, full-width commas (，) or 、. Blank lines and
/// lines starting with `#` are skipped; a day listed twice is an error naming both lines. The
/// days come back in the order given.
pub fn parse_day_list(text: &str) -> Result<Vec<(Date, DayKind, String)>, DayListError> {
    let mut days = Vec::new();
    let mut seen: HashMap<Date, usize> = HashMap::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let fail = |problem: String| DayListError { line, problem };
        let content = raw.trim_start_matches('\u{feff}').trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let (date_word, rest) = split_field(content);
        let date = parse_date(date_word).map_err(fail)?;
        let (kind_word, rest) = split_field(rest);
        if kind_word.is_empty() {
            return Err(fail(format!(
                "{date} has no kind of day after it: write holiday (休) or workday (班)"
            )));
        }
        let kind = parse_kind(kind_word).map_err(fail)?;
        if let Some(first) = seen.insert(date, line) {
            return Err(fail(format!("{date} is already listed on line {first}")));
        }
        days.push((date, kind, rest.trim_matches(is_separator).to_owned()));
    }
    Ok(days)
}

/// Writes days the way [`parse_day_list`] reads them, one `2026-10-01 holiday 国庆节` per line.
///
/// Line breaks and other control characters in a name become spaces, and separators at either
/// end of a name are dropped, so names like that do not come back exactly as given.
pub fn format_day_list(days: &[(Date, DayKind, String)]) -> String {
    let mut out = String::new();
    for (date, kind, name) in days {
        let name: String = name
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let name = name.trim_matches(is_separator);
        out.push_str(&format!("{date} {}", kind.as_str()));
        if !name.is_empty() {
            out.push(' ');
            out.push_str(name);
        }
        out.push('\n');
    }
    out
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, ',' | '，' | '、')
}

/// The first field of `s` and the rest after the separators that follow it.
fn split_field(s: &str) -> (&str, &str) {
    let s = s.trim_start_matches(is_separator);
    match s.find(is_separator) {
        Some(end) => (&s[..end], s[end..].trim_start_matches(is_separator)),
        None => (s, ""),
    }
}

fn parse_date(word: &str) -> Result<Date, String> {
    let not_a_date = || format!("“{word}” is not a date: write it like 2026-10-01");
    let ascii: String = word
        .chars()
        .map(|c| match c {
            '０'..='９' | '－' | '／' | '．' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect();
    let ascii = ascii.strip_suffix('日').unwrap_or(&ascii);
    let parts: Vec<&str> = ascii.split(['-', '/', '.', '年', '月']).collect();
    let [year, month, day] = parts.as_slice() else {
        return Err(not_a_date());
    };
    let digits = |s: &str, max_len: usize| {
        !s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit())
    };
    if year.len() != 4 || !digits(year, 4) || !digits(month, 2) || !digits(day, 2) {
        return Err(not_a_date());
    }
    let (Ok(year), Ok(month), Ok(day)) =
        (year.parse::<i16>(), month.parse::<i8>(), day.parse::<i8>())
    else {
        return Err(not_a_date());
    };
    if !(1900..=2100).contains(&year) {
        return Err(format!("year {year} in “{word}” is outside 1900–2100"));
    }
    Date::new(year, month, day)
        .map_err(|_| format!("“{word}” does not exist: {year} has no {month:02}-{day:02}"))
}

fn parse_kind(word: &str) -> Result<DayKind, String> {
    match word.to_lowercase().as_str() {
        "holiday" | "休" | "假" | "节假日" | "法定节假日" | "放假" | "休息" => {
            Ok(DayKind::Holiday)
        }
        "workday" | "班" | "上班" | "调休上班" | "工作日" => Ok(DayKind::Workday),
        "调休" => {
            Err("“调休” could mean a day off or a make-up working day: write 休 or 班".to_owned())
        }
        _ => Err(format!(
            "“{word}” is not a kind of day: write holiday (休, 假, 节假日) or workday (班, 上班, 调休上班)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{DAY_MS, HOUR_MS, MINUTE_MS};
    use jiff::civil::date;
    use proptest::prelude::*;
    use std::sync::LazyLock;

    /// The 2026 arrangement as an admin might paste it, in every accepted spelling.
    /// Plausible test data, not the authoritative State Council notice.
    const ARRANGEMENT_2026: &str = "\
# 2026 年节假日安排
2026-01-01 holiday 元旦
2026-01-02 holiday 元旦
2026-01-03 holiday 元旦
2026-01-04 workday 元旦调休

# 春节
2026-02-14\t班\t春节调休
2026-02-15 休 春节
2026-02-16 休 春节
2026-02-17 休 春节
2026/2/18 休 春节
2026/2/19 休 春节
2026.02.20 休 春节
2026-02-21, 休, 春节
2026-02-22，休，春节
2026-02-23 、休、春节
2026-02-28 上班 春节调休
2026-04-04 假 清明节
2026-04-05 假 清明节
2026-04-06 假 清明节
2026-05-01 节假日 劳动节
2026-05-02 节假日 劳动节
2026-05-03 节假日 劳动节
2026-05-04 节假日 劳动节
2026-05-05 节假日 劳动节
2026-05-09 调休上班 劳动节调休
2026-06-19 HOLIDAY 端午节
2026-06-20 Holiday 端午节
2026-06-21 holiday 端午节
2026-09-20 workday 国庆调休
2026-09-25 holiday 中秋节
2026-09-26 holiday 中秋节
2026-09-27 holiday 中秋节
２０２６年１０月１日 法定节假日 国庆节
2026年10月2日 放假 国庆节
2026-10-03 休息 国庆节
2026-10-04 holiday 国庆节
2026-10-05 holiday 国庆节
2026-10-06 holiday 国庆节
2026-10-07 holiday
2026-10-10 workday 国庆调休
";

    static CAL_2026: LazyLock<WorkCalendar> = LazyLock::new(|| {
        let days = parse_day_list(ARRANGEMENT_2026).unwrap();
        WorkCalendar::china(days.into_iter().map(|(d, k, _)| (d, k)))
    });

    fn plain() -> WorkCalendar {
        WorkCalendar::china([])
    }

    /// `y-m-d h:min` on the wall clock of `zone`.
    fn at_in(zone: &str, y: i16, m: i8, d: i8, h: i8, min: i8) -> Timestamp {
        Timestamp(
            date(y, m, d)
                .at(h, min, 0, 0)
                .in_tz(zone)
                .unwrap()
                .timestamp()
                .as_millisecond(),
        )
    }

    fn at(y: i16, m: i8, d: i8, h: i8, min: i8) -> Timestamp {
        at_in("Asia/Shanghai", y, m, d, h, min)
    }

    fn shown(cal: &WorkCalendar, t: Timestamp) -> String {
        t.format_minutes(cal.timezone())
    }

    #[test]
    fn friday_afternoon_is_due_monday_afternoon() {
        let cal = plain();
        // 2026-03-13 is a Friday.
        let due = cal.add_working(at(2026, 3, 13, 15, 0), DAY_MS);
        assert_eq!(shown(&cal, due), "2026-03-16 15:00");
        assert_eq!(cal.working_between(at(2026, 3, 13, 15, 0), due), DAY_MS);
    }

    #[test]
    fn saturday_counting_starts_monday_and_ends_at_mondays_midnight() {
        let cal = plain();
        let due = cal.add_working(at(2026, 3, 14, 10, 0), DAY_MS);
        assert_eq!(due, at(2026, 3, 17, 0, 0));
        // One minute of Monday morning is one minute of working time.
        assert_eq!(
            cal.add_working(at(2026, 3, 14, 10, 0), MINUTE_MS),
            at(2026, 3, 16, 0, 1)
        );
    }

    #[test]
    fn national_day_week_is_skipped_and_its_make_up_saturday_counts() {
        let cal = &*CAL_2026;
        let due = cal.add_working(at(2026, 9, 30, 15, 0), DAY_MS);
        assert_eq!(shown(cal, due), "2026-10-08 15:00");
        // Friday 10-09 + 1 working day lands on the make-up Saturday.
        let due = cal.add_working(at(2026, 10, 9, 15, 0), DAY_MS);
        assert_eq!(shown(cal, due), "2026-10-10 15:00");
        // 09-28..10-11: Mon–Wed, then Thu, Fri and the make-up Saturday.
        assert_eq!(
            cal.working_between(at(2026, 9, 28, 0, 0), at(2026, 10, 12, 0, 0)),
            6 * DAY_MS
        );
        // 09-20 is a make-up Sunday.
        let due = cal.add_working(at(2026, 9, 19, 9, 30), HOUR_MS);
        assert_eq!(shown(cal, due), "2026-09-20 01:00");
    }

    #[test]
    fn spring_festival_nine_days_off_between_two_make_up_saturdays() {
        let cal = &*CAL_2026;
        assert_eq!(
            shown(cal, cal.add_working(at(2026, 2, 13, 15, 0), DAY_MS)),
            "2026-02-14 15:00"
        );
        assert_eq!(
            shown(cal, cal.add_working(at(2026, 2, 14, 15, 0), DAY_MS)),
            "2026-02-24 15:00"
        );
        // 5 working days from Thursday 02-12: 13th, 14th (Sat), 24th, 25th, 26th.
        assert_eq!(
            shown(cal, cal.add_working(at(2026, 2, 12, 9, 0), 5 * DAY_MS)),
            "2026-02-26 09:00"
        );
        // Received during the festival: counting starts 02-24 00:00.
        assert_eq!(
            shown(cal, cal.add_working(at(2026, 2, 17, 11, 0), DAY_MS)),
            "2026-02-25 00:00"
        );
        assert_eq!(
            cal.working_between(at(2026, 2, 14, 12, 0), at(2026, 2, 24, 12, 0)),
            DAY_MS
        );
        // 02-28 is a make-up Saturday, 03-01 an ordinary Sunday.
        assert_eq!(
            shown(cal, cal.add_working(at(2026, 2, 27, 8, 0), 2 * DAY_MS)),
            "2026-03-02 08:00"
        );
    }

    #[test]
    fn new_year_make_up_sunday() {
        let cal = &*CAL_2026;
        assert_eq!(
            shown(cal, cal.add_working(at(2025, 12, 31, 10, 0), DAY_MS)),
            "2026-01-04 10:00"
        );
    }

    #[test]
    fn which_days_are_working_days_in_2026() {
        let cal = &*CAL_2026;
        for working in [
            date(2026, 1, 4),
            date(2026, 2, 14),
            date(2026, 2, 28),
            date(2026, 5, 9),
            date(2026, 9, 20),
            date(2026, 10, 10),
            date(2026, 3, 16),
            date(2026, 10, 8),
        ] {
            assert!(cal.is_working_day(working), "{working}");
        }
        for off in [
            date(2026, 1, 1),
            date(2026, 2, 16),
            date(2026, 2, 23),
            date(2026, 4, 6),
            date(2026, 5, 5),
            date(2026, 6, 19),
            date(2026, 9, 25),
            date(2026, 10, 5),
            date(2026, 3, 14),
            date(2026, 3, 15),
            date(2026, 10, 11),
        ] {
            assert!(!cal.is_working_day(off), "{off}");
        }
        assert_eq!(cal.overrides().count(), 39);
    }

    #[test]
    fn zero_and_negative_durations_leave_the_start_alone() {
        let cal = &*CAL_2026;
        let holiday = at(2026, 10, 3, 12, 0);
        assert_eq!(cal.add_working(holiday, 0), holiday);
        assert_eq!(cal.add_working(holiday, -DAY_MS), holiday);
        assert_eq!(cal.working_between(holiday, holiday), 0);
        assert_eq!(
            cal.working_between(at(2026, 3, 16, 12, 0), at(2026, 3, 16, 11, 0)),
            0
        );
    }

    #[test]
    fn the_day_ends_at_midnight_in_the_calendars_zone() {
        // 2026-03-13T16:30Z is Saturday 00:30 in Beijing but still Friday in UTC.
        let t = Timestamp(
            jiff::Timestamp::from_second(1_773_419_400)
                .unwrap()
                .as_millisecond(),
        );
        assert_eq!(shown(&plain(), t), "2026-03-14 00:30");
        assert!(!plain().is_working_at(t));
        let utc = WorkCalendar::new(TimeZone::UTC, []);
        assert!(utc.is_working_at(t));
        // Friday 18:00 in Beijing: six hours of Friday left, the rest on Monday.
        let friday_evening = at(2026, 3, 13, 18, 0);
        assert_eq!(
            shown(&plain(), plain().add_working(friday_evening, DAY_MS)),
            "2026-03-16 18:00"
        );
        assert_eq!(
            plain().working_between(friday_evening, at(2026, 3, 14, 0, 0)),
            6 * HOUR_MS
        );
    }

    #[test]
    fn days_are_as_long_as_the_zone_makes_them() {
        // New York springs forward on Sunday 2026-03-08; make that Sunday a working day.
        let ny = WorkCalendar::new(
            TimeZone::get("America/New_York").unwrap(),
            [(date(2026, 3, 8), DayKind::Workday)],
        );
        let sunday = at_in("America/New_York", 2026, 3, 8, 0, 0);
        let monday = at_in("America/New_York", 2026, 3, 9, 0, 0);
        assert_eq!(ny.working_between(sunday, monday), 23 * HOUR_MS);
        // 24 working hours from Saturday noon: 23 on Sunday, 1 on Monday.
        assert_eq!(
            ny.add_working(at_in("America/New_York", 2026, 3, 7, 12, 0), DAY_MS),
            at_in("America/New_York", 2026, 3, 9, 1, 0)
        );
        // Shanghai kept summer time 1986–1991: Sunday 1986-05-04 had 23 hours.
        let old = WorkCalendar::china([(date(1986, 5, 4), DayKind::Workday)]);
        assert_eq!(
            old.working_between(at(1986, 5, 3, 0, 0), at(1986, 5, 6, 0, 0)),
            23 * HOUR_MS + DAY_MS
        );
    }

    #[test]
    fn a_day_may_start_after_midnight_or_not_at_all() {
        // São Paulo skipped 2015-10-18 00:00–01:00: that Sunday began at 01:00.
        let sp = WorkCalendar::new(
            TimeZone::get("America/Sao_Paulo").unwrap(),
            [(date(2015, 10, 18), DayKind::Workday)],
        );
        let saturday = at_in("America/Sao_Paulo", 2015, 10, 17, 12, 0);
        assert_eq!(
            shown(&sp, sp.add_working(saturday, HOUR_MS)),
            "2015-10-18 02:00"
        );
        // Samoa skipped Friday 2011-12-30 entirely: a working day of no length.
        let apia = WorkCalendar::new(TimeZone::get("Pacific/Apia").unwrap(), []);
        let thursday_noon = at_in("Pacific/Apia", 2011, 12, 29, 12, 0);
        assert_eq!(
            shown(&apia, apia.add_working(thursday_noon, DAY_MS)),
            "2012-01-02 12:00"
        );
        assert_eq!(
            apia.working_between(thursday_noon, at_in("Pacific/Apia", 2012, 1, 2, 12, 0)),
            DAY_MS
        );
    }

    #[test]
    fn huge_and_unrepresentable_instants_do_not_panic() {
        let cal = &*CAL_2026;
        let start = at(2026, 1, 5, 9, 0);
        assert_eq!(cal.add_working(start, i64::MAX), Timestamp(i64::MAX));
        let century = 100 * 365 * DAY_MS;
        let due = cal.add_working(start, century);
        assert!(due > start.plus_ms(century));
        assert_eq!(cal.working_between(start, due), century);
        // Beyond jiff's years −9999..9999 every millisecond counts.
        assert_eq!(
            cal.add_working(Timestamp(i64::MIN), 5),
            Timestamp(i64::MIN + 5)
        );
        assert_eq!(
            cal.working_between(Timestamp(i64::MAX - 10), Timestamp(i64::MAX)),
            10
        );
        assert!(cal.is_working_at(Timestamp(i64::MIN)));
    }

    #[test]
    fn the_pasted_2026_list_reads_every_spelling() {
        let days = parse_day_list(ARRANGEMENT_2026).unwrap();
        assert_eq!(days.len(), 39);
        assert_eq!(
            days[0],
            (date(2026, 1, 1), DayKind::Holiday, "元旦".to_owned())
        );
        let find = |d: Date| days.iter().find(|(day, _, _)| *day == d).unwrap();
        assert_eq!(
            find(date(2026, 2, 14)),
            &(date(2026, 2, 14), DayKind::Workday, "春节调休".to_owned())
        );
        assert_eq!(find(date(2026, 2, 22)).2, "春节");
        assert_eq!(find(date(2026, 2, 23)).2, "春节");
        assert_eq!(find(date(2026, 10, 1)).1, DayKind::Holiday);
        assert_eq!(find(date(2026, 10, 7)).2, "");
        assert_eq!(find(date(2026, 10, 10)).1, DayKind::Workday);
    }

    #[test]
    fn day_list_errors_name_the_line_and_the_problem() {
        let cases = [
            ("2026-10-01 休\n\n2026-02-30 休", 3, "2026-02-30"),
            ("# 注释\n2026-13-01 休", 2, "2026-13-01"),
            ("20261001 休", 1, "20261001"),
            ("2026-10-01 maybe 国庆", 1, "maybe"),
            ("2026-10-01", 1, "no kind"),
            ("2026-10-10 调休", 1, "调休"),
            ("1800-01-01 休", 1, "1900–2100"),
            ("2026-10-01 休\n2026-10-02 休\n2026/10/1 班", 3, "line 1"),
            ("国庆节 2026-10-01 休", 1, "国庆节"),
        ];
        for (text, line, mentions) in cases {
            let error = parse_day_list(text).unwrap_err();
            assert_eq!(error.line, line, "{text}");
            assert!(
                error.problem.contains(mentions),
                "{text}: {}",
                error.problem
            );
            assert!(error.to_string().starts_with(&format!("line {line}: ")));
        }
        assert_eq!(parse_day_list("\n# nothing\n  \n").unwrap(), vec![]);
        // A byte-order mark and Windows line ends from a pasted spreadsheet.
        assert_eq!(
            parse_day_list("\u{feff}2026-10-01\tholiday\t国庆节\r\n").unwrap(),
            vec![(date(2026, 10, 1), DayKind::Holiday, "国庆节".to_owned())]
        );
    }

    #[test]
    fn day_kinds_round_trip_their_codes() {
        for kind in DayKind::ALL {
            assert_eq!(DayKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(DayKind::parse("休"), None);
    }

    const START_2026: i64 = 1_767_196_800_000; // 2026-01-01 00:00 Beijing

    /// Instants across 2026 (and a few days either side), often exactly at midnight.
    fn instant_2026() -> impl Strategy<Value = Timestamp> {
        (
            -3i64..368,
            prop_oneof![Just(0), 0..DAY_MS, Just(DAY_MS - 1), 0i64..24]
                .prop_map(|x| if x < 24 { x * HOUR_MS } else { x }),
        )
            .prop_map(|(day, offset)| Timestamp(START_2026 + day * DAY_MS + offset))
    }

    /// Up to 30 working days, often whole days or a few milliseconds.
    fn duration() -> impl Strategy<Value = i64> {
        prop_oneof![
            Just(0i64),
            (0i64..=30).prop_map(|n| n * DAY_MS),
            0..=30 * DAY_MS,
            1i64..5,
        ]
    }

    /// Whether `t` is exactly 00:00:00.000 in Beijing.
    fn is_midnight(t: Timestamp) -> bool {
        (t.0 - START_2026).rem_euclid(DAY_MS) == 0
    }

    proptest! {
        /// Going back by a working duration and forward again lands where it started,
        /// when it started in working time.
        #[test]
        fn sub_working_undoes_add_working(start_day in 0i64..365, minute in 0i64..1440, hours in 1i64..200) {
            let cal = WorkCalendar::china(std::iter::empty());
            let start = Timestamp(1_767_196_800_000 + start_day * crate::time::DAY_MS + minute * 60_000);
            let d = hours * crate::time::HOUR_MS;
            let end = cal.add_working(start, d);
            let back = cal.sub_working(end, d);
            prop_assert_eq!(cal.working_between(back, end), d);
            prop_assert!(back <= end);
            if cal.is_working_at(start) {
                prop_assert_eq!(back, start);
            }
        }

        #[test]
        fn working_between_inverts_add_working_from_any_start(start in instant_2026(), d in duration()) {
            let cal = &*CAL_2026;
            prop_assert_eq!(cal.working_between(start, cal.add_working(start, d)), d);
        }

        #[test]
        fn add_working_is_monotonic_in_the_duration_and_strictly_for_positive_steps(
            start in instant_2026(), d1 in duration(), d2 in duration(),
        ) {
            let cal = &*CAL_2026;
            let (small, large) = (d1.min(d2), d1.max(d2));
            let (a, b) = (cal.add_working(start, small), cal.add_working(start, large));
            prop_assert!(a <= b);
            if small < large {
                prop_assert!(a < b);
            }
        }

        #[test]
        fn add_working_is_monotonic_in_the_start(s1 in instant_2026(), s2 in instant_2026(), d in duration()) {
            let cal = &*CAL_2026;
            let (early, late) = (s1.min(s2), s1.max(s2));
            prop_assert!(cal.add_working(early, d) <= cal.add_working(late, d));
        }

        #[test]
        fn positive_durations_end_just_after_working_time_so_never_strictly_inside_a_non_working_day(
            start in instant_2026(), d in duration(),
        ) {
            prop_assume!(d > 0);
            let cal = &*CAL_2026;
            let due = cal.add_working(start, d);
            // The last millisecond counted is working time, and it is the earliest such instant…
            prop_assert!(cal.is_working_at(due.minus_ms(1)));
            prop_assert_eq!(cal.working_between(start, due.minus_ms(1)), d - 1);
            // …so the deadline is on a working day, or exactly at the midnight that ends one.
            prop_assert!(cal.is_working_at(due) || is_midnight(due));
        }

        #[test]
        fn adding_in_two_steps_equals_adding_at_once(start in instant_2026(), d1 in duration(), d2 in duration()) {
            let cal = &*CAL_2026;
            prop_assert_eq!(cal.add_working(cal.add_working(start, d1), d2), cal.add_working(start, d1 + d2));
        }

        #[test]
        fn add_working_of_working_between_is_the_earliest_instant_with_that_much_working_time(
            a in instant_2026(), b in instant_2026(),
        ) {
            let cal = &*CAL_2026;
            let reached = cal.add_working(a, cal.working_between(a, b));
            prop_assert!(reached <= b.max(a));
            prop_assert_eq!(cal.working_between(reached, b), 0);
        }

        #[test]
        fn working_between_adds_up_over_a_split_point(a in instant_2026(), m in instant_2026(), b in instant_2026()) {
            let cal = &*CAL_2026;
            let mut points = [a, m, b];
            points.sort();
            let [a, m, b] = points;
            prop_assert_eq!(
                cal.working_between(a, m) + cal.working_between(m, b),
                cal.working_between(a, b)
            );
            prop_assert!(cal.working_between(a, b) <= b.0 - a.0);
        }

        #[test]
        fn whole_working_days_keep_the_time_of_day_and_land_on_a_working_day_unless_at_midnight(
            start in instant_2026(), n in 1i64..=30,
        ) {
            let cal = &*CAL_2026;
            prop_assume!(cal.is_working_at(start));
            let due = cal.add_working(start, n * DAY_MS);
            prop_assert_eq!((due.0 - start.0).rem_euclid(DAY_MS), 0);
            if !is_midnight(start) {
                prop_assert!(cal.is_working_at(due));
            }
        }

        #[test]
        fn formatted_day_lists_parse_back_to_the_same_days(
            entries in prop::collection::btree_map(
                0i64..73_000,
                (prop::bool::ANY, "([\u{4e00}-\u{9fa5}A-Za-z0-9]([\u{4e00}-\u{9fa5}A-Za-z0-9 ]{0,8}[\u{4e00}-\u{9fa5}A-Za-z0-9])?)?"),
                0..20,
            ),
            separator in prop_oneof![Just(" "), Just("\t"), Just(","), Just("，"), Just(" , "), Just("、")],
        ) {
            let days: Vec<(Date, DayKind, String)> = entries
                .into_iter()
                .map(|(offset, (holiday, name))| {
                    let day = date(1900, 1, 1).checked_add(jiff::Span::new().days(offset)).unwrap();
                    (day, if holiday { DayKind::Holiday } else { DayKind::Workday }, name)
                })
                .collect();
            prop_assert_eq!(parse_day_list(&format_day_list(&days)).unwrap(), days.clone());
            let written: String = days
                .iter()
                .map(|(day, kind, name)| {
                    let word = if *kind == DayKind::Holiday { "休" } else { "班" };
                    format!("{day}{separator}{word}{separator}{name}\n")
                })
                .collect();
            prop_assert_eq!(parse_day_list(&written).unwrap(), days);
        }

        #[test]
        fn a_bad_line_is_rejected_with_its_line_number(
            good in prop::collection::btree_set(0i64..365, 0..15),
            position in any::<prop::sample::Index>(),
            bad in prop_oneof![
                Just("2026-02-29 休"),
                Just("2026-04-31 holiday 清明"),
                Just("2026-13-01 班"),
                Just("2026-00-10 班"),
                Just("26-10-01 休"),
                Just("2026-10-01 sometimes"),
                Just("2026-10-01"),
                Just("2026-10-01 调休 国庆"),
                Just("1899-12-31 休"),
                Just("holiday 2026-10-01"),
            ],
        ) {
            let mut lines: Vec<String> = good
                .into_iter()
                .map(|offset| {
                    let day = date(2027, 1, 1).checked_add(jiff::Span::new().days(offset)).unwrap();
                    format!("{day} holiday")
                })
                .collect();
            let at = position.index(lines.len() + 1);
            lines.insert(at, bad.to_owned());
            let error = parse_day_list(&lines.join("\n")).unwrap_err();
            prop_assert_eq!(error.line, at + 1);
        }
    }
}
