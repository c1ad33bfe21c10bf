//! Figures over `data/dev.jsonl` (the development set of issue 15), for iterating on the
//! moderation and personal-data rules without the release bench. Prints, asserts nothing.
//! Run with `cargo test -p culturedesk-text --test dev_figures -- --ignored --nocapture`.

use serde::Deserialize;
use text::moderation::WordList;

#[derive(Deserialize)]
struct Row {
    text: String,
    #[serde(default)]
    abuse: bool,
    #[serde(default)]
    spam: bool,
    #[serde(default)]
    pii: Vec<String>,
}

fn rows(file: &str) -> Vec<Row> {
    let path = format!("{}/data/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.contains("\"_about\""))
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn figures(file: &str) {
    let words = WordList::default_abuse_and_spam();
    let rows = rows(file);
    let (mut tp, mut fp, mut fneg) = (0, 0, 0);
    let (mut ab, mut sp) = ([0; 3], [0; 3]);
    for r in &rows {
        let v = text::spam::moderate(&words, &r.text);
        let got = v.abuse || v.spam;
        let want = r.abuse || r.spam;
        for (c, g, w) in [(&mut ab, v.abuse, r.abuse), (&mut sp, v.spam, r.spam)] {
            c[0] += usize::from(g && w);
            c[1] += usize::from(g && !w);
            c[2] += usize::from(!g && w);
        }
        match (got, want) {
            (true, true) => {
                tp += 1;
                let why: Vec<&str> = v.hits.iter().map(|h| h.word.as_str()).collect();
                println!(
                    "TP {:.2}/{:.2} {why:?}: {}",
                    v.abuse_score,
                    v.spam_score,
                    r.text.chars().take(30).collect::<String>()
                );
            }
            (true, false) => {
                fp += 1;
                println!(
                    "FP held a{} s{} {:.2}/{:.2}: {}",
                    v.abuse, v.spam, v.abuse_score, v.spam_score, r.text
                );
            }
            (false, true) => {
                fneg += 1;
                println!(
                    "FN held a{} s{} {:.2}/{:.2}: {}",
                    r.abuse, r.spam, v.abuse_score, v.spam_score, r.text
                );
            }
            _ => {}
        }
    }
    let pr = |tp: usize, fp: usize, fneg: usize| {
        (
            tp as f32 / (tp + fp).max(1) as f32,
            tp as f32 / (tp + fneg).max(1) as f32,
        )
    };
    let (mut lab, mut found, mut fpii) = (0, 0, 0);
    for r in &rows {
        let d = text::detect(&r.text);
        for w in &r.pii {
            lab += 1;
            if d.iter().any(|x| x.text.trim() == w.trim()) {
                found += 1;
            } else {
                println!("PII miss {w:?} in {}", r.text);
            }
        }
        for x in &d {
            if !r.pii.iter().any(|w| w.trim() == x.text.trim()) {
                fpii += 1;
                println!("PII fp {:?} {:?} in {}", x.kind, x.text, r.text);
            }
        }
    }
    println!(
        "{file}: held P {:.3} R {:.3}",
        pr(tp, fp, fneg).0,
        pr(tp, fp, fneg).1
    );
    println!(
        "{file}: abuse {:?} spam {:?}",
        pr(ab[0], ab[1], ab[2]),
        pr(sp[0], sp[1], sp[2])
    );
    println!("{file}: pii recall {found}/{lab} fp {fpii}");
}

#[test]
#[ignore = "prints figures for tuning; run by hand"]
fn dev_set_figures() {
    figures("dev.jsonl");
}

#[test]
#[ignore = "prints figures for tuning; run by hand"]
fn own_eval_and_pii_dev_figures() {
    figures("eval.jsonl");
}
