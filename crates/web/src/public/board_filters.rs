//! The board's filters: what `/board`'s GET form sends and `GET /api/v1/board` takes, read
//! once here for the page and the API alike.

use serde::Deserialize;
use services::feedback::BoardQuery;

/// The board's filters as the GET form sends them (empty means "any").
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct BoardParams {
    pub kind: String,
    pub category: String,
    pub station: String,
    pub status: String,
    pub sort: String,
    pub after: String,
}

impl BoardParams {
    pub fn query(&self) -> BoardQuery {
        let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        BoardQuery {
            kind: some(&self.kind),
            category: some(&self.category),
            station: self.station.trim().parse().ok(),
            status: some(&self.status),
            sort: some(&self.sort),
            after: some(&self.after),
        }
    }

    /// `/board?…` with these filters and `after`.
    pub(super) fn link(&self, after: Option<&str>) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("kind", &self.kind),
            ("category", &self.category),
            ("station", &self.station),
            ("status", &self.status),
            ("sort", &self.sort),
        ] {
            if !v.is_empty() {
                q.append_pair(k, v);
            }
        }
        if let Some(after) = after {
            q.append_pair("after", after);
        }
        let q = q.finish();
        if q.is_empty() {
            "/board".into()
        } else {
            format!("/board?{q}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_link_keeps_the_filters() {
        let p = BoardParams {
            kind: "complaint".into(),
            sort: "supported".into(),
            after: "3:120".into(),
            ..Default::default()
        };
        assert_eq!(
            p.link(Some("2:99")),
            "/board?kind=complaint&sort=supported&after=2%3A99"
        );
        assert_eq!(p.link(None), "/board?kind=complaint&sort=supported");
    }
}
