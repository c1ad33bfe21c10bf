//! How fast the text analysis goes at a million items: analysis end to end, similar-item
//! lookups against the full index, the index's memory, themes and hot words.
//!
//! Items are generated, deterministically, by recombining clauses of `train.jsonl` within a
//! category, with place names, numbers, greetings, emoji, half-width punctuation, typos and
//! the odd phone number, so they are varied but realistic — and, like real feedback, full of
//! near-repeats, which is the hard case for the similar-item index. Item `i` depends only on
//! `i`, so workers generate their own share and nothing holds a million texts.
//!
//! The stream spans 24 "months"; in the last one more items are about air-conditioning and
//! parking, so the hot words have something to find.

use std::hint::black_box;
use std::time::{Duration, Instant};

use text::classify::Model;
use text::similar::perturb::{self, Rng};
use text::similar::{self, Index, Signature};
use text::themes::Themer;
use text::{Segmenter, is_stopword};

use crate::measure::peak_memory_mib;

const TRAIN: &str = include_str!("../../text/data/train.jsonl");

#[derive(clap::Args)]
pub struct Options {
    /// Items to generate, analyse and index.
    #[arg(long, default_value_t = 1_000_000)]
    pub items: usize,
    /// New items looked up against the full index.
    #[arg(long, default_value_t = 1_000)]
    pub lookups: usize,
    /// Threads for the analysis; by default every core.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Changes every generated item.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Items analysed per round: each round is cut between the threads, then indexed in order.
const CHUNK: usize = 8192;
/// Months the stream spans; hot words compare the last with the one before.
const MONTHS: usize = 24;

pub async fn run(options: Options) -> anyhow::Result<()> {
    anyhow::ensure!(options.items > 0, "--items must be positive");
    let threads = options
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let generator = Generator::new(options.seed)?;
    let seg = Segmenter::default();
    let started = Instant::now();
    let model = Model::baseline();
    // Force the lazily trained parts before timing.
    black_box(model.classify(&seg, "文化馆的空调坏了"));
    println!(
        "text-speed: {} items on {threads} threads (model ready in {:.1} s)",
        options.items,
        started.elapsed().as_secs_f64()
    );
    for i in 0..3 {
        println!("  e.g. {}", generator.item(i as u64, options.items));
    }

    let mut themer = Themer::new();
    let month_len = options.items.div_ceil(MONTHS);
    let this_month = month_len * (MONTHS - 1);
    let last_month = this_month.saturating_sub(month_len);
    let (mut recent, mut before): (Vec<Vec<String>>, Vec<Vec<String>>) = (Vec::new(), Vec::new());
    let mut stages = Stages::default();
    let mut pii_found = 0usize;
    let mut categories = [0usize; 8];
    let started = Instant::now();
    let mut at = 0;
    while at < options.items {
        let end = (at + CHUNK).min(options.items);
        let reads = analyse(&generator, &seg, &model, at..end, threads, options.items);
        let ordered = Instant::now();
        for (offset, (read, worker)) in reads.into_iter().enumerate() {
            let i = at + offset;
            stages.add(&worker);
            pii_found += read.pii;
            categories[read.category.min(7)] += 1;
            let t = Instant::now();
            black_box(themer.assign(i as u64, read.signature, &read.key_words));
            stages.themes += t.elapsed();
            if i >= this_month {
                recent.push(read.words);
            } else if i >= last_month {
                before.push(read.words);
            }
        }
        stages.ordered += ordered.elapsed();
        at = end;
        if at % (CHUNK * 32) == 0 {
            println!(
                "  {at} items, {:.0} items/s",
                at as f64 / started.elapsed().as_secs_f64()
            );
        }
    }
    let elapsed = started.elapsed();
    println!(
        "analysis: {} items in {:.1} s = {:.0} items/s end to end \
         (generating the text, segmentation, personal data, classification and signature on \
         {threads} threads; index and themes in order)",
        options.items,
        elapsed.as_secs_f64(),
        options.items as f64 / elapsed.as_secs_f64()
    );
    stages.print(options.items);
    let shares: Vec<String> = text::classify::DEFAULT_CATEGORIES
        .iter()
        .zip(categories)
        .map(|(code, n)| format!("{code} {:.0}%", 100.0 * n as f64 / options.items as f64))
        .collect();
    println!(
        "  personal data found in {pii_found} items; categories guessed: {}",
        shares.join(", ")
    );
    if let Some(mib) = peak_memory_mib() {
        println!("peak memory after analysis: {mib:.0} MiB");
    }

    let index = themer.index();
    let heap = index.heap_bytes();
    println!(
        "similar-item index: {} items, {:.0} MiB, {:.0} bytes per item",
        index.len(),
        heap as f64 / (1024.0 * 1024.0),
        heap as f64 / index.len().max(1) as f64
    );
    lookups(&generator, index, &options);

    let themes = themer.themes(2);
    let themed: usize = themes.iter().map(|t| t.members.len()).sum();
    println!(
        "themes: {} with two or more items, holding {themed} items ({:.0}%); the top 10:",
        themes.len(),
        100.0 * themed as f64 / options.items as f64
    );
    for t in themes.iter().take(10) {
        println!(
            "  {:>8}  {}  ({})",
            t.members.len(),
            t.label.join(" · "),
            t.id
        );
    }
    let started = Instant::now();
    let hot = text::hotwords::rising(&recent, &before, 10);
    println!(
        "hot words, last month ({} items) against the month before ({}), in {:.0} ms:",
        recent.len(),
        before.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    for h in &hot {
        println!(
            "  {:<12} {:>6} ← {:<6} score {:.1}",
            h.word, h.now, h.before, h.score
        );
    }
    if let Some(mib) = peak_memory_mib() {
        println!("peak memory: {mib:.0} MiB");
    }
    Ok(())
}

/// What the analysis of one item hands to the ordered part.
struct Read {
    signature: Signature,
    /// Content words: the segmenter's words without stopwords.
    words: Vec<String>,
    /// The words of its request, for its theme's label.
    key_words: Vec<(String, u8)>,
    pii: usize,
    category: usize,
}

/// Time spent per stage by one worker.
#[derive(Clone, Copy, Default)]
struct Worker {
    generate: Duration,
    segment: Duration,
    pii: Duration,
    classify: Duration,
    signature: Duration,
}

#[derive(Default)]
struct Stages {
    work: Worker,
    themes: Duration,
    ordered: Duration,
}

impl Stages {
    fn add(&mut self, w: &Worker) {
        self.work.generate += w.generate;
        self.work.segment += w.segment;
        self.work.pii += w.pii;
        self.work.classify += w.classify;
        self.work.signature += w.signature;
    }

    fn print(&self, items: usize) {
        let per = |d: Duration| d.as_secs_f64() * 1e6 / items as f64;
        let w = &self.work;
        println!(
            "  per item, one core: segmentation {:.1} µs, personal data {:.1} µs, \
             classification {:.1} µs, signature and request {:.1} µs, \
             duplicate lookup, index add and theme {:.2} µs \
             (generating the text {:.1} µs, not counted above)",
            per(w.segment),
            per(w.pii),
            per(w.classify),
            per(w.signature),
            per(self.themes),
            per(w.generate)
        );
        println!(
            "  the in-order part (index and themes) took {:.1} s of the total",
            self.ordered.as_secs_f64()
        );
    }
}

/// Generates and analyses items `range` on `threads` threads, in order. Each read carries the
/// worker's time for it, so the stages add up over all items.
fn analyse(
    generator: &Generator,
    seg: &Segmenter,
    model: &Model,
    range: std::ops::Range<usize>,
    threads: usize,
    total: usize,
) -> Vec<(Read, Worker)> {
    let len = range.len();
    let share = len.div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let from = range.start + (t * share).min(len);
                let to = range.start + ((t + 1) * share).min(len);
                scope.spawn(move || {
                    (from..to)
                        .map(|i| analyse_one(generator, seg, model, i, total))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            // A worker panicking is a bug in the code under test: let the benchmark say so.
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

fn analyse_one(
    generator: &Generator,
    seg: &Segmenter,
    model: &Model,
    i: usize,
    total: usize,
) -> (Read, Worker) {
    let mut w = Worker::default();
    let t = Instant::now();
    let text = generator.item(i as u64, total);
    w.generate = t.elapsed();
    let t = Instant::now();
    let words: Vec<String> = seg
        .words(&text)
        .into_iter()
        .filter(|w| !is_stopword(w))
        .collect();
    w.segment = t.elapsed();
    let t = Instant::now();
    let pii = text::detect(&text).len();
    w.pii = t.elapsed();
    let t = Instant::now();
    let c = model.classify(seg, &text);
    let category = text::classify::DEFAULT_CATEGORIES
        .iter()
        .position(|code| *code == c.category.label)
        .unwrap_or(7);
    w.classify = t.elapsed();
    let t = Instant::now();
    let lexicon = text::request::Lexicon::builtin();
    let ask = text::request::Ask::of_kind(&c.kind.label);
    let signature = similar::signature_with(&text, lexicon, ask);
    let key_words = lexicon.key_words(&text);
    w.signature = t.elapsed();
    (
        Read {
            signature,
            key_words,
            words,
            pii,
            category,
        },
        w,
    )
}

/// Looks up new items (generated past the end of the stream) against the full index, as the
/// server does for "others asked something like this" and as `analyze` does for duplicates;
/// then reposts of stored items (`text::similar::perturb`: the same person again, or somebody
/// else in other words), which must find the item they copy.
fn lookups(generator: &Generator, index: &Index, options: &Options) {
    let sigs: Vec<Signature> = (0..options.lookups)
        .map(|j| similar::signature(&generator.item((options.items + j) as u64, options.items)))
        .collect();
    for (what, k, min) in [
        ("related (10 best at RELATED_AT)", 10, similar::RELATED_AT),
        ("duplicate (best at DUPLICATE_AT)", 1, similar::DUPLICATE_AT),
    ] {
        let mut times = Vec::with_capacity(sigs.len());
        let mut hits = 0usize;
        for sig in &sigs {
            let t = Instant::now();
            let found = index.nearest(sig, k, min);
            times.push(t.elapsed());
            hits += usize::from(!found.is_empty());
        }
        report(
            what,
            index,
            &mut times,
            &format!("{hits} of {} found something", sigs.len()),
        );
    }
    let mut r = Rng(options.seed ^ 0x5EED);
    let copied: Vec<(u64, Signature)> = (0..options.lookups)
        .map(|_| {
            let i = r.below(options.items) as u64;
            let text = perturb::repost(&generator.item(i, options.items), &mut r);
            (i, similar::signature(&text))
        })
        .collect();
    let mut times = Vec::with_capacity(copied.len());
    let mut originals = 0usize;
    for (i, sig) in &copied {
        let t = Instant::now();
        let found = index.nearest(sig, 10, similar::DUPLICATE_AT);
        times.push(t.elapsed());
        originals += usize::from(found.iter().any(|f| f.0 == *i));
    }
    report(
        "repost of a stored item (10 best at DUPLICATE_AT)",
        index,
        &mut times,
        &format!("{originals} of {} found the item copied", copied.len()),
    );
}

fn report(what: &str, index: &Index, times: &mut [Duration], found: &str) {
    let (p50, p95, p99) = percentiles(times);
    println!(
        "lookup {what} against {} items: p50 {p50:.2} ms, p95 {p95:.2} ms, p99 {p99:.2} ms, \
         max {:.2} ms; {found}",
        index.len(),
        times.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
    );
}

/// p50, p95 and p99 in milliseconds; sorts `times`.
fn percentiles(times: &mut [Duration]) -> (f64, f64, f64) {
    times.sort_unstable();
    let at = |q: f64| {
        let i = ((times.len() as f64 - 1.0) * q).round() as usize;
        times.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    (at(0.5), at(0.95), at(0.99))
}

/// Makes realistic items from the clauses of the training set.
struct Generator {
    seed: u64,
    /// Per category: its clauses, and how many train texts it had (for the mix).
    categories: Vec<(Vec<String>, usize)>,
    /// Clauses about air-conditioning and about parking: what rises in the last month.
    trending: [Vec<String>; 2],
    places: Vec<String>,
}

const PLACE_FIRST: &str = "东西南北上下大小新老高低前后石松竹梅桃李杨柳青白黄金银龙凤马牛羊鹤";
const PLACE_SECOND: &str = "山河湾坪岭溪塘桥田冲坡林湖港口坝洲园坑峰源庄台";
/// Mostly villages and towns, as in a county.
const PLACE_KIND: &[&str] = &[
    "村", "村", "村", "村", "村", "村", "镇", "镇", "镇", "乡", "社区", "街道",
];
const OPENERS: &[&str] = &[
    "",
    "",
    "",
    "你好，",
    "您好！",
    "请问",
    "麻烦问一下，",
    "我是{place}的，",
    "{place}这边",
    "我们{place}",
];
const CLOSERS: &[&str] = &[
    "",
    "",
    "",
    "谢谢",
    "谢谢！",
    "辛苦了",
    "希望尽快解决",
    "急！",
];
const EMOJI: &[&str] = &["😊", "🙏", "👍", "😡", "😭", "🤔", "❤️", "😂", "🎉", "💪"];
const NUMBERS: &[&str] = &[
    "{n}号厅",
    "{n}楼",
    "晚上{n}点",
    "上午{n}点",
    "{n}月{d}号",
    "{n}十多个人",
    "第{n}期",
    "{n}次了",
];
const DIGITS: &str = "一二三四五六七八九";

impl Generator {
    fn new(seed: u64) -> anyhow::Result<Generator> {
        let mut names: Vec<String> = Vec::new();
        let mut categories: Vec<(Vec<String>, usize)> = Vec::new();
        let mut trending = [Vec::new(), Vec::new()];
        for line in TRAIN.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line)?;
            let (Some(text), Some(category)) = (v["text"].as_str(), v["category"].as_str()) else {
                anyhow::bail!("train.jsonl: a line without text or category");
            };
            let at = match names.iter().position(|n| n == category) {
                Some(at) => at,
                None => {
                    names.push(category.to_owned());
                    categories.push((Vec::new(), 0));
                    names.len() - 1
                }
            };
            categories[at].1 += 1;
            for clause in clauses(text) {
                if clause.contains("空调") {
                    trending[0].push(clause.clone());
                }
                if clause.contains("停车") {
                    trending[1].push(clause.clone());
                }
                categories[at].0.push(clause);
            }
        }
        categories.retain(|c| !c.0.is_empty());
        anyhow::ensure!(
            !categories.is_empty() && trending.iter().all(|t| !t.is_empty()),
            "train.jsonl has too little to recombine"
        );
        let mut places = Vec::new();
        for a in PLACE_FIRST.chars() {
            for b in PLACE_SECOND.chars() {
                for k in PLACE_KIND {
                    places.push(format!("{a}{b}{k}"));
                }
            }
        }
        Ok(Generator {
            seed,
            categories,
            trending,
            places,
        })
    }

    /// Item `i` of a stream of `total`.
    fn item(&self, i: u64, total: usize) -> String {
        let mut r = Rng(self.seed ^ i.wrapping_mul(0xA076_1D64_78BD_642F));
        r.next_u64();
        let place = r.pick(&self.places).clone();
        let mut out = r.pick(OPENERS).replace("{place}", &place);
        let weights: usize = self.categories.iter().map(|c| c.1).sum();
        let mut pick = r.below(weights);
        let mut category = &self.categories[0].0;
        for (clauses, n) in &self.categories {
            if pick < *n {
                category = clauses;
                break;
            }
            pick -= n;
        }
        let mut parts: Vec<String> = Vec::new();
        let last_month = i as usize >= total.div_ceil(MONTHS) * (MONTHS - 1);
        if last_month && r.below(100) < 18 {
            let topic = usize::from(r.below(3) == 0);
            parts.push(r.pick(&self.trending[topic]).clone());
        }
        for _ in 0..1 + r.below(3) {
            parts.push(r.pick(category).clone());
        }
        if r.below(4) == 0 {
            let n = DIGITS.chars().nth(r.below(9)).unwrap_or('三');
            let d = 1 + r.below(28);
            let number = r
                .pick(NUMBERS)
                .replace("{n}", &n.to_string())
                .replace("{d}", &d.to_string());
            let at = r.below(parts.len());
            parts[at] = format!("{number}{}", parts[at]);
        }
        if r.below(5) == 0 {
            let at = r.below(parts.len());
            parts[at] = format!("{place}{}", parts[at]);
        }
        let half_width = r.below(8) == 0;
        for (n, part) in parts.iter().enumerate() {
            let part = part.trim_end_matches(is_punct);
            out.push_str(part);
            let sep = match (n + 1 == parts.len(), half_width) {
                (false, false) => "，",
                (false, true) => ",",
                (true, false) => "。",
                (true, true) => ".",
            };
            out.push_str(sep);
        }
        let closer: &&str = r.pick(CLOSERS);
        out.push_str(closer);
        if r.below(6) == 0 {
            let emoji: &&str = r.pick(EMOJI);
            out.push_str(emoji);
        }
        if r.below(10) == 0 {
            out = perturb::typo(&out, &mut r);
        }
        if r.below(30) == 0 {
            out.push_str(&format!(
                "电话1{}{:09}",
                3 + r.below(6),
                r.next_u64() % 1_000_000_000
            ));
        }
        out
    }
}

fn is_punct(c: char) -> bool {
    "，。！？；,.!?;、：:".contains(c)
}

/// The clauses of `text`: runs ended by punctuation, without it, at least four characters.
fn clauses(text: &str) -> Vec<String> {
    text.split(is_punct)
        .map(str::trim)
        .filter(|c| c.chars().count() >= 4)
        .map(str::to_owned)
        .collect()
}
