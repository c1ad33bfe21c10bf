//! Themes: what do people want most this month. The open backlog grouped by what its items
//! are about, each group named by two or three words.
//!
//! A theme is keyed by a *pair* of content words that occur together in its items
//! (排练厅 + 空调, 书屋 + 周末): one word names a topic, the pair usually names the topic and
//! what is wanted of it, so 广场舞 noise and 广场舞 space come out apart. Words that fit any
//! item (文化馆, 希望, 问题) are never keys. A theme's id is a hash of its two key words, so the
//! same theme has the same id in every run, on every node, in the batch and the streaming
//! grouping alike, whatever the order of the items.
//!
//! - [`group`] (a few thousand open items, for the staff's themes page) is a greedy cover: the
//!   pair shared by the most items not yet in a theme becomes a theme with those items, until
//!   no pair has `min_members` items left. Ties go to the pair that sorts first, so the result
//!   depends on the items, not on their order.
//! - [`Themer`] (a million items streaming through the `analyze` command) counts pairs as items
//!   come and puts each item in the theme of its most frequent pair so far, so the large themes
//!   gather as the stream goes on; its memory stays bounded by forgetting pairs seen once.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use crate::segment::{is_noun, is_stopword};

/// A group of items about the same thing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Theme {
    /// Stable: a hash of the two key words, the first two words of `label` (in either order).
    pub id: String,
    /// Two or three words: the two key words, more specific first, and the word most often
    /// found with them if at least half the members have it.
    pub label: Vec<String>,
    /// Item ids, in the order given.
    pub members: Vec<u64>,
}

/// What [`Themer::assign`] returns for an item without two words that could name a theme
/// (only greetings, generic words or a single topic word); such items are in no theme.
pub const UNTHEMED: &str = "none";

/// Key words considered per item: the first few distinct ones carry what it is about, and the
/// pairs among them grow with the square.
const KEY_WORDS: usize = 8;

/// Pairs counted by a [`Themer`] before those seen once are forgotten.
const PAIR_LIMIT: usize = 1 << 22;

/// Candidate third words tracked per streaming theme (Misra–Gries): enough to find one that
/// half the members share, which is all the label needs.
const LABEL_SLOTS: usize = 6;

/// Words too general to name a theme or to be a hot word: the institution itself and the
/// language of asking, wanting and complaining that every item uses. Sorted (a test checks).
const GENERIC: &[&str] = &[
    "一下子",
    "一定",
    "一样",
    "一次",
    "一点",
    "一直",
    "上午",
    "下午",
    "不会",
    "不是",
    "不能",
    "不要",
    "东西",
    "中午",
    "为什么",
    "之前",
    "事情",
    "什么样",
    "今天",
    "今年",
    "以前",
    "以后",
    "但是",
    "你们好",
    "你好",
    "其他",
    "其实",
    "出来",
    "刚刚",
    "刚才",
    "别的",
    "县里",
    "反应",
    "反映",
    "只能",
    "可以",
    "可是",
    "可能",
    "各位",
    "回复",
    "因为",
    "地方",
    "增加",
    "处理",
    "多谢",
    "大家",
    "大家好",
    "天天",
    "太多",
    "好像",
    "好多",
    "好好",
    "如何",
    "如果",
    "安排",
    "尽快",
    "工作",
    "工作人员",
    "已经",
    "希望",
    "希望能",
    "帮忙",
    "常常",
    "应该",
    "建议",
    "很多",
    "必须",
    "怎么",
    "怎么办",
    "怎样",
    "总是",
    "您们",
    "您好",
    "情况",
    "想问",
    "感觉",
    "感谢",
    "我家",
    "或者",
    "所有",
    "拜托",
    "改成",
    "文化",
    "文化中心",
    "文化站",
    "文化馆",
    "早上",
    "时候",
    "时间",
    "明天",
    "昨天",
    "是否",
    "最好",
    "有些",
    "有人",
    "有没有",
    "村里",
    "根本",
    "每天",
    "每次",
    "比较",
    "没人",
    "没有人",
    "活动",
    "然后",
    "特别",
    "现在",
    "直接",
    "看到",
    "看着",
    "真是",
    "知道",
    "突然",
    "管理",
    "经常",
    "统一",
    "老是",
    "考虑",
    "能否",
    "自己",
    "蛮",
    "觉得",
    "解决",
    "请问",
    "请问一下",
    "谢谢",
    "赶紧",
    "辛苦",
    "还是要",
    "还有",
    "还要",
    "这么",
    "这些",
    "这种",
    "这边",
    "这里",
    "那么",
    "那些",
    "那种",
    "那边",
    "那里",
    "镇上",
    "问题",
    "随便",
    "需要",
    "非常",
    "领导",
    "马上",
    "麻烦",
];

