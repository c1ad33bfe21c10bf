//! The `culturedesk` binary as an IT person runs it, on SQLite and on PostgreSQL.

use std::process::Stdio;
use std::time::Duration;
use testkit::http::{api_login, text};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const BIN: &str = env!("CARGO_BIN_EXE_culturedesk");

fn command(database_url: &str, dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("CULTUREDESK_DATABASE_URL", database_url)
        .env("CULTUREDESK_LOG_LEVEL", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `serve --demo` and reads what it prints up to "listening"; gives the process,
/// its URL and everything printed.
async fn serve_demo(database_url: &str, dir: &std::path::Path) -> (Child, String, String) {
    let port = free_port();
    let mut child = command(database_url, dir)
        .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = String::new();
    let started = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            printed.push_str(&line);
            printed.push('\n');
            if line.contains("listening on") {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(
        started,
        Ok(true),
        "the server did not start; it printed:\n{printed}"
    );
    (child, format!("http://127.0.0.1:{port}"), printed)
}

fn value_after<'a>(printed: &'a str, marker: &str) -> &'a str {
    let line = printed
        .lines()
        .find(|l| l.contains(marker))
        .unwrap_or_else(|| panic!("no {marker} in:\n{printed}"));
    line.rsplit(':').next().unwrap().trim()
}

async fn the_demo_runs_and_the_printed_password_signs_in(database_url: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, url, printed) = serve_demo(database_url, dir.path()).await;
    assert!(printed.contains("青山县文化馆"), "{printed}");
    let admin_password = value_after(&printed, "One-time password");
    let demo_password = value_after(&printed, "Demo staff password");

    notify::install_crypto_provider();
    let client = reqwest::Client::new();
    assert_eq!(text(&client, &format!("{url}/healthz")).await, "ok");
    let portal = text(&client, &format!("{url}/")).await;
    assert!(portal.contains("城关镇文化站") && portal.contains("石门乡文化站"));
    let admin = api_login(&url, "admin", admin_password).await;
    assert_eq!(admin["must_change_password"], true, "{admin}");
    let director = api_login(&url, "zhou.min", demo_password).await;
    assert_eq!(director["must_change_password"], false, "{director}");
    let units: serde_json::Value = client
        .get(format!("{url}/api/v1/units"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        units
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u["kind"] == "station")
            .count(),
        8
    );
    child.kill().await.unwrap();

    // Started again on the same database: no second demo, no second administrator.
    let (mut again, _, printed) = serve_demo(database_url, dir.path()).await;
    assert!(
        !printed.contains("One-time password") && !printed.contains("Demo staff password"),
        "{printed}"
    );
    again.kill().await.unwrap();
}

#[tokio::test]
async fn the_demo_runs_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("data/cd.db").display());
    the_demo_runs_and_the_printed_password_signs_in(&url).await;
}

#[tokio::test]
async fn the_same_binary_runs_on_postgres() {
    let Some(db) = testkit::TestDb::postgres().await else {
        return;
    };
    // The migrated schema the test kit made is reused: the server finds it up to date.
    the_demo_runs_and_the_printed_password_signs_in(&db.url).await;
}

/// schemathesis (from PyPI; `.ci/run` installs it) runs every check over the whole OpenAPI
/// document against the demo, signed in as the office director: no 5xx, no status the
/// document does not list, no schema-valid request refused, no invalid one accepted. A
/// smoke run: a fixed seed and a few examples per operation keep it to a minute or so.
async fn the_api_keeps_its_contract_under_fuzzing(database_url: &str) {
    let schemathesis = std::process::Command::new("schemathesis")
        .arg("--version")
        .output();
    if !schemathesis.is_ok_and(|o| o.status.success()) {
        testkit::require_or_skip("schemathesis", "`pip install schemathesis` puts it on PATH");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (mut child, url, printed) = serve_demo(database_url, dir.path()).await;
    let password = value_after(&printed, "Demo staff password");
    notify::install_crypto_provider();
    let signed_in = api_login(&url, "zhou.min", password).await;
    let token = signed_in["token"].as_str().unwrap();
    let run = Command::new("schemathesis")
        .args([
            "run",
            &format!("{url}/api/v1/openapi.json"),
            "--url",
            &format!("{url}/api/v1"),
        ])
        .args([
            "--checks",
            "all",
            "--max-examples",
            "25",
            "--seed",
            "20261207",
        ])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args(["--request-timeout", "20", "--max-response-time", "20"])
        .env("NO_COLOR", "1")
        .current_dir(dir.path())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(600), run)
        .await
        .expect("the schemathesis run ends within ten minutes")
        .unwrap();
    child.kill().await.unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "schemathesis found failures:\n{report}"
    );
}

