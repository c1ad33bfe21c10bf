//! Starting the server: database, services, worker, HTTP.

use crate::config::Config;
use services::{Gateways, Services, Settings};
use std::net::SocketAddr;
use std::sync::Arc;
use store::Db;

pub async fn open_database(config: &Config) -> anyhow::Result<Db> {
    let db = Db::connect_with(config.database.url.expose(), config.database.options()).await?;
    db.migrate().await?;
    Ok(db)
}

pub async fn services(config: &Config) -> anyhow::Result<Services> {
    let db = open_database(config).await?;
    let gateways = Gateways {
        sms: config.sms.build()?,
        email: config.email.build()?,
    };
    let settings = Settings {
        public_url: config.public_url(),
        node_name: format!("{}-{}", hostname(), std::process::id()),
        embeddings: config.embeddings()?,
    };
    Ok(Services::new(db, Arc::new(domain::SystemClock), gateways, settings).await?)
}

pub async fn seed_demo(services: &Services) -> anyhow::Result<()> {
    match services.seed_demo().await {
        Ok(demo) => {
            print_demo(&demo);
            Ok(())
        }
        Err(services::ServiceError::Conflict) => anyhow::bail!(
            "the database already holds staff accounts; the demo only fills an empty one"
        ),
        Err(e) => Err(e.into()),
    }
}

fn print_demo(demo: &services::DemoAccounts) {
    println!();
    println!(
        "  演示数据已创建 · Demo institution created: {} ({} staff)",
        demo.institution, demo.staff
    );
    println!(
        "  演示账号共用密码 · Demo staff password: {}",
        demo.password
    );
    for (username, name, role) in &demo.highlights {
        println!("    {username:<12} {name}  ({})", role.as_str());
    }
    println!();
}

pub async fn serve(config: Config, demo: bool) -> anyhow::Result<()> {
    let services = services(&config).await?;
    if demo {
        match services.seed_demo().await {
            Ok(accounts) => print_demo(&accounts),
            Err(services::ServiceError::Conflict) => {
                println!("  (demo: the database already has staff; nothing added)")
            }
            Err(e) => return Err(e.into()),
        }
    }
    let addr: SocketAddr = config
        .server
        .listen
        .parse()
        .map_err(|e| anyhow::anyhow!("configuration key `server.listen`: {e}"))?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    if let Some((username, password)) = services.ensure_first_admin().await? {
        println!();
        println!("  管理员账号 · Administrator: {username}");
        println!(
            "  一次性密码 · One-time password (shown once, change it at first sign-in): {password}"
        );
        println!();
    }
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(services.worker().run(stopped));
    let web_config = web::WebConfig {
        secure_cookies: config.public_url().starts_with("https://"),
        trusted_proxies: config.server.trusted_proxies(),
        public_url: config.public_url(),
    };
    let app = web::app(services.clone(), web_config);
    println!(
        "  CultureDesk is listening on {} ({})",
        config.public_url(),
        services.db().engine().name()
    );
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    let _ = stop.send(true);
    let _ = worker.await;
    services.db().close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
    tracing::info!("shutting down");
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "node".into())
}