/// Whether `word` could name a theme or be a hot word: a content word of at least two
/// characters that is not [`GENERIC`], not a number or a time (九点, 三十多, 五楼) and not one
/// of the two-character function words jieba makes with 一, 不 and 个 (一次, 不到, 几个).
pub(crate) fn is_key_word(word: &str) -> bool {
    let mut chars = word.chars();
    let (Some(first), Some(_)) = (chars.next(), chars.next()) else {
        return false;
    };
    let two = word.chars().count() == 2;
    let counted = word.chars().any(|c| NUMERALS.contains(c))
        && word
            .chars()
            .all(|c| NUMERALS.contains(c) || UNITS.contains(c));
    !is_stopword(word)
        && !counted
        && !(two && (first == '一' || first == '不' || word.ends_with('个')))
        && GENERIC.binary_search(&word).is_err()
}

/// Characters of numbers written out, and of what they count, for [`is_key_word`].
const NUMERALS: &str = "〇零一二两三四五六七八九十百千万几半0123456789";
const UNITS: &str = "点号楼层月日天年个次人多期岁元块分钟届周";

/// The theme id of a key: a hash that does not change between runs, versions or machines
/// (FNV-1a; std's hasher is seeded per process).
fn theme_id(a: &str, b: &str) -> String {
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in a.bytes().chain([0x1f]).chain(b.bytes()) {
        h = (h ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("t{h:016x}")
}

/// The first [`KEY_WORDS`] distinct key words of an item, in order.
fn key_words(words: &[String]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::with_capacity(KEY_WORDS);
    for w in words {
        if out.len() == KEY_WORDS {
            break;
        }
        if is_key_word(w) && !out.contains(&w.as_str()) {
            out.push(w);
        }
    }
    out
}

/// A key: two words, in sorted order.
type Key<'a> = (&'a str, &'a str);

fn keys<'a>(words: &[&'a str]) -> Vec<Key<'a>> {
    let mut out = Vec::with_capacity(words.len() * (words.len() - 1) / 2);
    for (i, a) in words.iter().enumerate() {
        for b in &words[i + 1..] {
            out.push(if a <= b { (*a, *b) } else { (*b, *a) });
        }
    }
    out
}

