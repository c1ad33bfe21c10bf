//! The feedback loop at a million items: seed, then measure submissions through the HTTP
//! API with concurrent clients, the board's first and a deep page, a filtered inbox page,
//! and the deadline sweep.

use crate::measure::{latency, peak_memory_mib, percentiles};
use anyhow::Context;
use domain::feedback::{FeedbackKind, Rating, Status};
use domain::time::DAY_MS;
use domain::{ManualClock, Timestamp};
use services::{Gateways, Principal, Services, Settings, Staff};
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;
use store::Db;
use store::feedback::NewFeedback;

#[derive(clap::Args)]
pub struct Options {
    /// Items to seed before measuring.
    #[arg(long, default_value_t = 1_000_000)]
    items: usize,
    /// Concurrent HTTP clients submitting feedback.
    #[arg(long, default_value_t = 32)]
    clients: usize,
    /// Submissions to send through the API.
    #[arg(long, default_value_t = 20_000)]
    submissions: usize,
    /// Requests per latency measurement.
    #[arg(long, default_value_t = 300)]
    samples: usize,
    /// Which engines: `sqlite`, `postgres` or both.
    #[arg(long, default_value = "sqlite,postgres")]
    engines: String,
    /// Keep the databases afterwards (to look at query plans); prints where they are.
    #[arg(long)]
    keep: bool,
    /// The PostgreSQL server to use; the benchmark works in a schema of its own and drops it.
    #[arg(
        long,
        env = "CULTUREDESK_BENCH_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    postgres_url: String,
}

const TEXTS: &str = include_str!("../../services/src/demo/feedback.tsv");
pub(crate) const PASSWORD: &str = "benchmark-password-2026";

pub async fn run(o: Options) -> anyhow::Result<()> {
    for engine in o
        .engines
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        println!("\n== {engine}: {} items, {} clients", o.items, o.clients);
        let (db, cleanup) = open(engine, &o.postgres_url).await?;
        let outcome = run_on(&db, &o).await;
        db.close().await;
        if o.keep {
            println!("kept the {engine} database");
        } else {
            cleanup.await?;
        }
        outcome?;
    }
    if let Some(mib) = peak_memory_mib() {
        println!("\npeak memory: {mib:.0} MiB");
    }
    Ok(())
}

