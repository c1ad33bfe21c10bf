//! What the learned scores cannot see because `train.jsonl` never showed it (issue 15): floods,
//! insults in disguise and threats to come and make trouble. Each rule reports the evidence as
//! a [`Hit`], so staff see why an item was held, as they do for a listed word.
//!
//! - A flood is a message that is nearly all one character (`哈哈哈…`, `😂😂😂…`, `1111…`,
//!   `。。。…`) or keyboard mashing (`asdfghjkl`): `spam`.
//! - Insults aimed at people, written so a plain list misses them: initials (`sb`, `nmsl`,
//!   `tmd`, `cnm`), pinyin (`shabi`), look-alike characters (`沙币`), and ordinary words used as
//!   slurs (`饭桶`, `猪脑子`, `吃干饭的`, `一群废物`, `垃圾员工`): `abuse`. Words that are ordinary
//!   in feedback stay out (`垃圾桶满了`, `废物利用手工课`), except written spaced apart (`垃 圾`),
//!   which nobody does but to slip past a filter.
//! - Threats to come to the office and make trouble (`带人来馆里闹`, `要你们好看`, `砸了你们的
//!   牌子`): `abuse`. Angry but civil complaints and exclamations (`气死我了`, `我的天`) are not.

use std::sync::LazyLock;

use crate::moderation::{Category, Hit, SEED_ABUSE, WordList};
use crate::normalize::{BREAK, Folded, fold_char, skeleton_with_breaks};

/// Insults and threats that are abuse wherever they stand; matched like a word list (through
/// spacing, traditional characters and punctuation put inside them).
const ABUSE: &[&str] = &[
    // Initials and pinyin of insults.
    "sb",
    "nmsl",
    "tmd",
    "cnm",
    "cnmb",
    "nmb",
    "wcnm",
    "rnm",
    "mlgb",
    "mdzz",
    "zz",
    "shabi",
    "caonima",
    "tamade",
    "naocan",
    "feiwu",
    "fantong",
    "wangbadan",
    "gundan",
    "zhunaozi",
    // Look-alike spellings.
    "沙币",
    "沙比",
    "沙笔",
    "傻币",
    "傻比",
    "傻笔",
    "煞比",
    "煞币",
    "傻x",
    "傻缺",
    "傻帽",
    "傻冒",
    "二逼",
    "傻bi",
    "sha比",
    "煞b",
    "沙b",
    "杀币",
    "草泥马",
    "特么的",
    "他喵的",
    "tm的",
    "尼玛",
    // Ordinary words used as slurs at people.
    "饭桶",
    "猪脑子",
    "猪脑袋",
    "猪头",
    "蠢猪",
    "蠢货",
    "一个比一个蠢",
    "蠢材",
    "智障",
    "弱智",
    "脑瘫",
    "吃干饭的",
    "吃白饭的",
    "吃闲饭的",
    "是个废物",
    "废物东西",
    "一群饭桶",
    "草包",
    "蠢驴",
    "脑子被驴踢",
    "脑子被门夹",
    "脑子有坑",
    "没脑子",
    "智商欠费",
    "给我滚",
    "滚出去",
    "滚犊子",
    "白吃饭的",
    "酒囊饭袋",
    "窝囊废",
    "败类",
    "狗腿子",
    "走狗",
    "白眼狼",
    "老不死",
    "势利眼",
    "废物一个",
    "一群废物",
    "一帮废物",
    "一堆废物",
    "都是废物",
    "全是废物",
    "你们这群",
    "你们这帮",
    "垃圾单位",
    "垃圾员工",
    "垃圾领导",
    "垃圾东西",
    "垃圾玩意",
    "一群垃圾",
    "一帮垃圾",
    "没长脑子",
    "脑子进水",
    "脑子有病",
    "有病吧你",
    "神经病啊",
    "不要脸",
    // Threats.
    "要你们好看",
    "让你们好看",
    "给你们好看",
    "叫你们好看",
    "有你们好看",
    "要你好看",
    "让你好看",
    "走着瞧",
    "等着瞧",
    "给我等着",
    "你们等着",
    "弄死你",
    "打死你",
    "收拾你们",
    "饶不了你们",
    "不会放过你们",
    "没好果子吃",
    "砸了你们",
    "砸你们",
    "砸烂你们",
    "烧了你们",
    "一把火烧了",
    "找人收拾",
    "等你下班",
    "出门小心",
    "别让我碰到",
    "打断你的腿",
    "拆了你们",
    "掀了你们",
];

