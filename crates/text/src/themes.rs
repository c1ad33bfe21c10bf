//! Themes: what do people want most this month. A theme is one request — the same thing
//! asked for, for the same place or group, in the same kind of ask — however many people
//! asked it and in whatever words ([`crate::similar`] and [`crate::request`] decide when two
//! items are the same request); it is named by the words of its request (place, subject,
//! aspect: 柳溪乡 · 太极 · 晚上).
//!
//! Items come in order (of id, for [`group`]); each joins the theme of the earlier item most
//! like it at or above [`DUPLICATE_AT`], or starts a theme of its own. A theme's id is made of
//! its first member's id, so the same items give the same themes in every run and on every
//! node, in the batch and the streaming grouping alike.
//! - [`group`] (a few thousand open items, for the staff's themes page);
//! - [`Themer`] (a million items streaming through the `analyze` command), which also says
//!   which earlier item an item repeats.

use std::collections::HashMap;

use crate::segment::is_stopword;
use crate::similar::{DUPLICATE_AT, Index, Signature};

/// A group of items asking the same thing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Theme {
    /// Stable for the same items: made of the first member's id.
    pub id: String,
    /// Up to three words of the request, place first, then what is asked for: the words that
    /// most members' requests name.
    pub label: Vec<String>,
    /// Item ids, in the order given.
    pub members: Vec<u64>,
}

/// Words counted per theme for its label: a request names a handful, and a theme's label
/// needs the few most of its members share.
const LABEL_SLOTS: usize = 12;

/// The streaming grouping (see the module's documentation).
#[derive(Clone, Debug, Default)]
pub struct Themer {
    index: Index,
    /// Item id → its theme's position in `themes`.
    theme_of: HashMap<u64, u32>,
    themes: Vec<Gathered>,
}

#[derive(Clone, Debug, Default)]
struct Gathered {
    id: String,
    members: Vec<u64>,
    /// The label's candidate words: (word, how many members named it, rank of its kind:
    /// 0 a place, 1 a subject, 2 an aspect or group).
    words: Vec<(String, u32, u8)>,
}

/// Where an item went.
#[derive(Clone, Debug, PartialEq)]
pub struct Assigned {
    /// The earlier item it repeats (the same request, at or above [`DUPLICATE_AT`]), with
    /// the similarity.
    pub original: Option<(u64, f32)>,
    /// Its theme's id.
    pub theme: String,
}

impl Themer {
    pub fn new() -> Themer {
        Themer::default()
    }

    /// Puts an item in the theme of the earlier item it repeats, or in a theme of its own.
    /// `words` are its request's words, ranked as [`crate::request::Lexicon::key_words`]
    /// gives them, for the label.
    pub fn assign(&mut self, id: u64, sig: Signature, words: &[(String, u8)]) -> Assigned {
        let original = self.index.nearest(&sig, 1, DUPLICATE_AT).first().copied();
        let at = match original.and_then(|(other, _)| self.theme_of.get(&other)) {
            Some(&at) => at,
            None => {
                self.themes.push(Gathered {
                    id: format!("t{id:x}"),
                    ..Gathered::default()
                });
                (self.themes.len() - 1) as u32
            }
        };
        self.index.add(id, sig);
        self.theme_of.insert(id, at);
        let theme = &mut self.themes[at as usize];
        theme.members.push(id);
        for (word, rank) in words {
            count_word(&mut theme.words, word, *rank);
        }
        Assigned {
            original,
            theme: theme.id.clone(),
        }
    }

    /// The similar-item index of the items assigned so far.
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// The themes of at least `min_members` items, largest first (ties: by id).
    pub fn themes(&self, min_members: usize) -> Vec<Theme> {
        let mut out: Vec<Theme> = self
            .themes
            .iter()
            .filter(|t| t.members.len() >= min_members.max(1))
            .map(|t| Theme {
                id: t.id.clone(),
                label: label_of(&t.words, t.members.len()),
                members: t.members.clone(),
            })
            .collect();
        out.sort_by(|a, b| b.members.len().cmp(&a.members.len()).then(a.id.cmp(&b.id)));
        out
    }
}

/// An item to put in a theme: its id, its signature and its request's words, ranked as
/// [`crate::request::Lexicon::key_words`] gives them.
pub type Themed = (u64, Signature, Vec<(String, u8)>);

/// The batch grouping (see the module's documentation): themes of at least `min_members`
/// items, largest first (ties: by id). `items` are (id, signature, request words); they are
/// taken in order of id, so the result does not depend on the order given.
pub fn group(items: &[Themed], min_members: usize) -> Vec<Theme> {
    let mut order: Vec<&Themed> = items.iter().collect();
    order.sort_by_key(|(id, _, _)| *id);
    let mut themer = Themer::new();
    for (id, sig, words) in order {
        themer.assign(*id, sig.clone(), words);
    }
    themer.themes(min_members)
}

/// Counts `word` among a theme's candidate words; when the slots are full, a word seen once
/// gives its place to the new one (most themes have a few words their members all name).
fn count_word(words: &mut Vec<(String, u32, u8)>, word: &str, rank: u8) {
    if let Some(w) = words.iter_mut().find(|w| w.0 == word) {
        w.1 += 1;
    } else if words.len() < LABEL_SLOTS {
        words.push((word.to_owned(), 1, rank));
    } else if let Some(w) = words.iter_mut().find(|w| w.1 <= 1) {
        *w = (word.to_owned(), 1, rank);
    }
}

/// The label: the most named place (if at least half the members name it), then the most
/// named subject, then the next most named subject, aspect or group; ties by first seen.
fn label_of(words: &[(String, u32, u8)], members: usize) -> Vec<String> {
    let best = |rank: &dyn Fn(u8) -> bool, taken: &[String]| {
        words
            .iter()
            .filter(|w| rank(w.2) && !taken.contains(&w.0))
            .fold(None::<&(String, u32, u8)>, |best, w| match best {
                Some(b) if b.1 >= w.1 => Some(b),
                _ => Some(w),
            })
            .map(|w| (w.0.clone(), w.1))
    };
    let mut label = Vec::with_capacity(3);
    if let Some((place, n)) = best(&|r| r == 0, &label)
        && n as usize * 2 >= members
    {
        label.push(place);
    }
    if let Some((subject, _)) = best(&|r| r == 1, &label) {
        label.push(subject);
    }
    if let Some((next, _)) = best(&|r| r >= 1, &label) {
        label.push(next);
    }
    label
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_words_are_sorted() {
        assert!(GENERIC.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn key_words_leave_out_generic_words_numbers_and_times() {
        assert!(!is_key_word("文化馆") && !is_key_word("灯") && is_key_word("空调"));
        for w in ["九点", "三十多", "五楼", "2024年", "几个", "一次", "不到"] {
            assert!(!is_key_word(w), "{w}");
        }
        assert!(is_key_word("一楼大厅") && is_key_word("十字绣") && is_key_word("不锈钢"));
    }
}
