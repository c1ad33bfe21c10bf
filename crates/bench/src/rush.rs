//! The 9 a.m. rush: a popular class opens and thousands of distinct members press the
//! button within the same seconds. Sends one registration per member through the HTTP API
//! from many concurrent clients, then checks the database: nothing oversold, nobody twice,
//! every request answered. Also times a lottery draw over 50,000 applications and checks
//! that the published seed reproduces it.

use crate::measure::{peak_memory_mib, quantiles_ms};
use anyhow::Context;
use domain::event::lottery::{allocate, commitment, draw_order, seed_hex, verify_commitment};
use domain::{ManualClock, Role, Timestamp};
use services::events::{ActivityDraft, DateDraft};
use services::{Gateways, Services, Settings};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use store::Db;
use tokio::sync::Mutex;

#[derive(clap::Args)]
pub struct Options {
    /// Distinct members, each sending one registration.
    #[arg(long, default_value_t = 20_000)]
    members: usize,
    /// Concurrent HTTP clients.
    #[arg(long, default_value_t = 500)]
    clients: usize,
    /// The class sizes to run, one run each.
    #[arg(long, default_value = "200,2000")]
    seats: String,
    /// Which engines: `sqlite`, `postgres` or both.
    #[arg(long, default_value = "sqlite,postgres")]
    engines: String,
    /// Applications in the lottery draw measured at the end.
    #[arg(long, default_value_t = 50_000)]
    applications: usize,
    #[arg(
        long,
        env = "CULTUREDESK_BENCH_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    postgres_url: String,
}

pub async fn run(o: Options) -> anyhow::Result<()> {
    let sizes: Vec<u32> = o
        .seats
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    for engine in o
        .engines
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        for seats in &sizes {
            println!(
                "\n== {engine}: {seats} seats, {} members, {} clients",
                o.members, o.clients
            );
            let (db, cleanup) = crate::feedback::open(engine, &o.postgres_url).await?;
            let outcome = rush(&db, &o, *seats).await;
            db.close().await;
            cleanup.await?;
            outcome?;
        }
    }
    lottery(o.applications)?;
    if let Some(mib) = peak_memory_mib() {
        println!("\npeak memory: {mib:.0} MiB");
    }
    Ok(())
}

async fn rush(db: &Db, o: &Options, seats: u32) -> anyhow::Result<()> {
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
    let (admin, _) = crate::feedback::institution(&services).await?;
    let tenant = admin.actor.tenant_id;
    let root = services.org_tree(tenant).await?.units[0].id;
    store::users::insert_grant(
        db,
        tenant,
        admin.actor.user_id,
        Role::OfficeDirector,
        root,
        None,
        now,
    )
    .await?;
    let office = crate::feedback::sign_in(
        &services,
        &admin_username(&services, tenant).await?,
        crate::feedback::PASSWORD,
    )
    .await?;
    let date = open_class(&services, &office, root.0, seats, now).await?;

    let started = Instant::now();
    let tokens = members(db, tenant, o.members, now).await?;
    println!(
        "{} members signed in, in {:.1} s",
        tokens.len(),
        started.elapsed().as_secs_f64()
    );
    let (base, server) = crate::feedback::serve(&services).await?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(o.clients)
        .timeout(Duration::from_secs(120))
        .build()?;
    let queue = Arc::new(Mutex::new(tokens));
    let url = format!("{base}/api/v1/events/dates/{date}/registrations");
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..o.clients {
        let (queue, client, url) = (queue.clone(), client.clone(), url.clone());
        workers.push(tokio::spawn(async move {
            let mut answers = Vec::new();
            loop {
                let Some(token) = queue.lock().await.pop() else {
                    break;
                };
                let sent = Instant::now();
                let reply = client
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&serde_json::json!({ "name": "报名者", "join_waiting_list": false }))
                    .send()
                    .await;
                let answer = match reply {
                    Ok(r) => {
                        let status = r.status().as_u16();
                        let body = r.text().await.unwrap_or_default();
                        (status, body)
                    }
                    Err(e) => (0, e.to_string()),
                };
                answers.push((answer, sent.elapsed()));
            }
            answers
        }));
    }
    let mut accepted = Vec::new();
    let mut full = Vec::new();
    let mut errors: HashMap<String, usize> = HashMap::new();
    for w in workers {
        for ((status, body), took) in w.await? {
            match status {
                201 => accepted.push(took),
                409 if body.contains("event_err_full") || body.contains("名额已满") => {
                    full.push(took)
                }
                _ => {
                    let key = format!("{status} {}", body.chars().take(120).collect::<String>());
                    *errors.entry(key).or_default() += 1;
                }
            }
        }
    }
    let last = started.elapsed();
    server.abort();
    let answered = accepted.len() + full.len() + errors.values().sum::<usize>();
    println!("accepted: {}", accepted.len());
    println!("rejected as full: {}", full.len());
    println!("errors: {}", errors.values().sum::<usize>());
    for (e, n) in &errors {
        println!("  {n} × {e}");
    }
    let (oversold, doubles, taken) = check(db, tenant, date, seats, &services).await?;
    println!("oversold seats: {oversold} (seat counter {taken} of {seats})");
    println!("duplicate registrations: {doubles}");
    println!(
        "throughput: {:.0} answers/s; last answer after {:.2} s",
        answered as f64 / last.as_secs_f64(),
        last.as_secs_f64()
    );
    let [a50, a95, a99] = quantiles_ms(&mut accepted, [0.5, 0.95, 0.99]);
    let [r50, r95, r99] = quantiles_ms(&mut full, [0.5, 0.95, 0.99]);
    println!("accepted latency ms: p50 {a50:.1}, p95 {a95:.1}, p99 {a99:.1}");
    println!("rejected latency ms: p50 {r50:.1}, p95 {r95:.1}, p99 {r99:.1}");
    Ok(())
}

