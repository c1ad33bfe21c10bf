//! A learned score for abuse (insults aimed at people) and spam (loans, gambling, fake
//! invoices, 刷单, contact ids for selling), on top of the word list's hits.
//!
//! A word list alone misses what nobody listed (吸血鬼, 饭桶, 月入过万, 一手货源) and a spammer
//! changes spellings faster than a list grows; the examples in `data/train.jsonl` teach what
//! such messages look like. Each flag is a logistic regression over:
//! - Han characters and character pairs of the [`skeleton`] (so `贷 款`, `貸款`, `贷😀款` are
//!   one spelling), with digits folded to `0` so every number looks alike;
//! - the [`Segmenter`]'s words;
//! - runs of digits and of Latin letters (ids such as `daikuan518`, `zq66789`, phone numbers
//!   written out), and [`spam_signals`]' contact handles and links;
//! - which categories of the institution's [`WordList`] hit.
//!
//! Positives are rare (about 3% each), so they weigh more in training. The examples were all
//! written in one hand, and on text written in others (`data/dev.jsonl`, issue 15) the
//! regressions both missed what they never saw and raised civil messages to low scores, so:
//! - rules in `spam/rules.rs` hold floods (`spam`), disguised and ordinary-word insults, and
//!   threats to come and make trouble (`abuse`), each with its evidence among the hits;
//! - a regression alone raises its flag only when fairly sure ([`ABUSE_AT`], [`SPAM_AT`],
//!   chosen on `dev.jsonl`, never on `eval.jsonl` or `holdout.jsonl`).

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use serde::Deserialize;

use crate::classify::{softmax_in_place, train_softmax_weighted, unit};
use crate::moderation::{Category, Hit, WordList, spam_signals};
use crate::normalize::{is_han, skeleton};
use crate::segment::Segmenter;

mod rules;

pub use rules::FLOOD;

/// The verdict on one text.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// `abuse_score >= ABUSE_AT`.
    pub abuse: bool,
    /// `spam_score >= SPAM_AT`.
    pub spam: bool,
    /// Posterior that the text insults someone, 0..=1.
    pub abuse_score: f32,
    /// Posterior that the text is advertising or fraud, 0..=1.
    pub spam_score: f32,
    /// The listed words found, as [`WordList::find`] reports them, then what the built-in
    /// rules found: a disguised insult or a threat (`Category::Abuse`, the words as written in
    /// the rule, such as `饭桶` or `要你们好看`), or a flood ([`FLOOD`], the whole text).
    pub hits: Vec<Hit>,
}

/// Score from which a text is flagged as abuse. Cross-validated on train (5 folds, twice), 0.2
/// gave precision and recall 0.90; on `dev.jsonl`, text written in other hands (issue 15), the
/// regression alone raised civil messages to 0.2–0.66 (an old villager's `脑壳疼`, a wrong
/// name on a certificate) while the insults it alone caught scored 0.73 and more. The rules in
/// `spam/rules.rs` now catch the disguised and mild-word insults the examples never showed,
/// so the regression is trusted only when fairly sure.
pub const ABUSE_AT: f32 = 0.7;
/// Score from which a text is flagged as spam; 0.2 cross-validated to precision 0.97, recall
/// 0.81 on train, but on `dev.jsonl` it held a refund complaint with an order number (0.54),
/// an e-mail address asked for slides (0.35) and a form with an id (0.21), while the adverts
/// the regression alone caught scored 0.58 and more.
pub const SPAM_AT: f32 = 0.55;

/// How much more a positive example weighs in training than a negative one: positives are one
/// in thirty; 4 left recall at 0.4, 20 and 40 cost precision for no more recall.
const POSITIVE_WEIGHT: f32 = 10.0;
const EPOCHS: usize = 30;

/// One labelled text for [`Scorer::trained_on`].
#[derive(Clone, Copy, Debug)]
pub struct Labelled<'a> {
    pub text: &'a str,
    pub abuse: bool,
    pub spam: bool,
}

/// The two regressions and their vocabulary.
#[derive(Debug)]
pub struct Scorer {
    vocab: HashMap<String, u32>,
    /// Two classes each (not, is), feature-major.
    abuse: (Vec<f32>, Vec<f32>),
    spam: (Vec<f32>, Vec<f32>),
}

#[derive(Deserialize)]
struct Row {
    text: String,
    abuse: bool,
    spam: bool,
}

/// Trained once per process, on first use, on the shipped examples.
static SHIPPED: LazyLock<Arc<Scorer>> = LazyLock::new(|| {
    let rows: Vec<Row> = crate::classify::TRAIN_JSONL
        .lines()
        .filter(|l| !l.trim().is_empty())
        // The file ships with the source and a test parses every line of it.
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let examples: Vec<Labelled<'_>> = rows
        .iter()
        .map(|r| Labelled {
            text: &r.text,
            abuse: r.abuse,
            spam: r.spam,
        })
        .collect();
    Arc::new(Scorer::trained_on(&examples))
});

/// The scorer trained on the shipped examples, shared.
pub(crate) fn shipped() -> Arc<Scorer> {
    Arc::clone(&SHIPPED)
}

/// The seed list the training texts are matched against; an institution's list at run time
/// is usually this one and more.
static SEED_WORDS: LazyLock<WordList> = LazyLock::new(WordList::default_abuse_and_spam);

/// Abuse and spam in `text`: the learned scores, with `words`' hits among the evidence.
pub fn moderate(words: &WordList, text: &str) -> Verdict {
    SHIPPED.verdict(words, text)
}

