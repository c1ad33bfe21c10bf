//! The browser test kit against a tiny hand-written HTTP server: reading, filling and
//! submitting a form, sideways overflow on a phone, keyboard reach, and cookies.
//!
//! Without Chromium and ChromeDriver these tests skip with a notice; under `CI=true` they fail.

use std::net::SocketAddr;

use testkit::{Browser, Screen};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use url::form_urlencoded;

/// Serves the test pages on 127.0.0.1 until the test ends.
async fn serve() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr: SocketAddr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(answer(stream));
        }
    });
    format!("http://{addr}")
}

struct Request {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Request {
    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map_or("", |(_, v)| v.as_str())
    }
}

async fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut data = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_owned();
    let target = first.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = data[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), q.to_owned()),
        None => (target, String::new()),
    };
    Some(Request {
        method,
        path,
        query,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn param(encoded: &str, name: &str) -> String {
    form_urlencoded::parse(encoded.as_bytes())
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

fn page(body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>文化馆</title><style>body{{margin:0;font-family:sans-serif}}\
         .wide{{width:1200px;height:20px;background:#c33}}</style></head><body>{body}</body></html>"
    )
}

async fn answer(mut stream: TcpStream) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    let (status, extra, body) = match (request.method.as_str(), request.path.as_str()) {
        ("GET", "/") => {
            let wide = if param(&request.query, "wide") == "1" {
                "<div class=\"wide\">宽</div>"
            } else {
                ""
            };
            let body = page(&format!(
                "<h1>文化馆</h1><ul><li>展厅</li><li>剧场</li></ul>{wide}\
                 <form id=\"greet\" method=\"post\" action=\"/greet\">\
                 <label for=\"name\">姓名</label><input id=\"name\" name=\"name\" value=\"旧值\">\
                 <select id=\"hall\" name=\"hall\"><option value=\"a\">甲厅</option>\
                 <option value=\"b\">乙厅</option></select>\
                 <button type=\"submit\">提交</button></form>\
                 <p><a id=\"help\" href=\"/help\">帮助</a></p>"
            ));
            (
                "200 OK",
                "Set-Cookie: cd_session=abc; Path=/; HttpOnly; SameSite=Lax\r\n".to_owned(),
                body,
            )
        }
        ("POST", "/greet") => {
            let location: String = form_urlencoded::Serializer::new(String::new())
                .append_pair("name", &param(&request.body, "name"))
                .append_pair("hall", &param(&request.body, "hall"))
                .finish();
            (
                "303 See Other",
                format!("Location: /hello?{location}\r\n"),
                String::new(),
            )
        }
        ("GET", "/hello") => {
            let body = page(&format!(
                "<p id=\"greeting\">你好，{}</p><p id=\"hall\">{}</p>\
                 <p id=\"ua\">{}</p><p id=\"cookie\">{}</p>",
                escape(&param(&request.query, "name")),
                escape(&param(&request.query, "hall")),
                escape(request.header("user-agent")),
                escape(request.header("cookie")),
            ));
            ("200 OK", String::new(), body)
        }
        _ => ("404 Not Found", String::new(), page("<h1>没有这一页</h1>")),
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n{extra}\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_reads_fills_and_submits_a_form() {
    let base = serve().await;
    let Some(browser) = Browser::start(Screen::Phone).await else {
        return;
    };
    browser.goto(&format!("{base}/")).await;
    assert_eq!(browser.text("h1").await, "文化馆");
    assert_eq!(browser.texts("li").await, ["展厅", "剧场"]);
    assert!(browser.exists("form#greet").await);
    assert!(!browser.exists("#nowhere").await);

    browser.fill("#name", "张三").await;
    browser.select("#hall", "b").await;
    browser.submit_form("form#greet").await;

    assert_eq!(
        browser.url().await,
        format!("{base}/hello?name=%E5%BC%A0%E4%B8%89&hall=b")
    );
    assert_eq!(browser.text("#greeting").await, "你好，张三");
    assert_eq!(browser.text("#hall").await, "b");
    let agent = browser.text("#ua").await;
    assert!(agent.contains("MicroMessenger"), "user agent: {agent}");
    assert!(browser.source().await.contains("你好，张三"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_sees_sideways_overflow_and_reaches_a_link_by_keyboard() {
    let base = serve().await;
    let Some(browser) = Browser::start(Screen::Phone).await else {
        return;
    };
    browser.goto(&format!("{base}/?wide=1")).await;
    assert!(
        browser.horizontal_overflow().await,
        "a 1200px element on a 390px phone"
    );

    browser.goto(&format!("{base}/")).await;
    assert!(!browser.horizontal_overflow().await);
    let width = browser
        .client()
        .execute("return window.innerWidth;", vec![])
        .await
        .expect("innerWidth");
    assert_eq!(width, 390);

    assert!(browser.tab_to("a#help", 10).await, "the link is reachable");
    assert!(!browser.tab_to("#nowhere", 3).await);

    browser.click("a#help").await;
    assert_eq!(browser.url().await, format!("{base}/help"));
    assert_eq!(browser.text("h1").await, "没有这一页");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desktop_reads_and_forges_cookies_and_names_what_is_missing() {
    let base = serve().await;
    let Some(browser) = Browser::start(Screen::Desktop).await else {
        return;
    };
    browser.goto(&format!("{base}/")).await;
    let width = browser
        .client()
        .execute("return window.innerWidth;", vec![])
        .await
        .expect("innerWidth");
    assert_eq!(width, 1366);
    assert!(!browser.horizontal_overflow().await);

    assert_eq!(browser.cookies_named("cd_session").await, ["abc"]);
    browser.set_cookie_value("cd_session", "forged").await;
    browser.set_cookie_value("cd_extra", "new").await;
    assert_eq!(browser.cookies_named("cd_session").await, ["forged"]);
    browser.goto(&format!("{base}/hello?name=x")).await;
    let sent = browser.text("#cookie").await;
    let mut sent: Vec<&str> = sent.split("; ").collect();
    sent.sort_unstable();
    assert_eq!(sent, ["cd_extra=new", "cd_session=forged"]);

    let shot = tempfile::tempdir().expect("tempdir");
    let png = shot.path().join("shots/hello.png");
    browser.screenshot(&png).await;
    let bytes = std::fs::read(&png).expect("screenshot written");
    assert!(bytes.starts_with(b"\x89PNG"), "a PNG");

    // A missing element fails the test with the selector, the address and the page.
    let failed = tokio::spawn(async move { browser.text("#nowhere").await })
        .await
        .expect_err("text() of a missing element panics");
    let message = failed.into_panic();
    let message = message
        .downcast_ref::<String>()
        .expect("a formatted panic message");
    assert!(message.contains("\"#nowhere\""), "{message}");
    assert!(
        message.contains(&format!("{base}/hello?name=x")),
        "{message}"
    );
    assert!(message.contains("你好，x"), "{message}");
}
