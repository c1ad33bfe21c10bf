//! Near-duplicate detection: the same request posted by different people, or by the same
//! person again, in spite of how it was typed.
//!
//! Two readings are compared and the larger counts: the characters (below), which find
//! copies, and what is asked for ([`crate::request`]), which finds the same request written
//! independently in other words (a dialect message, a parent's burst, a formal letter). The
//! [`Index`] files each item under both, so a lookup finds either kind.
//!
//! The copies people make of one request differ on the surface: another greeting, emoji,
//! traditional characters, spaces for punctuation, a reordered sentence, a typo, a short tail.
//! Somebody else asking the same thing uses their own words too: 可不可以 for 能不能, 馆里 for
//! 文化馆, 双休日 for 周末, 希望… or 建议… for a question, a particle more or less. Messages on the
//! same topic that ask for different things (open the 书屋 at weekends against buy new books
//! for it) share their topic words but not their request.
//!
//! A [`Signature`] is the text's character bigrams, in order, over the [`skeleton`] with
//! greetings and thanks taken off each clause (so two short messages that share only
//! 你好…谢谢 have nothing in common), colloquial variants spelt one way, and ways of asking,
//! intensifiers (很, 特别) and particles (的, 了, 吗, 吧) left out: two people asking the same
//! thing choose these freely, and two different requests share them as easily. Folding sees
//! through width, case and traditional characters; the skeleton drops punctuation, spaces and
//! emoji.
//!
//! [`similarity`] is mostly the share of the two texts' characters *covered* by a bigram the
//! other text also has. A reordered clause loses only the bigram across its ends, a typo one
//! character rather than the two bigrams it breaks, while a different request leaves a whole
//! run of characters uncovered.
//!
//! How it was chosen: on synthetic pairs from the training set ([`perturb`]: surface copies,
//! rewrites in other words, and real train texts of one category on the same topic as hard
//! negatives). Coverage separated copies from different requests better than bigram Jaccard,
//! trigrams or a Jaccard/containment blend; spelling variants one way and leaving out
//! particles and ways of asking raised the recall of rewrites at the same false rate on
//! same-topic pairs (at 1.1% of those passing, 0.969 of rewrites instead of 0.891). Tried and
//! not kept, for changing nothing measurable there: the coverage of the shorter text
//! (containment) mixed in, bigrams weighted by how rare they are in the training set,
//! uncovered runs of one or two characters between covered ones counted as covered, and a
//! blend with the overlap of jieba's words (which would also cost a segmentation per item and
//! memory per stored item).
//!
//! The [`Index`] keeps, per item, the bigram sequence in an arena and files the item under
//! its [`SKETCH`] bigrams of smallest hash (a bottom-k sketch: two texts sharing most bigrams
//! share most of these), except bigrams whose list is full ([`LIST_CAP`]): common bigrams say
//! little and would make every lookup read a long list. A lookup counts how often each stored
//! item turns up in the lists of its own sketch and scores exactly only those that turn up
//! often enough, so its cost is bounded whatever the size of the index.
//!
//! [`skeleton`]: crate::normalize::skeleton

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::normalize::{fold_char, is_gap};
use crate::request::{Ask, Lexicon, Request, same_request, same_request_tokens};

// Test data for the text crate's tests and the benchmarks; not in the server.
#[cfg(feature = "generators")]
#[doc(hidden)]
pub mod perturb;

/// Similarity at or above which two items are the same request.
///
/// Chosen on two synthetic corpora from `train.jsonl` (every train text, a quarter of them
/// reposted one to three times, half of the reposts rewritten in other words; printed by
/// `culturedesk-bench text-quality --synthetic-pairs`): one step (0.025) above the lowest
/// bar at which neither corpus has a false pair. There pair precision is 1.000 at recall
/// 0.968 and 0.961 (rewrites 0.95 and 0.95, surface copies 0.99); of same-topic pairs cut
/// to the clauses that hold their topic word 1.1% pass, of whole same-topic texts none.
/// Texts spliced from one text's first clauses and another's last pass in a third of cases:
/// the bar does not protect against a post that repeats someone's words and changes only
/// the end.
pub const DUPLICATE_AT: f32 = 0.65;

/// The lower bar for "others have asked something like this": about half of the characters
/// in common, typically the same topic and part of the request.
pub const RELATED_AT: f32 = 0.45;

/// The share of the score given to shared bigrams rather than covered characters. Coverage
/// alone calls 第2250号 and 第2500号 the same (every digit sits next to a shared bigram); a
/// little of the bigram count keeps 1.0 for texts that really are the same, and on the
/// synthetic pairs it changed nothing else measurable.
const BIGRAM_WEIGHT: f32 = 0.15;

