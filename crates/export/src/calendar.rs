//! iCalendar (RFC 5545) subscriptions of the public activity calendar, as phones and
//! desktop calendar apps import them.
//!
//! What makes a subscription behave in a calendar app:
//! - one stable `UID` per occurrence, made only by [`uid`]: an app updates the event it
//!   already has instead of adding a second copy when the time or title changes;
//! - `SEQUENCE` rises with every change and `STATUS:CANCELLED` marks a cancellation, so the
//!   app takes the new version and strikes the cancelled one out instead of keeping it;
//! - times are Beijing wall-clock times (`TZID=Asia/Shanghai`, with the `VTIMEZONE` that
//!   defines it), all-day events are dates with an exclusive end;
//! - lines are folded at 75 octets on character boundaries, with CRLF line ends.
//!
//! The writer is our own rather than the `icalendar` crate's builder: that crate cannot
//! write a `VTIMEZONE` (its `Other` component has no public constructor and VTIMEZONE is a
//! TODO there), gives every event a random UID and a DTSTAMP of "now" unless overridden,
//! escapes no carriage return, and would bring chrono and uuid into a crate that uses jiff.
//! Its parser reads our output back in the tests.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::{Offset, TimeZone};

/// One occurrence of an activity, as the public may see it.
#[derive(Clone, Debug, PartialEq)]
pub struct CalendarEvent {
    /// What names this occurrence for good, e.g. `date-42`: never its time or title.
    pub uid_key: String,
    /// Rises with every change the public should see (time, place, cancellation).
    pub sequence: u32,
    pub starts_at_ms: i64,
    pub ends_at_ms: i64,
    /// Shown as whole days: the Beijing dates from the start to the end.
    pub all_day: bool,
    pub summary: String,
    pub description: String,
    pub location: Option<String>,
    /// Latitude and longitude in degrees (WGS 84).
    pub geo: Option<(f64, f64)>,
    pub url: Option<String>,
    pub cancelled: bool,
    pub last_modified_ms: i64,
    /// Public tags, one category each.
    pub categories: Vec<String>,
}

/// A subscription feed: its name in the calendar app, and its events.
#[derive(Clone, Debug, PartialEq)]
pub struct Calendar {
    /// Shown by the app as the subscribed calendar's name (`X-WR-CALNAME`).
    pub name: String,
    /// The institution's domain, e.g. `whg.example.gov.cn`: it makes UIDs unique worldwide.
    pub domain_for_uid: String,
    pub events: Vec<CalendarEvent>,
}

/// Why a calendar could not be written.
#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    #[error("a time of event {uid_key} is out of range")]
    TimeOutOfRange { uid_key: String },
    #[error("the time of writing is out of range")]
    NowOutOfRange,
}

/// The UID of an occurrence: the one place where UIDs are made, so every feed and every
/// render names the same occurrence the same way.
pub fn uid(key: &str, domain: &str) -> String {
    format!("{key}@{domain}")
}

/// The calendar as an iCalendar file (UTF-8, CRLF, folded), written at `now_ms`.
pub fn ical(cal: &Calendar, now_ms: i64) -> Result<Vec<u8>, CalendarError> {
    let now = Timestamp::from_millisecond(now_ms).map_err(|_| CalendarError::NowOutOfRange)?;
    let mut out = String::new();
    for line in header(&cal.name) {
        fold(&line, &mut out);
    }
    for event in &cal.events {
        for line in event_lines(event, &cal.domain_for_uid, now)? {
            fold(&line, &mut out);
        }
    }
    fold("END:VCALENDAR", &mut out);
    Ok(out.into_bytes())
}

/// The zone the times are written in. Asia/Shanghai has kept UTC+8 without daylight saving
/// since 1991; a fixed offset matches the VTIMEZONE below exactly and cannot fail to load.
const TZID: &str = "Asia/Shanghai";
const BEIJING_HOURS: i8 = 8;

fn beijing() -> TimeZone {
    TimeZone::fixed(Offset::constant(BEIJING_HOURS))
}

