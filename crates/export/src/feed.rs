//! Atom 1.0 feeds (RFC 4287) of coming activities, for feed readers and for sites that
//! republish the centre's programme.
//!
//! Every `id` is a `tag:` URI (RFC 4151) made by [`tag_uri`] from the activity's id, never
//! from its URL or title: a reader keeps one entry when the title or the address changes.
//! Times are RFC 3339 in Beijing time; content is full HTML (`type="html"`, escaped by the
//! writer); each public tag is one `category`. The XML itself is written by the
//! maintained `atom_syndication` crate.

use atom_syndication as atom;
use jiff::Timestamp;
use jiff::tz::{Offset, TimeZone};

/// One activity in the feed.
#[derive(Clone, Debug, PartialEq)]
pub struct FeedEntry {
    /// What names the activity for good, e.g. `activity-42`: never its URL or title.
    pub id_key: String,
    pub title: String,
    /// The full description as HTML; the writer escapes it, so it reads back as written.
    pub html_content: String,
    /// The activity's public page.
    pub link: String,
    pub updated_ms: i64,
    pub published_ms: i64,
    /// Public tags, one category each.
    pub categories: Vec<String>,
}

/// A feed and its entries.
#[derive(Clone, Debug, PartialEq)]
pub struct Feed {
    pub title: String,
    /// What names the feed for good, e.g. `activities`.
    pub id_key: String,
    /// The institution's domain, e.g. `whg.example.gov.cn`: the authority of every `tag:` id.
    pub domain_for_id: String,
    /// Atom requires an author for the feed: the institution's name.
    pub author: String,
    /// The page the feed mirrors.
    pub link: String,
    /// Where the feed itself is served (`rel="self"`).
    pub self_link: String,
    pub updated_ms: i64,
    pub entries: Vec<FeedEntry>,
}

/// Why a feed could not be written.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("a time of {id_key} is out of range")]
    TimeOutOfRange { id_key: String },
    #[error("could not write the feed: {0}")]
    Write(#[from] atom::Error),
}

/// The date in every `tag:` id. A tag URI names the year its authority held the domain;
/// it is part of every id, so it must never change once feeds are out.
const TAG_YEAR: &str = "2026";

/// The `id` of a feed or entry: the one place where feed ids are made.
pub fn tag_uri(key: &str, domain: &str) -> String {
    format!("tag:{domain},{TAG_YEAR}:{key}")
}

/// The feed as an Atom 1.0 document (UTF-8).
pub fn atom(feed: &Feed) -> Result<Vec<u8>, FeedError> {
    let entries = feed
        .entries
        .iter()
        .map(|e| entry(e, &feed.domain_for_id))
        .collect::<Result<Vec<_>, _>>()?;
    let doc = atom::Feed {
        title: atom::Text::plain(feed.title.as_str()),
        id: tag_uri(&feed.id_key, &feed.domain_for_id),
        updated: rfc3339(feed.updated_ms, &feed.id_key)?,
        authors: vec![atom::Person {
            name: feed.author.clone(),
            ..Default::default()
        }],
        links: vec![
            link(&feed.link, "alternate", "text/html"),
            link(&feed.self_link, "self", "application/atom+xml"),
        ],
        lang: Some("zh-CN".into()),
        entries,
        ..Default::default()
    };
    Ok(doc.write_to(Vec::new())?)
}

fn entry(e: &FeedEntry, domain: &str) -> Result<atom::Entry, FeedError> {
    Ok(atom::Entry {
        title: atom::Text::plain(e.title.as_str()),
        id: tag_uri(&e.id_key, domain),
        updated: rfc3339(e.updated_ms, &e.id_key)?,
        published: Some(rfc3339(e.published_ms, &e.id_key)?),
        links: vec![link(&e.link, "alternate", "text/html")],
        categories: categories(&e.categories),
        content: Some(atom::Content {
            value: Some(e.html_content.clone()),
            content_type: Some("html".into()),
            ..Default::default()
        }),
        ..Default::default()
    })
}

fn link(href: &str, rel: &str, mime_type: &str) -> atom::Link {
    atom::Link {
        href: href.into(),
        rel: rel.into(),
        mime_type: Some(mime_type.into()),
        ..Default::default()
    }
}

/// One category per distinct tag, in the order given.
fn categories(tags: &[String]) -> Vec<atom::Category> {
    let mut seen: Vec<&str> = Vec::new();
    for tag in tags {
        if !tag.is_empty() && !seen.contains(&tag.as_str()) {
            seen.push(tag);
        }
    }
    seen.into_iter()
        .map(|term| atom::Category {
            term: term.into(),
            ..Default::default()
        })
        .collect()
}