/// Bigrams kept per text: a message longer than this is compared on its beginning, which keeps
/// a pasted essay from costing more than a message.
const MAX_SHINGLES: usize = 512;

/// Bigrams per item in the index's posting lists (a bottom-k sketch). More finds items sharing
/// fewer bigrams and costs four bytes per item each.
const SKETCH: usize = 16;

/// The longest a posting list grows. A bigram that this many items are filed under (文化,
/// 时候) says little about which of them is a copy: later items are filed under their next
/// bigrams instead, and a lookup reads a full list only as an extra (see [`Index::nearest`]).
/// This bounds a lookup at `2 × SKETCH × LIST_CAP` postings however large the index grows.
const LIST_CAP: usize = 1024;

/// How many of the newest items about a subject in a place a lookup reads. A request is
/// repeated while it is fresh; the bound keeps a lookup at a few thousand candidates however
/// large the index grows.
const ANCHOR_READ: usize = 512;

/// How many of the newest items about a subject anywhere a lookup for related items reads:
/// the related list shows a few, and a common subject (空调) is named by thousands.
const RELATED_READ: usize = 128;

/// The share of the lists a lookup reads that a stored item must turn up in to be scored.
/// A copy is filed under most of the same bigrams; an item sharing one clause of three turns
/// up in a few. At a quarter, on the benchmark's million items, a lookup scores a few hundred
/// items instead of thousands and finds the same copies of the synthetic pairs.
const NEED_SHARE: f32 = 0.25;

/// Greetings and openers taken off the start of a clause, longest first where one is the
/// start of another.
const OPENERS: &[&str] = &[
    "你们好",
    "您们好",
    "你好",
    "您好",
    "大家好",
    "领导好",
    "老师好",
    "工作人员好",
    "管理员好",
    "请问一下",
    "请问下",
    "请问",
    "麻烦问一下",
    "麻烦问下",
    "麻烦您",
    "麻烦你们",
    "麻烦",
    "想问一下",
    "想问下",
    "想问问",
    "问一下",
    "打扰一下",
    "打扰了",
    "在吗",
    "哈喽",
    "各位领导好",
    "各位好",
    "hello",
];

/// Thanks and closers taken off the end of a clause.
const CLOSERS: &[&str] = &[
    "先谢谢了",
    "先谢过了",
    "谢谢谢谢",
    "感谢感谢",
    "拜托拜托",
    "谢谢啦",
    "谢谢你们了",
    "谢谢你们",
    "谢谢您了",
    "谢谢您",
    "谢谢了",
    "谢谢",
    "多谢了",
    "多谢",
    "非常感谢",
    "万分感谢",
    "感谢",
    "辛苦了",
    "辛苦你们了",
    "拜托了",
    "拜托",
    "麻烦了",
    "麻烦你们了",
    "麻烦您了",
    "盼复",
    "盼回复",
    "期待回复",
    "望回复",
    "请回复",
];

/// What is compared of a text: the hashes of its character bigrams, in text order, repeats
/// kept (empty when nothing but greetings, punctuation and emoji was written), and what it
/// asks for ([`Request`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Signature {
    bigrams: Box<[u32]>,
    request: Request,
}

impl Signature {
    /// How many bigrams the signature holds.
    pub fn len(&self) -> usize {
        self.bigrams.len()
    }

    /// Nothing to compare: no bigram and no request.
    pub fn is_empty(&self) -> bool {
        self.bigrams.is_empty() && self.request.is_empty()
    }

    /// The bigram hashes, in text order.
    pub fn hashes(&self) -> &[u32] {
        &self.bigrams
    }

    /// What the text asks for.
    pub fn request(&self) -> &Request {
        &self.request
    }

    /// Where the item was received (its station's name and the names above it, as
    /// 河口村农家书屋 清河镇文化站) stands for its place when its text names none: a message
    /// sent to a township's station is about that township unless it says otherwise.
    pub fn received_at(mut self, unit_names: &str) -> Signature {
        self.request = self.request.placed_at(unit_names);
        self
    }
}

/// The signature of `text` (see the module's documentation), its request read with the
/// built-in lexicon and the kind of ask from cue words.
pub fn signature(text: &str) -> Signature {
    signature_with(text, Lexicon::builtin(), None)
}

