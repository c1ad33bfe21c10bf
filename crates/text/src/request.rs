//! What a message asks for: the same request in other words.
//!
//! Two people asking for one thing rarely share a phrase: an elderly man dictating 想学打太极
//! 晚上开个班, a retired teacher writing 恳请开设太极拳学习班 (19:30—20:30), a parent typing
//! 奶奶想学太极🙏 晚上七点以后. What they share is the request: its *subject* (a class, a
//! screening, a device, a custom, a service), its *aspects* (in the evening, more often,
//! broken, unfair), *for whom* (the elderly, children) and *where* (a township, a village, a
//! venue), and the *kind of ask* (wanting something, complaining, asking a question).
//!
//! A [`Request`] is read by rules over a [`Lexicon`] of the field: each concept with the many
//! ways people name it (`data/aliases.txt`, extended by an institution's own lines the way
//! staff add local words). Places are read from their suffixes (乡, 镇, 村, 社区, 街道) and
//! compared by the name before the suffix, so 柳溪乡 and 柳溪村 are one place and the same
//! wish for two townships is two requests.
//!
//! [`same_request`] scores two requests from 0 to 1 on the same scale as
//! [`crate::similar::similarity`], so the two are combined by taking the larger: a copy is
//! found by its characters, a request in other words by its concepts.
//! - Different places (both named, none in common) are different requests.
//! - Different kinds of ask (a complaint against a question about one class) are too.
//! - Otherwise the score is the weighted overlap of the concepts (Dice), counting only when a
//!   subject is shared: subjects weigh most, aspects less, groups least.

use std::collections::HashMap;
use std::hash::Hasher;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::normalize::{fold_char, is_gap};
use crate::similar::{DUPLICATE_AT, RELATED_AT};

/// The field's built-in lexicon.
const BUILTIN: &str = include_str!("../data/aliases.txt");

static BUILTIN_LEXICON: LazyLock<Lexicon> =
    LazyLock::new(|| Lexicon::parse(BUILTIN).expect("data/aliases.txt is checked by a test"));

/// The shipped example messages as forms are matched, for the concepts' weights: read once,
/// whatever the number of lexicons built (one per institution, again when its words change).
static EXAMPLES: LazyLock<Vec<String>> = LazyLock::new(|| {
    crate::classify::example_texts()
        .map(|t| plain(&t))
        .collect()
});

/// Which part of a request a concept names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Facet {
    /// What is asked about: a class, an event, a custom, a device, a room, a service.
    Subject,
    /// How, when or what about it: in the evening, more often, broken, unfair.
    Aspect,
    /// For whom: the elderly, children, people in wheelchairs.
    Group,
}

impl Facet {
    fn tag(self) -> u32 {
        match self {
            Facet::Subject => TAG_SUBJECT,
            Facet::Aspect => TAG_ASPECT,
            Facet::Group => TAG_GROUP,
        }
    }
}

/// The kind of ask: requests and suggestions both want something done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ask {
    Want,
    Complaint,
    Question,
    Praise,
}

impl Ask {
    /// The kind of ask of an item's type (`request`, `suggestion`, `complaint`, `praise`,
    /// `inquiry`), as the classifier or a clerk gives it.
    pub fn of_kind(kind: &str) -> Option<Ask> {
        match kind {
            "request" | "suggestion" => Some(Ask::Want),
            "complaint" => Some(Ask::Complaint),
            "inquiry" => Some(Ask::Question),
            "praise" => Some(Ask::Praise),
            _ => None,
        }
    }

    fn tag(self) -> u32 {
        TAG_ASK
            | match self {
                Ask::Want => 1,
                Ask::Complaint => 2,
                Ask::Question => 3,
                Ask::Praise => 4,
            }
    }
}

// A request is a sorted list of tagged tokens: the tag in the top four bits, a hash of the
// concept's or place's name below, so that tokens mean the same in every index, run and node.
const TAG_SUBJECT: u32 = 1 << 28;
const TAG_ASPECT: u32 = 2 << 28;
const TAG_GROUP: u32 = 3 << 28;
const TAG_PLACE: u32 = 4 << 28;
const TAG_ASK: u32 = 5 << 28;
const TAG_MASK: u32 = 0xF << 28;
/// Subjects an index files a request under, the heaviest first.
const ANCHOR_SUBJECTS: usize = 4;
/// Below the tag, a concept's weight class (1–7, see [`Lexicon`]); below that its name's hash.
const WEIGHT_SHIFT: u32 = 25;
const WEIGHT_MASK: u32 = 0x7 << WEIGHT_SHIFT;
const HASH_MASK: u32 = (1 << WEIGHT_SHIFT) - 1;

