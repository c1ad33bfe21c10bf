//! Full-text search at a million items, on SQLite and on PostgreSQL.
//!
//! Seeds items whose texts recombine the labelled training texts (`crates/text/data/
//! train.jsonl`: a text, sometimes a clause of another, sometimes the village the writer
//! lives in) with their words cut as intake cuts them, and answers for most of the older
//! ones; then times a few hundred searches through the JSON API, the way staff meet it —
//! common words and rare ones, one word and several, with and without filters, as the
//! whole office and as a station's clerk — and prints p50, p95 and p99, overall and by
//! kind of query. Last, the background fill's speed on items without words.

use crate::feedback::{SPAN_MS, institution, item, load, open, sign_in};
use crate::measure::peak_memory_mib;
use anyhow::Context;
use domain::time::DAY_MS;
use domain::{ManualClock, Timestamp};
use services::{Gateways, NewStaff, Services, Settings, Staff};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use store::Db;

#[derive(clap::Args)]
pub struct Options {
    /// Items to seed before measuring.
    #[arg(long, default_value_t = 1_000_000)]
    items: usize,
    /// Searches to time on each engine.
    #[arg(long, default_value_t = 400)]
    queries: usize,
    /// Which engines: `sqlite`, `postgres` or both.
    #[arg(long, default_value = "sqlite,postgres")]
    engines: String,
    /// Keep the databases afterwards (to look at query plans); prints where they are.
    #[arg(long)]
    keep: bool,
    /// Measure again, without seeding, a PostgreSQL schema an earlier run kept (`--keep`).
    #[arg(long)]
    reuse_postgres_schema: Option<String>,
    /// The PostgreSQL server to use; the benchmark works in a schema of its own and drops it.
    #[arg(
        long,
        env = "CULTUREDESK_BENCH_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    postgres_url: String,
}

const TRAIN: &str = include_str!("../../text/data/train.jsonl");
const PASSWORD: &str = "benchmark-password-2026";
/// The p95 each engine should stay under.
const TARGET_P95_MS: f64 = 50.0;

pub async fn run(o: Options) -> anyhow::Result<()> {
    let corpus = Corpus::load()?;
    let mut verdicts = Vec::new();
    for engine in o
        .engines
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        println!("\n== {engine}: {} items", o.items);
        let (db, cleanup) = match (&o.reuse_postgres_schema, engine) {
            (Some(schema), "postgres") => {
                let separator = if o.postgres_url.contains('?') {
                    '&'
                } else {
                    '?'
                };
                let url = format!(
                    "{}{separator}options=-c%20search_path%3D{schema}",
                    o.postgres_url
                );
                let cleanup: std::pin::Pin<
                    Box<dyn std::future::Future<Output = anyhow::Result<()>>>,
                > = Box::pin(async { Ok(()) });
                (Db::connect(&url).await?, cleanup)
            }
            _ => open(engine, &o.postgres_url).await?,
        };
        let outcome = run_on(&db, &o, &corpus).await;
        db.close().await;
        if o.keep {
            println!("kept the {engine} database");
        } else {
            cleanup.await?;
        }
        verdicts.push((engine.to_owned(), outcome?));
    }
    println!("\n== summary (target: p95 under {TARGET_P95_MS:.0} ms)");
    for (engine, s) in &verdicts {
        println!(
            "{engine:>8}: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms — {}",
            s.p50,
            s.p95,
            s.p99,
            s.max,
            if s.p95 < TARGET_P95_MS {
                "within the target"
            } else {
                "OVER the target"
            }
        );
    }
    if let Some(mib) = peak_memory_mib() {
        println!("\npeak memory: {mib:.0} MiB");
    }
    Ok(())
}