/// A fresh database on the engine, and what removes it afterwards.
pub(crate) async fn open(
    engine: &str,
    postgres_url: &str,
) -> anyhow::Result<(
    Db,
    std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<()>>>>,
)> {
    match engine {
        "sqlite" => {
            let dir = tempfile_dir()?;
            println!("sqlite database: {}/bench.db", dir.display());
            let db = Db::connect(&format!("sqlite://{}/bench.db", dir.display())).await?;
            db.migrate().await?;
            Ok((
                db,
                Box::pin(async move { Ok(std::fs::remove_dir_all(dir)?) }),
            ))
        }
        "postgres" => {
            use sqlx::Connection;
            let schema = format!("cd_bench_{}", std::process::id());
            println!("postgres schema: {schema}");
            let mut admin = sqlx::PgConnection::connect(postgres_url)
                .await
                .context("connect to PostgreSQL")?;
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
            )))
            .execute(&mut admin)
            .await?;
            let separator = if postgres_url.contains('?') { '&' } else { '?' };
            let db = Db::connect(&format!(
                "{postgres_url}{separator}options=-c%20search_path%3D{schema}"
            ))
            .await?;
            db.migrate().await?;
            Ok((
                db,
                Box::pin(async move {
                    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                        .execute(&mut admin)
                        .await?;
                    Ok(())
                }),
            ))
        }
        other => anyhow::bail!("unknown engine {other}: use sqlite or postgres"),
    }
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("culturedesk-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

async fn run_on(db: &Db, o: &Options) -> anyhow::Result<()> {
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
    let (admin, units) = institution(&services).await?;
    let tenant = admin.actor.tenant_id;

    let started = Instant::now();
    let seeded = seed(db, tenant, &units, o.items, now).await?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "seeded {seeded} items in {seconds:.1} s ({:.0} items/s)",
        seeded as f64 / seconds
    );
    // What a DBA does after a bulk load; a server that grew to this size day by day has
    // its statistics kept by autovacuum (PostgreSQL) or the hourly upkeep (SQLite).
    let started = Instant::now();
    db.analyze().await?;
    println!(
        "statistics refreshed in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    services.feedback().compute_figures(tenant).await?;
    println!(
        "figures over the last year computed in {:.2} s",
        started.elapsed().as_secs_f64()
    );

    let (base, server) = serve(&services).await?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(o.clients)
        .build()?;

    submissions(&client, &base, db, tenant, o).await?;
    pages(&client, &base, o).await?;
    sweep(&services, &clock, now).await?;
    server.abort();
    Ok(())
}

/// The institution: eight stations with two service points each, five departments, and
/// an administrator with a known password.
pub(crate) async fn institution(
    services: &Services,
) -> anyhow::Result<(Staff, Vec<(i64, i64, String)>)> {
    services.create_institution("BM", "基准测试文化馆").await?;
    let (username, one_time) = services
        .ensure_first_admin()
        .await?
        .context("a first administrator")?;
    let admin = sign_in(services, &username, &one_time).await?;
    services
        .change_password(&admin, &one_time, PASSWORD, PASSWORD)
        .await?;
    let admin = sign_in(services, &username, PASSWORD).await?;
    let tenant = admin.actor.tenant_id;
    let root = services.org_tree(tenant).await?.units[0].id;
    for kind in ["activity", "training", "heritage", "information"] {
        services.add_department(&admin, root, kind, kind).await?;
    }
    for s in 0..8 {
        let station = services
            .add_unit(&admin, root, "station", &format!("第{s}文化站"))
            .await?;
        for p in 0..2 {
            services
                .add_unit(
                    &admin,
                    station,
                    "service_point",
                    &format!("第{s}站服务点{p}"),
                )
                .await?;
        }
    }
    // Benchmark clients all come from one address: lift the per-address limit.
    let settings = serde_json::json!({ "feedback": { "per_ip_per_hour": 1_000_000_000i64, "per_contact_per_day": 1_000_000_000i64 } });
    store::tenants::update_settings(services.db(), tenant, &settings.to_string()).await?;
    let units = store::org::units(services.db(), tenant)
        .await?
        .into_iter()
        .map(|u| {
            let station = u.unit_path().ids().get(1).map_or(u.id, |s| s.0);
            (u.id, station, u.path)
        })
        .collect();
    Ok((admin, units))
}

pub(crate) async fn sign_in(
    services: &Services,
    username: &str,
    password: &str,
) -> anyhow::Result<Staff> {
    let login = services.login(username, password, None, None).await?;
    match services.principal(&login.token, None).await? {
        Some(Principal::Staff(staff)) => Ok(*staff),
        _ => anyhow::bail!("no staff session"),
    }
}

/// Bulk-loads `count` items over the last two years, most of them long closed, some open
/// and overdue, the newest month busy.
async fn seed(
    db: &Db,
    tenant: domain::TenantId,
    units: &[(i64, i64, String)],
    count: usize,
    now: Timestamp,
) -> anyhow::Result<usize> {
    let texts: Vec<(String, String, String, String)> = TEXTS
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Some((
                f.first()?.to_string(),
                f.get(1)?.to_string(),
                f.get(6)?.to_string(),
                text::mask(f.get(6)?),
            ))
        })
        .collect();
    let departments: Vec<i64> = store::org::departments(db, tenant)
        .await?
        .iter()
        .map(|d| d.id)
        .collect();
    let span = SPAN_MS;
    let seeded = load(db, count, |range| {
        range
            .map(|i| item(i, count, span, now, tenant, units, &departments, &texts))
            .collect()
    })
    .await?;
    // New submissions continue the numbering after the seeded items.
    let year = now.in_zone(&domain::time::china()).year();
    store::feedback_setup::reserve(db, tenant, &format!("tracking:{year}"), count as i64).await?;
    Ok(seeded)
}

