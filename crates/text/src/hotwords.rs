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

/// A rising phrase is not listed when it is used in fewer than this share of the items of its
/// more used word, itself rising.
const MINOR_PHRASE: f32 = 0.5;

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
    candidates
        .into_iter()
        .map(|(h, _)| h)
        .filter(|h| !dropped.contains(&h.word))
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
