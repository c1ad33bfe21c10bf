//! Internal notices at the size of a province's centre: one notice to 10,000 recipients.
//!
//! Prints, per engine: the time to publish it in-app (every recipient row written and
//! committed) and for every live console session on this node to hear of it; the time for
//! those sessions to re-read their badge; how long the receipts view takes to build; and the
//! receipts page over HTTP.

use crate::feedback::{api_token, institution, open, serve, sign_in};
use crate::measure::{latency, peak_memory_mib, percentiles};
use domain::notice::AudienceRule;
use domain::time::MINUTE_MS;
use domain::{ManualClock, Role, Timestamp, UnitId, UserId};
use services::notices::{NoticeDraft, ReviewDecision};
use services::{Gateways, NewStaff, Services, Settings};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use store::Db;

#[derive(clap::Args)]
pub struct Options {
    /// Recipients of the notice.
    #[arg(long, default_value_t = 10_000)]
    recipients: usize,
    /// Engines to measure, comma-separated.
    #[arg(long, default_value = "sqlite,postgres")]
    engines: String,
    #[arg(
        long,
        env = "CULTUREDESK_BENCH_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    postgres_url: String,
}

const PASSWORD: &str = "benchmark-password-2026";

pub async fn run(o: Options) -> anyhow::Result<()> {
    for engine in o
        .engines
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        println!("\n== {engine}: one notice to {} recipients", o.recipients);
        let (db, cleanup) = open(engine, &o.postgres_url).await?;
        let outcome = run_on(&db, &o).await;
        db.close().await;
        cleanup.await?;
        outcome?;
    }
    if let Some(mib) = peak_memory_mib() {
        println!("\npeak memory: {mib:.0} MiB");
    }
    Ok(())
}

async fn run_on(db: &Db, o: &Options) -> anyhow::Result<()> {
    let clock = ManualClock::new(Timestamp(jiff::Timestamp::now().as_millisecond()));
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
    let root = units[0].0;
    let started = Instant::now();
    seed_staff(db, &services, tenant, o.recipients, &units).await?;
    println!(
        "seeded {} staff with grants in {:.1} s",
        o.recipients,
        started.elapsed().as_secs_f64()
    );
    db.analyze().await?;
    let author = staff(&services, &admin, "bench.clerk", "office_clerk", root).await?;
    let director = staff(&services, &admin, "bench.director", "office_director", root).await?;

    // Approved for a minute from now, so publishing is the sweep's work alone.
    let draft = NoticeDraft {
        title: "关于做好年末安全检查工作的通知".into(),
        body: "各部门、各文化站：请于本周五前完成消防通道、电线线路和展厅设施的安全检查。".into(),
        category: "notice".into(),
        priority: "urgent".into(),
        requires_ack: true,
        audience: vec![AudienceRule::Unit { unit: UnitId(root) }],
        publish_at: Some(clock_now(&clock).plus_ms(MINUTE_MS)),
        ..Default::default()
    };
    let id = services
        .notices()
        .create_notice(&author, &draft, None)
        .await?;
    services.notices().submit_notice(&author, id).await?;
    services
        .notices()
        .review_notice(&director, id, ReviewDecision::Approve, None, None)
        .await?;

    // Live sessions on this node, each waiting for the broadcast.
    let sessions = o.recipients;
    let heard = Arc::new(AtomicUsize::new(0));
    let all_heard = Arc::new(tokio::sync::Notify::new());
    let mut tasks = Vec::with_capacity(sessions);
    for _ in 0..sessions {
        let mut rx = services.notices().live().subscribe();
        let heard = heard.clone();
        let all_heard = all_heard.clone();
        tasks.push(tokio::spawn(async move {
            if rx.recv().await.is_ok() && heard.fetch_add(1, Ordering::AcqRel) + 1 == sessions {
                all_heard.notify_one();
            }
        }));
    }
    clock.advance_ms(MINUTE_MS);
    let started = Instant::now();
    services.notices().sweep_notices().await?;
    let written = started.elapsed();
    tokio::time::timeout(Duration::from_secs(30), all_heard.notified()).await?;
    let told = started.elapsed();
    let view = services.notices().notice(&author, id).await?;
    // As the hourly upkeep (or PostgreSQL's autovacuum) would after a burst of writes.
    db.analyze().await?;
    println!(
        "published to {} recipients: rows written and committed in {:.0} ms; all {} live sessions told in {:.0} ms (target: under 1000 ms)",
        view.recipient_count,
        written.as_secs_f64() * 1e3,
        heard.load(Ordering::Acquire),
        told.as_secs_f64() * 1e3
    );
    for t in tasks {
        t.await?;
    }

    // Each session then re-reads its own badge: one indexed count per session.
    let readers: Vec<i64> = store::users::list(db, tenant)
        .await?
        .into_iter()
        .map(|u| u.id)
        .take(sessions)
        .collect();
    let sample = readers.len().min(1000);
    let started = Instant::now();
    for user in &readers[..sample] {
        store::notices::unread_count(db, tenant, UserId(*user)).await?;
    }
    let per_badge = started.elapsed().as_secs_f64() * 1e3 / sample.max(1) as f64;
    println!(
        "badge re-read: {per_badge:.2} ms per session one after another ({sample} sampled); {:.0} ms for all {sessions} on one connection",
        per_badge * sessions as f64
    );

    // Some have read and acknowledged, as they would within the hour.
    for user in readers.iter().step_by(3) {
        store::notices::acknowledge(db, tenant, id, UserId(*user), clock_now(&clock)).await?;
    }
    for (what, page) in [
        ("first page of the view", Some(0)),
        ("every line, as exported", None),
    ] {
        let mut times = Vec::new();
        for _ in 0..20 {
            let started = Instant::now();
            let receipts = match page {
                Some(p) => {
                    services
                        .notices()
                        .notice_receipts_page(&author, id, None, None, p)
                        .await?
                }
                None => {
                    services
                        .notices()
                        .notice_receipts(&author, id, None, None)
                        .await?
                }
            };
            times.push(started.elapsed());
            std::hint::black_box(receipts);
        }
        let (p50, p99) = percentiles(&mut times);
        println!(
            "receipts of {} recipients, {what}: p50 {p50:.1} ms, p99 {p99:.1} ms (target for the view: under 50 ms)",
            view.recipient_count
        );
    }

    // The receipts page as the author's browser gets it: through HTTP, rendered as HTML.
    let (base, server) = serve(&services).await?;
    let client = reqwest::Client::new();
    let token = api_token(&client, &base, "bench.clerk", PASSWORD).await?;
    let url = format!("{base}/console/notices/{id}/receipts");
    let (p50, p99) = latency(20, |_| {
        let (client, url, token) = (client.clone(), url.clone(), token.clone());
        async move {
            let r = client.get(&url).bearer_auth(&token).send().await?;
            anyhow::ensure!(r.status().is_success(), "receipts page: {}", r.status());
            r.bytes().await?;
            Ok(())
        }
    })
    .await?;
    server.abort();
    println!(
        "receipts page over HTTP (HTML with the counts and the first 200 lines): p50 {p50:.1} ms, p99 {p99:.1} ms (target: under 50 ms)"
    );
    Ok(())
}

