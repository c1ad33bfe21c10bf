//! Hot words: the keywords and phrases people use more now than before.
//!
//! A term is a key word (a content word of two or more characters that is not generic, as for
//! [themes](crate::themes)) or a phrase of two key words next to each other among an item's
//! content words (停车场 + 收费 → 停车场收费). Each term counts once per item, so one long
//! message repeating a word is one voice.
//!
//! The score compares the count now with what the previous window predicts, scaled to the
//! number of items in each: `(now − expected) / √(expected + SMOOTHING)`. Growth on a large
//! base and a new word in many items both score; a word going 0 → 1 scores little, and a term
//! needs [`MIN_ITEMS`] items in the current window to be listed at all.
//!
//! The list is kept varied: a phrase used in a small part of its rising word's items is left
//! out (教室空调 next to 空调), a word used mostly in one rising phrase is shown as the phrase
//! (停车场收费), and a term whose items mostly use a higher listed term (温度, in the same
//! messages as 空调) leaves its place to another topic.

use std::collections::{HashMap, HashSet};

use crate::themes::is_key_word;

/// A term rising from the previous window to the current one.
#[derive(Clone, Debug, PartialEq)]
pub struct HotWord {
    /// A word, or a phrase of two words written together.
    pub word: String,
    /// Items in the current window that use it.
    pub now: u32,
    /// Items in the previous window that use it.
    pub before: u32,
    pub score: f32,
}

/// Items a term must appear in, in the current window, to be hot.
pub const MIN_ITEMS: u32 = 3;

/// Added to the expected count under the square root: without it a term expected 0.1 times
/// and seen once would lead the list.
const SMOOTHING: f32 = 5.0;

/// A word is not listed next to a listed phrase that holds it and has nearly as many items:
/// the phrase says the same, better.
const COVERED_BY_PHRASE: f32 = 0.8;

/// A rising phrase is not listed when it is used in fewer than this share of the items of its
/// more used word, itself rising.
const MINOR_PHRASE: f32 = 0.5;

/// A term is not listed when this share of its items also use a higher listed term, other
/// than one of its own words.
const ALONG_WITH: f32 = 0.8;