/// What a message asks for, as sorted tagged tokens (see the module's documentation). Empty
/// when the lexicon names nothing in the text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Request(Box<[u32]>);

impl Request {
    /// The tokens, sorted: subjects, aspects, groups, places, then the kind of ask.
    pub fn tokens(&self) -> &[u32] {
        &self.0
    }

    /// Rebuilds a request from [`Request::tokens`] (as an index stores them).
    pub fn from_tokens(tokens: &[u32]) -> Request {
        Request(tokens.into())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether the request names at least one subject: only then can it match another.
    pub fn has_subject(&self) -> bool {
        self.0.iter().any(|t| t & TAG_MASK == TAG_SUBJECT)
    }

    /// The tokens an index files the request under, each with whether it holds a place: each
    /// subject alone, and each subject combined with each place, so that a lookup for the same
    /// request reads only items about the same thing in the same place.
    pub fn anchors(&self) -> Vec<(u32, bool)> {
        let places: Vec<u32> = self.of(TAG_PLACE).collect();
        // The most telling subjects only: a rambling message names many, and each anchor is
        // a list a lookup reads.
        let mut subjects: Vec<u32> = self.of(TAG_SUBJECT).collect();
        subjects.sort_by_key(|t| std::cmp::Reverse(((t & WEIGHT_MASK) >> WEIGHT_SHIFT, *t)));
        subjects.truncate(ANCHOR_SUBJECTS);
        let mut out = Vec::new();
        for s in subjects {
            out.push((mix(s, 0), false));
            for &p in &places {
                out.push((mix(s, p), true));
            }
        }
        out
    }

    /// The same request with the places `names` names, if it names none itself.
    pub fn placed_at(&self, names: &str) -> Request {
        if self.of(TAG_PLACE).next().is_some() {
            return self.clone();
        }
        let mut tokens = self.0.to_vec();
        tokens.extend(
            places(&plain(names))
                .iter()
                .map(|(name, _)| TAG_PLACE | hash_name(name)),
        );
        tokens.sort_unstable();
        tokens.dedup();
        Request(tokens.into())
    }

    /// The same request with its kind of ask replaced by `ask` (say, the classifier's type,
    /// which reads the whole text better than the cue words do).
    pub fn with_ask(&self, ask: Option<Ask>) -> Request {
        let mut tokens: Vec<u32> = self.of_not(TAG_ASK).collect();
        if let Some(a) = ask {
            tokens.push(a.tag());
        }
        tokens.sort_unstable();
        Request(tokens.into())
    }

    /// The kind of ask, if read or given.
    pub fn ask(&self) -> Option<Ask> {
        self.of(TAG_ASK).next().and_then(|t| match t & !TAG_MASK {
            1 => Some(Ask::Want),
            2 => Some(Ask::Complaint),
            3 => Some(Ask::Question),
            4 => Some(Ask::Praise),
            _ => None,
        })
    }

    fn of(&self, tag: u32) -> impl Iterator<Item = u32> + '_ {
        self.0.iter().copied().filter(move |t| t & TAG_MASK == tag)
    }

    fn of_not(&self, tag: u32) -> impl Iterator<Item = u32> + '_ {
        self.0.iter().copied().filter(move |t| t & TAG_MASK != tag)
    }
}

/// The field's concepts and the ways people name them.
#[derive(Clone, Debug)]
pub struct Lexicon {
    /// The lines it was read from, to extend it.
    source: String,
    matcher: AhoCorasick,
    /// Per pattern of `matcher`: the concept it names.
    form_concept: Vec<usize>,
    concepts: Vec<Concept>,
}

/// One concept of the lexicon.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Concept {
    /// The name a clerk reads in a theme's label.
    pub name: String,
    pub facet: Facet,
    token: u32,
}

/// A line of a lexicon that could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LexiconError {
    #[error("line {line}: expected `name: form form …` under [subject], [aspect] or [group]")]
    Malformed { line: usize },
    #[error("line {line}: unknown section {section}")]
    Section { line: usize, section: String },
}

