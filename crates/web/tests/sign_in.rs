//! Sign-in throttles as people and API clients meet them, on both engines.

mod common;

use common::{ADMIN_PASSWORD, TestApp};

/// Status codes of `n` parallel API sign-ins as `username` with wrong passwords.
async fn parallel_guesses(app: &TestApp, username: &str, n: usize) -> Vec<u16> {
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let url = app.at("/api/v1/auth/login");
            let body =
                serde_json::json!({ "username": username, "password": format!("guess-{i}") });
            tokio::spawn(async move {
                reqwest::Client::new()
                    .post(url)
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        let response = task.await.unwrap();
        if response.status() == 429 {
            assert!(response.headers().contains_key("retry-after"));
        }
        statuses.push(response.status().as_u16());
    }
    statuses.sort_unstable();
    statuses
}

fn counts(statuses: &[u16]) -> (usize, usize) {
    (
        statuses.iter().filter(|&&s| s == 401).count(),
        statuses.iter().filter(|&&s| s == 429).count(),
    )
}

testkit::on_both_engines! {
    fifty_parallel_wrong_passwords_check_three_and_keep_the_owners_browser_open(TestApp),
}

async fn fifty_parallel_wrong_passwords_check_three_and_keep_the_owners_browser_open(app: TestApp) {
    let owner = app.client();
    app.sign_in(&owner, "admin", ADMIN_PASSWORD).await;
    owner
        .post(app.at("/logout"))
        .form(&[("_csrf", app.csrf(&owner, "/console").await.as_str())])
        .send()
        .await
        .unwrap();

    assert_eq!(counts(&parallel_guesses(&app, "admin", 50).await), (3, 47));
    // A made-up name answers the same, so names cannot be listed.
    assert_eq!(
        counts(&parallel_guesses(&app, "nobody.here", 50).await),
        (3, 47)
    );

    // A stranger's browser at the same address is asked to wait, and told how long…
    let stranger = app.client();
    let csrf = app.csrf(&stranger, "/login").await;
    let response = stranger
        .post(app.at("/login"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("username", "admin"),
            ("password", ADMIN_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("尝试次数过多，请 2 秒后再试")
    );
    // …while the owner's browser, where they signed in before, gets straight in.
    app.sign_in(&owner, "admin", ADMIN_PASSWORD).await;
}