/// A 9:00 class of `seats` seats, published and open.
async fn open_class(
    services: &Services,
    office: &services::Staff,
    unit: i64,
    seats: u32,
    now: Timestamp,
) -> anyhow::Result<i64> {
    let at = |t: Timestamp| t.format_minutes(&domain::time::china());
    let e = services.events();
    let draft = ActivityDraft {
        title: "热门少儿舞蹈班".into(),
        description: "春季班，九点开放报名。".into(),
        category: "training".into(),
        unit: unit.to_string(),
        venue: "文化馆排练厅".into(),
        booking: "per_date".into(),
        allocation: "first_come".into(),
        ..Default::default()
    };
    let id = e.create_activity(office, &draft).await?;
    let starts = now.plus_ms(7 * domain::time::DAY_MS);
    let date = e
        .add_date(
            office,
            id,
            &DateDraft {
                starts_at: at(starts),
                ends_at: at(starts.plus_ms(domain::time::HOUR_MS)),
                capacity: seats.to_string(),
                reserves: Vec::new(),
            },
        )
        .await?;
    let version = e.staff_activity(office, id).await?.version;
    e.publish_activity(office, id, version).await?;
    Ok(date)
}

async fn admin_username(services: &Services, tenant: domain::TenantId) -> anyhow::Result<String> {
    let users = store::users::list(services.db(), tenant).await?;
    users
        .into_iter()
        .next()
        .map(|u| u.username)
        .context("the administrator")
}

/// `n` members, each with an API session; gives their bearer tokens.
async fn members(
    db: &Db,
    tenant: domain::TenantId,
    n: usize,
    now: Timestamp,
) -> anyhow::Result<Vec<String>> {
    let mut tokens = Vec::with_capacity(n);
    for chunk in (0..n).collect::<Vec<_>>().chunks(1000) {
        let tx = db.begin().await?;
        for i in chunk {
            let mobile = format!("13{:09}", 100_000_000 + i);
            let member = store::members::upsert_by_mobile(&tx, tenant, &mobile, now).await?;
            let token = services::new_token();
            let hash = desk::secrets::token_hash(&token);
            store::sessions::insert(
                &tx,
                store::sessions::NewSession {
                    id_hash: &hash,
                    tenant,
                    user: None,
                    member: Some(member),
                    expires_at: now.plus_ms(domain::time::DAY_MS),
                    ip: None,
                    user_agent: None,
                },
                now,
            )
            .await?;
            tokens.push(token);
        }
        tx.commit().await?;
    }
    Ok(tokens)
}

/// What the database holds after the rush: seats oversold, members with two places, and
/// the seat counter.
async fn check(
    db: &Db,
    tenant: domain::TenantId,
    date: i64,
    seats: u32,
    _s: &Services,
) -> anyhow::Result<(i64, i64, i32)> {
    let filter = store::events::RegistrationFilter {
        dates: vec![date],
        statuses: vec!["confirmed", "offered", "waiting", "applied"],
        ..Default::default()
    };
    let regs = store::events::registrations(db, tenant, &filter).await?;
    let held: i64 = regs
        .iter()
        .filter(|r| r.status == "confirmed")
        .map(|r| i64::from(r.seats))
        .sum();
    let mut per_member: HashMap<i64, i64> = HashMap::new();
    for r in &regs {
        if let Some(m) = r.member_id {
            *per_member.entry(m).or_default() += 1;
        }
    }
    let doubles = per_member.values().filter(|n| **n > 1).count() as i64;
    let row = store::events::find_date(db, tenant, date)
        .await?
        .context("the date")?;
    Ok(((held - i64::from(seats)).max(0), doubles, row.taken))
}

/// The draw over `n` applications: its time, and that the published seed reproduces it.
fn lottery(n: usize) -> anyhow::Result<()> {
    let seed: [u8; 32] = rand::random();
    let published = commitment(&seed);
    let seed = seed_hex(&seed);
    let numbers: Vec<String> = (1..=n).map(|i| format!("A{i:06}")).collect();
    let sizes: HashMap<String, u32> = numbers
        .iter()
        .enumerate()
        .map(|(i, a)| (a.clone(), 1 + (i % 3) as u32))
        .collect();
    let started = Instant::now();
    let order = draw_order(&seed, &numbers)?;
    let result = allocate(&order, &sizes, 200)?;
    let took = started.elapsed();
    let again = allocate(&draw_order(&seed, &numbers)?, &sizes, 200)?;
    let same = again.winners == result.winners && again.waiting == result.waiting;
    println!(
        "\nlottery: {n} applications drawn in {:.0} ms; {} winners; commitment verifies: {}; recomputed from the seed: {}",
        took.as_secs_f64() * 1000.0,
        result.winners.len(),
        verify_commitment(&seed, &published),
        if same { "identical" } else { "DIFFERENT" }
    );
    Ok(())
}