/// Writes `count` items, `rows` giving the rows of each range of them in order: many rows
/// per statement and many statements per transaction, as a bulk load does.
pub(crate) async fn load(
    db: &Db,
    count: usize,
    mut rows: impl FnMut(std::ops::Range<usize>) -> Vec<NewFeedback>,
) -> anyhow::Result<usize> {
    let batch = 400;
    let mut seeded = 0;
    while seeded < count {
        let tx = db.begin().await?;
        for _ in 0..25 {
            if seeded >= count {
                break;
            }
            let rows = rows(seeded..(seeded + batch).min(count));
            seeded += rows.len();
            // The open items' next deadline check, as the ledger's migration carries it
            // over from before (a `recheck` the sweep turns into the item's plan).
            let checks: HashMap<String, (domain::TenantId, Timestamp)> = rows
                .iter()
                .filter(|r| r.status.is_open())
                .filter_map(|r| {
                    let due = match r.first_responded_at {
                        None => r.first_response_due,
                        Some(_) => r.resolution_due,
                    };
                    Some((r.tracking_no.clone(), (r.tenant, due?)))
                })
                .collect();
            let written = store::feedback::insert_many_returning(&tx, rows).await?;
            let plans: Vec<_> = written
                .into_iter()
                .filter_map(|(id, no)| {
                    let (tenant, due) = checks.get(&no)?;
                    let subject = store::reminders::Subject::Feedback(id);
                    Some((*tenant, subject, vec![(store::reminders::RECHECK, *due)]))
                })
                .collect();
            store::reminders::plan_new(&tx, &plans).await?;
        }
        tx.commit().await?;
        if seeded % 100_000 < batch * 25 {
            print!("\r  {seeded} items");
            use std::io::Write;
            let _ = std::io::stdout().flush();
        }
    }
    println!();
    Ok(seeded)
}

/// The seeded items are received over this long before now.
pub(crate) const SPAN_MS: i64 = 730 * DAY_MS;

/// Item `i` of `count` seeded over `span` before `now`: its status, dates, unit and
/// department follow from `i`; its text is `texts[i % texts.len()]` (kind, category, text,
/// public text).
#[allow(clippy::too_many_arguments)]
pub(crate) fn item(
    i: usize,
    count: usize,
    span: i64,
    now: Timestamp,
    tenant: domain::TenantId,
    units: &[(i64, i64, String)],
    departments: &[i64],
    texts: &[(String, String, String, String)],
) -> NewFeedback {
    let received = now.0 - span + (span / count as i64) * i as i64;
    let age_days = (now.0 - received) / DAY_MS;
    let roll = (i * 7919) % 100;
    let status = if age_days > 30 {
        match roll {
            0..85 => "closed",
            85..90 => "answered",
            90..93 => "not_accepted",
            93..95 => "spam",
            95..97 => "assigned",
            _ => "in_progress",
        }
    } else {
        match roll {
            0..30 => "new",
            30..60 => "assigned",
            60..80 => "in_progress",
            _ => "answered",
        }
    };
    let (kind, category, body, public) = &texts[i % texts.len()];
    let (unit, station, path) = &units[i % units.len()];
    let department = (status != "new").then(|| departments[i % departments.len()]);
    let first_due = received + DAY_MS;
    let resolution_due = received + 7 * DAY_MS;
    let responded = (status != "new").then_some(received + 3 * 3_600_000);
    let answered =
        matches!(status, "answered" | "closed").then_some(received + (2 + (i % 9) as i64) * DAY_MS);
    let year = Timestamp(received).in_zone(&domain::time::china()).year();
    let parse_status = |code: &str| Status::parse(code).unwrap_or(Status::New);
    NewFeedback {
        kind: FeedbackKind::parse(kind).unwrap_or(FeedbackKind::Request),
        category: Some(category.clone()),
        unit_id: *unit,
        station_id: *station,
        unit_path: path.clone(),
        department_id: department,
        status: parse_status(status),
        public_body: Some(public.clone()),
        support_count: ((i * 31) % 7) as i64,
        first_response_due: Some(Timestamp(first_due)),
        resolution_due: Some(Timestamp(resolution_due)),
        first_responded_at: responded.map(Timestamp),
        answered_at: answered.map(Timestamp),
        closed_at: (status == "closed").then_some(Timestamp(received + 12 * DAY_MS)),
        rating: (status == "closed" && roll.is_multiple_of(3)).then_some(Rating::Satisfied),
        ..NewFeedback::new(
            tenant,
            format!("BM-{year}-S{i:07}"),
            body.clone(),
            Timestamp(received),
        )
    }
}