impl Scorer {
    /// Regressions trained on `examples` (the shipped ones, or a fold of them).
    pub fn trained_on(examples: &[Labelled<'_>]) -> Scorer {
        let seg = Segmenter::default();
        let mut vocab: HashMap<String, u32> = HashMap::new();
        let docs: Vec<Vec<u32>> = examples
            .iter()
            .map(|e| {
                let hits = SEED_WORDS.find(e.text);
                features(&seg, e.text, &hits)
                    .into_iter()
                    .map(|f| {
                        let next = vocab.len() as u32;
                        *vocab.entry(f).or_insert(next)
                    })
                    .collect()
            })
            .collect();
        let n = vocab.len();
        let train = |flag: fn(&Labelled<'_>) -> bool| {
            let labelled: Vec<(&[u32], usize)> = docs
                .iter()
                .zip(examples)
                .map(|(d, e)| (d.as_slice(), usize::from(flag(e))))
                .collect();
            train_softmax_weighted(&labelled, 2, n, &[1.0, POSITIVE_WEIGHT], EPOCHS)
        };
        Scorer {
            abuse: train(|e| e.abuse),
            spam: train(|e| e.spam),
            vocab,
        }
    }

    /// The verdict on `text` with `words`' hits. A rule's finding (a flood, a disguised insult,
    /// a threat) raises its flag's score to at least [`RULE_SCORE`]: the examples never showed
    /// such texts, so the regressions cannot weigh them.
    pub fn verdict(&self, words: &WordList, text: &str) -> Verdict {
        let mut hits = words.find(text);
        let seg = Segmenter::default();
        let ids: Vec<u32> = features(&seg, text, &hits)
            .iter()
            .filter_map(|f| self.vocab.get(f.as_str()).copied())
            .collect();
        let mut abuse_score = posterior(&self.abuse, &ids);
        let mut spam_score = posterior(&self.spam, &ids);
        let insults = rules::abuse(text);
        if !insults.is_empty() {
            abuse_score = abuse_score.max(RULE_SCORE);
        }
        for hit in insults {
            if !hits.iter().any(|h| overlaps(&h.range, &hit.range)) {
                hits.push(hit);
            }
        }
        if let Some(flood) = rules::flood(text) {
            spam_score = spam_score.max(RULE_SCORE);
            hits.push(flood);
        }
        Verdict {
            abuse: abuse_score >= ABUSE_AT,
            spam: spam_score >= SPAM_AT,
            abuse_score,
            spam_score,
            hits,
        }
    }
}

/// The score a rule's finding gives its flag: held for review, shown as fairly sure.
pub const RULE_SCORE: f32 = 0.9;

fn overlaps(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// P(flag) from a two-class regression, over features scaled as in training.
fn posterior((weights, bias): &(Vec<f32>, Vec<f32>), ids: &[u32]) -> f32 {
    let x = unit(ids.len());
    let mut z = [bias[0], bias[1]];
    for &f in ids {
        z[0] += weights[f as usize * 2] * x;
        z[1] += weights[f as usize * 2 + 1] * x;
    }
    softmax_in_place(&mut z);
    z[1]
}

/// What the regressions weigh; each feature once.
fn features(seg: &Segmenter, text: &str, hits: &[Hit]) -> Vec<String> {
    let sk = skeleton(text);
    // Every digit is the same digit: numbers differ, that there is one does not.
    let chars: Vec<char> = sk
        .as_str()
        .chars()
        .map(|c| if c.is_ascii_digit() { '0' } else { c })
        .collect();
    let mut out: Vec<String> = Vec::with_capacity(chars.len() * 2 + 8);
    for (i, &c) in chars.iter().enumerate() {
        if is_han(c) {
            out.push(format!("u{c}"));
            if let Some(&next) = chars.get(i + 1).filter(|n| is_han(**n)) {
                out.push(format!("b{c}{next}"));
            }
        }
    }
    for w in seg.words(sk.as_str()) {
        out.push(format!("w{w}"));
    }
    let longest = |pred: fn(char) -> bool| {
        let mut best = 0;
        let mut run = 0;
        for &c in &chars {
            run = if pred(c) { run + 1 } else { 0 };
            best = best.max(run);
        }
        best
    };
    let digits = longest(|c| c == '0');
    for (at, name) in [(5, "d5"), (8, "d8"), (11, "d11")] {
        if digits >= at {
            out.push(format!("x{name}"));
        }
    }
    let latin = longest(|c| c.is_ascii_alphabetic());
    if latin >= 2 {
        out.push("xl2".to_owned());
    }
    let handle = longest(|c| c.is_ascii_alphanumeric());
    if handle >= 5 && latin >= 1 && digits >= 1 {
        out.push("xid".to_owned());
    }
    let signals = spam_signals(text);
    if signals.contact_handles > 0 {
        out.push("xhandle".to_owned());
    }
    if signals.urls > 0 {
        out.push("xurl".to_owned());
    }
    for hit in hits {
        out.push(format!("h{:?}", hit.category));
        if hit.category == Category::Abuse || hit.category == Category::Spam {
            out.push(format!("hw{}", hit.word));
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evasions_of_a_loan_ad_look_alike() {
        let seg = Segmenter::default();
        let plain = features(&seg, "加V低息贷款13800001111", &[]);
        let evasive = features(&seg, "加Ｖ 低息 貸 款 １３８０００ ０１１１１", &[]);
        for f in ["b贷款", "xd11", "u贷"] {
            assert!(plain.iter().any(|x| x == f), "{f} in {plain:?}");
            assert!(evasive.iter().any(|x| x == f), "{f} in {evasive:?}");
        }
    }
}
