//! A browser-like client for a running CultureDesk at a base address: the CSRF tokens its
//! pages give, the sign-in form, the API's tokens, redirects.

/// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The address a redirect points to; empty when there is none.
pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// The text of the page at `url` as `client` gets it.
pub async fn text(client: &reqwest::Client, url: &str) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
}

/// The CSRF token the page at `url` gives its forms.
pub async fn csrf(client: &reqwest::Client, url: &str) -> String {
    let html = text(client, url).await;
    let marker = "name=\"csrf-token\" content=\"";
    let start = html.find(marker).expect("a csrf meta tag") + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// The `_csrf` field of the form whose opening tag holds `marker`.
pub fn csrf_field_after(html: &str, marker: &str) -> Option<String> {
    let at = html.find(marker)?;
    let field = "name=\"_csrf\" value=\"";
    let start = at + html[at..].find(field)? + field.len();
    Some(html[start..].split('"').next()?.to_owned())
}

/// Signs `username` in through the login form of the server at `base`; gives the redirect
/// target.
pub async fn sign_in(
    client: &reqwest::Client,
    base: &str,
    username: &str,
    password: &str,
) -> String {
    let csrf = csrf(client, &format!("{base}/login")).await;
    let response = client
        .post(format!("{base}/login"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("username", username),
            ("password", password),
            ("next", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "sign-in of {username}");
    location(&response)
}

/// Signs in through the API of the server at `base`; gives its answer, whatever it is.
pub async fn api_login(base: &str, username: &str, password: &str) -> serde_json::Value {
    reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({ "username": username, "password": password }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}
