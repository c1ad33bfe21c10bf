//! Personal names, only where the context says one is there: after `我叫`, `我是`, `本人`,
//! `联系人`, `姓名`, or before `先生`, `女士`, `老师`.
//!
//! Chinese has no spaces, so a name's end is guessed: it must start with a common surname, be
//! two or three characters (three or four with a compound surname), and be followed by
//! punctuation, a non-Han character, the end, or a word that usually follows a name in a
//! message (`电话`, `手机`, `今年` …). Characters that rarely appear in given names but often
//! after a surname-like character (`我是周末来的`, `我是高中生`, `我是江苏人`) rule a guess out.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

use super::{Found, PiiKind};
use crate::normalize::{fold_char, is_han};

/// Common single-character surnames. Some are also everyday words (高, 方, 白, 金, 文 …); the
/// rules around them keep `我是高中生` and `语文老师` from being names.
const SURNAMES: &str = "张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈\
曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万\
段雷钱汤尹黎易常武乔贺赖龚文庞樊兰殷施陶洪翟颜倪严牛温季俞章鲁葛伍韦申尤毕聂焦柳邢骆岳齐梅莫庄辛管\
祝左涂谷祁舒耿詹苗凌费纪靳盛童欧甄项裴卫鲍霍翁甘包柏宁柯阮桂柴华冉房戚滕臧褚娄穆燕郎冀姬屠栾郁蒙喻\
窦迟卓艾蓝巩仲虞卞佟匡鞠岑胥蔺阳";

const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "慕容", "令狐", "司徒", "夏侯", "尉迟", "长孙",
    "公孙", "宇文", "轩辕", "端木", "独孤", "南宫", "西门", "百里", "呼延", "澹台", "闻人", "申屠",
];

/// Never in a given name as people are named today; mostly function words.
const NEVER_GIVEN: &str =
    "的了是在这那也都就不你我他她它们说想要会能有没对和第某家末很太最吗呢吧啊呀哦嗯个人";

/// Rarely the last character of a name, often the end of a word that starts like one.
const NEVER_LAST: &str = "民员者队组班届级年月日天号客子手区市县镇乡村省州路街爷奶妈爸叔姨哥姐弟妹总工局长\
师傅生士学友众老小大业店馆厅室院校方面边";

/// Words that usually come right after a name in a message.
const AFTER_NAME: &[&str] = &[
    "电话",
    "手机",
    "联系",
    "微信",
    "邮箱",
    "身份证",
    "家住",
    "住在",
    "住址",
    "今年",
    "来自",
    "年龄",
    "性别",
    "地址",
    "女士",
    "先生",
    "老师",
    "同志",
];

/// Characters that can stand right before `王老师` without being part of the name.
const BEFORE_TITLED: &str = "的位找给跟是请问向对被让叫由及与同名个和称喊";

const BEFORE: &[&str] = &["我叫", "我是", "本人", "联系人", "姓名"];
const TITLES: &[&str] = &["先生", "女士", "老师"];

static TRIGGERS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .build(BEFORE.iter().chain(TITLES))
        // Eight short literal patterns are far inside every limit the builder checks.
        .expect("name triggers build")
});

pub(super) fn scan(f: &str, out: &mut Vec<Found>) {
    for m in TRIGGERS.find_iter(f) {
        let found = if m.pattern().as_usize() < BEFORE.len() {
            after_trigger(f, m.end())
        } else {
            before_title(f, m.start())
        };
        if let Some(range) = found {
            out.push(Found {
                kind: PiiKind::Name,
                range,
            });
        }
    }
}

fn is_surname(c: char) -> bool {
    SURNAMES.contains(c)
}

fn compound_at(s: &str) -> Option<&'static str> {
    COMPOUND_SURNAMES.iter().copied().find(|c| s.starts_with(c))
}

/// `我叫张三，` → `张三`.
fn after_trigger(f: &str, from: usize) -> Option<std::ops::Range<usize>> {
    let skipped = f[from..]
        .bytes()
        .take(3)
        .take_while(|c| matches!(c, b' ' | b':' | b'\t'))
        .count();
    let start = from + skipped;
    let rest = &f[start..];
    let surname_len = match compound_at(rest) {
        Some(c) => c.len(),
        None => rest.chars().next().filter(|&c| is_surname(c))?.len_utf8(),
    };
    let mut given = [(0usize, ' '); 2];
    let mut available = 0;
    for (slot, found) in given.iter_mut().zip(rest[surname_len..].char_indices()) {
        *slot = found;
        available += 1;
    }
    for n in (1..=available).rev() {
        let chosen = &given[..n];
        let plausible = chosen
            .iter()
            .all(|&(_, c)| is_han(c) && !NEVER_GIVEN.contains(c))
            && chosen.last().is_some_and(|&(_, c)| !NEVER_LAST.contains(c));
        if !plausible {
            continue;
        }
        let end = chosen
            .last()
            .map_or(surname_len, |&(i, c)| surname_len + i + c.len_utf8());
        if ends_a_name(&rest[end..]) {
            return Some(start..start + end);
        }
    }
    None
}

fn ends_a_name(rest: &str) -> bool {
    match rest.chars().next() {
        None => true,
        Some(c) if !is_han(c) => true,
        Some(_) => AFTER_NAME.iter().any(|w| rest.starts_with(w)),
    }
}

/// `找王老师` → `王`, `，李明先生` → `李明`, `张三丰老师` → `张三丰`: the shortest reading that
/// starts with a surname and stands after something that cannot be part of the name.
fn before_title(f: &str, title_at: usize) -> Option<std::ops::Range<usize>> {
    let mut prev = [(0usize, ' '); 5];
    let mut n = 0;
    for (i, c) in f[..title_at].char_indices().rev().take(prev.len()) {
        if !is_han(c) {
            break;
        }
        prev[n] = (i, c);
        n += 1;
    }
    for k in 1..=n.min(4) {
        let start = prev[k - 1].0;
        let candidate = &f[start..title_at];
        let surname_len = match compound_at(candidate) {
            Some(c) => c.len(),
            None if is_surname(prev[k - 1].1) => prev[k - 1].1.len_utf8(),
            None => continue,
        };
        let given = &candidate[surname_len..];
        // Fewer than five characters were collected only at the start or after a non-Han one.
        let ok = given.chars().count() <= 2
            && given.chars().all(|c| !NEVER_GIVEN.contains(c))
            && (k == n || BEFORE_TITLED.contains(prev[k].1));
        if ok {
            return Some(start..title_at);
        }
    }
    None
}

/// `张*`, `欧阳**`: the surname stays, every other character becomes a star.
pub(super) fn mask(text: &str) -> String {
    let folded: String = text.chars().take(2).map(fold_char).collect();
    let keep = if compound_at(&folded).is_some() { 2 } else { 1 };
    text.chars()
        .enumerate()
        .map(|(i, c)| if i < keep { c } else { '*' })
        .collect()
}
