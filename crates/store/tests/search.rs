//! Full-text search in the store: the engines' indexes over `feedback.search_text`, told
//! once and run on SQLite and PostgreSQL.

use domain::{TenantId, Timestamp};
use sea_query::{Expr, ExprTrait, Query};
use store::schema::Feedback as F;
use store::search::{self, Scan, Scored};
use store::{Conn, Db, feedback as fb, org, tenants};

const NOW: Timestamp = Timestamp(1_795_327_380_000);

struct Place {
    tenant: TenantId,
    unit: i64,
    path: String,
}

async fn place(db: &Db) -> Place {
    let tenant = tenants::insert(db, "QS", "青山县文化馆", NOW)
        .await
        .unwrap();
    let centre = org::insert_unit(db, tenant, None, "centre", "文化馆", 0, NOW)
        .await
        .unwrap();
    Place {
        tenant,
        unit: centre.id,
        path: centre.path,
    }
}

/// An item with `words` (space-separated, as the application cuts them), or none.
async fn item(db: &Db, p: &Place, n: usize, words: Option<&str>) -> i64 {
    let mut new =
        fb::NewFeedback::new(p.tenant, format!("QS-2026-{n:06}"), format!("第{n}条"), NOW);
    new.kind = domain::feedback::FeedbackKind::Complaint;
    new.unit_id = p.unit;
    new.station_id = p.unit;
    new.unit_path = p.path.clone();
    new.search_text = words.map(str::to_owned);
    fb::insert(db, new).await.unwrap()
}

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|w| (*w).to_owned()).collect()
}

/// The matches among items `(above, at_most]`, newest first, found both ways — which must
/// agree.
async fn find_in(
    db: &Db,
    p: &Place,
    query: &[&str],
    range: (Option<i64>, i64),
    limit: u64,
) -> Vec<Scored> {
    let mut both = Vec::new();
    for scan in [Scan::NewestFirst, Scan::Index] {
        let all = fb::FeedbackFilter::default();
        both.push(
            search::matching(db, p.tenant, &all, &words(query), scan, range, limit)
                .await
                .unwrap(),
        );
    }
    assert_eq!(
        both[0], both[1],
        "{query:?}: walking newest first and asking the index agree"
    );
    // The ids alone, ranked afterwards in one statement, are the same matches with the
    // same relevance.
    let all = fb::FeedbackFilter::default();
    let ids = search::matching_ids(
        db,
        p.tenant,
        &all,
        &words(query),
        Scan::NewestFirst,
        range,
        limit,
    )
    .await
    .unwrap();
    assert_eq!(
        ids,
        both[0].iter().map(|s| s.id).collect::<Vec<_>>(),
        "{query:?}: ids"
    );
    let mut scored = search::scores(db, &words(query), &ids).await.unwrap();
    scored.sort_by_key(|s| std::cmp::Reverse(s.id));
    assert_eq!(scored, both[0], "{query:?}: ranked afterwards");
    both.remove(0)
}

async fn find(db: &Db, p: &Place, query: &[&str]) -> Vec<Scored> {
    find_in(db, p, query, (None, i64::MAX), 100).await
}

async fn ids(db: &Db, p: &Place, query: &[&str]) -> Vec<i64> {
    let mut found: Vec<i64> = find(db, p, query).await.iter().map(|s| s.id).collect();
    found.sort_unstable();
    found
}

