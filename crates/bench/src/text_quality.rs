//! How well the text analysis reads the labelled sets (`crates/text/data/`: the own
//! `eval.jsonl`, the development set `dev.jsonl` and the frozen `holdout.jsonl`), and what 200
//! staff corrections change.
//!
//! Nothing here is tuned: the classifier, the spam score and the rules were fitted and
//! cross-validated on `train.jsonl` (and the correction weight on the first 200 lines of
//! `corrections.jsonl`); this only measures. The reports those choices were made on are printed
//! on request (`--cross-validation`, `--synthetic-pairs`, `--dev-listing`, `--pii-findings`;
//! see `text_reports.rs`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use text::classify::{DEFAULT_CATEGORIES, Field, KINDS, Model, TRIAGE_BELOW};
use text::similar;
use text::{Segmenter, WordList};

#[derive(clap::Args)]
pub struct Options {
    /// How many lines of corrections.jsonl the simulated clerk teaches; the rest are held out.
    #[arg(long, default_value_t = 200)]
    pub corrections: usize,
    /// Also list every evaluation item whose category the baseline gets wrong.
    #[arg(long)]
    pub show_errors: bool,
    /// Also print the cross-validation on train.jsonl that chose the classifier's constants and
    /// the triage threshold, the spam and abuse score bars and the correction weight, and the
    /// urgency rules' figures on train.jsonl and corrections.jsonl.
    #[arg(long)]
    pub cross_validation: bool,
    /// Also print the synthetic near-duplicate pairs from train.jsonl that DUPLICATE_AT was
    /// chosen on.
    #[arg(long)]
    pub synthetic_pairs: bool,
    /// Also list, for dev.jsonl and eval.jsonl, every item moderation holds or misses and every
    /// personal-data miss and false positive (for iterating on the rules against dev.jsonl).
    #[arg(long)]
    pub dev_listing: bool,
    /// Also list what personal-data detection finds in train.jsonl and corrections.jsonl (which
    /// hold almost none: each finding is a possible false positive), and time detection.
    #[arg(long)]
    pub pii_findings: bool,
    /// Print only the reports asked for with the options above, not the standard figures.
    #[arg(long)]
    pub reports_only: bool,
}

/// One labelled line of a set in `crates/text/data/` (train, eval, dev, holdout, corrections).
pub(crate) struct Item {
    pub(crate) text: String,
    pub(crate) category: String,
    pub(crate) kind: String,
    pub(crate) urgent: bool,
    pub(crate) abuse: bool,
    pub(crate) spam: bool,
    /// The evaluation and development sets only.
    pub(crate) pii: Vec<String>,
    /// The evaluation and development sets only.
    dup_group: Option<String>,
}

pub(crate) fn read(path: &Path) -> anyhow::Result<Vec<Item>> {
    let data =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut items = Vec::new();
    for (n, line) in data
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let v: serde_json::Value = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not JSON", path.display(), n + 1))?;
        // A set's first line may say how it was made.
        if v.get("_about").is_some() {
            continue;
        }
        let text_of = |key: &str| -> anyhow::Result<String> {
            v[key]
                .as_str()
                .map(str::to_owned)
                .with_context(|| format!("{}:{}: no {key}", path.display(), n + 1))
        };
        items.push(Item {
            text: text_of("text")?,
            category: text_of("category")?,
            kind: text_of("type")?,
            urgent: v["urgent"].as_bool().unwrap_or(false),
            abuse: v["abuse"].as_bool().unwrap_or(false),
            spam: v["spam"].as_bool().unwrap_or(false),
            pii: v["pii"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            dup_group: v["dup_group"].as_str().map(str::to_owned),
        });
    }
    Ok(items)
}

/// The labelled sets measured, in the order printed: the one written with the training set
/// (and tuned on), the development set in other hands, and the frozen evaluation set.
const SETS: [(&str, &str); 3] = [
    (
        "eval.jsonl",
        "own evaluation set, same hand as train.jsonl, tuned on",
    ),
    (
        "dev.jsonl",
        "development set, other hands and voices: tune on this",
    ),
    (
        "holdout.jsonl",
        "frozen evaluation set, other hands again: never tuned on",
    ),
];

