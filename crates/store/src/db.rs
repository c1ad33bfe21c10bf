//! The one handle on the database, whichever engine is behind it.

use crate::{Result, StoreError};
use sea_query::{PostgresQueryBuilder, SqliteQueryBuilder, Value, Values};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{
    Arguments, AssertSqlSafe, Database, Executor, FromRow, IntoArguments, Postgres, Sqlite,
};
use std::future::Future;
use std::str::FromStr;
use std::time::Duration;
use tokio::sync::Mutex;

/// Which engine a [`Db`] talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }
}

/// A row type both engines can decode.
pub trait Record:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> Record for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// A statement ready for either engine: sea-query statements, or the per-engine SQL of
/// [`crate::engine_sql`].
pub trait Statement: Sync {
    fn render(&self, engine: Engine) -> (String, Values);
}

macro_rules! sea_statement {
    ($($t:ty),*) => {$(
        impl Statement for $t {
            fn render(&self, engine: Engine) -> (String, Values) {
                match engine {
                    Engine::Sqlite => self.build(SqliteQueryBuilder),
                    Engine::Postgres => self.build(PostgresQueryBuilder),
                }
            }
        }
    )*};
}
sea_statement!(
    sea_query::SelectStatement,
    sea_query::InsertStatement,
    sea_query::UpdateStatement,
    sea_query::DeleteStatement
);

/// Where statements run: the [`Db`] itself (each statement on its own) or a [`Tx`].
pub trait Conn: Sync {
    fn engine(&self) -> Engine;

    fn fetch_all<T: Record>(
        &self,
        stmt: &impl Statement,
    ) -> impl Future<Output = Result<Vec<T>>> + Send;

    fn fetch_optional<T: Record>(
        &self,
        stmt: &impl Statement,
    ) -> impl Future<Output = Result<Option<T>>> + Send;

    /// Runs a statement that returns no rows; gives the number of rows it changed.
    fn execute(&self, stmt: &impl Statement) -> impl Future<Output = Result<u64>> + Send;

    fn fetch_one<T: Record>(
        &self,
        stmt: &impl Statement,
    ) -> impl Future<Output = Result<T>> + Send {
        async move {
            self.fetch_optional(stmt)
                .await?
                .ok_or(StoreError::Database(sqlx::Error::RowNotFound))
        }
    }

    /// The single integer a statement returns, such as a `COUNT(*)` or a `RETURNING id`.
    fn fetch_i64(&self, stmt: &impl Statement) -> impl Future<Output = Result<i64>> + Send {
        async move { Ok(self.fetch_one::<(i64,)>(stmt).await?.0) }
    }
}

#[derive(Clone)]
enum Pools {
    /// SQLite allows one writer at a time; one writer connection makes that explicit and
    /// lets readers run beside it (WAL).
    Sqlite {
        writer: SqlitePool,
        reader: SqlitePool,
    },
    Postgres(PgPool),
}

/// The database. Cheap to clone.
#[derive(Clone)]
pub struct Db {
    pools: Pools,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the URL: it may hold a password.
        write!(f, "Db({})", self.engine().name())
    }
}

/// How hard SQLite works to keep a commit through a power cut or an OS crash (a crash of
/// the server process alone loses nothing either way).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SqliteSync {
    /// With WAL: the last transactions committed before the cut may be lost, the database
    /// is never corrupted. Fewer waits for the disk on every commit.
    #[default]
    Normal,
    /// Every commit waits until it is on the disk.
    Full,
}

/// How to open the database, beyond its URL.
#[derive(Clone, Copy, Debug, Default)]
pub struct DbOptions {
    pub sqlite_synchronous: SqliteSync,
}

