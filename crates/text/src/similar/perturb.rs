//! Synthetic near-duplicates and hard negatives made from `train.jsonl`: what the similarity
//! and [`DUPLICATE_AT`](super::DUPLICATE_AT) are chosen on. One generator, shared by the text
//! crate's tests and the benchmarks so that they measure the same thing; not for the server.
//!
//! A *surface copy* is the same person posting again: another greeting or thanks, emoji,
//! traditional characters, spaces for punctuation, a homophone typo, a reordered clause, a
//! dropped or added tail. A *rewrite* is somebody else asking for the same thing in their own
//! words: colloquial synonyms (能不能/可不可以, 文化馆/馆里, 周末/双休日), another way of asking
//! (希望…, 能不能…, 建议…), particles added or left out, digits for numerals, a clause left out
//! or a remark of their own added — then surface changes on top.
//!
//! Hard negatives are real train texts: two texts of one category sharing the most content
//! words (the same topic, another request), each dressed as a post by surface changes so that
//! a greeting or an emoji tells nothing; and, as a harder and partly ambiguous case, one text's
//! first clauses followed by another's last ones.
//!
//! The similarity folds some synonyms itself. Several groups below are deliberately left out of
//! its table, so the figures also show what words the method does not know cost.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use crate::segment::{Segmenter, is_stopword};

/// SplitMix64: deterministic, fast, and good enough to pick perturbations.
#[derive(Clone, Debug)]
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// True once in `n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

/// One line of `train.jsonl`: its text and category.
#[derive(Clone, Debug)]
pub struct TrainText {
    pub text: String,
    pub category: String,
}

/// The shipped training texts, in file order.
pub fn train() -> Vec<TrainText> {
    #[derive(serde::Deserialize)]
    struct Row {
        text: String,
        category: String,
    }
    crate::classify::TRAIN_JSONL
        .lines()
        .filter_map(|l| serde_json::from_str::<Row>(l).ok())
        .map(|r| TrainText {
            text: r.text,
            category: r.category,
        })
        .collect()
}

/// A text of a synthetic corpus; texts with the same `group` are the same request.
#[derive(Clone, Debug)]
pub struct Labelled {
    pub text: String,
    pub group: Option<usize>,
    /// Whether the text is a rewrite in somebody else's words (rather than a surface copy or
    /// an original).
    pub rewritten: bool,
}

/// The first `limit` train texts, a quarter of them followed by one to three reposts (half of
/// them rewrites, half surface copies, each made from the original as different people
/// would); a third of all texts get surface changes themselves. A text and its reposts share
/// the group of the train line they came from; texts without reposts have none.
pub fn corpus(rows: &[TrainText], seed: u64, limit: usize) -> Vec<Labelled> {
    let mut r = Rng(seed);
    let mut out = Vec::new();
    for (i, row) in rows.iter().take(limit).enumerate() {
        let copies = if r.one_in(4) { 1 + r.below(3) } else { 0 };
        let group = (copies > 0).then_some(i);
        let head = if r.one_in(3) {
            surface_copy(&row.text, &mut r)
        } else {
            row.text.clone()
        };
        out.push(Labelled {
            text: head,
            group,
            rewritten: false,
        });
        for _ in 0..copies {
            let rewritten = r.one_in(2);
            let text = if rewritten {
                rewrite(&row.text, &mut r)
            } else {
                surface_copy(&row.text, &mut r)
            };
            out.push(Labelled {
                text,
                group,
                rewritten,
            });
        }
    }
    out
}

/// Pairs of train texts of one category sharing the most content words: for each text, the
/// `k` others sharing the most (at least two). Both sides get surface changes half the time.
pub fn same_topic_pairs(
    rows: &[TrainText],
    seg: &Segmenter,
    k: usize,
    seed: u64,
) -> Vec<(String, String)> {
    let mut r = Rng(seed);
    topic_neighbours(rows, seg, k)
        .into_iter()
        .map(|(i, j, _)| (dress(&rows[i].text, &mut r), dress(&rows[j].text, &mut r)))
        .collect()
}