/// RFC 3339 in Beijing time (`+08:00`), as people here read it when they open the XML.
fn rfc3339(ms: i64, key: &str) -> Result<atom::FixedDateTime, FeedError> {
    let out_of_range = || FeedError::TimeOutOfRange { id_key: key.into() };
    let t = Timestamp::from_millisecond(ms).map_err(|_| out_of_range())?;
    let beijing = TimeZone::fixed(Offset::constant(8));
    let text = t
        .to_zoned(beijing)
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string();
    // atom_syndication takes chrono's type; going through the RFC 3339 text keeps chrono
    // out of this crate's own dependencies.
    text.parse().map_err(|_| out_of_range())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-08 11:00 UTC, 19:00 in Beijing.
    const EVENING: i64 = 1_796_727_600_000;
    const HOUR: i64 = 3_600_000;

    fn lecture() -> FeedEntry {
        FeedEntry {
            id_key: "activity-42".into(),
            title: "非遗讲座：竹编 <入门> & 体验".into(),
            html_content: "<p>讲师：县级传承人 &amp; 学员</p><p>地点：<b>一楼</b> 多功能厅</p>"
                .into(),
            link: "https://whg.example.gov.cn/activities/42?from=feed&lang=zh".into(),
            updated_ms: EVENING - HOUR,
            published_ms: EVENING - 48 * HOUR,
            categories: vec!["非遗".into(), "讲座".into(), "非遗".into()],
        }
    }

    fn feed(entries: Vec<FeedEntry>) -> Feed {
        Feed {
            title: "某县文化馆 近期活动".into(),
            id_key: "activities".into(),
            domain_for_id: "whg.example.gov.cn".into(),
            author: "某县文化馆".into(),
            link: "https://whg.example.gov.cn/activities".into(),
            self_link: "https://whg.example.gov.cn/activities.atom".into(),
            updated_ms: EVENING,
            entries,
        }
    }

    fn read(bytes: &[u8]) -> atom::Feed {
        atom::Feed::read_from(bytes).unwrap()
    }

    #[test]
    fn titles_content_and_categories_round_trip_with_chinese_and_markup() {
        let bytes = atom(&feed(vec![lecture()])).unwrap();
        let xml = String::from_utf8(bytes.clone()).unwrap();
        assert!(
            xml.contains("xmlns=\"http://www.w3.org/2005/Atom\""),
            "{xml}"
        );
        // The markup is escaped text, not elements of the feed.
        assert!(!xml.contains("<p>"), "{xml}");
        let back = read(&bytes);
        assert_eq!(back.title.as_str(), "某县文化馆 近期活动");
        assert_eq!(back.authors[0].name, "某县文化馆");
        let entry = &back.entries[0];
        assert_eq!(entry.title.as_str(), "非遗讲座：竹编 <入门> & 体验");
        let content = entry.content.as_ref().unwrap();
        assert_eq!(content.content_type.as_deref(), Some("html"));
        assert_eq!(
            content.value.as_deref(),
            Some(lecture().html_content.as_str())
        );
        let terms: Vec<&str> = entry.categories.iter().map(|c| c.term.as_str()).collect();
        assert_eq!(terms, ["非遗", "讲座"], "one category per tag");
        assert_eq!(entry.links[0].href, lecture().link);
        assert_eq!(entry.links[0].rel, "alternate");
    }

    #[test]
    fn the_id_is_a_tag_uri_that_survives_a_new_title_and_address() {
        let before = read(&atom(&feed(vec![lecture()])).unwrap());
        let mut renamed = lecture();
        renamed.title = "非遗讲座：竹编（改到周六）".into();
        renamed.link = "https://whg.example.gov.cn/a/new-slug".into();
        let after = read(&atom(&feed(vec![renamed])).unwrap());

        let id = &before.entries[0].id;
        assert_eq!(id, "tag:whg.example.gov.cn,2026:activity-42");
        assert_eq!(id, &after.entries[0].id);
        assert!(!id.contains("http"), "not the URL");
        assert_eq!(before.id, "tag:whg.example.gov.cn,2026:activities");
    }

    #[test]
    fn times_are_rfc3339() {
        let bytes = atom(&feed(vec![lecture()])).unwrap();
        let xml = String::from_utf8(bytes.clone()).unwrap();
        assert!(
            xml.contains("<updated>2026-12-08T19:00:00+08:00</updated>"),
            "{xml}"
        );
        let back = read(&bytes);
        let entry = &back.entries[0];
        assert_eq!(entry.updated.timestamp_millis(), EVENING - HOUR);
        assert_eq!(
            entry.published.map(|p| p.timestamp_millis()),
            Some(EVENING - 48 * HOUR)
        );
        assert_eq!(back.updated.timestamp_millis(), EVENING);
    }

    #[test]
    fn the_feed_links_to_itself() {
        let back = read(&atom(&feed(vec![])).unwrap());
        let rel = |r: &str| {
            back.links
                .iter()
                .find(|l| l.rel == r)
                .map(|l| l.href.clone())
        };
        assert_eq!(
            rel("self").as_deref(),
            Some("https://whg.example.gov.cn/activities.atom")
        );
        assert_eq!(
            rel("alternate").as_deref(),
            Some("https://whg.example.gov.cn/activities")
        );
    }

    #[test]
    fn times_out_of_range_are_an_error_not_a_panic() {
        let mut broken = lecture();
        broken.updated_ms = i64::MIN;
        assert!(matches!(
            atom(&feed(vec![broken])),
            Err(FeedError::TimeOutOfRange { id_key }) if id_key == "activity-42"
        ));
    }
}