impl Db {
    /// Opens `sqlite://path` (creating the file and its folder) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Db> {
        Self::connect_with(url, DbOptions::default()).await
    }

    /// [`Db::connect`] with options; those for the other engine are ignored.
    pub async fn connect_with(url: &str, options: DbOptions) -> Result<Db> {
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            Self::open_sqlite(path, options.sqlite_synchronous).await
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::open_postgres(url).await
        } else {
            Err(StoreError::UnsupportedUrl(redact(url)))
        }
    }

    async fn open_sqlite(path: &str, synchronous: SqliteSync) -> Result<Db> {
        let path = path.split('?').next().unwrap_or(path);
        if let Some(parent) = std::path::Path::new(path).parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent).map_err(|e| StoreError::Database(e.into()))?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(match synchronous {
                SqliteSync::Normal => SqliteSynchronous::Normal,
                SqliteSync::Full => SqliteSynchronous::Full,
            })
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("temp_store", "memory")
            .pragma("cache_size", "-32000");
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options.clone())
            .await?;
        let readers = std::thread::available_parallelism().map_or(4, |n| n.get().max(2) as u32 * 2);
        let reader = SqlitePoolOptions::new()
            .max_connections(readers)
            .connect_with(options.read_only(true))
            .await?;
        Ok(Db {
            pools: Pools::Sqlite { writer, reader },
        })
    }

    async fn open_postgres(url: &str) -> Result<Db> {
        let options = PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(32)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(Db {
            pools: Pools::Postgres(pool),
        })
    }

    pub fn engine(&self) -> Engine {
        match self.pools {
            Pools::Sqlite { .. } => Engine::Sqlite,
            Pools::Postgres(_) => Engine::Postgres,
        }
    }

    /// Brings the schema up to date.
    ///
    /// Several server nodes may start at once on one PostgreSQL. No advisory lock is taken
    /// (distributed engines lack them): when a node loses the race, its migration fails on
    /// the winner's rows, and it succeeds if the schema is then complete.
    pub async fn migrate(&self) -> Result<()> {
        let outcome = match &self.pools {
            Pools::Sqlite { writer, .. } => sqlite_migrator().run(writer).await,
            Pools::Postgres(pool) => {
                let mut migrator = postgres_migrator();
                migrator.set_locking(false);
                migrator.run(pool).await
            }
        };
        match outcome {
            Ok(()) => Ok(()),
            Err(e) if self.pending_migrations().await.is_ok_and(|n| n == 0) => {
                tracing::info!("another node applied the migrations first ({e})");
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Brings the schema up to migration `version` only: for stories about what a later
    /// migration does to data written before it (a carry-over must not lose state).
    pub async fn migrate_to(&self, version: i64) -> Result<()> {
        let only_to = |mut m: sqlx::migrate::Migrator| {
            let kept: Vec<_> = m
                .migrations
                .iter()
                .filter(|x| x.version <= version)
                .cloned()
                .collect();
            m.migrations = kept.into();
            m
        };
        match &self.pools {
            Pools::Sqlite { writer, .. } => only_to(sqlite_migrator()).run(writer).await?,
            Pools::Postgres(pool) => only_to(postgres_migrator()).run(pool).await?,
        }
        Ok(())
    }

    /// How many migrations this binary knows that the database has not applied.
    pub async fn pending_migrations(&self) -> Result<usize> {
        let (known, applied): (Vec<i64>, Vec<(i64,)>) = match &self.pools {
            Pools::Sqlite { reader, .. } => (
                sqlite_migrator().iter().map(|m| m.version).collect(),
                sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE success")
                    .fetch_all(reader)
                    .await
                    .unwrap_or_default(),
            ),
            Pools::Postgres(pool) => (
                postgres_migrator().iter().map(|m| m.version).collect(),
                sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE success")
                    .fetch_all(pool)
                    .await
                    .unwrap_or_default(),
            ),
        };
        Ok(known
            .iter()
            .filter(|v| !applied.iter().any(|(a,)| a == *v))
            .count())
    }

    /// Starts a write transaction. On SQLite it is `BEGIN IMMEDIATE` on the writer, so a
    /// transaction that reads before it writes cannot fail to upgrade its lock.
    pub async fn begin(&self) -> Result<Tx> {
        let inner = match &self.pools {
            Pools::Sqlite { writer, .. } => {
                TxInner::Sqlite(writer.begin_with("BEGIN IMMEDIATE").await?)
            }
            Pools::Postgres(pool) => TxInner::Postgres(pool.begin().await?),
        };
        Ok(Tx {
            engine: self.engine(),
            inner: Mutex::new(inner),
        })
    }

    /// Runs `work` in a transaction: committed when it returns `Ok`, rolled back otherwise.
    pub async fn transaction<T, E, F>(&self, work: F) -> std::result::Result<T, E>
    where
        F: AsyncFnOnce(&Tx) -> std::result::Result<T, E>,
        E: From<StoreError>,
    {
        let tx = self.begin().await?;
        let value = work(&tx).await?;
        tx.commit().await?;
        Ok(value)
    }

    /// Refreshes the planner's statistics of every table, as after a bulk load. On
    /// PostgreSQL the tables are vacuumed too (`VACUUM ANALYZE`), as autovacuum would do
    /// after a burst of inserts: the visibility map lets index scans skip the table, and
    /// autovacuum does not then start in the middle of what follows.
    pub async fn analyze(&self) -> Result<()> {
        match &self.pools {
            Pools::Sqlite { writer, .. } => {
                sqlx::query("ANALYZE").execute(writer).await?;
            }
            Pools::Postgres(pool) => {
                // Only this schema's tables: a bare ANALYZE would walk every schema in the
                // database (other institutions' deployments, other test runs).
                let tables: Vec<(String,)> = sqlx::query_as(crate::engine_sql::POSTGRES_OWN_TABLES)
                    .fetch_all(pool)
                    .await?;
                for (table,) in tables {
                    let quoted = format!("\"{}\"", table.replace('"', "\"\""));
                    sqlx::raw_sql(AssertSqlSafe(format!("VACUUM (ANALYZE) {quoted}")))
                        .execute(pool)
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// Routine upkeep of the planner's statistics. SQLite keeps none by itself, so it is
    /// asked to refresh what has gone stale; PostgreSQL's autovacuum already does.
    pub async fn optimize(&self) -> Result<()> {
        if let Pools::Sqlite { writer, .. } = &self.pools {
            sqlx::raw_sql(crate::engine_sql::SQLITE_OPTIMIZE)
                .execute(writer)
                .await?;
        }
        Ok(())
    }

    /// Closes every connection; for tests and shutdown.
    pub async fn close(&self) {
        match &self.pools {
            Pools::Sqlite { writer, reader } => {
                reader.close().await;
                writer.close().await;
            }
            Pools::Postgres(pool) => pool.close().await,
        }
    }
}

impl Conn for Db {
    fn engine(&self) -> Engine {
        Db::engine(self)
    }

    async fn fetch_all<T: Record>(&self, stmt: &impl Statement) -> Result<Vec<T>> {
        let (sql, values) = stmt.render(self.engine());
        Ok(match &self.pools {
            // A write statement with RETURNING must go to the writer; reads go to readers.
            Pools::Sqlite { writer, reader } => {
                let pool = if is_read(&sql) { reader } else { writer };
                fetch_all_on::<Sqlite, _, T>(pool, sql, values).await?
            }
            Pools::Postgres(pool) => fetch_all_on::<Postgres, _, T>(pool, sql, values).await?,
        })
    }

    async fn fetch_optional<T: Record>(&self, stmt: &impl Statement) -> Result<Option<T>> {
        let (sql, values) = stmt.render(self.engine());
        Ok(match &self.pools {
            Pools::Sqlite { writer, reader } => {
                let pool = if is_read(&sql) { reader } else { writer };
                fetch_optional_on::<Sqlite, _, T>(pool, sql, values).await?
            }
            Pools::Postgres(pool) => fetch_optional_on::<Postgres, _, T>(pool, sql, values).await?,
        })
    }

    async fn execute(&self, stmt: &impl Statement) -> Result<u64> {
        let (sql, values) = stmt.render(self.engine());
        Ok(match &self.pools {
            Pools::Sqlite { writer, .. } => execute_on::<Sqlite, _>(writer, sql, values).await?,
            Pools::Postgres(pool) => execute_on::<Postgres, _>(pool, sql, values).await?,
        })
    }
}

fn is_read(sql: &str) -> bool {
    let head = sql.trim_start();
    head.len() >= 6
        && (head[..6].eq_ignore_ascii_case("SELECT") || head[..4].eq_ignore_ascii_case("WITH"))
}

enum TxInner {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

/// A write transaction. Dropped without [`Tx::commit`], it rolls back: a failed request
/// changes nothing.
pub struct Tx {
    engine: Engine,
    // A mutex lets every query take `&self`, so store functions accept a `Db` or a `Tx` alike.
    inner: Mutex<TxInner>,
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        match self.inner.into_inner() {
            TxInner::Sqlite(tx) => tx.commit().await?,
            TxInner::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

impl Conn for Tx {
    fn engine(&self) -> Engine {
        self.engine
    }

    async fn fetch_all<T: Record>(&self, stmt: &impl Statement) -> Result<Vec<T>> {
        let (sql, values) = stmt.render(self.engine);
        let mut guard = self.inner.lock().await;
        Ok(match &mut *guard {
            TxInner::Sqlite(tx) => fetch_all_on::<Sqlite, _, T>(&mut **tx, sql, values).await?,
            TxInner::Postgres(tx) => fetch_all_on::<Postgres, _, T>(&mut **tx, sql, values).await?,
        })
    }

    async fn fetch_optional<T: Record>(&self, stmt: &impl Statement) -> Result<Option<T>> {
        let (sql, values) = stmt.render(self.engine);
        let mut guard = self.inner.lock().await;
        Ok(match &mut *guard {
            TxInner::Sqlite(tx) => {
                fetch_optional_on::<Sqlite, _, T>(&mut **tx, sql, values).await?
            }
            TxInner::Postgres(tx) => {
                fetch_optional_on::<Postgres, _, T>(&mut **tx, sql, values).await?
            }
        })
    }

    async fn execute(&self, stmt: &impl Statement) -> Result<u64> {
        let (sql, values) = stmt.render(self.engine);
        let mut guard = self.inner.lock().await;
        Ok(match &mut *guard {
            TxInner::Sqlite(tx) => execute_on::<Sqlite, _>(&mut **tx, sql, values).await?,
            TxInner::Postgres(tx) => execute_on::<Postgres, _>(&mut **tx, sql, values).await?,
        })
    }
}

// ---- Binding sea-query values to sqlx, once for both engines -------------------------

/// An engine whose arguments we can build from sea-query values.
trait Bind: Database {
    fn arguments(values: Values) -> std::result::Result<Self::Arguments, sqlx::error::BoxDynError>;
}

macro_rules! bind_engine {
    ($db:ty) => {
        impl Bind for $db {
            fn arguments(
                values: Values,
            ) -> std::result::Result<Self::Arguments, sqlx::error::BoxDynError> {
                let mut args = <Self as Database>::Arguments::default();
                for value in values {
                    // Every integer is bound as i64: all our integer columns are BIGINT.
                    match value {
                        Value::Bool(v) => args.add(v)?,
                        Value::TinyInt(v) => args.add(v.map(i64::from))?,
                        Value::SmallInt(v) => args.add(v.map(i64::from))?,
                        Value::Int(v) => args.add(v.map(i64::from))?,
                        Value::BigInt(v) => args.add(v)?,
                        Value::TinyUnsigned(v) => args.add(v.map(i64::from))?,
                        Value::SmallUnsigned(v) => args.add(v.map(i64::from))?,
                        Value::Unsigned(v) => args.add(v.map(i64::from))?,
                        Value::BigUnsigned(v) => args.add(v.map(i64::try_from).transpose()?)?,
                        Value::Float(v) => args.add(v.map(f64::from))?,
                        Value::Double(v) => args.add(v)?,
                        Value::String(v) => args.add(v)?,
                        Value::Char(v) => args.add(v.map(String::from))?,
                        Value::Bytes(v) => args.add(v)?,
                        other => return Err(format!("unsupported value {other:?}").into()),
                    }
                }
                Ok(args)
            }
        }
    };
}
bind_engine!(Sqlite);
bind_engine!(Postgres);

async fn fetch_all_on<'c, DB, E, T>(exec: E, sql: String, values: Values) -> sqlx::Result<Vec<T>>
where
    DB: Bind,
    DB::Arguments: IntoArguments<DB>,
    E: Executor<'c, Database = DB>,
    T: for<'r> FromRow<'r, DB::Row> + Send + Unpin,
{
    let args = DB::arguments(values).map_err(sqlx::Error::Encode)?;
    sqlx::query_as_with::<DB, T, _>(AssertSqlSafe(sql), args)
        .fetch_all(exec)
        .await
}

async fn fetch_optional_on<'c, DB, E, T>(
    exec: E,
    sql: String,
    values: Values,
) -> sqlx::Result<Option<T>>
where
    DB: Bind,
    DB::Arguments: IntoArguments<DB>,
    E: Executor<'c, Database = DB>,
    T: for<'r> FromRow<'r, DB::Row> + Send + Unpin,
{
    let args = DB::arguments(values).map_err(sqlx::Error::Encode)?;
    sqlx::query_as_with::<DB, T, _>(AssertSqlSafe(sql), args)
        .fetch_optional(exec)
        .await
}

async fn execute_on<'c, DB, E>(exec: E, sql: String, values: Values) -> sqlx::Result<u64>
where
    DB: Bind,
    DB::Arguments: IntoArguments<DB>,
    DB::QueryResult: RowsAffected,
    E: Executor<'c, Database = DB>,
{
    let args = DB::arguments(values).map_err(sqlx::Error::Encode)?;
    let done = sqlx::query_with::<DB, _>(AssertSqlSafe(sql), args)
        .execute(exec)
        .await?;
    Ok(done.rows())
}

/// The engines' query results have no common trait for `rows_affected`.
trait RowsAffected {
    fn rows(&self) -> u64;
}
impl RowsAffected for sqlx::sqlite::SqliteQueryResult {
    fn rows(&self) -> u64 {
        self.rows_affected()
    }
}
impl RowsAffected for sqlx::postgres::PgQueryResult {
    fn rows(&self) -> u64 {
        self.rows_affected()
    }
}

fn sqlite_migrator() -> sqlx::migrate::Migrator {
    sqlx::migrate!("./migrations/sqlite")
}

fn postgres_migrator() -> sqlx::migrate::Migrator {
    sqlx::migrate!("./migrations/postgres")
}

/// A URL with any password replaced, for error messages and logs.
pub(crate) fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(parsed) => parsed.to_string(),
        Err(_) => "<unparseable url>".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `PRAGMA synchronous` a fresh SQLite database is written with (1 normal, 2 full).
    async fn synchronous_of(options: DbOptions) -> i64 {
        let dir = std::env::temp_dir().join(format!(
            "culturedesk-sync-{}-{:?}",
            std::process::id(),
            options.sqlite_synchronous
        ));
        let db = Db::connect_with(&format!("sqlite://{}/t.db", dir.display()), options)
            .await
            .unwrap();
        let Pools::Sqlite { writer, .. } = &db.pools else {
            unreachable!("a SQLite URL")
        };
        let (level,): (i64,) = sqlx::query_as("PRAGMA synchronous")
            .fetch_one(writer)
            .await
            .unwrap();
        db.close().await;
        let _ = std::fs::remove_dir_all(dir);
        level
    }

    #[tokio::test]
    async fn sqlite_commits_are_synchronous_normal_unless_full_is_asked_for() {
        assert_eq!(synchronous_of(DbOptions::default()).await, 1);
        let full = DbOptions {
            sqlite_synchronous: SqliteSync::Full,
        };
        assert_eq!(synchronous_of(full).await, 2);
    }
}
