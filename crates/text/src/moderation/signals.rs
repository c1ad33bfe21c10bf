//! Cheap features of a text that a spam score can weigh; none of them is a verdict alone.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use serde::{Deserialize, Serialize};

use crate::normalize::fold;

/// What [`spam_signals`] measured.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SpamSignals {
    /// Characters other than whitespace.
    pub chars: u32,
    /// `微信：abc123`, `QQ 12345678`, and the spellings only advertisers use (`VX`, `薇信`,
    /// `扣扣`) even without an id after them.
    pub contact_handles: u32,
    /// `http://…`, `www.…`, and bare domains such as `abc.com/x`.
    pub urls: u32,
    /// The longest run of one character (`！！！！！`, `哈哈哈哈`).
    pub longest_run: u32,
    /// Share of [`SpamSignals::chars`] that are digits (after folding full-width ones).
    pub digit_share: f32,
    /// Share of [`SpamSignals::chars`] that are Latin letters.
    pub latin_share: f32,
}

/// Keywords that announce a contact handle; `true` for spellings that are a handle by
/// themselves.
const HANDLE_WORDS: &[(&str, bool)] = &[
    ("微信", false),
    ("weixin", false),
    ("wechat", false),
    ("qq", false),
    ("vx", true),
    ("wx", true),
    ("v信", true),
    ("薇信", true),
    ("威信", true),
    ("扣扣", true),
    ("企鹅", true),
];

static HANDLES: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(HANDLE_WORDS.iter().map(|(w, _)| w))
        // A dozen short literal patterns are far inside every limit the builder checks.
        .expect("handle keywords build")
});

const TLDS: &[&str] = &[
    "com", "cn", "net", "org", "top", "xyz", "vip", "cc", "info", "shop", "site", "club", "online",
    "me", "io", "co", "tv", "app", "link", "wang", "ink",
];

/// Counts and shares for a spam score to weigh.
pub fn spam_signals(text: &str) -> SpamSignals {
    let folded = fold(text);
    let f = folded.as_str();
    let mut s = SpamSignals::default();
    let (mut digits, mut latin) = (0u32, 0u32);
    let mut run = (None, 0u32);
    for c in f.chars() {
        if c.is_whitespace() {
            run = (None, 0);
            continue;
        }
        s.chars = s.chars.saturating_add(1);
        digits = digits.saturating_add(u32::from(c.is_ascii_digit()));
        latin = latin.saturating_add(u32::from(c.is_ascii_alphabetic()));
        run = if run.0 == Some(c) {
            (run.0, run.1.saturating_add(1))
        } else {
            (Some(c), 1)
        };
        s.longest_run = s.longest_run.max(run.1);
    }
    if s.chars > 0 {
        s.digit_share = digits as f32 / s.chars as f32;
        s.latin_share = latin as f32 / s.chars as f32;
    }
    s.contact_handles = count_handles(f);
    s.urls = count_urls(f);
    s
}

fn count_handles(f: &str) -> u32 {
    let b = f.as_bytes();
    let mut count = 0u32;
    for m in HANDLES.find_iter(f) {
        let (word, alone) = HANDLE_WORDS[m.pattern().as_usize()];
        // `qq` inside `aqqb` is not the keyword.
        if word.is_ascii() && m.start() > 0 && b[m.start() - 1].is_ascii_alphanumeric() {
            continue;
        }
        if alone || id_follows(&f[m.end()..]) {
            count = count.saturating_add(1);
        }
    }
    count
}

/// An id of 5–20 ASCII characters after at most four joining characters (`：`, `号`, `是` …).
fn id_follows(rest: &str) -> bool {
    let joined: usize = rest
        .chars()
        .take(4)
        .take_while(|c| matches!(c, ' ' | ':' | '-' | '/' | '号' | '是' | '为' | '同'))
        .map(char::len_utf8)
        .sum();
    let id = rest[joined..]
        .bytes()
        .take(21)
        .take_while(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
        .count();
    rest[joined..].starts_with(|c: char| c.is_ascii_alphanumeric()) && (5..=20).contains(&id)
}

fn count_urls(f: &str) -> u32 {
    f.split(|c: char| !c.is_ascii_graphic())
        .filter(|token| is_url(token))
        .fold(0u32, |n, _| n.saturating_add(1))
}

fn is_url(token: &str) -> bool {
    if token.contains("://") || token.starts_with("www.") {
        return true;
    }
    if token.contains('@') {
        return false;
    }
    let host = token.split(['/', ':', '?', '#']).next().unwrap_or(token);
    let mut labels = host.split('.');
    let first_ok = labels.next().is_some_and(|l| {
        !l.is_empty() && l.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
    });
    first_ok && labels.any(|l| TLDS.contains(&l))
}