pub async fn run(options: Options) -> anyhow::Result<()> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../text/data");
    if !options.reports_only {
        standard(&options, &dir)?;
    }
    crate::text_reports::run(&options, &dir)
}

/// The figures printed on every run.
fn standard(options: &Options, dir: &Path) -> anyhow::Result<()> {
    let mut sets = Vec::new();
    for (file, what) in SETS {
        sets.push((file, what, read(&dir.join(file))?));
    }
    let corrections = read(&dir.join("corrections.jsonl"))?;
    let seg = Segmenter::default();
    let words = WordList::default_abuse_and_spam();

    // jieba's dictionary and the models load once per process, on first use: time each here,
    // where it is first used.
    let started = Instant::now();
    let _ = seg.words("预热");
    let jieba = started.elapsed();
    let started = Instant::now();
    let baseline = Model::baseline();
    let _ = baseline.classify(&seg, "预热");
    let training = started.elapsed();
    println!(
        "startup: loading jieba {:.0} ms, training the classifier and the spam score {:.0} ms",
        jieba.as_secs_f64() * 1e3,
        training.as_secs_f64() * 1e3
    );

    for (file, what, items) in &sets {
        println!();
        println!("######## {file}: {} items, {what}", items.len());
        report(&baseline, &seg, &words, file, items, options.show_errors);
    }

    println!();
    println!("== speed (one core, eval.jsonl) ==");
    speed_figures(&baseline, &seg, &words, &sets[0].2);

    println!();
    let taught = options.corrections.min(corrections.len());
    println!(
        "== after {taught} staff corrections (corrections.jsonl lines 1–{taught}, category and type each) =="
    );
    let mut corrected = Model::baseline();
    let started = Instant::now();
    for item in &corrections[..taught] {
        corrected.learn(&seg, &item.text, Field::Category, &item.category);
        corrected.learn(&seg, &item.text, Field::Kind, &item.kind);
    }
    println!(
        "learning {} corrections took {:.1} ms in all",
        corrected.corrections(),
        started.elapsed().as_secs_f64() * 1e3
    );
    for (file, _, items) in &sets {
        println!();
        println!("{file} ({} items):", items.len());
        compare(
            &Figures::of(&baseline, &seg, items),
            &Figures::of(&corrected, &seg, items),
        );
    }
    let held_out = &corrections[taught..];
    if !held_out.is_empty() {
        println!();
        println!(
            "held-out corrections (lines {}–{}, {} items, 青山县 vocabulary):",
            taught + 1,
            corrections.len(),
            held_out.len()
        );
        compare(
            &Figures::of(&baseline, &seg, held_out),
            &Figures::of(&corrected, &seg, held_out),
        );
    }
    Ok(())
}

/// Every figure for one labelled set.
fn report(
    model: &Model,
    seg: &Segmenter,
    words: &WordList,
    file: &str,
    items: &[Item],
    show_errors: bool,
) {
    let figures = Figures::of(model, seg, items);
    println!("== classification (baseline, {file}) ==");
    figures.print_per_class();
    println!();
    figures.print_summary("baseline");
    println!();
    confusion(model, seg, items);
    if show_errors {
        println!();
        for item in items {
            let c = model.classify(seg, &item.text);
            if c.category.label != item.category {
                println!(
                    "  {} -> {} ({:.2}, {:?}): {}",
                    item.category,
                    c.category.label,
                    c.category.confidence,
                    c.category.why,
                    item.text
                );
            }
        }
    }
    println!();
    println!("== flags ({file}) ==");
    flag_figures(items, words);
    println!();
    println!("== personal data ({file}) ==");
    pii_figures(items);
    println!();
    println!("== same request ({file}) ==");
    let sigs = signatures(model, seg, items);
    duplicate_figures(items, &sigs);
    theme_figures(items, &sigs);
}