#[tokio::test]
async fn the_api_keeps_its_contract_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("data/cd.db").display());
    the_api_keeps_its_contract_under_fuzzing(&url).await;
}

#[tokio::test]
async fn the_api_keeps_its_contract_on_postgres() {
    let Some(db) = testkit::TestDb::postgres().await else {
        return;
    };
    the_api_keeps_its_contract_under_fuzzing(&db.url).await;
}

#[tokio::test]
async fn a_bad_setting_is_named_and_nothing_starts() {
    let dir = tempfile::tempdir().unwrap();
    let out = command("sqlite://x.db", dir.path())
        .env("CULTUREDESK_SERVER_LISTEN", "not-an-address")
        .args(["serve"])
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("server.listen"),
        "{out:?}"
    );

    std::fs::write(
        dir.path().join("culturedesk.toml"),
        "[sms]\ngateway = \"http\"\n",
    )
    .unwrap();
    let out = command("sqlite://x.db", dir.path())
        .args(["migrate"])
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("sms.url"),
        "{out:?}"
    );
}

#[tokio::test]
async fn demo_seed_fills_only_an_empty_database_and_admins_can_be_added() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("cd.db").display());
    let first = command(&url, dir.path())
        .args(["demo", "seed"])
        .output()
        .await
        .unwrap();
    assert!(first.status.success(), "{first:?}");
    assert!(String::from_utf8_lossy(&first.stdout).contains("41 staff"));
    let second = command(&url, dir.path())
        .args(["demo", "seed"])
        .output()
        .await
        .unwrap();
    assert!(!second.status.success());
    assert!(String::from_utf8_lossy(&second.stderr).contains("only fills an empty one"));

    let created = command(&url, dir.path())
        .args([
            "admin",
            "create",
            "--username",
            "IT.Wang",
            "--name",
            "王工",
            "--institution",
            "qs",
        ])
        .output()
        .await
        .unwrap();
    assert!(created.status.success(), "{created:?}");
    assert!(
        String::from_utf8_lossy(&created.stdout).contains("created system administrator it.wang")
    );
    let again = command(&url, dir.path())
        .args(["admin", "create", "--username", "it.wang", "--name", "王工"])
        .output()
        .await
        .unwrap();
    assert!(!again.status.success());
}

/// `culturedesk analyze` as the issue's measure runs it: one line out per line in, with the
/// personal data as exact substrings, a repeated request pointing at the first and sharing
/// its theme, and a broken line named by its number.
#[tokio::test]
async fn analyze_writes_what_it_read_for_each_line() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("items.jsonl");
    let output = dir.path().join("out.jsonl");
    let lines = [
        r#"{"id": "a", "text": "文化館二樓的插座冒煙了，還有焦味，快來人！"}"#,
        r#"{"id": "b", "text": "我叫龙秀英，想报名剪纸班，电话 138-0745-1234"}"#,
        r#"{"id": 3, "text": "建议周末多开几个少儿书法班，孩子们都想学"}"#,
        r#"{"id": 4, "text": "建议周末多开几个少儿书法班吧，孩子们都想学😊"}"#,
    ];
    std::fs::write(&input, lines.join("\n")).unwrap();
    let run = command("sqlite::memory:", dir.path())
        .args(["analyze", "--input"])
        .arg(&input)
        .arg("--output")
        .arg(&output)
        .output()
        .await
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let out: Vec<serde_json::Value> = std::fs::read_to_string(&output)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(out.len(), 4);
    assert_eq!(out[0]["id"], "a");
    assert_eq!(out[0]["urgent"], true, "{}", out[0]);
    assert_eq!(out[0]["category"], "facility");
    assert_eq!(
        out[1]["pii"],
        serde_json::json!(["龙秀英", "138-0745-1234"])
    );
    assert_eq!(out[2]["duplicate_of"], serde_json::Value::Null);
    assert_eq!(out[3]["duplicate_of"], 3, "{}", out[3]);
    assert_eq!(
        out[3]["theme"], out[2]["theme"],
        "one request said twice is one theme"
    );
    let confidence = out[2]["category_confidence"].as_f64().unwrap();
    assert_eq!(
        confidence,
        (confidence * 1000.0).round() / 1000.0,
        "three decimals"
    );

    std::fs::write(&input, format!("{}\n{}\nnot json\n", lines[0], lines[1])).unwrap();
    let broken = command("sqlite::memory:", dir.path())
        .args(["analyze", "--input"])
        .arg(&input)
        .arg("--output")
        .arg(&output)
        .output()
        .await
        .unwrap();
    assert!(!broken.status.success());
    let said = String::from_utf8_lossy(&broken.stderr);
    assert!(said.contains("--input line 3: not JSON"), "{said}");
}