/// The signature of `text`, its request read with `lexicon`; the kind of ask is read from cue
/// words and, where they say nothing, is `ask` (the item's type, where it is known). On
/// `dev.jsonl` cue words first and the classifier's type second found the most pairs at the
/// fewest wrong ones, ahead of either alone.
pub fn signature_with(text: &str, lexicon: &Lexicon, ask: Option<Ask>) -> Signature {
    let request = lexicon.read(text);
    Signature {
        bigrams: bigrams(text),
        request: if request.ask().is_none() && ask.is_some() {
            request.with_ask(ask)
        } else {
            request
        },
    }
}

/// The character bigrams of `text`'s content, hashed, in order.
fn bigrams(text: &str) -> Box<[u32]> {
    let chars = content_chars(text);
    let hashes: Vec<u32> = match chars.as_slice() {
        [] => Vec::new(),
        // One character still deserves a match with the same one character; pairing it with
        // NUL (never content) keeps it apart from every real bigram.
        [c] => vec![shingle(*c, '\0')],
        _ => chars
            .windows(2)
            .take(MAX_SHINGLES)
            .map(|w| shingle(w[0], w[1]))
            .collect(),
    };
    hashes.into_boxed_slice()
}

/// How alike two signatures are, from 0 (nothing in common) to 1: the larger of how alike
/// their characters are (mostly the share of both texts' characters that sit in a bigram the
/// other text also has, partly the share of their bigrams found in the other) and how alike
/// their requests are ([`same_request`]). Symmetric.
pub fn similarity(a: &Signature, b: &Signature) -> f32 {
    let surface = Probe::new(&a.bigrams).score(&b.bigrams, 0.0, &mut Vec::new());
    surface.max(same_request(&a.request, &b.request))
}

/// The folded characters of `text` that carry its content: no whitespace, punctuation or
/// emoji, each clause without its greeting and thanks, colloquial variants in one spelling
/// and particles left out.
fn content_chars(text: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(text.len() / 3 + 1);
    let mut clause = String::new();
    let mut plain = String::new();
    for c in text.chars().map(fold_char).chain(std::iter::once(' ')) {
        if !is_gap(c) {
            clause.push(c);
        } else if !clause.is_empty() {
            plain.clear();
            VARIANTS.replace_all_with(strip_boilerplate(&clause), &mut plain, |m, _, dst| {
                dst.push_str(VARIANT_OF[m.pattern().as_usize()].1);
                true
            });
            out.extend(plain.chars().filter(|c| !PARTICLES.contains(*c)));
            clause.clear();
        }
    }
    out
}

/// Particles and the like: how a sentence sounds, not what it asks.
const PARTICLES: &str = "的了吗呢吧啊呀哦嘛啦呗";

/// Colloquial and regional variants, each with the spelling compared (empty: left out, for
/// intensifiers and ways of asking, which two people asking the same thing choose freely).
const VARIANT_OF: &[(&str, &str)] = &[
    ("可不可以", ""),
    ("可以不可以", ""),
    ("能不能", ""),
    ("能否", ""),
    ("希望能", ""),
    ("希望", ""),
    ("建议", ""),
    ("想请你们", ""),
    ("想请", ""),
    ("恳请", ""),
    ("啥时候", "什么时候"),
    ("几时", "什么时候"),
    ("为啥", "为什么"),
    ("咋", "怎么"),
    ("文化馆", "馆"),
    ("你们馆", "馆"),
    ("馆里", "馆"),
    ("文化站", "站"),
    ("站里", "站"),
    ("农家书屋", "书屋"),
    ("双休日", "周末"),
    ("星期六星期天", "周末"),
    ("星期六星期日", "周末"),
    ("礼拜六礼拜天", "周末"),
    ("周六周日", "周末"),
    ("星期天", "周日"),
    ("星期日", "周日"),
    ("礼拜天", "周日"),
    ("礼拜日", "周日"),
    ("周天", "周日"),
    ("星期", "周"),
    ("礼拜", "周"),
    ("老年人", "老人"),
    ("老人家", "老人"),
    ("小孩子", "孩子"),
    ("小孩", "孩子"),
    ("小朋友", "孩子"),
    ("娃娃", "孩子"),
    ("娃", "孩子"),
    ("目前", "现在"),
    ("如今", "现在"),
    ("总是", "一直"),
    ("老是", "一直"),
    ("非常", ""),
    ("特别", ""),
    ("十分", ""),
    ("很", ""),
    ("挺", ""),
    ("晓得", "知道"),
    ("赶紧", "尽快"),
    ("赶快", "尽快"),
    ("卫生间", "厕所"),
    ("洗手间", "厕所"),
    ("没有", "没"),
    ("一下", ""),
];