/// The short form of [`same_topic_pairs`], the hardest: from each pair, the clause of each text
/// that holds their rarest shared word (农家书屋周末能不能开门 / 农家书屋能不能买点新书), when
/// both are different and at least six characters long.
pub fn same_topic_clauses(
    rows: &[TrainText],
    seg: &Segmenter,
    k: usize,
    seed: u64,
) -> Vec<(String, String)> {
    let mut r = Rng(seed);
    let mut out = Vec::new();
    for (i, j, topic) in topic_neighbours(rows, seg, k) {
        let clause_with = |t: &str| {
            clauses(t)
                .into_iter()
                .map(|c| bare(&c).to_owned())
                .find(|c| c.contains(&topic))
        };
        if let (Some(a), Some(b)) = (clause_with(&rows[i].text), clause_with(&rows[j].text))
            && a != b
            && a.chars().count() >= 6
            && b.chars().count() >= 6
        {
            out.push((dress(&a, &mut r), dress(&b, &mut r)));
        }
    }
    out
}

/// For each text, the `k` others of its category sharing the most content words (at least
/// two), each pair once: (earlier, later, the shared word fewest texts have).
fn topic_neighbours(rows: &[TrainText], seg: &Segmenter, k: usize) -> Vec<(usize, usize, String)> {
    let words: Vec<HashSet<String>> = rows
        .iter()
        .map(|r| {
            seg.words(&r.text)
                .into_iter()
                .filter(|w| !is_stopword(w) && w.chars().count() >= 2)
                .collect()
        })
        .collect();
    let mut df: HashMap<&str, usize> = HashMap::new();
    for w in words.iter().flatten() {
        *df.entry(w).or_default() += 1;
    }
    let mut pairs = HashSet::new();
    for (i, row) in rows.iter().enumerate() {
        let mut best: Vec<(usize, usize)> = (0..rows.len())
            .filter(|&j| j != i && rows[j].category == row.category && rows[j].text != row.text)
            .map(|j| (words[i].intersection(&words[j]).count(), j))
            .filter(|&(n, _)| n >= 2)
            .collect();
        best.sort_by(|a, b| b.cmp(a));
        for &(_, j) in best.iter().take(k) {
            pairs.insert((i.min(j), i.max(j)));
        }
    }
    let mut pairs: Vec<(usize, usize)> = pairs.into_iter().collect();
    pairs.sort_unstable();
    pairs
        .into_iter()
        .map(|(i, j)| {
            let mut shared: Vec<&String> = words[i].intersection(&words[j]).collect();
            shared.sort_by_key(|w| (df[w.as_str()], std::cmp::Reverse(w.len()), *w));
            (i, j, shared[0].clone())
        })
        .collect()
}

/// Same-category pairs of a text and the same text with its last clauses replaced by another
/// text's: the topic kept, the rest another message. Ambiguous on purpose (what was replaced
/// may have been a remark rather than the request), so a few per cent may rightly pass.
pub fn spliced_pairs(rows: &[TrainText], seed: u64) -> Vec<(String, String)> {
    let mut r = Rng(seed);
    let mut by_category: HashMap<&str, Vec<Vec<String>>> = HashMap::new();
    for row in rows {
        let cs = clauses(&row.text);
        if cs.len() >= 2 {
            by_category.entry(&row.category).or_default().push(cs);
        }
    }
    let mut categories: Vec<&str> = by_category.keys().copied().collect();
    categories.sort_unstable();
    let mut out = Vec::new();
    for c in categories {
        let texts = &by_category[c];
        for _ in 0..150 {
            let a = r.pick(texts);
            let b = r.pick(texts);
            if a == b {
                continue;
            }
            let keep = a.len().div_ceil(2);
            let from = b.len() / 2;
            let spliced: String = a[..keep].iter().chain(&b[from..]).cloned().collect();
            out.push((dress(&a.concat(), &mut r), dress(&spliced, &mut r)));
        }
    }
    out
}