async fn run_on(db: &Db, o: &Options, corpus: &Corpus) -> anyhow::Result<Stats> {
    let now = Timestamp(jiff::Timestamp::now().as_millisecond());
    let clock = ManualClock::new(now);
    let gateways = Gateways {
        sms: Arc::new(notify::LogGateway::new(notify::Channel::Sms)),
        email: Arc::new(notify::LogGateway::new(notify::Channel::Email)),
    };
    let services = Services::new(
        db.clone(),
        Arc::new(clock.clone()),
        gateways,
        Settings::default(),
    )
    .await?;
    let reused = !store::tenants::list(db).await?.is_empty();
    let units = if reused {
        println!("measuring again what an earlier run seeded");
        let tenant = domain::TenantId(store::tenants::list(db).await?[0].id);
        store::org::units(db, tenant)
            .await?
            .into_iter()
            .map(|u| {
                let station = u.unit_path().ids().get(1).map_or(u.id, |s| s.0);
                (u.id, station, u.path)
            })
            .collect()
    } else {
        seed(db, &services, o.items, corpus, now).await?
    };
    // The stations (one level below the centre); a clerk of the first, whose searches carry
    // the station's subtree as a condition.
    let stations: Vec<i64> = units
        .iter()
        .filter(|(id, station, path)| {
            id == station && path.split('/').filter(|p| !p.is_empty()).count() == 2
        })
        .map(|(id, _, _)| *id)
        .collect();
    let clerk = "station.clerk";
    if !reused {
        let admin = sign_in(&services, "admin", PASSWORD).await?;
        station_clerk(
            &services,
            &admin,
            clerk,
            *stations.first().context("a station")?,
        )
        .await?;
    }

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let app = web::app(services.clone(), web::WebConfig::default());
    let server = tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await;
    });
    let client = reqwest::Client::new();
    let admin_token = token(&client, &base, "admin").await?;
    let clerk_token = token(&client, &base, clerk).await?;

    let searches = corpus.searches(o.queries, &stations, now);
    // Warm up: the first searches load jieba's dictionary and fill the caches.
    for s in searches.iter().take(20) {
        get(&client, &base, &admin_token, s).await?;
    }
    let mut by_kind: HashMap<&'static str, Vec<Duration>> = HashMap::new();
    let mut all = Vec::with_capacity(searches.len());
    let mut found: HashMap<&'static str, Vec<u64>> = HashMap::new();
    for (n, s) in searches.iter().enumerate() {
        // Three in ten as the station's clerk, the rest as the office.
        let as_clerk = n % 10 < 3;
        let token = if as_clerk { &clerk_token } else { &admin_token };
        let started = Instant::now();
        let total = get(&client, &base, token, s).await?;
        let took = started.elapsed();
        if took.as_secs_f64() * 1000.0 > 2.0 * TARGET_P95_MS {
            println!(
                "  slow: {:.0} ms for {:?} {:?}{} ({}, {total} results)",
                took.as_secs_f64() * 1000.0,
                s.q,
                s.filters,
                if as_clerk {
                    " as the station clerk"
                } else {
                    ""
                },
                s.kind
            );
        }
        all.push(took);
        by_kind.entry(s.kind).or_default().push(took);
        if as_clerk {
            by_kind.entry("as a station clerk").or_default().push(took);
        }
        if !s.filters.is_empty() {
            by_kind.entry("with filters").or_default().push(took);
        }
        found.entry(s.kind).or_default().push(total);
    }
    server.abort();
    let stats = Stats::of(&mut all);
    println!(
        "searches: {} through the API: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        all.len(),
        stats.p50,
        stats.p95,
        stats.p99,
        stats.max
    );
    let mut kinds: Vec<_> = by_kind.into_iter().collect();
    kinds.sort_by_key(|(k, _)| *k);
    for (kind, mut times) in kinds {
        let s = Stats::of(&mut times);
        let results = found.get(kind).map(|f| {
            let mut f = f.clone();
            f.sort_unstable();
            format!(", results median {}", f[f.len() / 2])
        });
        println!(
            "  {kind:<24} {:>4} searches: p50 {:>5.1} ms, p95 {:>5.1} ms, p99 {:>5.1} ms{}",
            times.len(),
            s.p50,
            s.p95,
            s.p99,
            results.unwrap_or_default()
        );
    }
    fill(db, &services).await?;
    Ok(stats)
}