/// Rows are the labels, columns what the model said, for category and for type.
fn confusion(model: &Model, seg: &Segmenter, items: &[Item]) {
    let said: Vec<_> = items.iter().map(|i| model.classify(seg, &i.text)).collect();
    let table = |name: &str, labels: &[&str], pairs: Vec<(&str, &str)>| {
        let short = |l: &str| l.chars().take(5).collect::<String>();
        print!("{name:<14}");
        for l in labels {
            print!("{:>7}", short(l));
        }
        println!("   (rows: label, columns: said)");
        for g in labels {
            print!("{g:<14}");
            for p in labels {
                let n = pairs.iter().filter(|(a, b)| a == g && b == p).count();
                print!("{n:>7}");
            }
            println!();
        }
    };
    table(
        "category",
        &DEFAULT_CATEGORIES,
        items
            .iter()
            .zip(&said)
            .map(|(i, c)| (i.category.as_str(), c.category.label.as_str()))
            .collect(),
    );
    table(
        "type",
        &KINDS,
        items
            .iter()
            .zip(&said)
            .map(|(i, c)| (i.kind.as_str(), c.kind.label.as_str()))
            .collect(),
    );
}

/// Whether items asking the same thing land in one theme, the way `culturedesk analyze`
/// assigns themes (items in file order; a duplicate shown in its original's theme):
/// precision over every pair of items sharing a theme, recall over every labelled pair.
fn theme_figures(items: &[Item], sigs: &[similar::Signature]) {
    let lexicon = text::request::Lexicon::builtin();
    let mut themer = text::themes::Themer::new();
    let themes: Vec<String> = items
        .iter()
        .zip(sigs)
        .enumerate()
        .map(|(n, (item, sig))| {
            let words = lexicon.key_words(&item.text);
            themer.assign(n as u64, sig.clone(), &words).theme
        })
        .collect();
    let (mut together, mut right, mut labelled, mut found) = (0usize, 0usize, 0usize, 0usize);
    for a in 0..items.len() {
        for b in a + 1..items.len() {
            let same_theme = themes[a] == themes[b];
            let same_group =
                items[a].dup_group.is_some() && items[a].dup_group == items[b].dup_group;
            together += usize::from(same_theme);
            right += usize::from(same_theme && same_group);
            labelled += usize::from(same_group);
            found += usize::from(same_theme && same_group);
        }
    }
    let distinct = themes
        .iter()
        .collect::<std::collections::HashSet<_>>()
        .len();
    println!(
        "themes: {distinct} for {} items; pairs sharing a theme {together}, of them the same request {right}: \
         precision {:.3}, recall {:.3} ({found} of {labelled} labelled pairs)",
        items.len(),
        right as f32 / together.max(1) as f32,
        found as f32 / labelled.max(1) as f32
    );
}

/// Classification figures for one model on one set.
struct Figures {
    items: usize,
    category_f1: BTreeMap<&'static str, f32>,
    kind_f1: BTreeMap<&'static str, f32>,
    category_accuracy: f32,
    kind_accuracy: f32,
    /// Share of items whose category is below [`TRIAGE_BELOW`], and accuracy on the rest.
    category_triage: f32,
    category_confident_accuracy: f32,
    kind_triage: f32,
    kind_confident_accuracy: f32,
    /// Share of items with either guess below the threshold.
    either_triage: f32,
}

impl Figures {
    fn of(model: &Model, seg: &Segmenter, items: &[Item]) -> Figures {
        let mut cats = Vec::with_capacity(items.len());
        let mut kinds = Vec::with_capacity(items.len());
        let (mut cat_conf, mut kind_conf) = (Vec::new(), Vec::new());
        let mut either = 0usize;
        for item in items {
            let c = model.classify(seg, &item.text);
            let cat_ok = c.category.label == item.category;
            let kind_ok = c.kind.label == item.kind;
            if c.category.confident {
                cat_conf.push(cat_ok);
            }
            if c.kind.confident {
                kind_conf.push(kind_ok);
            }
            if !c.category.confident || !c.kind.confident {
                either += 1;
            }
            cats.push((item.category.as_str(), c.category.label));
            kinds.push((item.kind.as_str(), c.kind.label));
        }
        let n = items.len().max(1) as f32;
        let share_right =
            |v: &[bool]| v.iter().filter(|x| **x).count() as f32 / v.len().max(1) as f32;
        Figures {
            items: items.len(),
            category_f1: f1_per_class(&cats, &DEFAULT_CATEGORIES),
            kind_f1: f1_per_class(&kinds, &KINDS),
            category_accuracy: cats.iter().filter(|(g, p)| g == p).count() as f32 / n,
            kind_accuracy: kinds.iter().filter(|(g, p)| g == p).count() as f32 / n,
            category_triage: 1.0 - cat_conf.len() as f32 / n,
            category_confident_accuracy: share_right(&cat_conf),
            kind_triage: 1.0 - kind_conf.len() as f32 / n,
            kind_confident_accuracy: share_right(&kind_conf),
            either_triage: either as f32 / n,
        }
    }

