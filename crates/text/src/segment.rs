//! Chinese word segmentation: jieba over the folded text, with an institution's own words.
//!
//! Every other module (classification, duplicates, themes, hot words, search) counts words,
//! so they all go through here and agree on what a word is: the [`fold`]ed spelling
//! (simplified, half-width, lower case), never punctuation, whitespace or emoji.
//!
//! jieba's dictionary is large and shared by every institution; an institution's own words
//! (place names, heritage items, event names: 桃源皮影, 油菜花节) are matched first with an
//! Aho-Corasick automaton and kept whole, and jieba cuts only what lies between them. So adding
//! a word is cheap, needs no copy of the dictionary and takes effect at once.

use crate::normalize::{fold, fold_char, is_gap, is_han};
use aho_corasick::{AhoCorasick, MatchKind};
use jieba_rs::Jieba;
use std::sync::LazyLock;

/// jieba with its bundled dictionary and the words of our field, loaded once per process.
static JIEBA: LazyLock<Jieba> = LazyLock::new(|| {
    let mut jieba = Jieba::new();
    for word in FIELD_WORDS {
        jieba.add_word(word, Some(FIELD_WORD_FREQ), None);
    }
    jieba
});

/// How often jieba should think our field's words occur: high enough to beat the split
/// (广场 + 舞) without swallowing the words around them.
const FIELD_WORD_FREQ: usize = 20_000;

/// Words of cultural centres, libraries and museums that jieba's general dictionary cuts apart.
const FIELD_WORDS: &[&str] = &[
    "广场舞",
    "文化馆",
    "文化站",
    "文化大院",
    "农家书屋",
    "综合文化服务中心",
    "非遗",
    "传承人",
    "送戏下乡",
    "老年大学",
    "公众号",
    "小程序",
    "志愿者",
    "排练厅",
    "多功能厅",
    "舞蹈室",
    "书法班",
    "舞蹈班",
    "合唱团",
    "腰鼓队",
    "剪纸",
    "皮影",
    "花鼓戏",
    "采茶戏",
    "村晚",
    "文艺汇演",
    "惠民演出",
    "读书会",
    "借书证",
    "阅览室",
    "消防通道",
    "安全出口",
    "无障碍",
    "二维码",
    "报名表",
    "暑期班",
    "公益培训",
    "公益课",
    "文化下乡",
    "电影放映",
    "露天电影",
];

/// A segmenter: jieba plus, optionally, an institution's own words.
#[derive(Clone, Debug, Default)]
pub struct Segmenter {
    user: Option<AhoCorasick>,
    user_words: Vec<String>,
}

/// How finely to cut: [`Cut::Words`] for counting, [`Cut::Search`] also emits the shorter
/// words inside long ones (广场舞 → 广场, 广场舞) so a search for either finds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cut {
    Words,
    Search,
}

impl Segmenter {
    /// A segmenter that keeps `user_words` whole. Words are folded like the text, so
    /// 桃源皮影 and 桃源皮影 in traditional characters are the same entry; blanks are ignored.
    pub fn new(user_words: impl IntoIterator<Item = impl AsRef<str>>) -> Segmenter {
        let mut words: Vec<String> = user_words
            .into_iter()
            .map(|w| fold_word(w.as_ref()))
            .filter(|w| w.chars().count() >= 2)
            .collect();
        words.sort();
        words.dedup();
        if words.is_empty() {
            return Segmenter::default();
        }
        let user = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&words)
            .ok();
        Segmenter {
            user,
            user_words: words,
        }
    }

    /// The institution's own words, folded, sorted.
    pub fn user_words(&self) -> &[String] {
        &self.user_words
    }

    /// The words of `text`, folded, in order, without punctuation, whitespace or emoji.
    pub fn words(&self, text: &str) -> Vec<String> {
        self.cut(text, Cut::Words)
    }

    /// The words of `text` cut as `how` says.
    pub fn cut(&self, text: &str, how: Cut) -> Vec<String> {
        let folded = fold(text);
        let folded = folded.as_str();
        let mut out = Vec::with_capacity(folded.len() / 4 + 1);
        let mut at = 0;
        if let Some(user) = &self.user {
            for m in user.find_iter(folded) {
                cut_plain(&folded[at..m.start()], how, &mut out);
                out.push(folded[m.start()..m.end()].to_owned());
                at = m.end();
            }
        }
        cut_plain(&folded[at..], how, &mut out);
        out
    }
}

impl Segmenter {
    /// Whether `word` (folded) is a word a person would recognise: one of the institution's,
    /// one in jieba's dictionary, or one not in Chinese characters (wifi, app). jieba's
    /// guesses at unknown runs (室能 from 活动室能不能) are not: they are pieces of two words.
    pub fn is_whole_word(&self, word: &str) -> bool {
        self.user_words
            .binary_search_by(|w| w.as_str().cmp(word))
            .is_ok()
            || JIEBA.has_word(word)
            || !word.chars().any(is_han)
    }

    /// Whether `word` could show a reader what a text is about: a whole word (see
    /// [`Segmenter::is_whole_word`]), not a [stop-word](is_stopword), and in Chinese at least
    /// two characters (说, 着, 了 say nothing alone).
    pub fn is_meaningful(&self, word: &str) -> bool {
        let single_han = word.chars().count() < 2 && word.chars().all(is_han);
        !single_han && !is_stopword(word) && self.is_whole_word(word)
    }

