//! The store's behaviour, told once and run on SQLite and PostgreSQL.

use domain::notice::{NoticeCategory, NoticePriority, NoticeStatus};
use domain::{Role, TenantId, Timestamp, UnitId, UserId};
use store::notices::{self, NewNotice, NoticeChange, NoticeFilter, Units};
use store::{Conn, Db, Engine, StoreError, jobs, org, rate_limits, tenants, users};

const NOW: Timestamp = Timestamp(1_795_327_380_000);

async fn tenant(db: &Db) -> TenantId {
    tenants::insert(db, "WH", "武侯区文化馆", NOW)
        .await
        .unwrap()
}

fn new_user<'a>(tenant: TenantId, username: &'a str) -> users::NewUser<'a> {
    users::NewUser {
        tenant,
        username,
        display_name: "李文员",
        email: None,
        mobile: Some("13812345678"),
        password_hash: "x",
        must_change_password: false,
        platform_admin: false,
    }
}

testkit::on_both_engines! {
    async fn units_get_paths_that_describe_their_place(db: Db) {
        let t = tenant(&db).await;
        let tx = db.begin().await.unwrap();
        let centre = org::insert_unit(&tx, t, None, "centre", "文化馆", 0, NOW).await.unwrap();
        let station = org::insert_unit(&tx, t, Some(&centre), "station", "城关镇文化站", 1, NOW).await.unwrap();
        let point = org::insert_unit(&tx, t, Some(&station), "service_point", "东街社区文化室", 1, NOW).await.unwrap();
        tx.commit().await.unwrap();

        assert_eq!(centre.path, format!("/{}/", centre.id));
        assert_eq!(point.path, format!("/{}/{}/{}/", centre.id, station.id, point.id));
        assert!(point.unit_path().is_within(&station.unit_path()));
        let all = org::units(&db, t).await.unwrap();
        assert_eq!(all.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(), ["文化馆", "城关镇文化站", "东街社区文化室"]);
        assert_eq!(org::root_unit(&db, t).await.unwrap().unwrap().id, centre.id);
        // Another institution's units are invisible through this one.
        let other = tenants::insert(&db, "QS", "青山县文化馆", NOW).await.unwrap();
        assert!(org::find_unit(&db, other, UnitId(station.id)).await.unwrap().is_none());
    }

    async fn a_duplicate_username_is_refused_as_a_duplicate(db: Db) {
        let t = tenant(&db).await;
        users::insert(&db, new_user(t, "li"), NOW).await.unwrap();
        let again = users::insert(&db, new_user(t, "li"), NOW).await.unwrap_err();
        assert!(matches!(again, StoreError::Duplicate { .. }), "{again:?}");
        assert_eq!(users::count(&db).await.unwrap(), 1);
    }

    async fn a_transaction_dropped_without_commit_changes_nothing(db: Db) {
        let t = tenant(&db).await;
        {
            let tx = db.begin().await.unwrap();
            users::insert(&tx, new_user(t, "half"), NOW).await.unwrap();
            // dropped here: a failed request
        }
        assert!(users::find_by_username(&db, "half").await.unwrap().is_none());
        let result: Result<(), StoreError> = db
            .transaction(async |tx| {
                users::insert(tx, new_user(t, "second"), NOW).await?;
                users::insert(tx, new_user(t, "second"), NOW).await?;
                Ok(())
            })
            .await;
        assert!(result.unwrap_err().is_duplicate());
        assert_eq!(users::count(&db).await.unwrap(), 0);
    }

    async fn grants_carry_the_path_of_their_unit(db: Db) {
        let t = tenant(&db).await;
        let centre = org::insert_unit(&db, t, None, "centre", "文化馆", 0, NOW).await.unwrap();
        let user = users::insert(&db, new_user(t, "li"), NOW).await.unwrap();
        users::insert_grant(&db, t, user, Role::OfficeClerk, centre.unit_id(), None, NOW).await.unwrap();
        let grants = users::grants_of(&db, user).await.unwrap();
        let grant = grants[0].grant().unwrap();
        assert_eq!(grant.role, Role::OfficeClerk);
        assert_eq!(grant.scope, centre.unit_path());
        assert_eq!(users::count_active_with_role(&db, t, Role::OfficeClerk).await.unwrap(), 1);
        assert_eq!(users::count_active_with_role(&db, t, Role::SystemAdmin).await.unwrap(), 0);
    }

    async fn statistics_upkeep_runs_on_either_engine(db: Db) {
        let t = tenant(&db).await;
        users::insert(&db, new_user(t, "li"), NOW).await.unwrap();
        db.analyze().await.unwrap();
        db.optimize().await.unwrap();
        assert_eq!(users::count(&db).await.unwrap(), 1);
        // The planner now has statistics for the table it would otherwise guess about.
        let planner_rows = db
            .fetch_i64(&store::engine_sql::Raw {
                sqlite: "SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'users'",
                postgres: "SELECT COUNT(*) FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'users'",
                values: sea_query::Values(Vec::new()),
            })
            .await
            .unwrap();
        assert!(planner_rows > 0, "statistics for users: {planner_rows}");
    }

    async fn rate_limit_windows_count_hits(db: Db) {
        let window = Timestamp(60_000);
        for expected in 1..=3 {
            assert_eq!(rate_limits::hit(&db, "login-ip:10.0.0.1", window).await.unwrap(), expected);
        }
        assert_eq!(rate_limits::hit(&db, "login-ip:10.0.0.2", window).await.unwrap(), 1);
        assert_eq!(rate_limits::hit(&db, "login-ip:10.0.0.1", Timestamp(120_000)).await.unwrap(), 1);
        assert_eq!(rate_limits::hits(&db, "login-ip:10.0.0.1", window).await.unwrap(), 3);
        rate_limits::delete_before(&db, Timestamp(120_000)).await.unwrap();
        assert_eq!(rate_limits::hits(&db, "login-ip:10.0.0.1", window).await.unwrap(), 0);
    }

    async fn jobs_are_claimed_once_retried_and_reclaimed_after_a_lost_lease(db: Db) {
        let job = |key: &'static str| jobs::NewJob {
            tenant: None,
            kind: "test.echo",
            payload: "{}",
            dedupe_key: Some(key),
            run_at: NOW,
            max_attempts: 2,
        };
        let first = jobs::enqueue(&db, job("a"), NOW).await.unwrap();
        assert!(first.is_some());
        assert_eq!(jobs::enqueue(&db, job("a"), NOW).await.unwrap(), None, "the dedupe key holds");
        jobs::enqueue(&db, jobs::NewJob { run_at: NOW.plus_ms(60_000), ..job("later") }, NOW).await.unwrap();

        let claimed = jobs::claim(&db, "w1", NOW, NOW.plus_ms(30_000), 10).await.unwrap();
        assert_eq!(claimed.len(), 1, "only the due job");
        assert_eq!(claimed[0].attempts, 1);
        assert!(jobs::claim(&db, "w2", NOW, NOW.plus_ms(30_000), 10).await.unwrap().is_empty());

        // w1 dies; after its lease w2 takes the job over, and w1 can no longer complete it.
        let later = NOW.plus_ms(31_000);
        let retaken = jobs::claim(&db, "w2", later, later.plus_ms(30_000), 10).await.unwrap();
        assert_eq!(retaken.iter().map(|j| j.id).collect::<Vec<_>>(), vec![claimed[0].id]);
        assert_eq!(retaken[0].attempts, 2);
        let id = domain::JobId(claimed[0].id);
        assert_eq!(jobs::complete(&db, id, "w1", later).await.unwrap(), 0);
        jobs::fail(&db, id, "w2", "boom", None, later).await.unwrap();
        let dead = jobs::find(&db, id).await.unwrap().unwrap();
        assert_eq!((dead.status.as_str(), dead.last_error.as_deref()), (jobs::DEAD, Some("boom")));
        assert_eq!(jobs::next_due(&db).await.unwrap(), Some(NOW.plus_ms(60_000)));
    }

    async fn concurrent_workers_never_claim_the_same_job(db: Db) {
        for i in 0..60 {
            let key = format!("job-{i}");
            jobs::enqueue(&db, jobs::NewJob { tenant: None, kind: "k", payload: "{}", dedupe_key: Some(&key), run_at: NOW, max_attempts: 1 }, NOW).await.unwrap();
        }
        let mut workers = Vec::new();
        for w in 0..4 {
            let db = db.clone();
            workers.push(tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let got = jobs::claim(&db, &format!("w{w}"), NOW, NOW.plus_ms(60_000), 5).await.unwrap();
                    if got.is_empty() { break mine; }
                    mine.extend(got.into_iter().map(|j| j.id));
                }
            }));
        }
        let mut all = Vec::new();
        for w in workers { all.extend(w.await.unwrap()); }
        let total = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!((total, all.len()), (60, 60));
    }
}