    fn category_macro(&self) -> f32 {
        macro_of(&self.category_f1)
    }

    fn kind_macro(&self) -> f32 {
        macro_of(&self.kind_f1)
    }

    fn print_per_class(&self) {
        println!("{:<14}{:>8}", "category", "F1");
        for c in DEFAULT_CATEGORIES {
            println!(
                "{c:<14}{:>8.3}",
                self.category_f1.get(c).copied().unwrap_or(0.0)
            );
        }
        println!("{:<14}{:>8}", "type", "F1");
        for k in KINDS {
            println!(
                "{k:<14}{:>8.3}",
                self.kind_f1.get(k).copied().unwrap_or(0.0)
            );
        }
    }

    fn print_summary(&self, name: &str) {
        println!("{:<52}{:>10}", "", name);
        for (label, value) in self.rows() {
            println!("{label:<52}{value:>10}");
        }
    }

    /// (what, value as printed), in the order of the tables.
    fn rows(&self) -> Vec<(String, String)> {
        let pct = |x: f32| format!("{:.1}%", x * 100.0);
        vec![
            ("items".to_owned(), self.items.to_string()),
            (
                "category macro-F1".to_owned(),
                format!("{:.3}", self.category_macro()),
            ),
            ("category accuracy".to_owned(), pct(self.category_accuracy)),
            (
                "type macro-F1".to_owned(),
                format!("{:.3}", self.kind_macro()),
            ),
            ("type accuracy".to_owned(), pct(self.kind_accuracy)),
            (
                format!("category sent to triage (confidence < {TRIAGE_BELOW})"),
                pct(self.category_triage),
            ),
            (
                "category accuracy on the confident rest".to_owned(),
                pct(self.category_confident_accuracy),
            ),
            (
                format!("type sent to triage (confidence < {TRIAGE_BELOW})"),
                pct(self.kind_triage),
            ),
            (
                "type accuracy on the confident rest".to_owned(),
                pct(self.kind_confident_accuracy),
            ),
            (
                "items with either guess sent to triage".to_owned(),
                pct(self.either_triage),
            ),
        ]
    }
}

fn compare(before: &Figures, after: &Figures) {
    println!(
        "{:<52}{:>10}{:>10}{:>10}",
        "", "baseline", "after", "change"
    );
    let numbers = |f: &Figures| {
        vec![
            f.category_macro(),
            f.category_accuracy,
            f.kind_macro(),
            f.kind_accuracy,
            f.category_triage,
            f.category_confident_accuracy,
            f.kind_triage,
            f.kind_confident_accuracy,
            f.either_triage,
        ]
    };
    let (b, a) = (numbers(before), numbers(after));
    for (i, ((label, bv), (_, av))) in before
        .rows()
        .into_iter()
        .zip(after.rows())
        .skip(1)
        .enumerate()
    {
        let delta = a[i] - b[i];
        // F1s are fractions, the rest percentages: show the change the same way as the value.
        let change = if label.contains("F1") {
            format!("{delta:+.3}")
        } else {
            format!("{:+.1}", delta * 100.0)
        };
        println!("{label:<52}{bv:>10}{av:>10}{change:>10}");
    }
    let mut moved: Vec<(&str, f32, f32)> = DEFAULT_CATEGORIES
        .iter()
        .map(|c| {
            (
                *c,
                before.category_f1.get(c).copied().unwrap_or(0.0),
                after.category_f1.get(c).copied().unwrap_or(0.0),
            )
        })
        .collect();
    moved.sort_by(|x, y| (y.2 - y.1).total_cmp(&(x.2 - x.1)));
    let line: Vec<String> = moved
        .iter()
        .map(|(c, b, a)| format!("{c} {b:.2}→{a:.2}"))
        .collect();
    println!("per-category F1: {}", line.join(", "));
}