impl Lexicon {
    /// The built-in lexicon of the field (`data/aliases.txt`).
    pub fn builtin() -> &'static Lexicon {
        &BUILTIN_LEXICON
    }

    /// Reads a lexicon: sections `[subject]`, `[aspect]`, `[group]`, each line
    /// `name: form form …`, `#` comments. A form is matched on the folded text without spaces
    /// and punctuation; a form given twice names the concept given last.
    pub fn parse(text: &str) -> Result<Lexicon, LexiconError> {
        let mut builder = Builder::default();
        builder.read(text)?;
        Ok(builder.build(text.to_owned()))
    }

    /// This lexicon with an institution's own lines added (same format): new concepts, or new
    /// names for one of its concepts (a line whose name is one of them adds to it).
    pub fn extended(&self, local: &str) -> Result<Lexicon, LexiconError> {
        Lexicon::parse(&format!("{}\n{local}", self.source))
    }

    /// Gives each concept its weight class, from how many of the shipped example messages
    /// name it (an inverse document frequency): 文化馆 or 工作人员 are named everywhere and say
    /// little about which request a message is, 太极 or 饮水机 say a lot.
    fn weigh(&mut self) {
        let texts = &*EXAMPLES;
        let mut df = vec![0usize; self.concepts.len()];
        let mut seen = vec![usize::MAX; self.concepts.len()];
        for (n, text) in texts.iter().enumerate() {
            for m in self.matcher.find_iter(text) {
                let c = self.form_concept[m.pattern().as_usize()];
                if seen[c] != n {
                    seen[c] = n;
                    df[c] += 1;
                }
            }
        }
        let most = ((texts.len() + 1) as f32).ln();
        for (concept, df) in self.concepts.iter_mut().zip(df) {
            let idf = ((texts.len() + 1) as f32 / (df + 1) as f32).ln();
            let class = ((idf / most * 8.0).round() as u32).clamp(1, 7);
            concept.token = (concept.token & !WEIGHT_MASK) | (class << WEIGHT_SHIFT);
        }
    }

    /// This lexicon with an institution's own words, as staff add them to its dictionary:
    /// a word alone (桃源皮影) is a subject of its own; `other=name` (推手=太极) is another
    /// way to say a concept, built-in or the institution's. Lines that do not read are left
    /// out (the dictionary checks them as they are added).
    pub fn with_local_words(&self, words: &[String]) -> Lexicon {
        let mut local = String::from("[subject]\n");
        for word in words {
            let line = match local_alias(word) {
                Some((other, name)) => format!("{name}: {other}\n"),
                None => format!("{word}: {word}\n"),
            };
            if Builder::default()
                .read(&format!("[subject]\n{line}"))
                .is_ok()
            {
                local.push_str(&line);
            }
        }
        self.extended(&local).unwrap_or_else(|_| self.clone())
    }

    /// The concept a token names, if it is one of this lexicon's.
    pub fn concept(&self, token: u32) -> Option<&Concept> {
        self.concepts.iter().find(|c| c.token == token)
    }

    /// What `text` asks for. The kind of ask is read from cue words; [`Request::with_ask`]
    /// replaces it with a better reading.
    pub fn read(&self, text: &str) -> Request {
        let plain = plain(text);
        let mut tokens: Vec<u32> = self
            .matcher
            .find_iter(&plain)
            .map(|m| self.concepts[self.form_concept[m.pattern().as_usize()]].token)
            .collect();
        tokens.extend(
            places(&plain)
                .iter()
                .map(|(name, _)| TAG_PLACE | hash_name(name)),
        );
        if let Some(ask) = ask_of(&plain) {
            tokens.push(ask.tag());
        }
        tokens.sort_unstable();
        tokens.dedup();
        Request(tokens.into())
    }

    /// The words of what `text` asks for, each with its rank for a theme's label: the places
    /// as written (0), the subjects' names (1), the aspects' and groups' (2); each once.
    pub fn key_words(&self, text: &str) -> Vec<(String, u8)> {
        let plain = plain(text);
        let mut out: Vec<(String, u8)> = Vec::new();
        let mut push = |word: &str, rank: u8| {
            if !out.iter().any(|(w, _)| w == word) {
                out.push((word.to_owned(), rank));
            }
        };
        for (_, written) in places(&plain) {
            push(written, 0);
        }
        for m in self.matcher.find_iter(&plain) {
            let concept = &self.concepts[self.form_concept[m.pattern().as_usize()]];
            push(&concept.name, u8::from(concept.facet != Facet::Subject) + 1);
        }
        out
    }

    /// The names of a request's concepts, subjects first.
    pub fn names<'a>(&'a self, request: &Request) -> Vec<&'a str> {
        request
            .tokens()
            .iter()
            .filter_map(|&t| self.concept(t))
            .map(|c| c.name.as_str())
            .collect()
    }
}