static VARIANTS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(VARIANT_OF.iter().map(|v| v.0))
        .expect("the variants are plain strings")
});

/// `clause` without openers at its start and closers at its end, repeatedly (你好请问…谢谢).
fn strip_boilerplate(clause: &str) -> &str {
    let mut rest = clause;
    'again: loop {
        for opener in OPENERS {
            if let Some(r) = rest.strip_prefix(opener) {
                rest = r;
                continue 'again;
            }
        }
        for closer in CLOSERS {
            if let Some(r) = rest.strip_suffix(closer) {
                rest = r;
                continue 'again;
            }
        }
        return rest;
    }
}

/// The hash of a bigram. Two BMP characters fit 32 bits exactly, so the common case is mixed by
/// a bijection and never collides; characters beyond the BMP (rare Han extensions) are hashed.
fn shingle(a: char, b: char) -> u32 {
    let (a, b) = (a as u32, b as u32);
    let raw = if a < 0x1_0000 && b < 0x1_0000 {
        (a << 16) | b
    } else {
        let x = (u64::from(a) << 21 | u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (x >> 32) as u32 ^ x as u32
    };
    mix32(raw)
}

/// A bijective mix of 32 bits (Chris Wellons' lowbias32), so hash order is random-looking for
/// the bottom-k sketch and stable across runs, versions of Rust and machines.
fn mix32(mut x: u32) -> u32 {
    x ^= x >> 16;
    x = x.wrapping_mul(0x7feb_352d);
    x ^= x >> 15;
    x = x.wrapping_mul(0x846c_a68b);
    x ^= x >> 16;
    x
}

/// One side of a comparison, prepared once: its bigrams in a small open-addressing table, so
/// scoring against another sequence is one pass over each.
struct Probe<'a> {
    seq: &'a [u32],
    /// For each position of `seq`, the index of its bigram among the distinct ones.
    distinct_at: Vec<u16>,
    distinct: usize,
    /// (bigram, distinct index + 1) side by side, one cache line per probe; an index of 0
    /// marks an empty slot (any `u32` can be a bigram).
    table: Vec<(u32, u16)>,
    mask: usize,
}

