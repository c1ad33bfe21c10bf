use store::{Db, Engine};

const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// True when running under CI, where nothing may be skipped.
pub fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Reports a missing test component: a panic under CI, a notice otherwise (the caller
/// then skips its test).
pub fn require_or_skip(what: &str, why: &str) {
    if ci() {
        panic!("CI=true: {what} is required but unavailable: {why}");
    }
    eprintln!("SKIPPED ({what} unavailable: {why}); set CI=true to make this a failure");
}

/// A fresh, migrated database that lives as long as the value.
pub struct TestDb {
    pub db: Db,
    /// The URL the server under test can be pointed at.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let t = TestDb::sqlite_unmigrated().await;
        t.db.migrate().await.expect("migrate sqlite");
        t
    }

    /// A fresh SQLite database with no tables yet (for stories about a migration).
    pub async fn sqlite_unmigrated() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let db = Db::connect(&url).await.expect("open sqlite");
        TestDb {
            db,
            url,
            _dir: Some(dir),
        }
    }

    /// A schema of its own on the test PostgreSQL server; `None` when there is none and
    /// this is not CI.
    pub async fn postgres() -> Option<TestDb> {
        let t = TestDb::postgres_unmigrated().await?;
        t.db.migrate().await.expect("migrate postgres");
        Some(t)
    }

    /// A fresh, empty PostgreSQL schema (for stories about a migration); `None` as above.
    pub async fn postgres_unmigrated() -> Option<TestDb> {
        let base = std::env::var("CULTUREDESK_TEST_DATABASE_URL")
            .unwrap_or_else(|_| DEFAULT_POSTGRES.into());
        let schema = match create_schema(&base).await {
            Ok(schema) => schema,
            Err(e) => {
                require_or_skip(
                    "PostgreSQL",
                    &format!("{e} (CULTUREDESK_TEST_DATABASE_URL)"),
                );
                return None;
            }
        };
        let separator = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{separator}options=-c%20search_path%3D{schema}");
        let db = Db::connect(&url).await.expect("open postgres");
        Some(TestDb {
            db,
            url,
            _dir: None,
        })
    }

    pub async fn for_engine(engine: Engine) -> Option<TestDb> {
        match engine {
            Engine::Sqlite => Some(TestDb::sqlite().await),
            Engine::Postgres => TestDb::postgres().await,
        }
    }
}

/// Makes an empty schema named for this test, and drops those old test runs left behind.
async fn create_schema(base: &str) -> Result<String, sqlx::Error> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(base).await?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let schema = format!("cdt_{now}_{:08x}", rand::random::<u32>());
    let stale: Vec<(String,)> = sqlx::query_as(
        "SELECT nspname::text FROM pg_namespace WHERE nspname LIKE 'cdt\\_%' AND nspname < $1",
    )
    .bind(format!("cdt_{}", now.saturating_sub(6 * 3600)))
    .fetch_all(&mut conn)
    .await?;
    for (old,) in stale {
        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP SCHEMA IF EXISTS {old} CASCADE"
        )))
        .execute(&mut conn)
        .await;
    }
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&mut conn)
        .await?;
    Ok(schema)
}

/// What a test story receives, built from a fresh database.
pub trait Fixture: Sized {
    fn setup(db: &TestDb) -> impl std::future::Future<Output = Self>;
}

impl Fixture for Db {
    async fn setup(db: &TestDb) -> Db {
        db.db.clone()
    }
}