testkit::on_both_engines! {
    async fn chinese_words_are_tokens_and_every_word_must_match(db: Db) {
        let p = place(&db).await;
        let dance = item(&db, &p, 1, Some("晚上 广场 广场舞 音响 太 吵 了")).await;
        let wifi = item(&db, &p, 2, Some("文化 文化馆 wifi 密码 是 多少")).await;
        let both = item(&db, &p, 3, Some("文化馆 门口 广场 广场舞 场地")).await;
        item(&db, &p, 4, None).await;

        assert_eq!(ids(&db, &p, &["广场舞"]).await, vec![dance, both]);
        assert_eq!(ids(&db, &p, &["广场舞", "音响"]).await, vec![dance]);
        assert_eq!(search::count_holding(&db, &words(&["广场舞"]), (None, i64::MAX)).await.unwrap(), 2);
        assert_eq!(search::count_holding(&db, &words(&["广场舞"]), (Some(dance), both)).await.unwrap(), 1);
        assert_eq!(ids(&db, &p, &["文化馆"]).await, vec![wifi, both]);
        // A word is a whole token: part of one is no match.
        assert!(ids(&db, &p, &["场舞"]).await.is_empty());
        assert!(ids(&db, &p, &["书法"]).await.is_empty());
        // Case and the engine's syntax characters are plain text.
        assert_eq!(ids(&db, &p, &["wifi"]).await, vec![wifi]);
        assert!(ids(&db, &p, &["OR"]).await.is_empty());
        assert!(ids(&db, &p, &["广场舞\"", "NOT"]).await.is_empty());
    }

    async fn more_occurrences_rank_higher_and_matches_come_newest_first(db: Db) {
        let p = place(&db).await;
        let once = item(&db, &p, 1, Some("广场舞 场地 很 小 还有 别的 事情 要 说")).await;
        let thrice = item(&db, &p, 2, Some("广场舞 广场舞 广场舞 音响")).await;
        let found = find(&db, &p, &["广场舞"]).await;
        assert_eq!(found.iter().map(|s| s.id).collect::<Vec<_>>(), vec![thrice, once], "newest first");
        let score = |id| found.iter().find(|s| s.id == id).unwrap().score;
        assert!(score(thrice) > score(once), "{found:?}");
        // The limit keeps the newest matches; a range keeps to its items.
        let newest = find_in(&db, &p, &["广场舞"], (None, i64::MAX), 1).await;
        assert_eq!(newest.iter().map(|s| s.id).collect::<Vec<_>>(), vec![thrice]);
        let older = find_in(&db, &p, &["广场舞"], (None, thrice - 1), 10).await;
        assert_eq!(older.iter().map(|s| s.id).collect::<Vec<_>>(), vec![once]);
        let newer = find_in(&db, &p, &["广场舞"], (Some(once), thrice), 10).await;
        assert_eq!(newer.iter().map(|s| s.id).collect::<Vec<_>>(), vec![thrice]);
        assert_eq!(search::newest_id(&db).await.unwrap(), Some(thrice));
    }

    async fn the_index_follows_changes_and_deletions(db: Db) {
        let p = place(&db).await;
        let id = item(&db, &p, 1, Some("空调 坏 了")).await;
        let other = item(&db, &p, 2, Some("空调 很 好")).await;
        // An answer's words are appended.
        fb::update(&db, p.tenant, id, 0, vec![fb::FeedbackChange::AddSearchWords("已 安排 维修 师傅".into())], NOW).await.unwrap();
        assert_eq!(ids(&db, &p, &["维修"]).await, vec![id]);
        assert_eq!(ids(&db, &p, &["空调"]).await, vec![id, other]);
        // Replaced words are gone from the index.
        db.execute(&Query::update().table(F::Table).value(F::SearchText, "灯光 太 暗").and_where(Expr::col(F::Id).eq(other)).to_owned()).await.unwrap();
        assert_eq!(ids(&db, &p, &["空调"]).await, vec![id]);
        assert_eq!(ids(&db, &p, &["灯光"]).await, vec![other]);
        // Other changes to the item leave its words alone.
        fb::update(&db, p.tenant, id, 1, vec![fb::FeedbackChange::Status(domain::feedback::Status::Accepted)], NOW).await.unwrap();
        assert_eq!(ids(&db, &p, &["维修"]).await, vec![id]);
        // A deleted item leaves the index.
        db.execute(&Query::delete().from_table(F::Table).and_where(Expr::col(F::Id).eq(other)).to_owned()).await.unwrap();
        assert!(ids(&db, &p, &["灯光"]).await.is_empty());
    }

    async fn a_null_stays_null_when_words_are_appended_and_the_fill_respects_versions(db: Db) {
        let p = place(&db).await;
        let old = item(&db, &p, 1, None).await;
        item(&db, &p, 2, Some("已经 有 词")).await;
        assert_eq!(search::pending_count(&db).await.unwrap(), 1);
        let pending = search::pending(&db, 10).await.unwrap();
        assert_eq!(pending.iter().map(|r| r.id).collect::<Vec<_>>(), vec![old]);

        // An answer arrives before the fill: the item stays pending, and its version moves.
        fb::update(&db, p.tenant, old, 0, vec![fb::FeedbackChange::AddSearchWords("答复".into())], NOW).await.unwrap();
        assert_eq!(search::words_of(&db, p.tenant, old).await.unwrap(), None);
        // The fill read version 0: it lost the race and changes nothing.
        assert_eq!(search::fill(&db, p.tenant, old, 0, "旧 的 词").await.unwrap(), 0);
        assert_eq!(search::fill(&db, p.tenant, old, 1, "排练厅 漏水 答复").await.unwrap(), 1);
        assert_eq!(search::fill(&db, p.tenant, old, 1, "再 来 一次").await.unwrap(), 0, "filled once");
        assert_eq!(search::words_of(&db, p.tenant, old).await.unwrap().as_deref(), Some("排练厅 漏水 答复"));
        assert_eq!(ids(&db, &p, &["漏水"]).await, vec![old]);
        assert_eq!(search::pending_count(&db).await.unwrap(), 0);
        let row = fb::find(&db, p.tenant, old).await.unwrap().unwrap();
        assert_eq!((row.version, row.updated_at), (1, NOW.0), "filling is not a change to the item");
    }

    async fn another_institution_s_items_stay_out(db: Db) {
        let p = place(&db).await;
        let mine = item(&db, &p, 1, Some("剪纸 班")).await;
        let other_tenant = tenants::insert(&db, "WH", "武侯区文化馆", NOW).await.unwrap();
        let centre = org::insert_unit(&db, other_tenant, None, "centre", "文化馆", 0, NOW).await.unwrap();
        let theirs = Place { tenant: other_tenant, unit: centre.id, path: centre.path };
        item(&db, &theirs, 1, Some("剪纸 展览")).await;
        assert_eq!(ids(&db, &p, &["剪纸"]).await, vec![mine]);
    }
}
