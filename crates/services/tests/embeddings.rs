//! Similar items by meaning, from an embeddings endpoint on the institution's network: a
//! real local HTTP server stands in for it, told as stories and run on both engines.
//!
//! The stand-in embeds a text as the topics it mentions (books, weekends, opening, noise,
//! lights), each in several wordings, so two texts that ask the same thing in other words
//! get the same vector while sharing no two characters in a row — which the built-in,
//! character-based method cannot see.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router, routing::post};
use domain::UnitId;
use services::feedback::{EmbeddingsConfig, Intake, REST_MS, SimilarItem, Submitted};
use services::{Services, Settings, Staff};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use testkit::scenario::{App, intake, person, send};

/// The topics the stand-in knows, each in the wordings it recognises.
/// (Traditional characters too: a model reads them as the same words.)
const TOPICS: [&[&str]; 5] = [
    &["书屋", "書屋", "借书", "看书", "阅览", "图书"],
    &["周末", "週末", "礼拜天", "星期天", "双休"],
    &["开门", "開門", "开放", "营业"],
    &["广场舞", "音响", "吵", "噪音"],
    &["灯", "照明"],
];

/// A question, then the same question in other words (no character pair in common), a
/// near copy of the first as people retype it, and something else altogether. The first
/// carries the submitter's phone number, which must never reach the endpoint.
const PHONE: &str = "13907312233";
const ASKED: &str = "农家书屋周末能不能开门？平时上班没时间去借书，我电话13907312233";
const IN_OTHER_WORDS: &str = "礼拜天想去阅览室坐坐，那天也开放该多好";
const RETYPED: &str = "農家書屋週末能不能開門 平時上班沒時間去借書😊";
const NOISE: &str = "广场舞音响晚上太吵，影响休息";
/// The stand-in refuses texts with this in them (HTTP 413), as a server does an input longer
/// than its model takes.
const TOO_LONG: &str = "【太长】";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Answer,
    Fail,
    Hang,
}

/// What the stand-in endpoint was sent, and how it is told to behave.
#[derive(Clone)]
struct Endpoint {
    url: String,
    mode: Arc<Mutex<Mode>>,
    inputs: Arc<Mutex<Vec<String>>>,
    requests: Arc<AtomicUsize>,
}

impl Endpoint {
    async fn start() -> Endpoint {
        let endpoint = Endpoint {
            url: String::new(),
            mode: Arc::new(Mutex::new(Mode::Answer)),
            inputs: Arc::default(),
            requests: Arc::default(),
        };
        let app = Router::new()
            .route("/v1/embeddings", post(embeddings))
            .with_state(endpoint.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Endpoint {
            url: format!("http://127.0.0.1:{port}/v1"),
            ..endpoint
        }
    }

    fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    fn inputs(&self) -> Vec<String> {
        self.inputs.lock().unwrap().clone()
    }
}

async fn embeddings(
    State(endpoint): State<Endpoint>,
    Json(body): Json<serde_json::Value>,
) -> Response {
    endpoint.requests.fetch_add(1, Ordering::SeqCst);
    let mode = *endpoint.mode.lock().unwrap();
    match mode {
        Mode::Fail => {
            return (StatusCode::INTERNAL_SERVER_ERROR, "model not loaded").into_response();
        }
        Mode::Hang => std::future::pending::<()>().await,
        Mode::Answer => {}
    }
    assert_eq!(body["model"], "topics-test");
    let texts: Vec<String> = body["input"]
        .as_array()
        .expect("input is a list of texts")
        .iter()
        .map(|t| t.as_str().unwrap_or_default().to_owned())
        .collect();
    if texts.iter().any(|t| t.contains(TOO_LONG)) {
        return (StatusCode::PAYLOAD_TOO_LARGE, "input too long").into_response();
    }
    endpoint
        .inputs
        .lock()
        .unwrap()
        .extend(texts.iter().cloned());
    // Answered in reverse order, as servers may: `index` says which text each one is.
    let data: Vec<serde_json::Value> = texts
        .iter()
        .enumerate()
        .rev()
        .map(|(i, t)| serde_json::json!({ "object": "embedding", "index": i, "embedding": topics(t) }))
        .collect();
    Json(serde_json::json!({ "object": "list", "data": data, "model": "topics-test" }))
        .into_response()
}

/// 1 for each topic the text mentions, and a little of "anything else".
fn topics(text: &str) -> Vec<f32> {
    let mut v: Vec<f32> = TOPICS
        .iter()
        .map(|words| f32::from(u8::from(words.iter().any(|w| text.contains(w)))))
        .collect();
    v.push(0.05);
    v
}

/// An institution with one station and its office clerk; two nodes on one database and
/// one clock: `plain` with the built-in method only, `with_endpoint` configured with the
/// stand-in endpoint.
struct Desk {
    app: App,
    db: store::Db,
    with_endpoint: Services,
    endpoint: Endpoint,
    station: UnitId,
    clerk: Staff,
    submitted: AtomicUsize,
}

impl testkit::Fixture for Desk {
    async fn setup(db: &testkit::TestDb) -> Desk {
        let app = App::setup(db).await;
        let station = app.add_station("城关镇文化站").await;
        let clerk = app
            .hire(person("li.jing", "李静", "office_clerk", app.root))
            .await;
        let endpoint = Endpoint::start().await;
        let with_endpoint = node_with(&endpoint, &db.db, &app).await;
        Desk {
            app,
            db: db.db.clone(),
            with_endpoint,
            endpoint,
            station,
            clerk,
            submitted: AtomicUsize::new(0),
        }
    }
}

/// A server node on the database and clock of `app`, configured with `endpoint`.
async fn node_with(endpoint: &Endpoint, db: &store::Db, app: &App) -> Services {
    let config = EmbeddingsConfig {
        url: endpoint.url.clone(),
        model: "topics-test".into(),
        timeout_ms: Some(1_000),
        ..Default::default()
    };
    let settings = Settings {
        embeddings: Some(config.build().unwrap()),
        ..Settings::default()
    };
    Services::new(
        db.clone(),
        Arc::new(app.clock.clone()),
        testkit::scenario::gateways(),
        settings,
    )
    .await
    .unwrap()
}

impl Desk {
    fn plain(&self) -> &Services {
        &self.app.services
    }

