use super::*;
use proptest::prelude::*;
use std::path::Path;
use std::process::Command;

/// The seed 00 01 02 … 1f.
fn counting_seed() -> [u8; SEED_BYTES] {
    std::array::from_fn(|i| i as u8)
}

const COUNTING_HEX: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

fn sizes(pairs: &[(&str, u32)]) -> HashMap<String, u32> {
    pairs.iter().map(|(a, s)| (a.to_string(), *s)).collect()
}

fn app(number: &str, seats: u32) -> Application {
    Application {
        number: number.into(),
        seats,
    }
}

#[test]
fn commitment_is_the_sha256_of_the_seeds_hex() {
    // Known answers, computed independently with Python's hashlib.
    assert_eq!(seed_hex(&counting_seed()), COUNTING_HEX);
    assert_eq!(
        commitment(&counting_seed()),
        "6c86c6aac5fb24bcf5d9939cb7d7d5645ce39418f449e03b262dd4fa14b4b92b"
    );
    assert_eq!(
        draw_key(COUNTING_HEX, "A0003").unwrap(),
        "0159dc913ed3cf6998f73f21879048333bc41aea36365d6172801475a3f0c5e8"
    );
}

#[test]
fn only_the_committed_seed_verifies() {
    let c = commitment(&counting_seed());
    assert!(verify_commitment(COUNTING_HEX, &c));
    assert!(verify_commitment(
        &COUNTING_HEX.to_uppercase(),
        &c.to_uppercase()
    ));
    let mut other = counting_seed();
    other[31] ^= 1;
    assert!(!verify_commitment(&seed_hex(&other), &c));
    assert!(!verify_commitment("not hex", &c));
    assert!(!verify_commitment(&COUNTING_HEX[..62], &c));
}

#[test]
fn drawn_by_key_ascending() {
    // Keys: A0003 0159…, A0001 8932…, A0002 a697… (see above).
    assert_eq!(
        draw_order(COUNTING_HEX, &["A0001", "A0002", "A0003"]).unwrap(),
        ["A0003", "A0001", "A0002"]
    );
    assert_eq!(
        draw_order(COUNTING_HEX, &["A0001", "A0002", "A0001"]),
        Err(LotteryError::Duplicate("A0001".into()))
    );
    assert_eq!(draw_order("xyz", &["A0001"]), Err(LotteryError::BadSeed));
}

#[test]
fn a_later_smaller_application_still_wins_when_it_fits() {
    let order = ["A3", "A1", "A4", "A2", "A5"];
    let s = sizes(&[("A1", 3), ("A2", 1), ("A3", 2), ("A4", 4), ("A5", 2)]);
    assert_eq!(
        allocate(&order, &s, 6).unwrap(),
        Allocation {
            winners: vec![app("A3", 2), app("A1", 3), app("A2", 1)],
            waiting: vec![app("A4", 4), app("A5", 2)],
        }
    );
    assert_eq!(
        allocate(&["A9"], &s, 6),
        Err(LotteryError::NoSize("A9".into()))
    );
}

#[test]
fn fifty_thousand_applications_are_a_deterministic_permutation() {
    let apps: Vec<String> = (1..=50_000).map(|i| format!("A{i:05}")).collect();
    let order = draw_order(COUNTING_HEX, &apps).unwrap();
    assert_eq!(order, draw_order(COUNTING_HEX, &apps).unwrap());
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(sorted, apps, "every application exactly once");
    assert_ne!(order, apps, "shuffled");
    let s: HashMap<String, u32> = apps
        .iter()
        .enumerate()
        .map(|(i, a)| (a.clone(), (i % 4) as u32 + 1))
        .collect();
    let result = allocate(&order, &s, 300).unwrap();
    assert_eq!(result.winners.len() + result.waiting.len(), 50_000);
    assert_eq!(result.winners.iter().map(|a| a.seats).sum::<u32>(), 300);
}