fn header(name: &str) -> Vec<String> {
    vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        "PRODID:-//CultureDesk//Activity Calendar//ZH".into(),
        "CALSCALE:GREGORIAN".into(),
        // A published subscription, not an invitation: apps do not offer to reply.
        "METHOD:PUBLISH".into(),
        format!("X-WR-CALNAME:{}", text(name)),
        format!("X-WR-TIMEZONE:{TZID}"),
        // Every TZID used must be defined in the file (RFC 5545 §3.2.19).
        "BEGIN:VTIMEZONE".into(),
        format!("TZID:{TZID}"),
        "BEGIN:STANDARD".into(),
        "DTSTART:19700101T000000".into(),
        "TZOFFSETFROM:+0800".into(),
        "TZOFFSETTO:+0800".into(),
        "TZNAME:CST".into(),
        "END:STANDARD".into(),
        "END:VTIMEZONE".into(),
    ]
}

fn event_lines(
    event: &CalendarEvent,
    domain: &str,
    now: Timestamp,
) -> Result<Vec<String>, CalendarError> {
    let out_of_range = || CalendarError::TimeOutOfRange {
        uid_key: event.uid_key.clone(),
    };
    let start = Timestamp::from_millisecond(event.starts_at_ms).map_err(|_| out_of_range())?;
    // An end before the start would make apps drop the event; show it as a moment instead.
    let end = Timestamp::from_millisecond(event.ends_at_ms.max(event.starts_at_ms))
        .map_err(|_| out_of_range())?;
    let modified =
        Timestamp::from_millisecond(event.last_modified_ms).map_err(|_| out_of_range())?;

    let mut lines = vec![
        "BEGIN:VEVENT".into(),
        format!("UID:{}", text(&uid(&event.uid_key, domain))),
        // With METHOD:PUBLISH, DTSTAMP is when this file was made, in UTC.
        format!("DTSTAMP:{}", utc(now)),
        format!("LAST-MODIFIED:{}", utc(modified)),
        format!("SEQUENCE:{}", event.sequence),
    ];
    lines.extend(times(start, end, event.all_day).map_err(|_| out_of_range())?);
    lines.push(format!("SUMMARY:{}", text(&event.summary)));
    if !event.description.is_empty() {
        lines.push(format!("DESCRIPTION:{}", text(&event.description)));
    }
    lines.extend(place_and_link(event));
    if !event.categories.is_empty() {
        lines.push(format!("CATEGORIES:{}", categories(&event.categories)));
    }
    let status = if event.cancelled {
        "CANCELLED"
    } else {
        "CONFIRMED"
    };
    lines.push(format!("STATUS:{status}"));
    lines.push("END:VEVENT".into());
    Ok(lines)
}

/// DTSTART and DTEND: Beijing wall-clock times, or dates for all-day events.
fn times(start: Timestamp, end: Timestamp, all_day: bool) -> Result<[String; 2], jiff::Error> {
    let tz = beijing();
    if all_day {
        let first = start.to_zoned(tz.clone()).date();
        // The end is exclusive: the day after the last day the event touches. An end at
        // exactly midnight does not touch the day it opens.
        let last = (end - jiff::SignedDuration::from_millis(1))
            .to_zoned(tz)
            .date()
            .max(first);
        let after = last.tomorrow()?;
        Ok([
            format!("DTSTART;VALUE=DATE:{}", date(first)),
            format!("DTEND;VALUE=DATE:{}", date(after)),
        ])
    } else {
        Ok([
            format!(
                "DTSTART;TZID={TZID}:{}",
                local(start.to_zoned(tz.clone()).datetime())
            ),
            format!("DTEND;TZID={TZID}:{}", local(end.to_zoned(tz).datetime())),
        ])
    }
}

fn place_and_link(event: &CalendarEvent) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(location) = event.location.as_deref().filter(|l| !l.is_empty()) {
        lines.push(format!("LOCATION:{}", text(location)));
    }
    if let Some((lat, lon)) = event.geo.filter(|(a, b)| a.is_finite() && b.is_finite()) {
        lines.push(format!("GEO:{lat};{lon}"));
    }
    if let Some(url) = event.url.as_deref().filter(|u| !u.is_empty()) {
        lines.push(format!("URL:{}", without_controls(url)));
    }
    lines
}