/// Submissions through the public JSON API from concurrent clients.
async fn submissions(
    client: &reqwest::Client,
    base: &str,
    db: &Db,
    tenant: domain::TenantId,
    o: &Options,
) -> anyhow::Result<()> {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..o.clients {
        let (client, next, url, total) = (
            client.clone(),
            next.clone(),
            format!("{base}/api/v1/feedback"),
            o.submissions,
        );
        tasks.push(tokio::spawn(async move {
            let mut numbers = Vec::new();
            let mut errors = 0usize;
            let mut times = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    return (numbers, errors, times);
                }
                let body = serde_json::json!({
                    "text": format!("基准测试第{i}条：希望文化站周末延长开放时间，方便上班族参加活动。"),
                    "kind": "suggestion",
                });
                let t = Instant::now();
                let sent = client.post(&url).header("Idempotency-Key", format!("benchmark-submission-{i:010}")).json(&body).send().await;
                times.push(t.elapsed());
                match sent {
                    Ok(r) if r.status().is_success() => match r.json::<serde_json::Value>().await {
                        Ok(v) => numbers.push(v["tracking_no"].as_str().unwrap_or_default().to_owned()),
                        Err(_) => errors += 1,
                    },
                    _ => errors += 1,
                }
            }
        }));
    }
    let mut numbers = Vec::new();
    let mut errors = 0;
    let mut times = Vec::new();
    for task in tasks {
        let (n, e, t) = task.await?;
        numbers.extend(n);
        errors += e;
        times.extend(t);
    }
    let seconds = started.elapsed().as_secs_f64();
    let distinct: HashSet<&String> = numbers.iter().collect();
    let (median, p99) = percentiles(&mut times);
    println!(
        "submissions: {} in {seconds:.2} s = {:.0}/s with {} clients; errors {errors}; duplicate tracking numbers {}; latency median {median:.1} ms, p99 {p99:.1} ms",
        numbers.len(),
        numbers.len() as f64 / seconds,
        o.clients,
        numbers.len() - distinct.len(),
    );
    let duplicates_in_db = store::feedback::repeated_tracking_numbers(db, tenant).await?;
    println!(
        "duplicate tracking numbers in the database: {}",
        duplicates_in_db.len()
    );
    Ok(())
}

/// The board's first page and a deep one, and a filtered inbox page.
async fn pages(client: &reqwest::Client, base: &str, o: &Options) -> anyhow::Result<()> {
    let get = |url: String| {
        let client = client.clone();
        async move {
            let r = client.get(&url).send().await?;
            anyhow::ensure!(r.status().is_success(), "{url}: {}", r.status());
            r.bytes().await?;
            Ok(())
        }
    };
    let (median, p99) = latency(o.samples, |_| get(format!("{base}/board"))).await?;
    println!("board, first page: median {median:.1} ms, p99 {p99:.1} ms");
    // A deep page: about 90% of the way down a million items.
    let deep_id = (o.items as f64 * 0.1) as i64 + 1;
    let (median, p99) =
        latency(o.samples, |_| get(format!("{base}/board?after={deep_id}"))).await?;
    println!("board, deep page (after item {deep_id}): median {median:.1} ms, p99 {p99:.1} ms");

    let token = api_token(client, base, "admin", PASSWORD).await?;
    let inbox = format!("{base}/api/v1/inbox?status=open&category=activity&sort=deadline");
    let (median, p99) = latency(o.samples, |_| {
        let (client, url, token) = (client.clone(), inbox.clone(), token.clone());
        async move {
            let r = client.get(&url).bearer_auth(&token).send().await?;
            anyhow::ensure!(r.status().is_success(), "inbox: {}", r.status());
            r.bytes().await?;
            Ok(())
        }
    })
    .await?;
    println!("inbox, open activity items by deadline: median {median:.1} ms, p99 {p99:.1} ms");
    Ok(())
}

/// The deadline sweep: once with everything overdue waiting, once with nothing due.
async fn sweep(services: &Services, clock: &ManualClock, now: Timestamp) -> anyhow::Result<()> {
    clock.set(now);
    let started = Instant::now();
    let fired = services.feedback().sweep_deadlines().await?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "deadline sweep over the backlog: {fired} alerts fired in {seconds:.1} s ({:.0}/s)",
        fired as f64 / seconds.max(1e-9)
    );
    let started = Instant::now();
    let again = services.feedback().sweep_deadlines().await?;
    println!(
        "deadline sweep with nothing due: {again} alerts in {:.1} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}

/// The web app on a free port of 127.0.0.1: its base URL and the task serving it.
pub(crate) async fn serve(
    services: &Services,
) -> anyhow::Result<(String, tokio::task::JoinHandle<()>)> {
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
    Ok((base, server))
}

/// A bearer token for `username`, signed in through the API.
pub(crate) async fn api_token(
    client: &reqwest::Client,
    base: &str,
    username: &str,
    password: &str,
) -> anyhow::Result<String> {
    let reply = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({ "username": username, "password": password }))
        .send()
        .await?
        .json::<serde_json::Value>()
        .await?;
    reply["token"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("{username} could not sign in: {reply}"))
}