fn clock_now(clock: &ManualClock) -> Timestamp {
    use domain::Clock;
    clock.now()
}

/// `count` department staff spread over the departments and units, written straight to the
/// database (one shared password hash: signing them in is not what is measured).
async fn seed_staff(
    db: &Db,
    services: &Services,
    tenant: domain::TenantId,
    count: usize,
    units: &[(i64, i64, String)],
) -> anyhow::Result<()> {
    let departments: Vec<(i64, i64)> = store::org::departments(db, tenant)
        .await?
        .iter()
        .map(|d| (d.id, d.unit_id))
        .collect();
    let now = services.now();
    let tx = db.begin().await?;
    for i in 0..count {
        let username = format!("staff{i:05}");
        let email = format!("{username}@bench.example.org");
        let user = store::users::insert(
            &tx,
            store::users::NewUser {
                tenant,
                username: &username,
                display_name: &format!("员工{i:05}"),
                email: Some(&email),
                mobile: None,
                password_hash: "not-a-real-hash",
                must_change_password: false,
                platform_admin: false,
            },
            now,
        )
        .await?;
        // Most in a department at the centre; the rest at stations and service points.
        if i % 4 != 0 {
            let (department, unit) = departments[i % departments.len()];
            store::users::insert_grant(
                &tx,
                tenant,
                user,
                Role::DepartmentStaff,
                UnitId(unit),
                Some(domain::DepartmentId(department)),
                now,
            )
            .await?;
        } else {
            let unit = units[1 + i % (units.len() - 1)].0;
            store::users::insert_grant(
                &tx,
                tenant,
                user,
                Role::OfficeClerk,
                UnitId(unit),
                None,
                now,
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

async fn staff(
    services: &Services,
    admin: &services::Staff,
    username: &str,
    role: &str,
    unit: i64,
) -> anyhow::Result<services::Staff> {
    let new = NewStaff {
        username: username.into(),
        display_name: username.into(),
        role: role.into(),
        unit: unit.to_string(),
        ..Default::default()
    };
    let (_, one_time) = services.create_staff(admin, new).await?;
    let first = sign_in(services, username, &one_time).await?;
    services
        .change_password(&first, &one_time, PASSWORD, PASSWORD)
        .await?;
    sign_in(services, username, PASSWORD).await
}