#[derive(Default)]
struct Builder {
    concepts: Vec<Concept>,
    /// Concept name → its place in `concepts`.
    named: HashMap<String, usize>,
    /// (form, concept), and form → its place here: a form given again names the concept
    /// given last.
    forms: Vec<(String, usize)>,
    form_at: HashMap<String, usize>,
}

impl Builder {
    fn read(&mut self, text: &str) -> Result<(), LexiconError> {
        let mut facet = Facet::Subject;
        for (n, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                facet = match section.trim() {
                    "subject" => Facet::Subject,
                    "aspect" => Facet::Aspect,
                    "group" => Facet::Group,
                    other => {
                        return Err(LexiconError::Section {
                            line: n + 1,
                            section: other.to_owned(),
                        });
                    }
                };
                continue;
            }
            let (name, forms) = line
                .split_once([':', '：'])
                .ok_or(LexiconError::Malformed { line: n + 1 })?;
            let name = name.trim();
            if name.is_empty() {
                return Err(LexiconError::Malformed { line: n + 1 });
            }
            let concept = match self.named.get(name) {
                Some(&i) => i,
                None => {
                    self.concepts.push(Concept {
                        name: name.to_owned(),
                        facet,
                        token: facet.tag() | (hash_name(name) & HASH_MASK),
                    });
                    self.named.insert(name.to_owned(), self.concepts.len() - 1);
                    self.concepts.len() - 1
                }
            };
            for form in std::iter::once(name).chain(forms.split_whitespace()) {
                let form = plain(form);
                if form.chars().count() < 2 {
                    continue;
                }
                match self.form_at.get(&form) {
                    Some(&at) => self.forms[at].1 = concept,
                    None => {
                        self.form_at.insert(form.clone(), self.forms.len());
                        self.forms.push((form, concept));
                    }
                }
            }
        }
        Ok(())
    }

    fn build(self, source: String) -> Lexicon {
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(self.forms.iter().map(|(f, _)| f))
            .expect("forms are plain strings");
        let mut lexicon = Lexicon {
            source,
            matcher,
            form_concept: self.forms.iter().map(|(_, c)| *c).collect(),
            concepts: self.concepts,
        };
        lexicon.weigh();
        lexicon
    }
}

/// What makes two requests the same, chosen on `dev.jsonl` (pairs of its independently
/// worded groups against every other pair, `culturedesk-bench text-quality`): with a place in
/// common, 1.2 of shared weight (a specific subject and an aspect, or two subjects) and a Dice
/// of 0.4 kept 25 of its 69 pairs at 2 wrong; without a place in common no bar kept more right
/// pairs than wrong ones, so such pairs are at most related (others have asked something
/// like this), never merged.
const SAME_PLACE_SHARED: f32 = 1.2;
const SAME_PLACE_DICE: f32 = 0.4;
/// Related without a place in common: a strong overlap of what is asked.
const RELATED_SHARED: f32 = 1.5;
const RELATED_DICE: f32 = 0.5;

/// A dictionary word of the form `other=name` (or with a full-width ＝): another way to say
/// the concept `name`, as (other, name).
pub fn local_alias(word: &str) -> Option<(&str, &str)> {
    let (other, name) = word.split_once(['=', '＝'])?;
    let (other, name) = (other.trim(), name.trim());
    (!other.is_empty() && !name.is_empty()).then_some((other, name))
}

/// How alike two requests are, from 0 to 1 (see the module's documentation). Symmetric.
pub fn same_request(a: &Request, b: &Request) -> f32 {
    same_request_tokens(&a.0, &b.0)
}