/// Everyday words that are a slur only when written spaced out on purpose (`垃 圾 单位`).
const SPACED: &[&str] = &["垃圾", "废物"];

/// The seed list's insults (no everyday use in feedback), the rules' words, and the spaced-only
/// words.
static ABUSE_WORDS: LazyLock<WordList> = LazyLock::new(|| {
    let words = SEED_ABUSE.iter().chain(ABUSE).chain(SPACED);
    // A hundred short literal words are far inside every limit the builder checks.
    WordList::new(words.map(|w| (w.to_string(), Category::Abuse))).expect("abuse rules build")
});

/// Insults and threats in `text`, each as a hit with the words that gave it away.
pub(super) fn abuse(text: &str) -> Vec<Hit> {
    let mut hits: Vec<Hit> = ABUSE_WORDS
        .find(text)
        .into_iter()
        // A spaced-only word counts when something stands between its characters.
        .filter(|h| !SPACED.contains(&h.word.as_str()) || text[h.range.clone()].chars().count() > 2)
        .collect();
    // Most texts have neither verb: skip folding them again.
    if text.contains(['闹', '鬧', '砸']) {
        let view = skeleton_with_breaks(text, true);
        hits.extend(trouble_at_the_office(&view));
        hits.extend(smashing_yours(&view));
    }
    hits
}

/// The writer saying they will smash the office's things: `我把你们的招牌砸了`, `拿锤子来把你们
/// 那个锁砸了`. A report of damage names someone else (`有人把你们的玻璃砸了`) and a hazard is
/// `砸到` or `砸伤` someone (`灯掉下来砸到人`).
fn smashing_yours(view: &Folded) -> Option<Hit> {
    let s = view.as_str();
    for (at, _) in s.match_indices('砸') {
        let after = &s[at + '砸'.len_utf8()..];
        if after.starts_with(['到', '伤', '中', '死']) {
            continue;
        }
        let before = sentence_before(s, at);
        let yours = before.contains("你们");
        let mine = before.contains('我') || before.contains("老子");
        let reported = ["有人", "小孩", "孩子", "谁", "被", "别人"]
            .iter()
            .any(|w| before.contains(w));
        if yours && mine && !reported {
            let range = view.original_range(at - before.len()..at + '砸'.len_utf8());
            return Some(Hit {
                word: "砸了你们".to_owned(),
                category: Category::Abuse,
                range,
            });
        }
    }
    None
}

/// People brought along to make trouble: `带人来馆里闹`, `带几个兄弟去你们那里闹`,
/// `明天到你们馆里来闹`, `闹到你们开不成门`. `闹` alone is common (`热闹`, `吵闹`, `闹钟`), so
/// it must follow a coming (`来`, `去`, `到`, `上门`) and someone brought or the office named
/// in the same sentence.
fn trouble_at_the_office(view: &Folded) -> Option<Hit> {
    let s = view.as_str();
    for (at, _) in s.match_indices('闹') {
        let after = &s[at + '闹'.len_utf8()..];
        if after.starts_with(['钟', '心', '肚', '事', '腾', '着'])
            || s[..at].ends_with(['热', '吵', '胡'])
        {
            continue;
        }
        let before = sentence_before(s, at);
        // Children pestering (`孩子们到馆里闹着要看`) are no threat.
        if ["孩", "娃"].iter().any(|w| before.contains(w)) {
            continue;
        }
        let coming = ["来", "去", "到", "上门"]
            .iter()
            .any(|w| before.contains(w));
        let brought = ["带", "叫上", "喊上", "喊几", "叫几", "兄弟", "一帮", "一伙"]
            .iter()
            .any(|w| before.contains(w));
        let office = ["你们", "馆里", "馆"].iter().any(|w| before.contains(w));
        let at_you = after.starts_with("到你们") || after.starts_with("得你们");
        if (coming && (brought || office)) || at_you {
            let start = at - before.len();
            let range = view.original_range(start..at + '闹'.len_utf8());
            return Some(Hit {
                word: "带人来闹".to_owned(),
                category: Category::Abuse,
                range,
            });
        }
    }
    None
}