/// Pairs of a train text and a repost of it: rewrites when `rewritten`, else surface copies.
pub fn repost_pairs(rows: &[TrainText], rewritten: bool, seed: u64) -> Vec<(String, String)> {
    let mut r = Rng(seed);
    rows.iter()
        .map(|row| {
            let copy = if rewritten {
                rewrite(&row.text, &mut r)
            } else {
                surface_copy(&row.text, &mut r)
            };
            (row.text.clone(), copy)
        })
        .collect()
}

/// Somebody else's post of the same request (see the module's documentation), changed lightly
/// or, half the time, in many words.
pub fn rewrite(text: &str, r: &mut Rng) -> String {
    let heavy = r.one_in(2);
    let mut t = synonyms(text, r, if heavy { 1 } else { 2 });
    if heavy {
        t = word_edits(&t, r);
    }
    if heavy || r.one_in(2) {
        t = ask_another_way(&t, r);
    }
    if r.one_in(2) {
        t = particles(&t, r);
    }
    if r.one_in(3) {
        t = numbers(&t, r);
    }
    match r.below(4) {
        0 => t = drop_clause(&t, r),
        1 => t = add_remark(&t, r),
        _ => {}
    }
    if r.one_in(3) {
        t = reorder(&t, r);
    }
    for _ in 0..1 + r.below(2) {
        let f = r.pick(SURFACE);
        t = f(&t, r);
    }
    t
}

/// Word by word, as somebody retelling it: function words left out, an adverb put in, a
/// long word said shorter.
fn word_edits(t: &str, r: &mut Rng) -> String {
    static SEG: LazyLock<Segmenter> = LazyLock::new(Segmenter::default);
    let mut out = String::with_capacity(t.len());
    for clause in clauses(t) {
        let end: String = clause.chars().skip_while(|c| !is_punct(*c)).collect();
        let body = bare(&clause);
        let words = SEG.words(body);
        // The words are folded; keep the clause as it was when they do not add up to it.
        if words.concat() != body {
            out.push_str(&clause);
            continue;
        }
        for w in &words {
            if DROPPABLE.contains(&w.as_str()) && r.one_in(3) {
                continue;
            }
            match SHORTER.iter().find(|(long, _)| long == w) {
                Some((_, short)) if r.one_in(2) => out.push_str(short),
                _ => out.push_str(w),
            }
            if w.chars().count() >= 2 && r.one_in(15) {
                let filler: &&str = r.pick(FILLERS);
                out.push_str(filler);
            }
        }
        out.push_str(&end);
    }
    out
}

/// The same person posting again: one to three surface changes.
pub fn surface_copy(text: &str, r: &mut Rng) -> String {
    let n = 1 + r.below(3);
    let mut chosen: Vec<usize> = Vec::new();
    while chosen.len() < n {
        let i = r.below(COPY_EDITS.len());
        if !chosen.contains(&i) {
            chosen.push(i);
        }
    }
    chosen.sort_unstable();
    let mut t = text.to_owned();
    for i in chosen {
        t = COPY_EDITS[i](&t, r);
    }
    t
}

/// A repost: a rewrite or a surface copy, even odds.
pub fn repost(text: &str, r: &mut Rng) -> String {
    if r.one_in(2) {
        rewrite(text, r)
    } else {
        surface_copy(text, r)
    }
}

/// Half the time, the surface changes of a post (a greeting, emoji, spacing), so that they
/// tell nothing about which texts are copies.
fn dress(text: &str, r: &mut Rng) -> String {
    if r.one_in(2) {
        let f = r.pick(SURFACE);
        f(text, r)
    } else {
        text.to_owned()
    }
}

type Edit = fn(&str, &mut Rng) -> String;

/// What a copy by the same person changes, in the order applied: words first, then surface.
const COPY_EDITS: &[Edit] = &[
    small_edit,
    typo,
    reorder,
    tail,
    greeting,
    traditional,
    emoji,
    spaces,
];

/// Changes to the surface only.
const SURFACE: &[Edit] = &[greeting, greeting, traditional, emoji, typo, spaces];