fn f1_per_class(pairs: &[(&str, String)], labels: &[&'static str]) -> BTreeMap<&'static str, f32> {
    labels
        .iter()
        .map(|l| {
            let tp = pairs.iter().filter(|(g, p)| g == l && p == l).count() as f32;
            let fp = pairs.iter().filter(|(g, p)| g != l && p == l).count() as f32;
            let fn_ = pairs.iter().filter(|(g, p)| g == l && p != l).count() as f32;
            let f1 = if tp == 0.0 {
                0.0
            } else {
                2.0 * tp / (2.0 * tp + fp + fn_)
            };
            (*l, f1)
        })
        .collect()
}

fn macro_of(f1: &BTreeMap<&'static str, f32>) -> f32 {
    f1.values().sum::<f32>() / f1.len().max(1) as f32
}

/// Precision and recall of a yes/no flag, with the counts behind them.
fn precision_recall(name: &str, pairs: impl Iterator<Item = (bool, bool)>) {
    let (mut tp, mut fp, mut fn_, mut n) = (0u32, 0u32, 0u32, 0u32);
    for (predicted, labelled) in pairs {
        n += 1;
        match (predicted, labelled) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fn_ += 1,
            (false, false) => {}
        }
    }
    let precision = tp as f32 / (tp + fp).max(1) as f32;
    let recall = tp as f32 / (tp + fn_).max(1) as f32;
    println!(
        "{name:<10}{precision:>11.3}{recall:>9.3}{:>10}{:>10}{:>10}{:>8}",
        tp + fn_,
        tp,
        fp,
        n
    );
}

fn flag_figures(eval: &[Item], words: &WordList) {
    println!(
        "{:<10}{:>11}{:>9}{:>10}{:>10}{:>10}{:>8}",
        "flag", "precision", "recall", "labelled", "found", "false", "items"
    );
    precision_recall(
        "urgent",
        eval.iter()
            .map(|i| (text::urgency::urgency(&i.text).is_some(), i.urgent)),
    );
    let verdicts: Vec<_> = eval
        .iter()
        .map(|i| text::spam::moderate(words, &i.text))
        .collect();
    precision_recall(
        "abuse",
        verdicts.iter().zip(eval).map(|(v, i)| (v.abuse, i.abuse)),
    );
    precision_recall(
        "spam",
        verdicts.iter().zip(eval).map(|(v, i)| (v.spam, i.spam)),
    );
    // What staff see: an item held for review, whichever of the two held it.
    precision_recall(
        "held",
        verdicts
            .iter()
            .zip(eval)
            .map(|(v, i)| (v.abuse || v.spam, i.abuse || i.spam)),
    );
}

fn pii_figures(eval: &[Item]) {
    let (mut labelled, mut found) = (0usize, 0usize);
    let mut false_positives: Vec<(String, String)> = Vec::new();
    let mut missed: Vec<String> = Vec::new();
    for item in eval {
        let detected = text::detect(&item.text);
        for want in &item.pii {
            labelled += 1;
            if detected.iter().any(|d| d.text.trim() == want.trim()) {
                found += 1;
            } else {
                missed.push(want.clone());
            }
        }
        for d in &detected {
            if !item.pii.iter().any(|want| want.trim() == d.text.trim()) {
                false_positives.push((format!("{:?}", d.kind), d.text.clone()));
            }
        }
    }
    println!(
        "recall: {found} of {labelled} labelled substrings found exactly ({:.1}%)",
        found as f32 * 100.0 / labelled.max(1) as f32
    );
    println!(
        "false positives: {} detected spans not labelled ({:.1} per 100 items)",
        false_positives.len(),
        false_positives.len() as f32 * 100.0 / eval.len().max(1) as f32
    );
    for (kind, text) in false_positives.iter().take(8) {
        println!("  false positive {kind}: {text}");
    }
    for text in missed.iter().take(8) {
        println!("  missed: {text}");
    }
}

/// Each item's signature as `culturedesk analyze` and the server make it: the request's kind of
/// ask from its cue words, else from the classifier's type.
fn signatures(model: &Model, seg: &Segmenter, items: &[Item]) -> Vec<similar::Signature> {
    let lexicon = text::request::Lexicon::builtin();
    items
        .iter()
        .map(|i| {
            let kind = model.classify(seg, &i.text).kind.label;
            similar::signature_with(&i.text, lexicon, text::request::Ask::of_kind(&kind))
        })
        .collect()
}

/// Duplicate precision and recall over `dup_group` pairs, by the protocol the bar was chosen
/// with on synthetic pairs (`text::similar::pair_figures`: items in file order, each looked up
/// in the index of the earlier ones): at [`similar::DUPLICATE_AT`], then at other bars for
/// information only (nothing is chosen on them).
fn duplicate_figures(eval: &[Item], sigs: &[similar::Signature]) {
    let groups: Vec<Option<&str>> = eval.iter().map(|i| i.dup_group.as_deref()).collect();
    let at = similar::pair_figures(sigs, &groups, similar::DUPLICATE_AT);
    println!(
        "{} items in {} duplicate groups, {} duplicate pairs",
        groups.iter().filter(|g| g.is_some()).count(),
        groups
            .iter()
            .flatten()
            .collect::<std::collections::HashSet<_>>()
            .len(),
        at.positives
    );
    println!(
        "at DUPLICATE_AT {:.2}: {} pairs called duplicates, {} right: precision {:.3}, recall {:.3}",
        at.bar,
        at.predicted,
        at.right,
        at.precision(),
        at.recall()
    );
    // The trap sets (same topic, another request) are not marked in the file; every wrong pair
    // is two different requests, and those within one category are the trap kind.
    let same_category = at
        .wrong
        .iter()
        .filter(|&&(a, b)| eval[a].category == eval[b].category)
        .count();
    println!(
        "wrongly called duplicates: {} pairs, {same_category} of them within one category \
         (the kind the 30 trap sets are; the file does not mark which items are traps)",
        at.wrong.len()
    );
    groups_found(&groups, &at);
    println!("for information, other bars:");
    for bar in [0.45, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85] {
        let f = similar::pair_figures(sigs, &groups, bar);
        println!(
            "  at {bar:.2}: precision {:.3}, recall {:.3}, wrong pairs {}",
            f.precision(),
            f.recall(),
            f.wrong.len()
        );
    }
}

fn speed_figures(model: &Model, seg: &Segmenter, words: &WordList, eval: &[Item]) {
    let passes = 5;
    let per_item = |f: &dyn Fn(&str)| {
        let started = Instant::now();
        for _ in 0..passes {
            for item in eval {
                f(&item.text);
            }
        }
        started.elapsed().as_secs_f64() * 1e6 / (passes * eval.len().max(1)) as f64
    };
    let classify = per_item(&|t| {
        std::hint::black_box(model.classify(seg, t));
    });
    let moderate = per_item(&|t| {
        std::hint::black_box(text::spam::moderate(words, t));
    });
    let urgency = per_item(&|t| {
        std::hint::black_box(text::urgency::urgency(t));
    });
    println!("classify (category + type, incl. its spam check): {classify:.0} µs per item");
    println!("moderate (word list + abuse and spam scores):     {moderate:.0} µs per item");
    println!("urgency rules:                                    {urgency:.1} µs per item");
}

/// Which labelled groups the duplicate pairs found: wholly (every pair), partly, or not at all.
fn groups_found(groups: &[Option<&str>], at: &similar::PairFigures) {
    let mut pairs: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (i, g) in groups.iter().enumerate() {
        let Some(g) = g else { continue };
        let earlier = groups[..i].iter().filter(|h| **h == Some(*g)).count();
        pairs.entry(g).or_default().1 += earlier;
    }
    for &(a, b) in &at.found {
        if let Some(g) = groups[b]
            && groups[a] == Some(g)
        {
            pairs.entry(g).or_default().0 += 1;
        }
    }
    let whole: Vec<&str> = pairs
        .iter()
        .filter(|(_, (f, n))| f == n)
        .map(|(g, _)| *g)
        .collect();
    let part: Vec<&str> = pairs
        .iter()
        .filter(|(_, (f, n))| *f > 0 && f < n)
        .map(|(g, _)| *g)
        .collect();
    let none: Vec<&str> = pairs
        .iter()
        .filter(|(_, (f, _))| *f == 0)
        .map(|(g, _)| *g)
        .collect();
    println!(
        "groups found wholly: {} ({}); partly: {} ({}); missed: {} ({})",
        whole.len(),
        whole.join(" "),
        part.len(),
        part.join(" "),
        none.len(),
        none.join(" ")
    );
}
