//! Personal-data detection on the hand-written development set `data/pii_dev.jsonl`.
//!
//! Each line is a message with the exact substrings that are personal data (`pii`), in the
//! same form as the labels of `eval.jsonl`, which is never read here: the detectors were built
//! against this set only. It holds positives of every kind (mobiles, landlines, resident ids,
//! bank cards, e-mail, home addresses, names given in context) and the hard negatives next to
//! them: forms of address (`王老师`, `刘阿姨`), `我是一名…`, `我叫不出名字`, order and ISBN
//! numbers, venue rooms, places that are not homes (`3号楼前面的广场`, `幸福小区3栋门口`).
//!
//! ```text
//! cargo test -p culturedesk-text --test pii -- --nocapture
//! ```

use std::collections::BTreeMap;

use text::pii::{self, PiiKind};

struct Case {
    group: String,
    text: String,
    pii: Vec<String>,
}

fn dev_set() -> Vec<Case> {
    let data = include_str!("../data/pii_dev.jsonl");
    data.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(n, line)| {
            let v: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("pii_dev.jsonl:{}: {e}", n + 1));
            let text = v["text"].as_str().expect("text").to_owned();
            let pii: Vec<String> = v["pii"]
                .as_array()
                .expect("pii")
                .iter()
                .map(|s| s.as_str().expect("pii string").to_owned())
                .collect();
            for want in &pii {
                assert!(
                    text.contains(want.as_str()),
                    "line {}: {want} not in text",
                    n + 1
                );
            }
            Case {
                group: v["group"].as_str().unwrap_or("").to_owned(),
                text,
                pii,
            }
        })
        .collect()
}

/// What the benchmark compares: the detected substrings, trimmed, in any order.
fn sorted(mut spans: Vec<String>) -> Vec<String> {
    spans.iter_mut().for_each(|s| *s = s.trim().to_owned());
    spans.sort();
    spans
}

#[test]
fn the_development_set_is_detected_exactly() {
    let cases = dev_set();
    assert!(
        cases.len() >= 250,
        "the set is meant to be a few hundred cases"
    );
    let mut failures = Vec::new();
    let mut per_group: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for case in &cases {
        let got = sorted(
            pii::detect(&case.text)
                .into_iter()
                .map(|p| p.text)
                .collect(),
        );
        let want = sorted(case.pii.clone());
        let entry = per_group.entry(case.group.as_str()).or_default();
        entry.1 += 1;
        if got == want {
            entry.0 += 1;
        } else {
            failures.push(format!(
                "  {}\n    want {want:?}\n    got  {got:?}",
                case.text
            ));
        }
    }
    for (group, (passed, total)) in &per_group {
        println!("{passed:>3}/{total:<3} {group}");
    }
    println!(
        "{} of {} cases exact",
        cases.len() - failures.len(),
        cases.len()
    );
    assert!(
        failures.is_empty(),
        "{} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn masked_names_keep_the_surname_and_addresses_hide_every_number() {
    for (text, masked) in [
        ("我叫王秀英，想报名", "我叫王**，想报名"),
        ("联系人：欧阳晓梅", "联系人：欧阳**"),
        ("——李建国", "——李**"),
        ("我住在桃源村三组18号", "我住在桃源村*组**号"),
        ("家住朝阳小区一栋二单元五楼", "家住朝阳小区*栋*单元*楼"),
        ("我住在金桂园B栋1203", "我住在金桂园*栋****"),
        ("家住三里屯5号楼2单元301", "家住三里屯*号楼*单元***"),
        ("我家住桃李村十八组6号", "我家住桃李村**组*号"),
        (
            "住在上海市静安区延安中路123弄4号302室",
            "住在上海市静安区延安中路***弄*号***室",
        ),
    ] {
        assert_eq!(pii::mask(text), masked, "{text}");
    }
}

#[test]
fn kinds_are_told_apart_in_one_message() {
    let text = "我叫张桂兰，住在幸福小区3栋2单元501室，电话13907452211";
    let kinds: Vec<PiiKind> = pii::detect(text).iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        [PiiKind::Name, PiiKind::Address, PiiKind::Mobile],
        "{text}"
    );
}