const GREETINGS: &[&str] = &[
    "你好，",
    "您好，",
    "请问",
    "麻烦问一下，",
    "你好，请问",
    "您好！",
    "打扰一下，",
    "领导好，",
    "在吗？",
    "哈喽，",
    "",
];
const THANKS: &[&str] = &[
    "谢谢",
    "谢谢！",
    "辛苦了",
    "麻烦了，谢谢",
    "谢谢你们！",
    "感谢！",
    "拜托拜托",
    "先谢过了",
    "",
];
const EMOJI: &[&str] = &[
    "😊", "🙏", "👍", "😡", "😭", "🤔", "❤️", "😂", "🎉", "💪", "🌹", "[捂脸]",
];

/// Characters typed for others that sound alike (or sit next to them on a pinyin keyboard).
const TYPOS: &[(char, char)] = &[
    ('在', '再'),
    ('再', '在'),
    ('的', '得'),
    ('得', '的'),
    ('做', '作'),
    ('已', '以'),
    ('以', '已'),
    ('那', '哪'),
    ('哪', '那'),
    ('他', '她'),
    ('像', '象'),
    ('座', '坐'),
    ('坐', '座'),
    ('练', '炼'),
    ('班', '般'),
    ('场', '厂'),
    ('馆', '管'),
    ('报', '抱'),
    ('名', '明'),
    ('时', '是'),
    ('间', '见'),
    ('门', '们'),
    ('期', '其'),
    ('周', '州'),
    ('灯', '登'),
    ('站', '战'),
    ('带', '代'),
    ('想', '相'),
    ('理', '里'),
    ('里', '理'),
    ('到', '道'),
    ('道', '到'),
    ('后', '候'),
    ('课', '科'),
    ('么', '吗'),
    ('题', '提'),
    ('够', '购'),
    ('修', '休'),
    ('师', '诗'),
    ('员', '园'),
    ('园', '员'),
    ('演', '眼'),
    ('书', '数'),
    ('放', '访'),
    ('费', '废'),
    ('钱', '前'),
    ('办', '半'),
    ('问', '文'),
    ('化', '话'),
    ('空', '控'),
    ('调', '掉'),
    ('电', '店'),
    ('展', '站'),
    ('村', '存'),
    ('镇', '震'),
    ('孩', '还'),
    ('家', '加'),
    ('长', '常'),
    ('没', '每'),
    ('有', '又'),
    ('屋', '物'),
    ('厅', '听'),
    ('舞', '午'),
    ('戏', '系'),
    ('借', '接'),
    ('票', '漂'),
    ('排', '牌'),
    ('太', '态'),
    ('吵', '炒'),
    ('晚', '完'),
    ('灯', '等'),
];

/// Ways of saying the same thing; a rewrite swaps one member of a group for another.
/// Groups marked † are not in the similarity's own table.
const SYNONYMS: &[&[&str]] = &[
    &["能不能", "可不可以", "能否", "可以不可以"],
    &["什么时候", "啥时候", "几时"],
    &["怎么", "咋"],
    &["为什么", "为啥", "怎么"],
    &["文化馆", "馆里", "你们馆"],
    &["文化站", "站里"],
    &["农家书屋", "书屋"],
    &["周末", "双休日", "星期六星期天", "礼拜六礼拜天"],
    &["星期", "礼拜"],
    &["老人", "老年人", "老人家"],
    &["孩子", "小孩", "小朋友", "娃"],
    &["现在", "目前", "如今"],
    &["一直", "总是", "老是"],
    &["非常", "特别", "很", "挺"],
    &["知道", "晓得"],
    &["尽快", "赶紧", "赶快", "早点"],
    &["厕所", "卫生间", "洗手间"],
    &["没有", "没"],
    &["工作人员", "管理员", "员工"],
    // †
    &["晚上", "夜里"],
    &["坏了", "坏掉了", "出毛病了", "不行了"],
    &["维修", "修理", "修一修"],
    &["开放", "开门"],
    &["告诉", "通知"],
    &["附近", "旁边", "边上"],
    &["买", "购买", "添置"],
    &["觉得", "感觉", "认为"],
    &["解决", "处理"],
    &["帮忙", "帮个忙", "帮一下"],
    &["安排", "组织"],
    &["增加", "多加"],
    &["微信群", "群里"],
    &["公众号", "微信公众号"],
    &["排练厅", "排练室"],
    &["空调", "冷气"],
    &["我们", "咱们"],
    &["问题", "情况"],
    &["去年", "上一年"],
];