/// The institution of the feedback benchmark and `count` items over two years, their
/// words cut as intake cuts them; gives the units as (id, station, path).
async fn seed(
    db: &Db,
    services: &Services,
    count: usize,
    corpus: &Corpus,
    now: Timestamp,
) -> anyhow::Result<Vec<(i64, i64, String)>> {
    let (admin, units) = institution(services).await?;
    let tenant = admin.actor.tenant_id;
    let departments: Vec<i64> = store::org::departments(db, tenant)
        .await?
        .iter()
        .map(|d| d.id)
        .collect();
    let started = Instant::now();
    let seeded = load(db, count, |range| {
        corpus
            .items(range.clone())
            .into_iter()
            .zip(range)
            .map(|(made, i)| {
                let text = (made.kind, made.category, made.body, made.public);
                let mut row = item(
                    i,
                    count,
                    SPAN_MS,
                    now,
                    tenant,
                    &units,
                    &departments,
                    std::slice::from_ref(&text),
                );
                row.search_text = Some(made.words);
                row
            })
            .collect::<Vec<_>>()
    })
    .await?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "seeded {seeded} items with their words in {seconds:.1} s ({:.0} items/s)",
        seeded as f64 / seconds
    );
    let started = Instant::now();
    db.analyze().await?;
    println!(
        "statistics refreshed in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    sizes(db).await?;
    Ok(units)
}

/// A clerk of `station`, signed in with a known password.
async fn station_clerk(
    services: &Services,
    admin: &Staff,
    username: &str,
    station: i64,
) -> anyhow::Result<()> {
    let new = NewStaff {
        username: username.into(),
        display_name: "站点文员".into(),
        role: "office_clerk".into(),
        unit: station.to_string(),
        ..Default::default()
    };
    let (_, one_time) = services.create_staff(admin, new).await?;
    let first = sign_in(services, username, &one_time).await?;
    services
        .change_password(&first, &one_time, PASSWORD, PASSWORD)
        .await?;
    Ok(())
}

async fn token(client: &reqwest::Client, base: &str, username: &str) -> anyhow::Result<String> {
    let password = PASSWORD;
    let response: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({ "username": username, "password": password }))
        .send()
        .await?
        .json()
        .await?;
    response["token"]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("sign-in of {username}: {response}"))
}

/// One search through the API; gives how many results it had.
async fn get(client: &reqwest::Client, base: &str, token: &str, s: &Search) -> anyhow::Result<u64> {
    let mut query = vec![("q", s.q.as_str())];
    query.extend(s.filters.iter().map(|(k, v)| (*k, v.as_str())));
    let response = client
        .get(format!("{base}/api/v1/feedback/search"))
        .query(&query)
        .bearer_auth(token)
        .send()
        .await?;
    anyhow::ensure!(
        response.status().is_success(),
        "search {query:?}: {}",
        response.status()
    );
    let body: serde_json::Value = response.json().await?;
    Ok(body["total"].as_u64().unwrap_or_default())
}

/// The sizes a DBA would look at: the database, and the search index.
async fn sizes(db: &Db) -> anyhow::Result<()> {
    let (total, index) = store::search::sizes(db).await?;
    let mib = |b: i64| b as f64 / 1024.0 / 1024.0;
    println!(
        "sizes: {} {:.0} MiB, of which the search index {:.0} MiB",
        if db.engine() == store::Engine::Sqlite {
            "database"
        } else {
            "feedback table with its indexes"
        },
        mib(total),
        mib(index)
    );
    Ok(())
}

/// The background fill on the newest 20,000 items, their words taken away first (as a
/// database from before the index has them).
async fn fill(db: &Db, services: &Services) -> anyhow::Result<()> {
    let newest = store::search::newest_id(db).await?.unwrap_or(0);
    let cleared = store::search::forget_words(db, Some(newest - 20_000)).await?;
    let started = Instant::now();
    let filled = services
        .feedback()
        .fill_search_index(Duration::from_secs(600))
        .await?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "background fill: {filled} of {cleared} items without words filled in {seconds:.1} s ({:.0} items/s)",
        filled as f64 / seconds.max(1e-9)
    );
    Ok(())
}

#[derive(Clone, Copy)]
struct Stats {
    p50: f64,
    p95: f64,
    p99: f64,
    max: f64,
}

impl Stats {
    fn of(times: &mut [Duration]) -> Stats {
        times.sort_unstable();
        let at = |q: f64| {
            let i = ((times.len() as f64 - 1.0) * q).round() as usize;
            times.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
        };
        Stats {
            p50: at(0.5),
            p95: at(0.95),
            p99: at(0.99),
            max: at(1.0),
        }
    }
}

