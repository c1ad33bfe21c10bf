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
    // The largest phrase count each word appears in, among the rising phrases.
    let mut in_phrase: HashMap<&str, u32> = HashMap::new();
    for (h, parts) in &candidates {
        if let Some((a, b)) = parts {
            for w in [a, b] {
                let c = in_phrase.entry(w.as_str()).or_default();
                *c = (*c).max(h.now);
            }
        }
    }
    let covered: HashSet<String> = candidates
        .iter()
        .filter(|(h, parts)| {
            parts.is_none()
                && in_phrase
                    .get(h.word.as_str())
                    .is_some_and(|&p| p as f32 >= COVERED_BY_PHRASE * h.now as f32)
        })
        .map(|(h, _)| h.word.clone())
        .collect();
    candidates
        .into_iter()
        .map(|(h, _)| h)
        .filter(|h| !covered.contains(&h.word))
        .take(n)
        .collect()
}

/// For each term, the items using it and, for a phrase, its two words.
fn count(items: &[Vec<String>]) -> HashMap<String, (u32, Option<(String, String)>)> {
    let mut counts: HashMap<String, (u32, Option<(String, String)>)> = HashMap::new();
    let mut seen: HashSet<String> = HashSet::new();
    for words in items {
        seen.clear();
        let keys: Vec<Option<&str>> = words
            .iter()
            .map(|w| is_key_word(w).then_some(w.as_str()))
            .collect();
        for w in keys.iter().flatten() {
            if seen.insert((*w).to_owned()) {
                counts.entry((*w).to_owned()).or_default().0 += 1;
            }
        }
        for pair in keys.windows(2) {
            if let [Some(a), Some(b)] = pair
                && a != b
            {
                let phrase = format!("{a}{b}");
                if seen.insert(phrase.clone()) {
                    let c = counts.entry(phrase).or_default();
                    c.0 += 1;
                    c.1 = Some(((*a).to_owned(), (*b).to_owned()));
                }
            }
        }
    }
    counts
}