/// Ways of asking, swapped for one another at the first place one occurs.
const ASKS: &[&str] = &[
    "希望能",
    "希望",
    "建议",
    "能不能",
    "可不可以",
    "请",
    "麻烦",
    "想请你们",
    "盼望能",
];

/// Remarks people add of their own, which change nothing of the request.
const REMARKS: &[&str] = &[
    "我家孩子也想去",
    "好多人都这么说",
    "上次也反映过",
    "不止我一个人有这个想法",
    "村里好多人都在问",
    "问了好几个人都不清楚",
    "这个事情拖了很久了",
    "我就住在附近",
    "平时上班没时间",
    "大家意见都很大",
    "说了好几次了",
    "不知道找谁",
];

const FILLERS: &[&str] = &[
    "真的", "一直", "都", "还", "也", "确实", "其实", "实在", "就",
];
/// Words a retelling leaves out without changing the request.
const DROPPABLE: &[&str] = &[
    "的", "了", "都", "也", "就", "还", "一下", "真的", "已经", "这个", "那个", "啊", "吧", "呢",
    "呀", "我", "我们", "有点", "一些", "这样", "就是", "所以", "然后", "现在", "一直",
];
/// Long words and the shorter ones people type for them.
const SHORTER: &[(&str, &str)] = &[
    ("培训课程", "课"),
    ("工作人员", "人"),
    ("图书馆", "馆"),
    ("活动中心", "中心"),
    ("文化馆", "馆"),
    ("管理员", "管理的人"),
    ("负责人", "管事的"),
    ("公众号", "号上"),
    ("志愿者", "志愿的"),
    ("小朋友", "孩子"),
    ("报名", "报"),
    ("时间", "时候"),
    ("开始", "开"),
    ("结束", "完"),
    ("参加", "去"),
    ("举办", "办"),
    ("组织", "搞"),
    ("提供", "给"),
    ("需要", "要"),
    ("可以", "能"),
    ("已经", "都"),
    ("通知", "说"),
    ("联系", "找"),
    ("咨询", "问"),
    ("安装", "装"),
    ("更换", "换"),
    ("维修", "修"),
    ("观看", "看"),
    ("学习", "学"),
    ("发布", "发"),
    ("张贴", "贴"),
    ("增加", "加"),
    ("延长", "加长"),
];
const PARTICLES: &[&str] = &["啊", "呢", "吧", "呀", "哦", "了"];
const TAILS: &[&str] = &[
    "，希望尽快回复",
    "，盼复",
    "，大家都这么觉得",
    "。急！",
    "，麻烦看一下",
    "，请重视",
    "，拜托了",
];
const NUMERALS: &[(char, &str)] = &[
    ('一', "1"),
    ('两', "2"),
    ('二', "2"),
    ('三', "3"),
    ('四', "4"),
    ('五', "5"),
    ('六', "6"),
    ('七', "7"),
    ('八', "8"),
    ('九', "9"),
    ('十', "10"),
];
/// What follows a numeral that a phone user would type as a digit.
const COUNTED: &str = "点个号楼月天岁次年块元人期";

fn is_punct(c: char) -> bool {
    "，。！？；,.!?;、：:".contains(c)
}