/// The tokens of `r` with `tag`.
fn of(r: &[u32], tag: u32) -> impl Iterator<Item = u32> + '_ {
    r.iter().copied().filter(move |t| t & TAG_MASK == tag)
}

/// [`same_request`] over two requests' tokens, as an index stores them.
pub(crate) fn same_request_tokens(a: &[u32], b: &[u32]) -> f32 {
    if of(a, TAG_SUBJECT).next().is_none() || of(b, TAG_SUBJECT).next().is_none() {
        return 0.0;
    }
    let named = |r: &[u32]| of(r, TAG_PLACE).next().is_some();
    if named(a) && named(b) && !of(a, TAG_PLACE).any(|p| b.contains(&p)) {
        return 0.0;
    }
    if let (Some(x), Some(y)) = (of(a, TAG_ASK).next(), of(b, TAG_ASK).next())
        && x != y
    {
        return 0.0;
    }
    let weight = |t: u32| {
        let class = ((t & WEIGHT_MASK) >> WEIGHT_SHIFT) as f32 / 7.0;
        class
            * match t & TAG_MASK {
                TAG_SUBJECT => 1.0,
                TAG_ASPECT => 0.6,
                TAG_GROUP => 0.3,
                _ => 0.0,
            }
    };
    let (mut shared, mut shared_subject) = (0.0f32, false);
    for &t in a.iter().filter(|t| b.contains(t)) {
        shared += weight(t);
        shared_subject |= t & TAG_MASK == TAG_SUBJECT;
    }
    // One shared concept is a topic, not a request: 公众号 alone is a wrong date, a name
    // misspelt and a late notice.
    if !shared_subject {
        return 0.0;
    }
    let total = |r: &[u32]| r.iter().map(|&t| weight(t)).sum::<f32>();
    let dice = (2.0 * shared / (total(a) + total(b))).min(1.0);
    let same_place = of(a, TAG_PLACE).any(|p| b.contains(&p));
    if same_place && shared >= SAME_PLACE_SHARED && dice >= SAME_PLACE_DICE {
        // From the duplicate bar at the least to 1 for the same concepts.
        DUPLICATE_AT + (1.0 - DUPLICATE_AT) * (dice - SAME_PLACE_DICE) / (1.0 - SAME_PLACE_DICE)
    } else if shared >= RELATED_SHARED && dice >= RELATED_DICE {
        RELATED_AT
    } else {
        0.0
    }
}

/// The folded text without gaps (spaces, punctuation, emoji), as forms are matched.
fn plain(text: &str) -> String {
    text.chars()
        .map(fold_char)
        .filter(|&c| !is_gap(c))
        .collect()
}

/// Suffixes that end a place name, longest first.
const PLACE_SUFFIXES: &[&str] = &["街道", "社区", "乡", "镇", "村"];

/// Two characters before a suffix that are no place's name (我们村, 送戏下乡, 城乡).
const NOT_PLACES: &[&str] = &[
    "我们", "你们", "他们", "咱们", "这个", "那个", "每个", "各个", "整个", "全县", "戏下", "城乡",
    "下乡", "回乡", "家乡", "老乡", "本乡", "农村", "乡村", "附近", "周边", "隔壁", "所在", "美丽",
    "文明", "新农", "其他", "别的", "各乡", "个乡", "个镇", "个村", "到乡", "到镇", "到村", "在乡",
    "在镇", "在村", "去乡", "去镇", "去村", "城镇", "乡镇", "村村", "山村", "小镇", "本村", "全村",
    "全镇", "全乡", "邻村", "外村", "他乡", "异乡", "下村",
];

/// Characters that cannot start a place's two-character name (they end the word before it).
const NOT_PLACE_START: &str = "的了在到来去个各每从往这那我你他她本全该和跟与是就都也还又";

/// Characters that cannot end a place's name (一个村, 我们乡).
const NOT_PLACE_END: &str = "个们的了里上下和";