    /// Submits through the node with the endpoint, as a member of the public.
    async fn submit(&self, text: &str) -> Submitted {
        let n = self.submitted.fetch_add(1, Ordering::Relaxed);
        let intake = Intake {
            unit: Some(self.station.to_string()),
            mobile: Some(format!("1390731{n:04}")),
            ..intake(text, "request")
        };
        // Intake works whatever the endpoint does.
        send(
            &self.with_endpoint,
            &self.app.institution,
            intake,
            Vec::new(),
            None,
        )
        .await
    }

    /// What the item page shows as similar to `item`, on the given node.
    async fn similar_on(&self, node: &Services, item: &Submitted, text: &str) -> Vec<SimilarItem> {
        node.feedback()
            .similar_feedback(
                self.app.institution.id,
                Some(&self.clerk),
                text,
                Some(item.id),
                5,
            )
            .await
            .expect("similar items never fail because of the endpoint")
    }

    /// Lets the background jobs due by a minute from now run (the vectors' fill among them).
    async fn a_minute_later(&self) {
        self.app.clock.advance_ms(60_000);
        self.with_endpoint.worker().run_due().await.unwrap();
    }
}

fn ids(similar: &[SimilarItem]) -> Vec<i64> {
    similar.iter().map(|s| s.id).collect()
}

testkit::on_both_engines! {
    the_same_question_in_other_words_is_found_only_with_the_endpoint(Desk),
    a_failing_endpoint_leaves_intake_and_similar_items_to_the_built_in_method(Desk),
    an_endpoint_that_does_not_answer_in_time_is_not_waited_for_again(Desk),
    vectors_another_node_wrote_are_used_within_seconds(Desk),
    a_text_the_endpoint_refuses_does_not_hold_back_the_others(Desk),
}

async fn the_same_question_in_other_words_is_found_only_with_the_endpoint(d: Desk) {
    let asked = d.submit(ASKED).await;
    let noise = d.submit(NOISE).await;
    let other_words = d.submit(IN_OTHER_WORDS).await;
    // Intake itself never waits for the endpoint: nothing was sent yet.
    assert_eq!(d.endpoint.requests(), 0);
    d.a_minute_later().await;
    assert!(d.endpoint.requests() > 0, "the fill sent the items' texts");

    let found = d
        .similar_on(&d.with_endpoint, &other_words, IN_OTHER_WORDS)
        .await;
    assert_eq!(ids(&found), vec![asked.id], "{found:?}");
    assert!(found[0].duplicate, "the same request: a merge candidate");
    assert!(!ids(&found).contains(&noise.id));
    // The built-in method sees no likeness in other words.
    let built_in = d.similar_on(d.plain(), &other_words, IN_OTHER_WORDS).await;
    assert!(!ids(&built_in).contains(&asked.id), "{built_in:?}");

    // The item's stored vector serves its page: no call to the endpoint.
    let before = d.endpoint.requests();
    d.similar_on(&d.with_endpoint, &asked, ASKED).await;
    assert_eq!(d.endpoint.requests(), before);
    // A text not yet taken in is embedded when asked about.
    let fresh = d
        .with_endpoint
        .feedback()
        .similar_feedback(
            d.app.institution.id,
            Some(&d.clerk),
            "星期天图书室营业吗",
            None,
            5,
        )
        .await
        .unwrap();
    assert!(
        ids(&fresh).contains(&asked.id) && ids(&fresh).contains(&other_words.id),
        "{fresh:?}"
    );
    assert_eq!(d.endpoint.requests(), before + 1);

    // Personal data never left: the endpoint had the text as the board shows it.
    let inputs = d.endpoint.inputs();
    assert!(
        inputs
            .iter()
            .any(|t| t.starts_with("农家书屋周末能不能开门")),
        "{inputs:?}"
    );
    assert!(inputs.iter().all(|t| !t.contains(PHONE)), "{inputs:?}");

    // Each item was embedded once, whatever the fill runs after.
    let sent = inputs.len();
    d.a_minute_later().await;
    assert_eq!(d.endpoint.inputs().len(), sent);
}

async fn a_failing_endpoint_leaves_intake_and_similar_items_to_the_built_in_method(d: Desk) {
    d.endpoint.set(Mode::Fail);
    let asked = d.submit(ASKED).await;
    let other_words = d.submit(IN_OTHER_WORDS).await;
    let retyped = d.submit(RETYPED).await;
    d.a_minute_later().await;
    let tried = d.endpoint.requests();
    assert!(tried > 0, "the fill tried");

    // The page still shows what the built-in method finds, and does not call the
    // endpoint again while it rests.
    let found = d.similar_on(&d.with_endpoint, &retyped, RETYPED).await;
    assert_eq!(ids(&found), vec![asked.id], "{found:?}");
    assert_eq!(d.endpoint.requests(), tried);

    // Back up: after its rest the fill catches up, and the other wording is found.
    d.endpoint.set(Mode::Answer);
    d.app.clock.advance_ms(REST_MS);
    d.a_minute_later().await;
    let found = d.similar_on(&d.with_endpoint, &retyped, RETYPED).await;
    // Both alike in meaning; the one alike in characters too comes first.
    assert_eq!(ids(&found), vec![asked.id, other_words.id], "{found:?}");
}

async fn an_endpoint_that_does_not_answer_in_time_is_not_waited_for_again(d: Desk) {
    d.endpoint.set(Mode::Hang);
    let asked = d.submit(ASKED).await;
    let retyped = d.submit(RETYPED).await;
    let other_words = d.submit(IN_OTHER_WORDS).await;
    // The page asks for the text's vector, gives up after the timeout, and shows what
    // the built-in method finds.
    let found = d.similar_on(&d.with_endpoint, &retyped, RETYPED).await;
    assert_eq!(ids(&found), vec![asked.id], "{found:?}");
    assert_eq!(d.endpoint.requests(), 1);
    // Resting: neither the next page nor the fill waits on it.
    let found = d
        .similar_on(&d.with_endpoint, &other_words, IN_OTHER_WORDS)
        .await;
    assert!(found.is_empty(), "{found:?}");
    d.with_endpoint.worker().run_due().await.unwrap();
    assert_eq!(d.endpoint.requests(), 1);
}

async fn vectors_another_node_wrote_are_used_within_seconds(d: Desk) {
    let asked = d.submit(ASKED).await;
    d.submit(NOISE).await;
    d.a_minute_later().await;
    // This node holds the vectors it has seen so far…
    assert!(
        d.similar_on(&d.with_endpoint, &asked, ASKED)
            .await
            .is_empty()
    );
    // …while another node takes in the same question in other words and embeds it.
    let other_node = node_with(&d.endpoint, &d.db, &d.app).await;
    let other_words = d.submit(IN_OTHER_WORDS).await;
    d.app.clock.advance_ms(60_000);
    other_node.worker().run_due().await.unwrap();
    let found = d.similar_on(&d.with_endpoint, &asked, ASKED).await;
    assert_eq!(ids(&found), vec![other_words.id], "{found:?}");
}

async fn a_text_the_endpoint_refuses_does_not_hold_back_the_others(d: Desk) {
    let asked = d.submit(ASKED).await;
    let refused = d.submit(&format!("{TOO_LONG}图书室的灯坏了")).await;
    let other_words = d.submit(IN_OTHER_WORDS).await;
    d.a_minute_later().await;
    let found = d
        .similar_on(&d.with_endpoint, &other_words, IN_OTHER_WORDS)
        .await;
    assert_eq!(ids(&found), vec![asked.id], "{found:?}");
    // Nor is the refused text sent again and again.
    let sent = d.endpoint.requests();
    d.a_minute_later().await;
    assert_eq!(d.endpoint.requests(), sent);
    // The refused item's own page falls back to the built-in method, and the endpoint
    // is not left alone for it: the next text asked about is embedded.
    let text = format!("{TOO_LONG}图书室的灯坏了");
    assert!(
        d.similar_on(&d.with_endpoint, &refused, &text)
            .await
            .is_empty()
    );
    let before = d.endpoint.requests();
    let fresh = d
        .with_endpoint
        .feedback()
        .similar_feedback(
            d.app.institution.id,
            Some(&d.clerk),
            "星期天图书室营业吗",
            None,
            5,
        )
        .await
        .unwrap();
    assert!(ids(&fresh).contains(&asked.id), "{fresh:?}");
    assert_eq!(d.endpoint.requests(), before + 1);
}