// ---- The texts -------------------------------------------------------------------------

/// The training texts, cut into clauses, and what the searches are made of.
struct Corpus {
    /// (text, kind, category)
    texts: Vec<(String, String, String)>,
    /// Clauses of every text, ending with their punctuation.
    clauses: Vec<String>,
    /// Words by how many texts hold them, most first (no function words, no single
    /// characters that are not Chinese).
    words: Vec<(String, usize)>,
}

/// One made-up item.
struct Made {
    kind: String,
    category: String,
    body: String,
    public: String,
    /// As intake writes them: the text's words and, if answered, the answer's.
    words: String,
}

/// One search to time.
struct Search {
    kind: &'static str,
    q: String,
    filters: Vec<(&'static str, String)>,
}

const SURNAMES: [&str; 20] = [
    "张", "李", "王", "赵", "刘", "陈", "杨", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗",
];
const MIDDLES: [&str; 15] = [
    "家", "庄", "河", "山", "坪", "湾", "岭", "塘", "坝", "桥", "沟", "冲", "寨", "店", "营",
];
const ENDS: [&str; 10] = ["村", "湾", "坪", "岭", "塘", "冲", "垸", "铺", "岗", "埠"];

/// A village, one of 3,000: each is in about one item in ten thousand.
fn village(n: usize) -> String {
    format!(
        "{}{}{}",
        SURNAMES[n % SURNAMES.len()],
        MIDDLES[(n / SURNAMES.len()) % MIDDLES.len()],
        ENDS[(n / (SURNAMES.len() * MIDDLES.len())) % ENDS.len()]
    )
}

const ANSWERS: [&str; 12] = [
    "您好，您反映的情况已收到，我们已转交相关部门，将尽快处理并答复您。",
    "感谢您的建议，文化馆将在下一期活动安排中认真研究采纳。",
    "经核实，文化站已于本周安排工作人员到现场处理，问题已经解决，欢迎继续监督。",
    "您咨询的问题答复如下：报名请关注文化馆公众号发布的通知，也可以在工作日致电文化馆办公室。",
    "已联系社区和物业，晚上八点半以后音响音量控制在规定范围内，请您理解支持。",
    "空调和照明已请维修师傅检修完毕，感谢您的反映。",
    "公益培训班名额有限，下一期将增加班次，具体时间以公众号通知为准。",
    "非遗展示活动将在春节前后举办，届时欢迎您和家人参加。",
    "农家书屋的开放时间已调整为周二至周日上午九点到下午五点。",
    "对工作人员服务态度的问题，我们已批评教育，并加强了窗口服务培训。",
    "场地预约可通过小程序办理，如遇问题请联系值班人员。",
    "送戏下乡演出安排已发给各乡镇文化站，请留意村里的通知。",
];

impl Corpus {
    fn load() -> anyhow::Result<Corpus> {
        let mut texts = Vec::new();
        for line in TRAIN.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line)?;
            let field = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
            texts.push((field("text"), field("type"), field("category")));
        }
        anyhow::ensure!(!texts.is_empty(), "no training texts");
        let mut clauses = Vec::new();
        for (text, _, _) in &texts {
            let mut start = 0;
            for (i, c) in text.char_indices() {
                if "，。！？；".contains(c) {
                    let end = i + c.len_utf8();
                    if end - start > 9 {
                        clauses.push(text[start..end].to_owned());
                    }
                    start = end;
                }
            }
        }
        let mut df: HashMap<String, usize> = HashMap::new();
        for (text, _, _) in &texts {
            let mut seen = text::words(text);
            seen.sort();
            seen.dedup();
            for w in seen {
                if !text::is_stopword(&w) && w.chars().count() >= 2 {
                    *df.entry(w).or_default() += 1;
                }
            }
        }
        let mut words: Vec<(String, usize)> = df.into_iter().collect();
        words.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(Corpus {
            texts,
            clauses,
            words,
        })
    }

    /// Items `range`, their words cut on every core.
    fn items(&self, range: std::ops::Range<usize>) -> Vec<Made> {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let ids: Vec<usize> = range.collect();
        let chunk = ids.len().div_ceil(cores).max(1);
        std::thread::scope(|scope| {
            let handles: Vec<_> = ids
                .chunks(chunk)
                .map(|part| scope.spawn(move || part.iter().map(|i| self.make(*i)).collect()))
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|_| Vec::new()))
                .collect()
        })
    }

    /// Item `i`: a training text, in half the items with a clause of another added, in a
    /// third of them with the writer's village; the older three in five answered.
    fn make(&self, i: usize) -> Made {
        let mut r = Rng::new(i as u64);
        let (text, kind, category) = &self.texts[r.below(self.texts.len())];
        let mut body = String::new();
        if r.below(3) == 0 {
            body.push_str(&format!("我是{}的，", village(r.below(3_000))));
        }
        body.push_str(text);
        if r.below(2) == 0 {
            body.push_str(&self.clauses[r.below(self.clauses.len())]);
        }
        let public = text::mask(&body);
        let mut words = services::feedback::index_words(&body);
        if r.below(5) < 3 {
            words.push(' ');
            words.push_str(&services::feedback::index_words(
                ANSWERS[r.below(ANSWERS.len())],
            ));
        }
        Made {
            kind: kind.clone(),
            category: category.clone(),
            body,
            public,
            words,
        }
    }

    /// `count` searches: common words, middling ones, rare ones (a village, a word of one
    /// training text), two and three words together; a third with filters.
    fn searches(&self, count: usize, stations: &[i64], now: Timestamp) -> Vec<Search> {
        let mut r = Rng::new(0x5EED);
        let common: Vec<&str> = self
            .words
            .iter()
            .take(40)
            .map(|(w, _)| w.as_str())
            .collect();
        let middling: Vec<&str> = self
            .words
            .iter()
            .skip(150)
            .take(400)
            .map(|(w, _)| w.as_str())
            .collect();
        let rare: Vec<&str> = self
            .words
            .iter()
            .filter(|(_, n)| *n == 1)
            .map(|(w, _)| w.as_str())
            .collect();
        let day = |days_ago: i64| {
            Timestamp(now.0 - days_ago * DAY_MS)
                .in_zone(&domain::time::china())
                .date()
                .to_string()
        };
        (0..count)
            .map(|n| {
                let pick = |list: &[&str], r: &mut Rng| list[r.below(list.len())].to_owned();
                let (kind, q) = match n % 20 {
                    0..=6 => ("one common word", pick(&common, &mut r)),
                    7..=10 => ("one middling word", pick(&middling, &mut r)),
                    11 | 12 => ("a village", village(r.below(3_000))),
                    13 | 14 => ("one rare word", pick(&rare, &mut r)),
                    15..=17 => {
                        // Two words that occur together: both from one training text.
                        let (text, _, _) = &self.texts[r.below(self.texts.len())];
                        let w: Vec<String> = text::words(text)
                            .into_iter()
                            .filter(|w| !text::is_stopword(w) && w.chars().count() >= 2)
                            .collect();
                        let q = match w.len() {
                            0 => pick(&common, &mut r),
                            1 => w[0].clone(),
                            len => format!("{} {}", w[r.below(len)], w[r.below(len)]),
                        };
                        ("two words of one text", q)
                    }
                    18 => (
                        "a village and a word",
                        format!("{} {}", village(r.below(3_000)), pick(&common, &mut r)),
                    ),
                    _ => (
                        "three common words",
                        format!(
                            "{} {} {}",
                            pick(&common, &mut r),
                            pick(&common, &mut r),
                            pick(&common, &mut r)
                        ),
                    ),
                };
                let filters = match r.below(9) {
                    0 => vec![("status", "open".to_owned())],
                    1 => vec![("unit", stations[r.below(stations.len())].to_string())],
                    2 => vec![("from", day(90)), ("to", day(0))],
                    _ => Vec::new(),
                };
                Search { kind, q, filters }
            })
            .collect()
    }
}

/// A small deterministic generator (xorshift), so every run searches the same things.
struct Rng(u64);

impl Rng {
    /// Seeded through splitmix64, so neighbouring seeds give unrelated sequences.
    fn new(seed: u64) -> Rng {
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}
