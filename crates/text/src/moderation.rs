//! Sensitive words, found through the ways people hide them, and simple spam signals.
//!
//! Words and text are compared as [`skeleton`]s, so `貸款`,
//! `贷 款`, `贷-款`, `贷😀款` and `ｄａｉｋｕａｎ`-style spellings of a listed word are found,
//! while a sentence end (`。！？；`, a line break) is never bridged: `…要去。死党…` does not
//! contain `去死`. Matching is one leftmost-longest Aho–Corasick pass over the skeleton.

use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use serde::{Deserialize, Serialize};

use crate::normalize::{fold_char, skeleton, skeleton_with_breaks};

mod signals;

pub use signals::{SpamSignals, spam_signals};

/// Why a word is on a list; what to do about a hit is the caller's decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Insults and obscenity.
    Abuse,
    /// Advertising, loans, gambling, fake invoices, contact-me markers.
    Spam,
    /// Topics the office has been told to review before publishing.
    Political,
    Other,
}

/// One listed word found in a text.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Hit {
    /// The word as it was put on the list.
    pub word: String,
    pub category: Category,
    /// Bytes of the original text from the word's first character to its last, including
    /// whatever was put between them.
    pub range: Range<usize>,
}

/// A list of words that could not be turned into a matcher; only a list far larger than memory
/// would allow (billions of states) gets here.
#[derive(Clone, Debug)]
pub struct WordListError(aho_corasick::BuildError);

impl std::fmt::Display for WordListError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "word list too large to match: {}", self.0)
    }
}

impl std::error::Error for WordListError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

#[derive(Clone, Debug)]
struct Entry {
    word: String,
    category: Category,
    /// Latin-script words must not match inside a longer Latin word (`v` in `vip`).
    latin_start: bool,
    latin_end: bool,
}

/// Sensitive words with their categories, ready to be found in text.
#[derive(Clone, Debug)]
pub struct WordList {
    /// `None` for an empty list: the builder wants at least one pattern to be useful.
    matcher: Option<AhoCorasick>,
    entries: Vec<Entry>,
}

impl WordList {
    /// A matcher for `words`. Each word is reduced to its skeleton; words that reduce to
    /// nothing are dropped, and of words that reduce to the same skeleton the first is kept.
    pub fn new(
        words: impl IntoIterator<Item = (String, Category)>,
    ) -> Result<WordList, WordListError> {
        let mut patterns: Vec<String> = Vec::new();
        let mut entries = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (word, category) in words {
            let pattern = skeleton(&word).as_str().to_owned();
            if pattern.is_empty() || !seen.insert(pattern.clone()) {
                continue;
            }
            entries.push(Entry {
                latin_start: pattern.starts_with(|c: char| c.is_ascii_alphanumeric()),
                latin_end: pattern.ends_with(|c: char| c.is_ascii_alphanumeric()),
                word,
                category,
            });
            patterns.push(pattern);
        }
        let matcher = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&patterns)
                    .map_err(WordListError)?,
            )
        };
        Ok(WordList { matcher, entries })
    }

    /// A modest seed list of insults and spam markers, for an office that has not written its
    /// own. Words that are ordinary in feedback about a cultural centre are left out on purpose:
    /// `垃圾` (垃圾桶满了), `操你` (体操你们…), `赌博` (棋牌室有人赌博 is a complaint worth
    /// reading), `加微信`/`加QQ` (怎么加微信群报名); contact handles feed [`spam_signals`]
    /// instead, and only the evasive spellings (`加V`, `加薇`) are listed.
    pub fn default_abuse_and_spam() -> WordList {
        SEED.clone()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The listed words with their categories, to build a longer list from this one.
    pub fn words(&self) -> impl Iterator<Item = (String, Category)> + '_ {
        self.entries.iter().map(|e| (e.word.clone(), e.category))
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Listed words in `text`, in order, not overlapping (the longest at each place).
    pub fn find(&self, text: &str) -> Vec<Hit> {
        let Some(matcher) = &self.matcher else {
            return Vec::new();
        };
        let view = skeleton_with_breaks(text, true);
        let mut hits = Vec::new();
        for m in matcher.find_iter(view.as_str()) {
            let entry = &self.entries[m.pattern().as_usize()];
            let range = view.original_range(m.range());
            let glued_before = entry.latin_start
                && text[..range.start]
                    .chars()
                    .next_back()
                    .is_some_and(|c| fold_char(c).is_ascii_alphanumeric());
            let glued_after = entry.latin_end
                && text[range.end..]
                    .chars()
                    .next()
                    .is_some_and(|c| fold_char(c).is_ascii_alphanumeric());
            if glued_before || glued_after {
                continue;
            }
            hits.push(Hit {
                word: entry.word.clone(),
                category: entry.category,
                range,
            });
        }
        hits
    }

    /// `text` with every character of every hit, including what was put between a word's
    /// characters, replaced by `*`.
    pub fn redact(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for hit in self.find(text) {
            out.push_str(&text[at..hit.range.start]);
            out.extend(text[hit.range.clone()].chars().map(|_| '*'));
            at = hit.range.end;
        }
        out.push_str(&text[at..]);
        out
    }
}

/// Built once; clones share the automaton.
static SEED: LazyLock<WordList> = LazyLock::new(|| {
    let abuse = SEED_ABUSE.iter().map(|w| (w.to_string(), Category::Abuse));
    let spam = SEED_SPAM.iter().map(|w| (w.to_string(), Category::Spam));
    // A few dozen short literal words are far inside every limit the builder checks.
    WordList::new(abuse.chain(spam)).expect("seed word list builds")
});

/// Insults and obscenity with no everyday use in feedback.
pub(crate) const SEED_ABUSE: &[&str] = &[
    "傻逼",
    "傻b",
    "煞笔",
    "傻叉",
    "脑残",
    "白痴",
    "滚蛋",
    "去死",
    "他妈的",
    "你妈的",
    "尼玛的",
    "操你妈",
    "操你大爷",
    "草你妈",
    "日你妈",
    "肏",
    "王八蛋",
    "混蛋",
    "贱人",
    "贱货",
    "狗日的",
    "狗东西",
    "畜生",
    "人渣",
    "杂种",
    "婊子",
    "死全家",
    "狗官",
    "妈逼",
    "装逼",
];

/// Markers of advertising, loans, gambling and fraud that a resident's feedback has no use for.
const SEED_SPAM: &[&str] = &[
    "贷款",
    "网贷",
    "无抵押",
    "套现",
    "信用卡套现",
    "博彩",
    "网赌",
    "赌博网站",
    "在线赌场",
    "百家乐",
    "六合彩",
    "时时彩",
    "代开发票",
    "发票代开",
    "代开票",
    "加v",
    "加vx",
    "加薇",
    "加威信",
    "加扣扣",
    "刷单",
    "兼职日结",
    "日结工资",
    "躺赚",
    "裸聊",
    "约炮",
    "代孕",
    "办假证",
];

#[cfg(test)]
mod tests;
