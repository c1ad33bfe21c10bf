//! A first guess at a feedback item's category from words that give it away.
//!
//! A seed lexicon, so the form can propose a category on day one. The learned classifier
//! replaces it; until then, a guess with no matching word is no guess.

use aho_corasick::{AhoCorasick, MatchKind};
use std::sync::LazyLock;

/// (category code, words that point to it).
const LEXICON: [(&str, &[&str]); 6] = [
    (
        "activity",
        &[
            "广场舞",
            "演出",
            "晚会",
            "活动",
            "合唱",
            "比赛",
            "联欢",
            "灯会",
            "送戏",
            "电影",
            "放映",
            "展览",
            "音响",
            "报名参加",
            "节目",
        ],
    ),
    (
        "training",
        &[
            "培训",
            "课程",
            "上课",
            "老师",
            "学员",
            "书法班",
            "舞蹈班",
            "暑期班",
            "兴趣班",
            "开班",
            "老年大学",
            "教学",
            "辅导",
        ],
    ),
    (
        "facility",
        &[
            "活动室",
            "空调",
            "厕所",
            "卫生间",
            "灯",
            "座椅",
            "场地",
            "停车",
            "坡道",
            "电梯",
            "漏水",
            "设施",
            "设备",
            "维修",
            "台阶",
            "消防通道",
            "wifi",
            "网络",
            "借用",
        ],
    ),
    (
        "service",
        &[
            "开放时间",
            "态度",
            "工作人员",
            "服务",
            "排队",
            "办理",
            "等候",
            "志愿者",
            "借书",
            "新书",
            "书屋",
        ],
    ),
    (
        "information",
        &[
            "公众号",
            "网站",
            "通知",
            "发布",
            "宣传",
            "信息",
            "打不开",
            "链接",
            "二维码",
            "公告",
        ],
    ),
    (
        "heritage",
        &[
            "非遗",
            "剪纸",
            "竹编",
            "刺绣",
            "传承人",
            "皮影",
            "花鼓戏",
            "戏曲",
            "民俗",
            "手艺",
            "非物质文化遗产",
        ],
    ),
];

static MATCHER: LazyLock<(AhoCorasick, Vec<usize>)> = LazyLock::new(|| {
    let mut words = Vec::new();
    let mut owners = Vec::new();
    for (i, (_, list)) in LEXICON.iter().enumerate() {
        for w in *list {
            words.push(*w);
            owners.push(i);
        }
    }
    // Built from the literals above; the builder only fails on absurd sizes.
    let matcher = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&words)
        .unwrap_or_else(|_| {
            AhoCorasick::new(Vec::<&str>::new()).expect("an empty matcher always builds")
        });
    (matcher, owners)
});

/// The likeliest category and the words that pointed to it, or `None` when no word did.
pub fn suggest_category(text: &str) -> Option<(&'static str, Vec<String>)> {
    let folded = crate::fold(text);
    let (matcher, owners) = &*MATCHER;
    let mut scores = [0usize; LEXICON.len()];
    let mut words: [Vec<String>; LEXICON.len()] = Default::default();
    for m in matcher.find_iter(folded.as_str()) {
        let owner = owners[m.pattern().as_usize()];
        scores[owner] += 1;
        let word = folded.as_str()[m.range()].to_owned();
        if !words[owner].contains(&word) {
            words[owner].push(word);
        }
    }
    let (best, score) = scores
        .iter()
        .enumerate()
        .max_by_key(|(i, s)| (**s, usize::MAX - i))?;
    (*score > 0).then(|| (LEXICON[best].0, std::mem::take(&mut words[best])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn obvious_words_give_the_category_and_say_why() {
        assert_eq!(
            suggest_category("文化站的空调坏了，夏天活动室太热"),
            Some(("facility", vec!["空调".to_owned(), "活动室".to_owned()]))
        );
        assert_eq!(
            suggest_category("希望周末开设少儿书法班").map(|(c, _)| c),
            Some("training")
        );
        assert_eq!(
            suggest_category("想学剪纸，哪里有非遗传承人教？").map(|(c, _)| c),
            Some("heritage")
        );
        assert_eq!(
            suggest_category("公眾號的通知發布太晚了").map(|(c, _)| c),
            Some("information"),
            "traditional characters fold"
        );
        assert_eq!(suggest_category("你好"), None);
    }
}
