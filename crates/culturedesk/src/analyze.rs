//! `culturedesk analyze`: the text analysis over a file, one JSON object per line in and out.
//!
//! In: `{"id": …, "text": …}`. Out: `{"id", "category", "category_confidence", "type",
//! "urgent", "abuse", "spam", "pii", "duplicate_of", "theme"}`. Items are read in order: an
//! item's `duplicate_of` is the most similar earlier item at or above the duplicate bar (the
//! same request, in the same or other words), and its `theme` is that item's theme, or a theme
//! of its own (see `text::themes`).
//! The per-item work (segmentation, classification, personal data, signatures) runs on every
//! core; the duplicate index and the themes, which depend on order, on one.

use anyhow::Context;
use serde_json::{Value, json};
use std::io::{BufRead, BufWriter, Write};
use text::classify::Model;
use text::request::Ask;
use text::{Segmenter, similar};

/// Lines analysed per round.
const CHUNK: usize = 20_000;

struct Read {
    category: String,
    category_confidence: f32,
    kind: String,
    urgent: bool,
    abuse: bool,
    spam: bool,
    pii: Vec<String>,
    signature: similar::Signature,
    words: Vec<(String, u8)>,
}

pub fn run(
    input: &std::path::Path,
    output: &std::path::Path,
    seg: &Segmenter,
    model: &Model,
) -> anyhow::Result<usize> {
    let file =
        std::fs::File::open(input).with_context(|| format!("--input {}", input.display()))?;
    let out =
        std::fs::File::create(output).with_context(|| format!("--output {}", output.display()))?;
    let mut out = BufWriter::new(out);
    let words_list = text::WordList::default_abuse_and_spam();
    let mut themer = text::themes::Themer::new();
    let mut ids: Vec<Value> = Vec::new();
    let mut lines = std::io::BufReader::new(file).lines();
    let mut line_no = 0usize;
    loop {
        let mut chunk: Vec<(Value, String)> = Vec::with_capacity(CHUNK);
        for line in lines.by_ref().take(CHUNK) {
            line_no += 1;
            let line = line.with_context(|| format!("--input line {line_no}"))?;
            if line.trim().is_empty() {
                continue;
            }
            let v: Value = serde_json::from_str(&line)
                .with_context(|| format!("--input line {line_no}: not JSON"))?;
            let text = v["text"]
                .as_str()
                .with_context(|| format!("--input line {line_no}: no \"text\""))?
                .to_owned();
            chunk.push((v["id"].clone(), text));
        }
        if chunk.is_empty() {
            break;
        }
        let reads = read_all(&chunk, seg, model, &words_list);
        for ((id, _), read) in chunk.into_iter().zip(reads) {
            let n = ids.len() as u64;
            let assigned = themer.assign(n, read.signature, &read.words);
            let duplicate_of = assigned
                .original
                .and_then(|(o, _)| ids.get(o as usize).cloned())
                .unwrap_or(Value::Null);
            let line = json!({
                "id": id,
                "category": read.category,
                "category_confidence": (f64::from(read.category_confidence) * 1000.0).round() / 1000.0,
                "type": read.kind,
                "urgent": read.urgent,
                "abuse": read.abuse,
                "spam": read.spam,
                "pii": read.pii,
                "duplicate_of": duplicate_of,
                "theme": assigned.theme,
            });
            serde_json::to_writer(&mut out, &line)?;
            out.write_all(b"\n")?;
            ids.push(id);
        }
    }
    out.flush()?;
    Ok(ids.len())
}

/// Reads a chunk on every core, keeping the order.
fn read_all(
    chunk: &[(Value, String)],
    seg: &Segmenter,
    model: &Model,
    words: &text::WordList,
) -> Vec<Read> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per = chunk.len().div_ceil(cores).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunk
            .chunks(per)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|(_, t)| read_one(t, seg, model, words))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            // A panic in a reader thread is a bug in the analysis; pass it on.
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

fn read_one(body: &str, seg: &Segmenter, model: &Model, words: &text::WordList) -> Read {
    let c = model.classify(seg, body);
    let lexicon = text::request::Lexicon::builtin();
    let verdict = text::spam::moderate(words, body);
    Read {
        category: c.category.label,
        category_confidence: c.category.confidence,
        kind: c.kind.label.clone(),
        urgent: text::urgency::urgency(body).is_some(),
        abuse: verdict.abuse,
        spam: verdict.spam,
        pii: text::detect(body).into_iter().map(|p| p.text).collect(),
        signature: similar::signature_with(body, lexicon, Ask::of_kind(&c.kind.label)),
        words: lexicon.key_words(body),
    }
}