    /// The [meaningful](Segmenter::is_meaningful) words of `text`, in order: what themes, hot
    /// words and the evidence shown to staff are made of.
    pub fn meaningful_words(&self, text: &str) -> Vec<String> {
        self.words(text)
            .into_iter()
            .filter(|w| self.is_meaningful(w))
            .collect()
    }
}

/// Whether jieba's dictionary tags `word` as a noun (名词, place, organisation, name of a
/// thing; not a verb or an adjective): what a theme is about is usually a noun.
pub fn is_noun(word: &str) -> bool {
    JIEBA
        .tag(word, false)
        .first()
        .is_some_and(|t| t.word == word && t.tag.starts_with('n'))
}

/// The words of `text` with no institution's words (see [`Segmenter::words`]).
pub fn words(text: &str) -> Vec<String> {
    Segmenter::default().words(text)
}

fn fold_word(word: &str) -> String {
    word.trim()
        .chars()
        .map(fold_char)
        .filter(|c| !is_gap(*c))
        .collect()
}

fn cut_plain(folded: &str, how: Cut, out: &mut Vec<String>) {
    if folded.is_empty() {
        return;
    }
    let tokens = match how {
        Cut::Words => JIEBA.cut(folded, true),
        Cut::Search => JIEBA.cut_for_search(folded, true),
    };
    for token in tokens {
        let word = token.word.trim_matches(|c: char| is_gap(c));
        // jieba keeps runs of punctuation or emoji as tokens; they are not words.
        if !word.is_empty() && word.chars().all(|c| !is_gap(c)) {
            out.push(word.to_owned());
        }
    }
}

/// Function words and fillers that say nothing about what an item is about: left out of
/// themes, hot words and similarity, kept for classification (where 吗 and 建议 matter).
pub fn is_stopword(word: &str) -> bool {
    if word.chars().all(|c| c.is_ascii_digit()) {
        return true;
    }
    if word.chars().count() == 1 && !word.chars().all(is_han) {
        return true;
    }
    STOPWORDS.binary_search(&word).is_ok()
}

/// Sorted (a test checks), so lookup is a binary search.
const STOPWORDS: &[&str] = &[
    "一下",
    "一个",
    "一些",
    "一直",
    "不",
    "不是",
    "也",
    "了",
    "什么",
    "他",
    "他们",
    "们",
    "你",
    "你们",
    "吗",
    "吧",
    "呀",
    "呢",
    "和",
    "哈",
    "哦",
    "啊",
    "啦",
    "嘛",
    "在",
    "她",
    "好",
    "就",
    "就是",
    "已经",
    "得",
    "我",
    "我们",
    "所以",
    "把",
    "是",
    "有",
    "有点",
    "没有",
    "的",
    "真的",
    "着",
    "能",
    "能不能",
    "让",
    "还",
    "还是",
    "这",
    "这个",
    "这样",
    "那",
    "那个",
    "都",
    "里",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopwords_are_sorted() {
        assert!(STOPWORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn words_are_folded_and_punctuation_is_dropped() {
        let w = words("文化館的廣場舞音響太吵了！！😡 ＷｉＦｉ密碼是多少？");
        assert!(w.contains(&"文化馆".to_owned()), "{w:?}");
        assert!(w.contains(&"广场舞".to_owned()), "{w:?}");
        assert!(w.contains(&"wifi".to_owned()), "{w:?}");
        assert!(
            w.iter().all(|w| !w.contains(['！', '!', '😡', '？', ' '])),
            "{w:?}"
        );
    }

    #[test]
    fn institution_words_stay_whole() {
        let plain = words("桃源皮影什么时候来我们村演出");
        assert!(!plain.contains(&"桃源皮影".to_owned()), "{plain:?}");
        let local = Segmenter::new(["桃源皮影", " ", "龍舟賽"]);
        let w = local.words("桃源皮影什么时候来我们村演出，还有龙舟赛");
        assert!(w.contains(&"桃源皮影".to_owned()), "{w:?}");
        assert!(w.contains(&"龙舟赛".to_owned()), "{w:?}");
        assert!(w.contains(&"演出".to_owned()), "{w:?}");
    }

    #[test]
    fn search_cut_adds_the_words_inside_long_ones() {
        let w = Segmenter::default().cut("中华人民共和国文化馆", Cut::Search);
        assert!(
            w.contains(&"中华".to_owned()) && w.contains(&"文化馆".to_owned()),
            "{w:?}"
        );
    }

    #[test]
    fn meaningful_words_leave_out_stop_words_single_characters_and_guesses() {
        let seg = Segmenter::default();
        for w in ["了", "着", "说", "室能", "村文", "化大"] {
            assert!(!seg.is_meaningful(w), "{w}");
        }
        for w in ["广场舞", "空调", "文化大院", "wifi"] {
            assert!(seg.is_meaningful(w), "{w}");
        }
        assert!(Segmenter::new(["桃源皮影"]).is_meaningful("桃源皮影"));
        let words = seg.meaningful_words("活动室能不能周末开放，说着说着就急了");
        assert!(words.iter().all(|w| seg.is_meaningful(w)), "{words:?}");
        assert!(is_noun("空调") && !is_noun("开放"));
    }

    #[test]
    fn stopwords_and_numbers_are_not_content() {
        assert!(is_stopword("的") && is_stopword("2024") && is_stopword("a"));
        assert!(!is_stopword("广场舞") && !is_stopword("wifi"));
    }
}