/// Each tag once, in the order given, as one comma-separated list.
fn categories(tags: &[String]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for tag in tags {
        if !tag.is_empty() && !seen.contains(&tag.as_str()) {
            seen.push(tag);
        }
    }
    seen.iter().map(|t| text(t)).collect::<Vec<_>>().join(",")
}

fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

fn local(dt: DateTime) -> String {
    dt.strftime("%Y%m%dT%H%M%S").to_string()
}

fn date(d: Date) -> String {
    d.strftime("%Y%m%d").to_string()
}

/// A TEXT value (RFC 5545 §3.3.11): `\ ; ,` and newlines escaped. Any line break (CRLF,
/// CR or LF) becomes `\n`, and other control characters go, so a value can never end the
/// line early and plant a property of its own.
fn text(value: &str) -> String {
    let normalised = value.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(normalised.len());
    for c in normalised.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A URI is not TEXT and is written as is, but a line break in it would still end the line.
fn without_controls(value: &str) -> String {
    value.chars().filter(|c| !c.is_control()).collect()
}

/// Octets a physical line may hold, CRLF not counted (RFC 5545 §3.1).
const LINE_OCTETS: usize = 75;

/// Writes one content line, folded so that no physical line exceeds [`LINE_OCTETS`]:
/// a fold is CRLF and one space, placed only between characters, so a Chinese character
/// (three octets in UTF-8) is never cut in two.
fn fold(line: &str, out: &mut String) {
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > LINE_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use icalendar::parser::{Component, Property, read_calendar, unfold};

    /// 2026-12-08 11:00 UTC, 19:00 in Beijing.
    const EVENING: i64 = 1_796_727_600_000;
    const HOUR: i64 = 3_600_000;

    fn concert() -> CalendarEvent {
        CalendarEvent {
            uid_key: "date-42".into(),
            sequence: 0,
            starts_at_ms: EVENING,
            ends_at_ms: EVENING + 2 * HOUR,
            all_day: false,
            summary: "迎新年民乐音乐会".into(),
            description: "城关镇文化站民乐团演出;免费入场, 请提前到场\\凭票".into(),
            location: Some("县文化馆一楼多功能厅".into()),
            geo: Some((30.25, 120.125)),
            url: Some("https://whg.example.gov.cn/activities/42".into()),
            cancelled: false,
            last_modified_ms: EVENING - 48 * HOUR,
            categories: vec!["音乐".into(), "免费".into(), "音乐".into()],
        }
    }

    fn calendar(events: Vec<CalendarEvent>) -> Calendar {
        Calendar {
            name: "某县文化馆 活动日历".into(),
            domain_for_uid: "whg.example.gov.cn".into(),
            events,
        }
    }

    fn render(events: Vec<CalendarEvent>) -> String {
        String::from_utf8(ical(&calendar(events), EVENING - 24 * HOUR).unwrap()).unwrap()
    }

    /// The events as a calendar app reads them: unfolded, parsed, text unescaped.
    fn parsed_events(ics: &str) -> Vec<Component<'static>> {
        let unfolded = unfold(ics);
        let cal = read_calendar(&unfolded).unwrap();
        cal.components
            .iter()
            .filter(|c| c.name.as_str() == "VEVENT")
            .map(owned)
            .collect()
    }

    fn owned(c: &Component<'_>) -> Component<'static> {
        Component {
            name: c.name.to_owned(),
            properties: c
                .properties
                .iter()
                .map(|p| Property {
                    name: p.name.to_owned(),
                    val: p.val.to_owned(),
                    params: p
                        .params
                        .iter()
                        .map(|x| icalendar::parser::Parameter {
                            key: x.key.to_owned(),
                            val: x.val.as_ref().map(|v| v.to_owned()),
                        })
                        .collect(),
                })
                .collect(),
            components: c.components.iter().map(owned).collect(),
        }
    }

    fn value(event: &Component<'_>, name: &str) -> String {
        event
            .find_prop(name)
            .unwrap_or_else(|| panic!("no {name}"))
            .val
            .as_str()
            .to_owned()
    }

    fn param(event: &Component<'_>, name: &str, key: &str) -> Option<String> {
        event.find_prop(name).and_then(|p| {
            p.params
                .iter()
                .find(|x| x.key.as_str() == key)
                .and_then(|x| x.val.as_ref().map(|v| v.as_str().to_owned()))
        })
    }

    #[test]
    fn the_uid_is_made_in_one_place_and_survives_a_change_of_time() {
        let before = render(vec![concert()]);
        let mut moved = concert();
        moved.starts_at_ms += HOUR;
        moved.ends_at_ms += HOUR;
        moved.summary = "迎新年民乐音乐会（改期）".into();
        moved.sequence = 1;
        let after = render(vec![moved]);

        let (a, b) = (&parsed_events(&before)[0], &parsed_events(&after)[0]);
        assert_eq!(value(a, "UID"), uid("date-42", "whg.example.gov.cn"));
        assert_eq!(value(a, "UID"), value(b, "UID"));
        assert_ne!(value(a, "DTSTART"), value(b, "DTSTART"));
        let seq = |e| value(e, "SEQUENCE").parse::<u32>().unwrap();
        assert!(seq(b) > seq(a), "SEQUENCE grows with the change");
    }

    #[test]
    fn different_occurrences_have_different_uids() {
        let mut other = concert();
        other.uid_key = "date-43".into();
        let events = parsed_events(&render(vec![concert(), other]));
        assert_ne!(value(&events[0], "UID"), value(&events[1], "UID"));
    }

    #[test]
    fn times_are_beijing_wall_clock_with_the_zone_defined() {
        let ics = render(vec![concert()]);
        assert!(
            ics.contains("\r\nDTSTART;TZID=Asia/Shanghai:20261208T190000\r\n"),
            "{ics}"
        );
        assert!(ics.contains("\r\nDTEND;TZID=Asia/Shanghai:20261208T210000\r\n"));
        let event = &parsed_events(&ics)[0];
        assert_eq!(value(event, "DTSTART"), "20261208T190000");
        assert_eq!(
            param(event, "DTSTART", "TZID").as_deref(),
            Some("Asia/Shanghai")
        );
        // DTSTAMP is the writing time in UTC: 2026-12-07 11:00Z.
        assert_eq!(value(event, "DTSTAMP"), "20261207T110000Z");
        assert_eq!(value(event, "LAST-MODIFIED"), "20261206T110000Z");

        let unfolded = unfold(&ics);
        let cal = read_calendar(&unfolded).unwrap();
        let zone = cal
            .components
            .iter()
            .find(|c| c.name.as_str() == "VTIMEZONE")
            .expect("the TZID is defined");
        assert_eq!(value(zone, "TZID"), "Asia/Shanghai");
        let standard = &zone.components[0];
        assert_eq!(value(standard, "TZOFFSETTO"), "+0800");
        assert_eq!(value(standard, "TZOFFSETFROM"), "+0800");
        let cal_name = cal
            .properties
            .iter()
            .find(|p| p.name.as_str() == "X-WR-CALNAME")
            .unwrap();
        assert_eq!(cal_name.val.as_str(), "某县文化馆 活动日历");
    }

    #[test]
    fn all_day_events_are_dates_with_an_exclusive_end() {
        let mut fair = concert();
        fair.all_day = true;
        // 2026-12-08 09:00 to 17:00 Beijing: one day.
        fair.starts_at_ms = EVENING - 10 * HOUR;
        fair.ends_at_ms = EVENING - 2 * HOUR;
        let mut festival = fair.clone();
        festival.uid_key = "date-44".into();
        // From 2026-12-08 00:00 to 2026-12-10 00:00 Beijing: the 8th and the 9th.
        festival.starts_at_ms = EVENING - 19 * HOUR;
        festival.ends_at_ms = EVENING + 29 * HOUR;

        let events = parsed_events(&render(vec![fair, festival]));
        assert_eq!(value(&events[0], "DTSTART"), "20261208");
        assert_eq!(
            param(&events[0], "DTSTART", "VALUE").as_deref(),
            Some("DATE")
        );
        assert_eq!(value(&events[0], "DTEND"), "20261209");
        assert_eq!(param(&events[0], "DTEND", "VALUE").as_deref(), Some("DATE"));
        assert_eq!(value(&events[1], "DTSTART"), "20261208");
        assert_eq!(value(&events[1], "DTEND"), "20261210");
    }

    #[test]
    fn a_cancelled_event_says_so_and_others_are_confirmed() {
        let mut called_off = concert();
        called_off.uid_key = "date-45".into();
        called_off.cancelled = true;
        called_off.sequence = 3;
        let events = parsed_events(&render(vec![concert(), called_off]));
        assert_eq!(value(&events[0], "STATUS"), "CONFIRMED");
        assert_eq!(value(&events[1], "STATUS"), "CANCELLED");
        assert_eq!(value(&events[1], "SEQUENCE"), "3");
    }

    #[test]
    fn a_long_chinese_description_round_trips_through_folding() {
        let mut talk = concert();
        talk.description = "本期非遗讲座邀请县级代表性传承人讲述竹编技艺的历史、工序与传承现状；\
                            现场设有体验环节, 名额有限\\先到先得。\r\n第二行：欢迎携带家人参加！"
            .repeat(4);
        let ics = render(vec![talk.clone()]);
        let event = &parsed_events(&ics)[0];
        assert_eq!(
            value(event, "DESCRIPTION"),
            talk.description.replace("\r\n", "\n")
        );
        assert_eq!(value(event, "SUMMARY"), talk.summary);
        assert_eq!(value(event, "LOCATION"), "县文化馆一楼多功能厅");
        assert!(
            ics.lines().count() > 20,
            "the description was folded over many lines"
        );
    }

    #[test]
    fn every_line_is_at_most_75_octets_and_ends_in_crlf() {
        let mut long = concert();
        long.summary = "文".repeat(100);
        long.description = "a文".repeat(100);
        long.location = Some("x".repeat(300));
        let ics = render(vec![long]);
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        let body = ics.strip_suffix("\r\n").unwrap();
        for line in body.split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
            assert!(
                !line.contains('\r') && !line.contains('\n'),
                "bare CR or LF"
            );
        }
        // Some folds fall where a three-octet character would have crossed octet 75.
        assert!(
            body.split("\r\n").any(|l| l.len() < 75 && l.len() > 72),
            "a fold moved back to a character boundary"
        );
    }

    #[test]
    fn a_line_break_in_a_value_cannot_plant_a_property() {
        let mut sneaky = concert();
        sneaky.summary = "讲座\r\nSTATUS:CANCELLED".into();
        sneaky.url = Some("https://a.example/\r\nSTATUS:CANCELLED".into());
        let ics = render(vec![sneaky]);
        assert!(!ics.contains("\r\nSTATUS:CANCELLED"), "{ics}");
        let event = &parsed_events(&ics)[0];
        assert_eq!(value(event, "SUMMARY"), "讲座\nSTATUS:CANCELLED");
        assert_eq!(value(event, "STATUS"), "CONFIRMED");
    }

    #[test]
    fn special_characters_are_escaped_and_tags_listed_once() {
        let ics = render(vec![concert()]);
        let unfolded = unfold(&ics);
        assert!(
            unfolded.contains("演出\\;免费入场\\, 请提前到场\\\\凭票"),
            "{unfolded}"
        );
        assert!(
            unfolded.contains("\r\nCATEGORIES:音乐,免费\r\n"),
            "{unfolded}"
        );
        assert!(unfolded.contains("\r\nGEO:30.25;120.125\r\n"), "{unfolded}");
        let event = &parsed_events(&ics)[0];
        assert_eq!(value(event, "DESCRIPTION"), concert().description);
    }

    #[test]
    fn times_out_of_range_are_an_error_not_a_panic() {
        let mut broken = concert();
        broken.starts_at_ms = i64::MAX;
        assert!(matches!(
            ical(&calendar(vec![broken]), EVENING),
            Err(CalendarError::TimeOutOfRange { uid_key }) if uid_key == "date-42"
        ));
    }
}