proptest! {
    #[test]
    fn allocation_is_first_fit_over_the_drawn_order(
        wanted in prop::collection::vec(1u32..5, 0..30),
        seats in 0u32..40,
    ) {
        let order: Vec<String> = (0..wanted.len()).map(|i| format!("A{i:04}")).collect();
        let s: HashMap<String, u32> = order.iter().cloned().zip(wanted.iter().copied()).collect();
        let result = allocate(&order, &s, seats).unwrap();
        let given: u32 = result.winners.iter().map(|a| a.seats).sum();
        prop_assert!(given <= seats);
        let free = seats - given;
        // Nobody waiting would fit the seats left over.
        prop_assert!(result.waiting.iter().all(|a| a.seats > free));
        // Both lists keep the drawn order.
        let rank = |a: &Application| order.iter().position(|o| *o == a.number);
        prop_assert!(result.winners.windows(2).all(|w| rank(&w[0]) < rank(&w[1])));
        prop_assert!(result.waiting.windows(2).all(|w| rank(&w[0]) < rank(&w[1])));
        prop_assert_eq!(result.winners.len() + result.waiting.len(), order.len());
    }

    #[test]
    fn the_order_does_not_depend_on_how_the_list_was_given(
        seed in any::<[u8; 32]>(),
        mut apps in prop::collection::hash_set("A[0-9]{4}", 0..30).prop_map(|s| s.into_iter().collect::<Vec<_>>()),
    ) {
        let hex = seed_hex(&seed);
        let first = draw_order(&hex, &apps).unwrap();
        apps.reverse();
        prop_assert_eq!(draw_order(&hex, &apps).unwrap(), first);
    }
}

// ---- the published Python verifier agrees with `allocate` ----

/// What `scripts/verify_lottery.py` prints for an allocation: one line per application in
/// drawn order, tab-separated: result, draw position, number, seats.
fn expected_output(order: &[String], result: &Allocation) -> String {
    let mut lines = vec!["commitment ok".to_owned()];
    let winners: HashSet<&str> = result.winners.iter().map(|a| a.number.as_str()).collect();
    let all = result.winners.iter().chain(&result.waiting);
    let seats: HashMap<&str, u32> = all.map(|a| (a.number.as_str(), a.seats)).collect();
    for (i, number) in order.iter().enumerate() {
        let outcome = if winners.contains(number.as_str()) {
            "win"
        } else {
            "wait"
        };
        lines.push(format!(
            "{outcome}\t{}\t{number}\t{}",
            i + 1,
            seats[number.as_str()]
        ));
    }
    lines.join("\n") + "\n"
}

fn python_available() -> bool {
    Command::new("python3").arg("--version").output().is_ok()
}

#[test]
fn the_python_verifier_agrees() {
    if !python_available() {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        assert!(
            !ci,
            "python3 is needed in CI to check scripts/verify_lottery.py"
        );
        eprintln!("note: python3 not on PATH; scripts/verify_lottery.py not checked");
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/verify_lottery.py");
    let pairs = [
        ("A0001", 2),
        ("A0002", 1),
        ("A0003", 3),
        ("A0004", 4),
        ("A0005", 1),
        ("A0006", 2),
        ("A0007", 2),
        ("A0008", 1),
    ];
    let csv: String = std::iter::once("application_no,seats\n".to_owned())
        .chain(pairs.iter().map(|(a, s)| format!("{a},{s}\n")))
        .collect();
    let path = std::env::temp_dir().join(format!("culturedesk-lottery-{}.csv", std::process::id()));
    std::fs::write(&path, csv).unwrap();

    let numbers: Vec<&str> = pairs.iter().map(|(a, _)| *a).collect();
    let order = draw_order(COUNTING_HEX, &numbers).unwrap();
    let result = allocate(&order, &sizes(&pairs), 7).unwrap();
    let c = commitment(&counting_seed());

    let run = |commitment: &str| {
        Command::new("python3")
            .arg(&script)
            .args([COUNTING_HEX, commitment])
            .arg(&path)
            .arg("7")
            .output()
            .unwrap()
    };
    let ok = run(&c);
    let wrong = run(&"0".repeat(64));
    std::fs::remove_file(&path).unwrap();

    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert_eq!(
        String::from_utf8(ok.stdout).unwrap(),
        expected_output(&order, &result)
    );
    assert!(!wrong.status.success(), "a wrong commitment must fail");
}