impl<'a> Probe<'a> {
    fn new(seq: &'a [u32]) -> Probe<'a> {
        // Signatures hold at most MAX_SHINGLES bigrams, so indices fit u16; a longer slice
        // (only built by hand) is compared on its beginning like a long text.
        let seq = &seq[..seq.len().min(MAX_SHINGLES)];
        let size = (seq.len() * 2).next_power_of_two().max(16);
        let mut probe = Probe {
            seq,
            distinct_at: Vec::with_capacity(seq.len()),
            distinct: 0,
            table: vec![(0, 0); size],
            mask: size - 1,
        };
        for &h in seq {
            let mut i = slot_of(h) & probe.mask;
            let d = loop {
                match probe.table[i] {
                    (_, 0) => {
                        probe.distinct += 1;
                        probe.table[i] = (h, probe.distinct as u16);
                        break probe.distinct - 1;
                    }
                    (key, v) if key == h => break usize::from(v) - 1,
                    _ => i = (i + 1) & probe.mask,
                }
            };
            probe.distinct_at.push(d as u16);
        }
        probe
    }

    fn find(&self, h: u32) -> Option<usize> {
        let mut i = slot_of(h) & self.mask;
        loop {
            match self.table[i] {
                (_, 0) => return None,
                (key, v) if key == h => return Some(usize::from(v) - 1),
                _ => i = (i + 1) & self.mask,
            }
        }
    }

    /// The similarity of this side with `other`, or something below `min` as soon as it
    /// cannot reach `min`; `matched` is scratch space.
    fn score(&self, other: &[u32], min: f32, matched: &mut Vec<bool>) -> f32 {
        if self.seq.is_empty() || other.is_empty() {
            return 0.0;
        }
        let other = &other[..other.len().min(MAX_SHINGLES)];
        matched.clear();
        matched.resize(self.distinct, false);
        let (chars_other, bigrams_other) = covered(other.iter().map(|&h| match self.find(h) {
            Some(d) => {
                matched[d] = true;
                true
            }
            None => false,
        }));
        let bigrams = self.seq.len() + other.len();
        let upper = (1.0 - BIGRAM_WEIGHT) * (chars_other + self.seq.len() + 1) as f32
            / (bigrams + 2) as f32
            + BIGRAM_WEIGHT * (bigrams_other + self.seq.len()) as f32 / bigrams as f32;
        if upper < min {
            // Even with every character of this side covered.
            return 0.0;
        }
        let (chars_self, bigrams_self) =
            covered(self.distinct_at.iter().map(|&d| matched[usize::from(d)]));
        // A sequence of n bigrams spans n + 1 characters (a lone character counts as a bigram
        // of two, which changes no ratio).
        let chars = (chars_self + chars_other) as f32 / (bigrams + 2) as f32;
        let shared = (bigrams_self + bigrams_other) as f32 / bigrams as f32;
        (1.0 - BIGRAM_WEIGHT) * chars + BIGRAM_WEIGHT * shared
    }
}

/// How many characters are covered, and how many bigrams shared, given for each bigram in
/// order whether the other side has it: a character is covered when the bigram before or
/// after it is.
fn covered(shared: impl Iterator<Item = bool>) -> (usize, usize) {
    let (mut chars, mut bigrams) = (0, 0);
    let mut before = false;
    for now in shared {
        if before || now {
            chars += 1;
        }
        bigrams += usize::from(now);
        before = now;
    }
    (chars + usize::from(before), bigrams)
}

fn slot_of(h: u32) -> usize {
    // The hashes are already mixed; the multiply spreads them over the high bits too.
    (h.wrapping_mul(0x9E37_79B1) >> 7) as usize
}

/// Hashes a `u32` key that is already a good hash: one multiply fills the 64 bits the map
/// takes its bucket and tag from, which SipHash would do twenty times slower.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3);
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type Lists = HashMap<u32, Vec<u32>, BuildHasherDefault<KeyHasher>>;

/// The signatures of one institution's items, for finding the ones most like a new item.
///
/// In memory; `Send + Sync`, so readers share it behind a lock. Removal is lazy: the item
/// stops being found at once and its space is reclaimed when removed items outnumber live ones.
#[derive(Clone, Debug, Default)]
pub struct Index {
    /// Slot → the caller's id.
    ids: Vec<u64>,
    /// Slot → whether the item was removed.
    dead: Vec<bool>,
    /// Slot → its bigrams.
    arena: Arena,
    /// Slot → its request's tokens.
    requests: Arena,
    /// Bigram → the slots filed under it, ascending.
    lists: Lists,
    /// A request's anchor (a subject in a place) → the latest slots filed under it, ascending.
    anchors: Lists,
    live: usize,
    /// Whether ids were added out of ascending order, so finding a slot takes a scan rather
    /// than a binary search.
    unordered: bool,
}

/// The hashes of one chunk of an [`Arena`]: 256 Ki of them, a mebibyte.
const CHUNK_BITS: u32 = 18;

/// Bigram sequences back to back in fixed-size chunks, so the arena grows without doubling
/// slack (a third of it, on average) and without copying everything it holds.
#[derive(Clone, Debug, Default)]
struct Arena {
    chunks: Vec<Vec<u32>>,
    /// Slot → length (at most [`MAX_SHINGLES`]) << 32 | chunk << [`CHUNK_BITS`] | offset, in
    /// one word so that finding a sequence costs one memory access; a sequence never
    /// straddles two chunks.
    at: Vec<u64>,
}

impl Arena {
    /// Appends `seq`; false when the arena cannot address more (four billion hashes).
    fn push(&mut self, seq: &[u32]) -> bool {
        let seq = &seq[..seq.len().min(MAX_SHINGLES)];
        // The chunk size, not the capacity: a cloned chunk's capacity is its length.
        let room = self
            .chunks
            .last()
            .is_some_and(|c| (1 << CHUNK_BITS) - c.len() >= seq.len());
        if !room {
            if self.chunks.len() >= 1 << (32 - CHUNK_BITS) {
                return false;
            }
            self.chunks.push(Vec::with_capacity(1 << CHUNK_BITS));
        }
        let chunk = self.chunks.len() - 1;
        let c = &mut self.chunks[chunk];
        // All fit: chunk < 2^(32 - CHUNK_BITS), the offset < 2^CHUNK_BITS.
        let at = ((chunk as u64) << CHUNK_BITS) | c.len() as u64;
        self.at.push(((seq.len() as u64) << 32) | at);
        c.extend_from_slice(seq);
        true
    }

    fn get(&self, slot: usize) -> &[u32] {
        let at = self.at[slot];
        let chunk = &self.chunks[(at as u32 >> CHUNK_BITS) as usize];
        let start = (at & ((1 << CHUNK_BITS) - 1)) as usize;
        &chunk[start..start + (at >> 32) as usize]
    }