/// The two engines' migrations must describe the same tables and columns.
#[tokio::test]
async fn both_engines_have_the_same_schema() {
    let sqlite = testkit::TestDb::sqlite().await;
    let Some(postgres) = testkit::TestDb::postgres().await else {
        return;
    };
    let lite = columns(&sqlite.db).await;
    let pg = columns(&postgres.db).await;
    assert!(lite.len() > 50, "read the sqlite schema: {lite:?}");
    assert_eq!(lite, pg);
}

/// (table, column, kind of type) for every column, in order.
async fn columns(db: &Db) -> Vec<(String, String, &'static str)> {
    use sea_query::{Expr, ExprTrait, Order, Query};
    let rows: Vec<(String, String, String)> = match db.engine() {
        Engine::Sqlite => db
            .fetch_all(
                &Query::select()
                    .expr(Expr::col(("m", "name")))
                    .expr(Expr::col(("p", "name")))
                    .expr(Expr::col(("p", "type")))
                    .from_as("sqlite_master", "m")
                    .join_as(
                        sea_query::JoinType::InnerJoin,
                        sea_query::TableRef::FunctionCall(
                            sea_query::Func::cust("pragma_table_info")
                                .arg(Expr::col(("m", "name"))),
                            "p".into(),
                        ),
                        "p",
                        Expr::cust("1 = 1"),
                    )
                    .and_where(Expr::col(("m", "type")).eq("table"))
                    .and_where(
                        Expr::col(("m", "name"))
                            .not_like("\\_%")
                            .and(Expr::col(("m", "name")).not_like("sqlite%")),
                    )
                    // A full-text index (FTS5: a virtual table and its shadow tables) is
                    // SQLite's counterpart of a PostgreSQL index, not a table.
                    .and_where(Expr::cust(
                        "NOT EXISTS (SELECT 1 FROM sqlite_master v WHERE v.sql LIKE 'CREATE VIRTUAL TABLE%' \
                         AND (m.name = v.name OR substr(m.name, 1, length(v.name) + 1) = v.name || '_'))",
                    ))
                    .to_owned(),
            )
            .await
            .unwrap(),
        Engine::Postgres => db
            .fetch_all(
                &Query::select()
                    .columns(["table_name", "column_name", "data_type"])
                    .from(("information_schema", "columns"))
                    .and_where(Expr::cust("table_schema = current_schema()"))
                    .and_where(Expr::col("table_name").not_like("\\_%"))
                    .order_by("table_name", Order::Asc)
                    .to_owned(),
            )
            .await
            .unwrap(),
    };
    let mut out: Vec<_> = rows
        .into_iter()
        .filter(|(table, _, _)| !table.starts_with('_'))
        .map(|(table, column, ty)| {
            let ty = ty.to_ascii_lowercase();
            let kind = if ty.contains("int") {
                "integer"
            } else if ty.contains("bool") {
                "boolean"
            } else if ty.contains("char") || ty.contains("text") {
                "text"
            } else if ty.contains("real") || ty.contains("double") || ty.contains("float") {
                "real"
            } else if ty.contains("blob") || ty.contains("bytea") {
                "bytes"
            } else {
                "other"
            };
            (table, column, kind)
        })
        .collect();
    out.sort();
    out
}