/// The part of `s`'s sentence right before byte `at`, at most 16 characters: far enough for
/// `明天我就带几个兄弟去你们馆里` and never across a sentence end.
fn sentence_before(s: &str, at: usize) -> &str {
    let sentence = s[..at].rsplit(BREAK).next().unwrap_or_default();
    let from = sentence.char_indices().rev().nth(15).map_or(0, |(i, _)| i);
    &sentence[from..]
}

/// The word a flood's hit carries.
pub const FLOOD: &str = "刷屏";

/// The whole text as a hit if it is a flood: one character over and over (`哈哈哈…`, `😂😂…`,
/// `1111…`, `。。。…`), or keyboard mashing (`asdfghjkl`, `sdfjkl;sdf`).
pub(super) fn flood(text: &str) -> Option<Hit> {
    let chars: Vec<char> = text
        .chars()
        .map(fold_char)
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{fe0f}' | '\u{200d}'))
        .collect();
    if chars.len() < 8 {
        return None;
    }
    let mut counts: Vec<(char, usize)> = Vec::new();
    for &c in &chars {
        if let Some((_, n)) = counts.iter_mut().find(|(k, _)| *k == c) {
            *n += 1;
        } else if counts.len() < 8 {
            counts.push((c, 1));
        } else {
            // Eight different characters already: not one character repeated.
            return mashing(&chars).then(|| whole(text));
        }
    }
    let most = counts.iter().map(|&(_, n)| n).max().unwrap_or(0);
    // `哈哈哈哈哈哈哈哈` or `啊啊啊啊啊啊啊啊！`: nearly everything is one character, and what is
    // left is too little to say anything (`灯坏了！！！！！！！！` says something).
    // `前排前排前排…`, `😂🤣😂🤣…`: two characters taking turns say nothing either.
    let repeated = (most * 10 >= chars.len() * 8 && counts.len() <= 3) || counts.len() <= 2;
    (repeated || mashing(&chars)).then(|| whole(text))
}

fn whole(text: &str) -> Hit {
    Hit {
        word: FLOOD.to_owned(),
        category: Category::Spam,
        range: 0..text.len(),
    }
}

/// Letters typed by running fingers along the keyboard: at least eight, nearly all of the
/// text, and most neighbours within two keys of each other on one row. Pinyin jumps between
/// rows (`ni hao` is not mashing).
fn mashing(chars: &[char]) -> bool {
    const ROWS: [&str; 3] = ["qwertyuiop", "asdfghjkl;", "zxcvbnm,./"];
    let keys: Vec<(usize, usize)> = chars
        .iter()
        .filter_map(|&c| {
            ROWS.iter()
                .enumerate()
                .find_map(|(r, row)| row.find(c).map(|i| (r, i)))
        })
        .collect();
    if keys.len() < 8 || keys.len() * 10 < chars.len() * 9 {
        return false;
    }
    let near = keys
        .windows(2)
        .filter(|w| w[0].0 == w[1].0 && w[0].1.abs_diff(w[1].1) <= 2)
        .count();
    near * 10 >= (keys.len() - 1) * 7
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floods_are_whole_texts_of_one_character_or_mashing() {
        for t in [
            "嘿嘿嘿嘿嘿嘿嘿嘿嘿嘿",
            "2222222222",
            "！！！！！！！！！！",
            "qwertyuiopqwerty",
        ] {
            assert!(flood(t).is_some(), "{t}");
        }
        for t in [
            "灯坏了！！！！！！！！",
            "ni hao wo xiang wen yi xia",
            "好好好",
            "哈哈哈哈哈哈 谢谢老师们辛苦了",
        ] {
            assert!(flood(t).is_none(), "{t}");
        }
    }
}