    fn heap_bytes(&self) -> usize {
        self.chunks.iter().map(|c| c.capacity() * 4).sum::<usize>()
            + self.chunks.capacity() * std::mem::size_of::<Vec<u32>>()
            + self.at.capacity() * 8
    }
}

thread_local! {
    /// Per-thread counters for [`Index::nearest`], one per slot, left at zero between calls:
    /// allocating and zeroing a megabyte per lookup would cost more than the lookup.
    static COUNTS: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

impl Index {
    pub fn new() -> Index {
        Index::default()
    }

    /// Items in the index (removed ones not counted).
    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Adds an item; adding an id again replaces its signature (the text was edited).
    pub fn add(&mut self, id: u64, sig: Signature) {
        if self.ids.last().is_some_and(|&last| last >= id) {
            self.remove(id);
            if self.ids.last().is_some_and(|&last| last > id) {
                self.unordered = true;
            }
        }
        // Four billion items, or hashes, in one institution's index: not a case to serve.
        let Ok(slot) = u32::try_from(self.ids.len()) else {
            return;
        };
        if !self.arena.push(&sig.bigrams) {
            return;
        }
        if !self.requests.push(sig.request.tokens()) {
            return;
        }
        let sketch = self.sketch(&sig.bigrams);
        for h in sketch {
            self.lists.entry(h).or_default().push(slot);
        }
        for (anchor, _) in sig.request.anchors() {
            let list = self.anchors.entry(anchor).or_default();
            // The newest requests about a thing are the ones a new item repeats; the oldest
            // half goes when a list doubles.
            if list.len() >= 2 * ANCHOR_READ {
                list.drain(..ANCHOR_READ);
            }
            list.push(slot);
        }
        self.ids.push(id);
        self.dead.push(false);
        self.live += 1;
    }

    /// Removes an item, if present.
    pub fn remove(&mut self, id: u64) {
        let slot = if !self.unordered {
            // Several slots may carry the id (added, removed, added again); only the last
            // can be alive.
            let end = self.ids.partition_point(|&x| x <= id);
            (end > 0 && self.ids[end - 1] == id && !self.dead[end - 1]).then(|| end - 1)
        } else {
            (0..self.ids.len())
                .rev()
                .find(|&s| self.ids[s] == id && !self.dead[s])
        };
        let Some(slot) = slot else {
            return;
        };
        self.dead[slot] = true;
        self.live -= 1;
        let removed = self.ids.len() - self.live;
        if removed > 1024 && removed > self.live {
            self.compact();
        }
    }

    /// Up to `k` items whose similarity with `sig` is at least `min`, best first (ties: the
    /// earlier added first). An item whose id is in the index finds itself; leave it out.
    ///
    /// Reads the lists of the query's sketch and, as an extra, up to [`SKETCH`] full lists of
    /// bigrams smaller than the sketch's: those hold the items filed before the list filled,
    /// so old items stay findable. Items that turn up in at least [`NEED_SHARE`] of the lists
    /// read are scored exactly, in slot order (the arena is in slot order, so this reads
    /// memory forwards). Below [`RELATED_AT`] every item in a list is scored, which is slower.
    pub fn nearest(&self, sig: &Signature, k: usize, min: f32) -> Vec<(u64, f32)> {
        if k == 0 || sig.is_empty() || self.live == 0 {
            return Vec::new();
        }
        let mut found = self.nearest_by_bigrams(sig, min);
        self.add_by_request(sig, min, &mut found);
        found.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        found.truncate(k);
        found
            .into_iter()
            .map(|(slot, score)| (self.ids[slot as usize], score))
            .collect()
    }

    /// Items whose request is the same as `sig`'s (at least `min`), read from the lists of its
    /// anchors, merged into `found` (slot, score) keeping the larger score of a slot.
    fn add_by_request(&self, sig: &Signature, min: f32, found: &mut Vec<(u32, f32)>) {
        if !sig.request.has_subject() {
            return;
        }
        let mut seen: HashSet<u32> = found.iter().map(|&(slot, _)| slot).collect();
        let mut extra = Vec::new();
        for (anchor, placed) in sig.request.anchors() {
            // Only a place in common makes the same request; a subject alone makes at most a
            // related one, looked for among the newest few.
            if !placed && min > RELATED_AT {
                continue;
            }
            let Some(list) = self.anchors.get(&anchor) else {
                continue;
            };
            let read = if placed { ANCHOR_READ } else { RELATED_READ };
            for &slot in list.iter().rev().take(read) {
                if !seen.insert(slot) || self.dead[slot as usize] {
                    continue;
                }
                let score =
                    same_request_tokens(sig.request.tokens(), self.requests.get(slot as usize));
                if score >= min {
                    extra.push((slot, score));
                }
            }
        }
        for (slot, score) in found.iter_mut() {
            let other = self.requests.get(*slot as usize);
            *score = score.max(same_request_tokens(sig.request.tokens(), other));
        }
        found.extend(extra);
    }

    /// Items whose characters are like `sig`'s, as (slot, score), unsorted.
    fn nearest_by_bigrams(&self, sig: &Signature, min: f32) -> Vec<(u32, f32)> {
        let mut distinct = sig.bigrams.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        let (mut open, mut full) = (0, 0);
        let mut lists: Vec<&[u32]> = Vec::with_capacity(2 * SKETCH);
        for h in distinct {
            match self.lists.get(&h) {
                Some(l) if l.len() >= LIST_CAP => {
                    if full < SKETCH {
                        full += 1;
                        lists.push(l);
                    }
                }
                Some(l) => {
                    open += 1;
                    lists.push(l);
                }
                // A bigram nobody is filed under still takes its place in the sketch, as it
                // did when a copy of this text would have been added.
                None => open += 1,
            }
            if open == SKETCH {
                break;
            }
        }
        let need = if min >= RELATED_AT {
            // At most 2 × SKETCH lists, so this fits.
            ((lists.len() as f32 * NEED_SHARE) as u8).max(1)
        } else {
            1
        };
        let probe = Probe::new(&sig.bigrams);
        let mut matched = Vec::new();
        let mut found: Vec<(u32, f32)> = Vec::new();
        COUNTS.with(|counts| {
            let mut counts = counts.borrow_mut();
            if counts.len() < self.ids.len() {
                counts.resize(self.ids.len(), 0);
            }
            let mut touched: Vec<u32> = Vec::new();
            for list in &lists {
                for &slot in list.iter() {
                    let c = &mut counts[slot as usize];
                    if *c == 0 {
                        touched.push(slot);
                    }
                    *c = c.saturating_add(1);
                }
            }
            // Every touched counter goes back to zero here, whether scored or not.
            touched.retain(|&slot| std::mem::take(&mut counts[slot as usize]) >= need);
            touched.sort_unstable();
            // Touch each candidate's bigrams first: these loads do not depend on each other, so
            // the processor overlaps their cache misses, and scoring then reads from cache.
            let warm = touched.iter().fold(0u32, |x, &slot| {
                x ^ self.arena.get(slot as usize).first().unwrap_or(&0)
            });
            std::hint::black_box(warm);
            for slot in touched {
                let s = slot as usize;
                let score = probe.score(self.arena.get(s), min, &mut matched);
                // Removed items are few: looking them up only for a match saves a memory
                // access per candidate.
                if score >= min && !self.dead[s] {
                    found.push((slot, score));
                }
            }
        });
        found
    }

    /// Approximate heap use in bytes: the arena, the per-slot vectors, the lists and the map.
    pub fn heap_bytes(&self) -> usize {
        let lists = |m: &Lists| {
            // hashbrown: one control byte per bucket besides the entry; capacity is 7/8 of
            // buckets.
            let entry = std::mem::size_of::<(u32, Vec<u32>)>() + 1;
            m.values().map(|l| l.capacity() * 4).sum::<usize>() + m.capacity() * 8 / 7 * entry
        };
        self.ids.capacity() * 8
            + self.dead.capacity()
            + self.arena.heap_bytes()
            + self.requests.heap_bytes()
            + lists(&self.lists)
            + lists(&self.anchors)
    }

    /// The [`SKETCH`] distinct bigrams of smallest hash whose list is not full.
    fn sketch(&self, seq: &[u32]) -> Vec<u32> {
        let mut distinct = seq.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        distinct
            .into_iter()
            .filter(|h| self.lists.get(h).is_none_or(|l| l.len() < LIST_CAP))
            .take(SKETCH)
            .collect()
    }

    /// Rebuilds without the removed items.
    fn compact(&mut self) {
        let old = std::mem::replace(self, Index::new());
        for slot in 0..old.ids.len() {
            if !old.dead[slot] {
                let sig = Signature {
                    bigrams: old.arena.get(slot).into(),
                    request: Request::from_tokens(old.requests.get(slot)),
                };
                self.add(old.ids[slot], sig);
            }
        }
    }
}

/// Pair precision and recall of labelled items at one bar, the way the server meets them:
/// items arrive in order, each looked up in the [`Index`] of the earlier ones, and every earlier
/// item found at or above the bar is a predicted pair. A pair is a duplicate exactly when both
/// items carry the same group.
#[doc(hidden)]
#[derive(Clone, Debug, Default)]
pub struct PairFigures {
    pub bar: f32,
    /// Duplicate pairs in the labels.
    pub positives: usize,
    /// Pairs predicted, right or wrong.
    pub predicted: usize,
    pub right: usize,
    /// The wrongly predicted pairs (earlier item, later item), by position.
    pub wrong: Vec<(usize, usize)>,
    /// The rightly predicted pairs (earlier item, later item), by position.
    pub found: Vec<(usize, usize)>,
}

impl PairFigures {
    pub fn precision(&self) -> f64 {
        self.right as f64 / self.predicted.max(1) as f64
    }

    pub fn recall(&self) -> f64 {
        self.right as f64 / self.positives.max(1) as f64
    }
}

/// [`PairFigures`] of `sigs` labelled by `groups` (the same length) at `bar`.
#[doc(hidden)]
pub fn pair_figures<G: Eq + Hash>(
    sigs: &[Signature],
    groups: &[Option<G>],
    bar: f32,
) -> PairFigures {
    let mut index = Index::new();
    let mut figures = PairFigures {
        bar,
        ..PairFigures::default()
    };
    for (i, (sig, group)) in sigs.iter().zip(groups).enumerate() {
        for (j, _) in index.nearest(sig, usize::MAX, bar) {
            let j = j as usize;
            figures.predicted += 1;
            if group.is_some() && groups[j] == *group {
                figures.right += 1;
                figures.found.push((j, i));
            } else {
                figures.wrong.push((j, i));
            }
        }
        index.add(i as u64, sig.clone());
    }
    let mut sizes: HashMap<&G, usize> = HashMap::new();
    for g in groups.iter().flatten() {
        *sizes.entry(g).or_default() += 1;
    }
    figures.positives = sizes.values().map(|n| n * (n - 1) / 2).sum();
    figures
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boilerplate_is_stripped_per_clause() {
        assert_eq!(strip_boilerplate("你好请问周末开门吗谢谢"), "周末开门吗");
        assert_eq!(strip_boilerplate("谢谢"), "");
        let c: String = content_chars("您好！周末开门吗？😊 谢谢你们")
            .into_iter()
            .collect();
        assert_eq!(c, "周末开门");
        assert!(signature("你好，谢谢！🙏").is_empty());
    }

    #[test]
    fn colloquial_variants_are_spelt_one_way() {
        let plain = |t: &str| content_chars(t).into_iter().collect::<String>();
        assert_eq!(
            plain("馆里双休日可不可以开门啊"),
            plain("希望文化馆周末开门")
        );
        assert_eq!(plain("小孩子礼拜天咋报名"), "孩子周日怎么报名");
        // Only whole variants: 希望 is left out, 失望 is not.
        assert_eq!(plain("很失望"), "失望");
    }

    #[test]
    fn coverage_counts_characters_next_to_shared_bigrams() {
        assert_eq!(covered([true, false, false, true].into_iter()), (4, 2));
        assert_eq!(covered([false, false, false].into_iter()), (0, 0));
        assert_eq!(covered([false, true, false].into_iter()), (2, 1));
    }

    #[test]
    fn similarity_is_symmetric_and_bounded() {
        let a = signature("农家书屋周末能不能开门");
        let b = signature("农家书屋能不能买点新书");
        let ab = similarity(&a, &b);
        assert_eq!(ab, similarity(&b, &a));
        assert!(ab > 0.0 && ab < RELATED_AT + 0.25, "{ab}");
        assert_eq!(similarity(&a, &a), 1.0);
        assert_eq!(similarity(&a, &Signature::default()), 0.0);
        let one = signature("好");
        assert_eq!(similarity(&one, &signature("好！")), 1.0);
    }

    #[test]
    fn replacing_an_id_and_compacting_keep_the_live_items() {
        let mut index = Index::new();
        for id in 0..3000u64 {
            index.add(id, signature(&format!("第{id}号展厅的灯坏了")));
        }
        index.add(7, signature("排练厅的空调不制冷"));
        assert_eq!(index.len(), 3000);
        for id in 100..2000u64 {
            index.remove(id);
        }
        assert_eq!(index.len(), 1100);
        assert!(index.ids.len() < 3001, "compacted");
        let found = index.nearest(&signature("排练厅空调不制冷了"), 3, DUPLICATE_AT);
        assert_eq!(found.first().map(|f| f.0), Some(7));
        let found = index.nearest(&signature("第2500号展厅的灯坏了"), 1, DUPLICATE_AT);
        assert_eq!(found.first().map(|f| f.0), Some(2500));
    }
}