/// The clauses of `text`, each with the punctuation that ends it.
fn clauses(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_punct = false;
    for c in text.chars() {
        if in_punct && !is_punct(c) {
            out.push(std::mem::take(&mut current));
        }
        in_punct = is_punct(c);
        current.push(c);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn bare(clause: &str) -> &str {
    clause.trim_end_matches(is_punct)
}

/// Swaps two clauses.
fn reorder(t: &str, r: &mut Rng) -> String {
    let mut cs: Vec<String> = clauses(t).iter().map(|c| bare(c).to_owned()).collect();
    if cs.len() < 2 {
        return t.to_owned();
    }
    let i = r.below(cs.len());
    let j = (i + 1 + r.below(cs.len() - 1)) % cs.len();
    cs.swap(i, j);
    cs.join("，") + "。"
}

/// Another greeting at the start, and thanks at the end half the time.
fn greeting(t: &str, r: &mut Rng) -> String {
    let mut rest = t;
    let mut known: Vec<&str> = GREETINGS
        .iter()
        .copied()
        .filter(|g| !g.is_empty())
        .collect();
    known.sort_by_key(|g| std::cmp::Reverse(g.len()));
    for g in known {
        if let Some(x) = rest.strip_prefix(g) {
            rest = x;
            break;
        }
    }
    let mut out = format!("{}{rest}", r.pick(GREETINGS));
    if r.one_in(2) {
        out = format!("{}，{}", bare(&out), r.pick(THANKS));
    }
    out
}

fn emoji(t: &str, r: &mut Rng) -> String {
    let mut cs: Vec<String> = t.chars().map(String::from).collect();
    for _ in 0..1 + r.below(3) {
        let at = match r.below(3) {
            0 => r.below(cs.len() + 1),
            _ => cs.len(),
        };
        cs.insert(at, r.pick(EMOJI).repeat(1 + r.below(2)));
    }
    cs.concat()
}

/// Simplified → traditional, inverting the folding table: any character that folds to
/// another is a traditional form of it. All of them two times in three, else about half.
fn traditional(t: &str, r: &mut Rng) -> String {
    static INVERSE: LazyLock<HashMap<char, char>> = LazyLock::new(|| {
        let mut m = HashMap::new();
        for c in ('\u{4E00}'..='\u{9FFF}').rev() {
            let s = crate::normalize::fold_char(c);
            if s != c {
                m.insert(s, c);
            }
        }
        m
    });
    let all = !r.one_in(3);
    t.chars()
        .map(|c| match INVERSE.get(&c) {
            Some(&trad) if all || r.one_in(2) => trad,
            _ => c,
        })
        .collect()
}

/// One or two characters replaced by a homophone (see [`TYPOS`]).
pub fn typo(t: &str, r: &mut Rng) -> String {
    let mut cs: Vec<char> = t.chars().collect();
    let at: Vec<usize> = (0..cs.len())
        .filter(|&i| TYPOS.iter().any(|p| p.0 == cs[i]))
        .collect();
    if at.is_empty() {
        return t.to_owned();
    }
    for _ in 0..1 + r.below(2) {
        let i = *r.pick(&at);
        if let Some(p) = TYPOS.iter().find(|p| p.0 == cs[i]) {
            cs[i] = p.1;
        }
    }
    cs.into_iter().collect()
}

/// Spaces instead of punctuation, as typed on a phone.
fn spaces(t: &str, _: &mut Rng) -> String {
    let s: String = t
        .chars()
        .map(|c| if is_punct(c) { ' ' } else { c })
        .collect();
    s.trim().to_owned()
}

/// Drops the last clause of a long text, or adds a short tail.
fn tail(t: &str, r: &mut Rng) -> String {
    let cs = clauses(t);
    if cs.len() >= 3 && r.one_in(2) {
        return cs[..cs.len() - 1].concat();
    }
    format!("{}{}", bare(t), r.pick(TAILS))
}

/// One synonym swapped, or a filler word put in.
fn small_edit(t: &str, r: &mut Rng) -> String {
    if !r.one_in(3) {
        let s = synonyms(t, r, 1);
        if s != t {
            return s;
        }
    }
    let cs: Vec<char> = t.chars().collect();
    let at = r.below(cs.len());
    let filler = r.pick(FILLERS);
    cs[..at].iter().collect::<String>() + filler + &cs[at..].iter().collect::<String>()
}

/// Each word of [`SYNONYMS`] swapped for another of its group, one time in `odds`.
fn synonyms(t: &str, r: &mut Rng, odds: usize) -> String {
    static VARIANTS: LazyLock<Vec<(&str, usize)>> = LazyLock::new(|| {
        let mut v: Vec<(&str, usize)> = SYNONYMS
            .iter()
            .enumerate()
            .flat_map(|(g, words)| words.iter().map(move |w| (*w, g)))
            .collect();
        v.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
        v
    });
    let mut out = String::with_capacity(t.len() + 8);
    let mut rest = t;
    while let Some(c) = rest.chars().next() {
        match VARIANTS.iter().find(|(w, _)| rest.starts_with(w)) {
            Some(&(w, g)) => {
                rest = &rest[w.len()..];
                if r.one_in(odds) {
                    let others: Vec<&str> =
                        SYNONYMS[g].iter().copied().filter(|x| *x != w).collect();
                    let other: &&str = r.pick(&others);
                    out.push_str(other);
                } else {
                    out.push_str(w);
                }
            }
            None => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

/// The first way of asking swapped for another.
fn ask_another_way(t: &str, r: &mut Rng) -> String {
    let found = ASKS
        .iter()
        .filter_map(|a| t.find(a).map(|at| (at, std::cmp::Reverse(a.len()), *a)))
        .min();
    match found {
        Some((at, _, ask)) => {
            let others: Vec<&str> = ASKS
                .iter()
                .copied()
                .filter(|x| !x.starts_with(ask) && !ask.starts_with(x))
                .collect();
            format!("{}{}{}", &t[..at], *r.pick(&others), &t[at + ask.len()..])
        }
        None => t.to_owned(),
    }
}

/// A particle added at the end of a clause, or one 的 or 了 left out.
fn particles(t: &str, r: &mut Rng) -> String {
    if r.one_in(2) {
        for dropped in ["的", "了"] {
            if let Some(at) = t.find(dropped) {
                return format!("{}{}", &t[..at], &t[at + dropped.len()..]);
            }
        }
    }
    let mut cs = clauses(t);
    let i = r.below(cs.len());
    let end: String = cs[i].chars().skip_while(|c| !is_punct(*c)).collect();
    cs[i] = format!("{}{}{end}", bare(&cs[i]), r.pick(PARTICLES));
    cs.concat()
}

/// Numerals before a counted thing typed as digits (九点 → 9点).
fn numbers(t: &str, _: &mut Rng) -> String {
    let cs: Vec<char> = t.chars().collect();
    let mut out = String::with_capacity(t.len());
    for (i, &c) in cs.iter().enumerate() {
        let before_counted = cs.get(i + 1).is_some_and(|n| COUNTED.contains(*n));
        let after_numeral = i > 0 && NUMERALS.iter().any(|(n, _)| *n == cs[i - 1]);
        match NUMERALS.iter().find(|(n, _)| *n == c) {
            Some((_, d)) if before_counted && !after_numeral => out.push_str(d),
            _ => out.push(c),
        }
    }
    out
}

/// One short clause left out of three or more (a detail, not the request).
fn drop_clause(t: &str, r: &mut Rng) -> String {
    let cs = clauses(t);
    let total = t.chars().count();
    let short: Vec<usize> = (1..cs.len())
        .filter(|&i| cs.len() >= 3 && cs[i].chars().count() * 4 <= total)
        .collect();
    if short.is_empty() {
        return t.to_owned();
    }
    let drop = *r.pick(&short);
    let kept: Vec<&str> = (0..cs.len())
        .filter(|&i| i != drop)
        .map(|i| bare(&cs[i]))
        .collect();
    kept.join("，") + "。"
}

/// A remark of the writer's own, before or after.
fn add_remark(t: &str, r: &mut Rng) -> String {
    let remark = r.pick(REMARKS);
    if r.one_in(3) {
        format!("{remark}，{t}")
    } else {
        format!("{}，{remark}。", bare(t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reposts_are_deterministic_and_change_the_text() {
        let text = "农家书屋周末能不能开门，平时上班没空去，孩子也想看书。";
        let (a, b) = (rewrite(text, &mut Rng(1)), rewrite(text, &mut Rng(1)));
        assert_eq!(a, b);
        let mut r = Rng(2);
        let changed = (0..20).filter(|_| rewrite(text, &mut r) != text).count();
        assert!(changed >= 18, "{changed}");
        assert_eq!(numbers("晚上九点到十点", &mut r), "晚上9点到10点");
        assert!(!train().is_empty());
    }
}