/// A notice at `unit` by `author`, moved on to `changes` (a new notice is a draft).
async fn notice(
    db: &Db,
    t: TenantId,
    unit: &org::UnitRow,
    author: UserId,
    title: &str,
    changes: Vec<NoticeChange>,
) -> i64 {
    let new = NewNotice {
        unit_id: unit.id,
        unit_path: unit.unit_path(),
        author,
        reviewer: None,
        title: title.into(),
        body: "正文".into(),
        category: NoticeCategory::ALL[0],
        priority: NoticePriority::ALL[0],
        requires_ack: false,
        audience: "[]".into(),
        effective_at: None,
        expires_at: None,
        publish_at: None,
        lead_override_reason: None,
        on_hall_screen: false,
        submission_key: None,
    };
    let id = notices::insert(db, t, new, NOW).await.unwrap();
    if !changes.is_empty() {
        assert_eq!(
            notices::update(db, t, id, 0, changes, NOW).await.unwrap(),
            1
        );
    }
    id
}

async fn titles(db: &Db, t: TenantId, filter: NoticeFilter) -> Vec<String> {
    notices::list(db, t, &filter)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.title)
        .collect()
}

testkit::on_both_engines! {
    async fn a_notice_list_holds_only_what_its_filter_asks_for(db: Db) {
        let t = tenant(&db).await;
        let centre = org::insert_unit(&db, t, None, "centre", "文化馆", 0, NOW).await.unwrap();
        let chengguan = org::insert_unit(&db, t, Some(&centre), "station", "城关镇文化站", 1, NOW).await.unwrap();
        let east = org::insert_unit(&db, t, Some(&chengguan), "service_point", "东街社区文化室", 1, NOW).await.unwrap();
        let qingshan = org::insert_unit(&db, t, Some(&centre), "station", "青山镇文化站", 2, NOW).await.unwrap();
        let li = users::insert(&db, new_user(t, "li"), NOW).await.unwrap();
        let wang = users::insert(&db, new_user(t, "wang"), NOW).await.unwrap();
        let tomorrow = Timestamp(NOW.0 + 24 * 3_600_000);
        let published = |on_hall_screen: bool| vec![
            NoticeChange::Status(NoticeStatus::Published),
            NoticeChange::PublishedAt(NOW),
            NoticeChange::OnHallScreen(on_hall_screen),
            NoticeChange::ExpiresAt(Some(tomorrow)),
        ];
        notice(&db, t, &centre, li, "全馆消防演练", published(true)).await;
        notice(&db, t, &chengguan, wang, "城关镇站例会", vec![NoticeChange::Status(NoticeStatus::InReview)]).await;
        notice(&db, t, &east, wang, "东街文化室开放时间调整", published(false)).await;
        notice(&db, t, &qingshan, li, "青山镇站排练安排", vec![]).await;
        // Another institution's notice never shows through this one.
        let other = tenants::insert(&db, "QS", "青山县文化馆", NOW).await.unwrap();
        let their_centre = org::insert_unit(&db, other, None, "centre", "青山县文化馆", 0, NOW).await.unwrap();
        let their_clerk = users::insert(&db, new_user(other, "zhao"), NOW).await.unwrap();
        notice(&db, other, &their_centre, their_clerk, "别馆的通知", published(true)).await;

        assert_eq!(titles(&db, t, NoticeFilter::default()).await, ["青山镇站排练安排", "东街文化室开放时间调整", "城关镇站例会", "全馆消防演练"], "newest first");
        // The station's clerk sees the station and the rooms under it, not the centre's nor another station's.
        let station = || Units::Within(vec![chengguan.unit_path()]);
        assert_eq!(titles(&db, t, NoticeFilter { units: station(), ..Default::default() }).await, ["东街文化室开放时间调整", "城关镇站例会"]);
        assert_eq!(titles(&db, t, NoticeFilter { units: Units::Within(vec![east.unit_path(), qingshan.unit_path()]), ..Default::default() }).await, ["青山镇站排练安排", "东街文化室开放时间调整"]);
        assert!(titles(&db, t, NoticeFilter { units: Units::Within(vec![]), ..Default::default() }).await.is_empty(), "no subtree, no notices");
        assert_eq!(titles(&db, t, NoticeFilter { status: Some(NoticeStatus::Published), ..Default::default() }).await, ["东街文化室开放时间调整", "全馆消防演练"]);
        assert_eq!(titles(&db, t, NoticeFilter { units: station(), status: Some(NoticeStatus::InReview), ..Default::default() }).await, ["城关镇站例会"]);
        assert_eq!(titles(&db, t, NoticeFilter { author: Some(li), ..Default::default() }).await, ["青山镇站排练安排", "全馆消防演练"]);
        let month = Some((NOW, tomorrow));
        assert_eq!(titles(&db, t, NoticeFilter { published_between: month, ..Default::default() }).await, ["东街文化室开放时间调整", "全馆消防演练"]);
        assert!(titles(&db, t, NoticeFilter { published_between: Some((tomorrow, Timestamp(tomorrow.0 + 1))), ..Default::default() }).await.is_empty());
        // The hall screen: chosen for it and in force; gone once expired.
        assert_eq!(titles(&db, t, NoticeFilter { on_hall_screen_at: Some(NOW), ..Default::default() }).await, ["全馆消防演练"]);
        assert!(titles(&db, t, NoticeFilter { on_hall_screen_at: Some(tomorrow), ..Default::default() }).await.is_empty());
        assert_eq!(titles(&db, t, NoticeFilter { limit: Some(1), ..Default::default() }).await, ["青山镇站排练安排"]);
    }
}