/// The places a plain text names: (the name before the suffix, the name as written).
fn places(plain: &str) -> Vec<(&str, &str)> {
    let chars: Vec<(usize, char)> = plain.char_indices().collect();
    let mut out = Vec::new();
    for (i, &(at, _)) in chars.iter().enumerate() {
        let Some(suffix) = PLACE_SUFFIXES.iter().find(|s| plain[at..].starts_with(*s)) else {
            continue;
        };
        // 乡里, 镇上 and the like are "the township", not a name: the two characters before
        // the suffix must look like one.
        if i < 2 {
            continue;
        }
        let start = chars[i - 2].0;
        let name = &plain[start..at];
        let (first, second) = (chars[i - 2].1, chars[i - 1].1);
        if !name.chars().all(crate::normalize::is_han)
            || NOT_PLACE_START.contains(first)
            || NOT_PLACE_END.contains(second)
            || NOT_PLACES.contains(&name)
        {
            continue;
        }
        out.push((name, &plain[start..at + suffix.len()]));
    }
    out
}

/// Cue words of each kind of ask, strongest first within a kind.
const ASK_CUES: &[(Ask, &[&str])] = &[
    (
        Ask::Question,
        &[
            "请问",
            "想问",
            "问一下",
            "问下",
            "什么时候",
            "啥时候",
            "几时",
            "几点",
            "在哪",
            "哪里报",
            "怎么报",
            "如何报",
            "多少钱",
            "收费吗",
            "要钱吗",
            "能报吗",
            "可以报吗",
            "还有名额",
            "么子时候",
            "咨询",
        ],
    ),
    (
        Ask::Complaint,
        &[
            "投诉",
            "不公平",
            "太差",
            "没人管",
            "没人修",
            "凭什么",
            "离谱",
            "无语",
            "气死",
            "不满",
            "太吵",
            "扰民",
            "态度差",
            "态度恶劣",
            "形同虚设",
            "吃闭门羹",
            "到底",
            "搞什么",
            "太不像话",
            "不合理",
            "受不了",
            "坏了",
            "又是",
            "秒没",
            "这合理吗",
        ],
    ),
    (
        Ask::Want,
        &[
            "希望",
            "建议",
            "恳请",
            "申请",
            "请求",
            "想学",
            "想要",
            "开个班",
            "开设",
            "配一",
            "配个",
            "配备",
            "能不能给",
            "能不能开",
            "能不能多",
            "可不可以多",
            "盼望",
            "呼吁",
        ],
    ),
    (
        Ask::Praise,
        &[
            "表扬",
            "点赞",
            "感谢你们",
            "谢谢你们的",
            "辛苦了",
            "太棒了",
            "好评",
            "锦旗",
        ],
    ),
];

/// Every cue of [`ASK_CUES`] in one automaton, with the kind each names.
static CUES: LazyLock<(AhoCorasick, Vec<(usize, Ask)>)> = LazyLock::new(|| {
    let cues: Vec<(&str, usize, Ask)> = ASK_CUES
        .iter()
        .enumerate()
        .flat_map(|(k, (ask, cues))| cues.iter().map(move |c| (*c, k, *ask)))
        .collect();
    let matcher = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(cues.iter().map(|c| c.0))
        .expect("the cues are plain strings");
    (matcher, cues.iter().map(|c| (c.1, c.2)).collect())
});

/// The kind of ask by cue words: the kind with the most distinct cues, none on a tie.
fn ask_of(plain: &str) -> Option<Ask> {
    let (matcher, kinds) = &*CUES;
    let mut seen = vec![false; kinds.len()];
    let mut counts = [0usize; 4];
    for m in matcher.find_overlapping_iter(plain) {
        let cue = m.pattern().as_usize();
        if !std::mem::replace(&mut seen[cue], true) {
            counts[kinds[cue].0] += 1;
        }
    }
    let best = counts.iter().copied().max().unwrap_or(0);
    let mut leaders = (0..counts.len()).filter(|&k| counts[k] == best && best > 0);
    match (leaders.next(), leaders.next()) {
        (Some(k), None) => Some(ASK_CUES[k].0),
        _ => None,
    }
}

/// A 28-bit hash of a name, stable across runs, machines and versions of Rust (FNV-1a).
fn hash_name(name: &str) -> u32 {
    let mut h = Fnv::default();
    h.write(name.as_bytes());
    (h.finish() as u32) & !TAG_MASK
}

/// One token for a subject in a place (or anywhere, with place 0).
fn mix(subject: u32, place: u32) -> u32 {
    let mut h = Fnv::default();
    h.write_u32(subject);
    h.write_u32(place);
    h.finish() as u32
}

struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 32)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}