/// The batch grouping (see the module's documentation): themes of at least `min_members`
/// items, largest first (ties: by id). `items` are (id, content words); an item is in at most
/// one theme, and items sharing no pair of key words with enough others are in none.
pub fn group(items: &[(u64, Vec<String>)], min_members: usize) -> Vec<Theme> {
    let min_members = min_members.max(1);
    let words: Vec<Vec<&str>> = items.iter().map(|(_, w)| key_words(w)).collect();
    // Which items have each key. A BTreeMap iterates in key order, so ties break the same
    // way whatever the order of the items.
    let mut holders: BTreeMap<Key<'_>, Vec<usize>> = BTreeMap::new();
    for (i, w) in words.iter().enumerate() {
        for key in keys(w) {
            holders.entry(key).or_default().push(i);
        }
    }
    let mut taken = vec![false; items.len()];
    let mut out = Vec::new();
    loop {
        // Items are only ever taken, so a key with too few free items never recovers: drop
        // those (most pairs occur once), then take the key with the most items still free.
        // A few thousand items leave a few thousand keys, so a scan per theme is cheap next
        // to a heap with stale entries.
        holders.retain(|_, hs| {
            hs.retain(|&i| !taken[i]);
            hs.len() >= min_members
        });
        let mut best: Option<(Key<'_>, usize)> = None;
        for (key, hs) in &holders {
            // Strictly more: at equal counts the key met first in BTreeMap order stays.
            if best.is_none_or(|(_, n)| hs.len() > n) {
                best = Some((*key, hs.len()));
            }
        }
        let Some((key, _)) = best else {
            break;
        };
        let members = holders.remove(&key).unwrap_or_default();
        for &i in &members {
            taken[i] = true;
        }
        out.push(theme_of(key, &members, &words, items));
    }
    out.sort_by(|a, b| b.members.len().cmp(&a.members.len()).then(a.id.cmp(&b.id)));
    out
}

fn theme_of(
    key: Key<'_>,
    members: &[usize],
    words: &[Vec<&str>],
    items: &[(u64, Vec<String>)],
) -> Theme {
    let mut others: BTreeMap<&str, usize> = BTreeMap::new();
    let mut first: HashMap<&str, usize> = HashMap::new();
    for &i in members {
        for (at, w) in words[i].iter().enumerate() {
            if *w == key.0 || *w == key.1 {
                // Where the key words come in the items: the one that comes first tends to
                // be the topic, and goes first in the label.
                *first.entry(w).or_default() += at;
            } else {
                *others.entry(w).or_default() += 1;
            }
        }
    }
    let mut label: Vec<String> = Vec::with_capacity(3);
    let (a, b) = key;
    let b_first = match (is_noun(a), is_noun(b)) {
        // What the theme is about is a thing (空调, 书屋), and goes first.
        (false, true) => true,
        (true, false) => false,
        _ => first.get(b).unwrap_or(&0) < first.get(a).unwrap_or(&0),
    };
    if b_first {
        label.extend([b.to_owned(), a.to_owned()]);
    } else {
        label.extend([a.to_owned(), b.to_owned()]);
    }
    let third = others
        .iter()
        .max_by(|x, y| x.1.cmp(y.1).then(y.0.cmp(x.0)))
        .filter(|(_, n)| **n * 2 >= members.len() && **n >= 2);
    if let Some((w, _)) = third {
        label.push((*w).to_owned());
    }
    Theme {
        id: theme_id(a, b),
        label,
        members: members.iter().map(|&i| items[i].0).collect(),
    }
}

/// The streaming grouping (see the module's documentation).
#[derive(Clone, Debug, Default)]
pub struct Themer {
    vocabulary: HashMap<String, u32>,
    words: Vec<String>,
    /// How many items had each pair of word ids (smaller id first).
    pairs: HashMap<(u32, u32), u32, BuildHasherDefault<PairHasher>>,
    themes: HashMap<(u32, u32), Gathered, BuildHasherDefault<PairHasher>>,
}

#[derive(Clone, Debug, Default)]
struct Gathered {
    members: Vec<u64>,
    /// Misra–Gries counters of the members' other key words, for the label's third word.
    others: Vec<(u32, u32)>,
}

impl Themer {
    pub fn new() -> Themer {
        Themer::default()
    }

    /// Puts the item in a theme and returns the theme's id ([`UNTHEMED`] for an item without
    /// key words). `words` are its content words, as for [`group`].
    pub fn assign(&mut self, id: u64, words: &[String]) -> String {
        let key_words = key_words(words);
        if key_words.len() < 2 {
            return UNTHEMED.to_owned();
        }
        let ids: Vec<u32> = key_words.iter().map(|w| self.intern(w)).collect();
        // The pair most items have had so far; among equals, the one whose words come first
        // in this item (people name the topic before the details), then by the words.
        let mut best: Option<((u32, u32), u32, usize)> = None;
        for (i, &a) in ids.iter().enumerate() {
            for (j, &b) in ids.iter().enumerate().skip(i + 1) {
                let key = (a.min(b), a.max(b));
                let n = self.pairs.entry(key).or_default();
                *n += 1;
                let n = *n;
                let better = match best {
                    None => true,
                    Some((k, m, at)) => {
                        n > m
                            || (n == m
                                && (i + j < at || (i + j == at && self.sorts_before(key, k))))
                    }
                };
                if better {
                    best = Some((key, n, i + j));
                }
            }
        }
        if self.pairs.len() > PAIR_LIMIT {
            self.forget_rare_pairs();
        }
        let Some((key, _, _)) = best else {
            return UNTHEMED.to_owned();
        };
        let gathered = self.themes.entry(key).or_default();
        gathered.members.push(id);
        for &w in &ids {
            if w != key.0 && w != key.1 {
                count_other(&mut gathered.others, w);
            }
        }
        self.id_of(key)
    }

    /// The themes with at least `min_members` items, largest first (ties: by id).
    pub fn themes(&self, min_members: usize) -> Vec<Theme> {
        let mut out: Vec<Theme> = self
            .themes
            .iter()
            .filter(|(_, g)| g.members.len() >= min_members.max(1))
            .map(|(&key, g)| {
                let mut label = vec![
                    self.words[key.0 as usize].clone(),
                    self.words[key.1 as usize].clone(),
                ];
                // The thing the theme is about first, as in the batch grouping.
                if !is_noun(&label[0]) && is_noun(&label[1]) {
                    label.swap(0, 1);
                }
                // Misra–Gries counts are lower bounds, so "half the members" errs towards
                // no third word.
                let third = g
                    .others
                    .iter()
                    .max_by(|x, y| {
                        x.1.cmp(&y.1)
                            .then(self.words[y.0 as usize].cmp(&self.words[x.0 as usize]))
                    })
                    .filter(|(_, n)| *n as usize * 2 >= g.members.len() && *n >= 2);
                if let Some((w, _)) = third {
                    label.push(self.words[*w as usize].clone());
                }
                Theme {
                    id: self.id_of(key),
                    label,
                    members: g.members.clone(),
                }
            })
            .collect();
        out.sort_by(|a, b| b.members.len().cmp(&a.members.len()).then(a.id.cmp(&b.id)));
        out
    }

    /// Lossy counting: forgets the pairs seen least (once, then twice, …) until half the
    /// limit is left, keeping those that key a theme. Halving keeps the cost amortised: the
    /// map takes `PAIR_LIMIT / 2` new pairs before the next pass.
    fn forget_rare_pairs(&mut self) {
        let themes = &self.themes;
        let mut floor = 1u32;
        // Bounded: past a count of 2^31 nothing is rare, and theme keys are never dropped.
        while self.pairs.len() > PAIR_LIMIT / 2 && floor < 1 << 31 {
            self.pairs
                .retain(|k, n| *n > floor || themes.contains_key(k));
            floor *= 2;
        }
    }

    fn intern(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.vocabulary.get(word) {
            return id;
        }
        let id = self.words.len() as u32;
        self.vocabulary.insert(word.to_owned(), id);
        self.words.push(word.to_owned());
        id
    }

    fn text_key(&self, key: (u32, u32)) -> (&str, &str) {
        let a = &self.words[key.0 as usize];
        let b = &self.words[key.1 as usize];
        if a <= b { (a, b) } else { (b, a) }
    }

    /// The same tie-break as [`group`]: by the words, not by when they were first seen.
    fn sorts_before(&self, x: (u32, u32), y: (u32, u32)) -> bool {
        self.text_key(x) < self.text_key(y)
    }

    fn id_of(&self, key: (u32, u32)) -> String {
        let (a, b) = self.text_key(key);
        theme_id(a, b)
    }
}

/// Hashes pairs of word ids. The ids are handed out in order of first sight, not chosen by
/// whoever writes the text, so a keyed hash buys nothing and SipHash made `assign` five times
/// slower.
#[derive(Default)]
struct PairHasher(u64);

impl Hasher for PairHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u32(u32::from(b));
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = (self.0.rotate_left(29) ^ u64::from(n)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

fn count_other(counters: &mut Vec<(u32, u32)>, word: u32) {
    if let Some(c) = counters.iter_mut().find(|c| c.0 == word) {
        c.1 += 1;
    } else if counters.len() < LABEL_SLOTS {
        counters.push((word, 1));
    } else {
        for c in counters.iter_mut() {
            c.1 -= 1;
        }
        counters.retain(|c| c.1 > 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_words_are_sorted() {
        assert!(GENERIC.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn ids_do_not_depend_on_word_order() {
        assert_eq!(theme_id("书屋", "周末"), theme_id("周末", "书屋"));
        assert_ne!(theme_id("书屋", "周末"), theme_id("书屋", "新书"));
        assert!(!is_key_word("文化馆") && !is_key_word("灯") && is_key_word("空调"));
        for w in ["九点", "三十多", "五楼", "2024年", "几个", "一次", "不到"] {
            assert!(!is_key_word(w), "{w}");
        }
        assert!(is_key_word("一楼大厅") && is_key_word("十字绣") && is_key_word("不锈钢"));
    }
}