/// The `n` terms rising most from `before` to `now`, best first. Each input is the content
/// words of one item, in order (as [`Segmenter::words`](crate::Segmenter::words) gives them,
/// stopwords left out).
pub fn rising(now: &[Vec<String>], before: &[Vec<String>], n: usize) -> Vec<HotWord> {
    let counts_now = count(now);
    let counts_before = count(before);
    // With no previous window every term is new; expecting nothing is the honest baseline.
    let scale = if before.is_empty() {
        0.0
    } else {
        now.len() as f32 / before.len() as f32
    };
    let mut candidates: Vec<(HotWord, Option<(String, String)>)> = counts_now
        .into_iter()
        .filter(|(_, c)| c.0 >= MIN_ITEMS)
        .filter_map(|(word, (now, parts))| {
            let before = counts_before.get(&word).map_or(0, |c| c.0);
            let expected = before as f32 * scale;
            let score = (now as f32 - expected) / (expected + SMOOTHING).sqrt();
            let hot = HotWord {
                word,
                now,
                before,
                score,
            };
            (score > 0.0).then_some((hot, parts))
        })
        .collect();
    candidates.sort_by(|a, b| {
        b.0.score
            .total_cmp(&a.0.score)
            .then(a.0.word.cmp(&b.0.word))
    });
    // A phrase that is a small part of a word's use says little the word does not (教室空调
    // next to 空调); a word mostly used in one phrase is better shown as the phrase
    // (停车场收费 for 停车场).
    let now_of: HashMap<&str, u32> = candidates
        .iter()
        .filter(|(_, parts)| parts.is_none())
        .map(|(h, _)| (h.word.as_str(), h.now))
        .collect();
    let mut in_phrase: HashMap<&str, u32> = HashMap::new();
    let mut minor: HashSet<&str> = HashSet::new();
    for (h, parts) in &candidates {
        if let Some((a, b)) = parts {
            let most = [a, b]
                .iter()
                .filter_map(|w| now_of.get(w.as_str()))
                .max()
                .copied()
                .unwrap_or(0);
            if (h.now as f32) < MINOR_PHRASE * most as f32 {
                minor.insert(h.word.as_str());
                continue;
            }
            for w in [a, b] {
                let c = in_phrase.entry(w.as_str()).or_default();
                *c = (*c).max(h.now);
            }
        }
    }
    let dropped: HashSet<String> = candidates
        .iter()
        .filter(|(h, parts)| {
            minor.contains(h.word.as_str())
                || parts.is_none()
                    && in_phrase
                        .get(h.word.as_str())
                        .is_some_and(|&p| p as f32 >= COVERED_BY_PHRASE * h.now as f32)
        })
        .map(|(h, _)| h.word.clone())
        .collect();
    let pool: Vec<(HotWord, Option<(String, String)>)> = candidates
        .into_iter()
        .filter(|(h, _)| !dropped.contains(&h.word))
        .take(4 * n + 20)
        .collect();
    // The items of the current window that use each term of the pool, ascending.
    let at: HashMap<&str, usize> = pool
        .iter()
        .enumerate()
        .map(|(i, (h, _))| (h.word.as_str(), i))
        .collect();
    let mut items_of: Vec<Vec<u32>> = vec![Vec::new(); pool.len()];
    for (i, words) in now.iter().enumerate() {
        for (term, _) in terms(words) {
            if let Some(&t) = at.get(term.as_str()) {
                items_of[t].push(i as u32);
            }
        }
    }
    // A term rising only because it comes with a higher one (温度 in the same messages as
    // 空调) takes a place another topic should have; a phrase of a listed word is kept, it
    // says what about the word.
    let mut chosen: Vec<usize> = Vec::with_capacity(n);
    for t in 0..pool.len() {
        if chosen.len() == n {
            break;
        }
        let along = chosen.iter().any(|&c| {
            !share_a_word(&pool[c], &pool[t])
                && shared(&items_of[t], &items_of[c]) as f32
                    >= ALONG_WITH * items_of[t].len() as f32
        });
        if !along {
            chosen.push(t);
        }
    }
    let mut pool: Vec<Option<HotWord>> = pool.into_iter().map(|(h, _)| Some(h)).collect();
    chosen.into_iter().filter_map(|t| pool[t].take()).collect()
}

/// The words a term is made of: itself, or a phrase's two.
fn share_a_word(
    a: &(HotWord, Option<(String, String)>),
    b: &(HotWord, Option<(String, String)>),
) -> bool {
    let words = |t: &(HotWord, Option<(String, String)>)| -> Vec<String> {
        match &t.1 {
            Some((x, y)) => vec![x.clone(), y.clone()],
            None => vec![t.0.word.clone()],
        }
    };
    let wb = words(b);
    words(a).iter().any(|w| wb.contains(w))
}

/// How many items two ascending lists have in common.
fn shared(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// The distinct terms of one item: its key words, and phrases of two adjacent key words with
/// those words.
fn terms(words: &[String]) -> Vec<(String, Option<(String, String)>)> {
    let keys: Vec<Option<&str>> = words
        .iter()
        .map(|w| is_key_word(w).then_some(w.as_str()))
        .collect();
    let mut out: Vec<(String, Option<(String, String)>)> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for w in keys.iter().flatten() {
        if seen.insert((*w).to_owned()) {
            out.push(((*w).to_owned(), None));
        }
    }
    for pair in keys.windows(2) {
        if let [Some(a), Some(b)] = pair
            && a != b
        {
            let phrase = format!("{a}{b}");
            if seen.insert(phrase.clone()) {
                out.push((phrase, Some(((*a).to_owned(), (*b).to_owned()))));
            }
        }
    }
    out
}

/// For each term, the items using it and, for a phrase, its two words.
fn count(items: &[Vec<String>]) -> HashMap<String, (u32, Option<(String, String)>)> {
    let mut counts: HashMap<String, (u32, Option<(String, String)>)> = HashMap::new();
    for words in items {
        for (term, parts) in terms(words) {
            let c = counts.entry(term).or_default();
            c.0 += 1;
            c.1 = parts;
        }
    }
    counts
}
