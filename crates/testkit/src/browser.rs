//! A real headless Chromium, driven through ChromeDriver over WebDriver, for page tests.
//!
//! Each [`Browser`] is one chromedriver process on a free port of 127.0.0.1 with one
//! WebDriver session, and a Chromium profile of its own in a temporary directory, so no
//! cookie or session leaks from one test into another. Dropping it ends the session (which
//! quits Chromium) and kills chromedriver.
//!
//! Where the binaries are looked for:
//! - chromedriver: `CULTUREDESK_CHROMEDRIVER` when set (exactly that path), else `chromedriver`
//!   on `PATH`, else `/usr/bin/chromedriver`;
//! - Chromium: `CULTUREDESK_CHROMIUM` when set (exactly that path), else `CHROME_BIN`, else
//!   `/usr/bin/chromium`, else `chromium` on `PATH`.
//!
//! Setting either override to a path that does not exist makes the browser "missing", which
//! shows the skip (or, under `CI=true`, the failure).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener as StdListener};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The user agent of WeChat's in-app browser on Android, which most visitors use.
pub const WECHAT_USER_AGENT: &str = "Mozilla/5.0 (Linux; Android 13; V2154A Build/TP1A.220624.014; wv) \
AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 \
XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F30) \
WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64";

/// How long chromedriver may take to answer `/status` as ready.
const DRIVER_READY_WITHIN: Duration = Duration::from_secs(10);
/// How long a page may take to settle after a click.
const SETTLE_WITHIN: Duration = Duration::from_secs(10);
/// How long a click that leads nowhere is given before the test goes on.
const NO_NAVIGATION_GRACE: Duration = Duration::from_millis(1500);

/// The screen a test looks at the pages on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    /// 390×844 CSS pixels, emulated as a touch phone (the page's viewport meta counts) with
    /// WeChat's in-app browser's user agent ([`WECHAT_USER_AGENT`]).
    Phone,
    /// A 1366×900 desktop window with Chromium's own user agent.
    Desktop,
}

impl Screen {
    /// Width and height in CSS pixels.
    pub fn size(self) -> (u32, u32) {
        match self {
            Screen::Phone => (390, 844),
            Screen::Desktop => (1366, 900),
        }
    }
}

/// One headless Chromium behind one chromedriver, both gone when this is dropped.
///
/// Every method panics with a message naming what it tried when the browser refuses: these
/// are test helpers, and a refusal is a failed test.
pub struct Browser {
    client: Client,
    driver: tokio::process::Child,
    port: u16,
    session: Option<String>,
    // Holds chromedriver's log and the profile; removed after both processes are gone.
    _dir: tempfile::TempDir,
}

impl Browser {
    /// Starts headless Chromium through chromedriver, with a fresh profile.
    ///
    /// Returns `None` when either binary is missing and this is not CI (a `SKIPPED` notice
    /// is printed); under `CI=true` a missing browser panics. A browser that is there but
    /// fails to start always panics, with chromedriver's log.
    pub async fn start(screen: Screen) -> Option<Browser> {
        let (driver_bin, chromium_bin) = match locate() {
            Ok(found) => found,
            Err(why) => {
                crate::require_or_skip("Chromium and ChromeDriver", &why);
                return None;
            }
        };
        let dir = tempfile::Builder::new()
            .prefix("culturedesk-browser-")
            .tempdir()
            .expect("temporary directory for the browser profile");
        let log = dir.path().join("chromedriver.log");
        let (driver, port) = spawn_driver(&driver_bin, &log).await;

        let caps = capabilities(screen, &chromium_bin, &dir.path().join("profile"));
        let client = match ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => client,
            Err(e) => panic!(
                "browser: chromedriver {} could not start {}: {e}\n{}",
                driver_bin.display(),
                chromium_bin.display(),
                log_tail(&log)
            ),
        };
        let session = client.session_id().await.ok().flatten();
        Some(Browser {
            client,
            driver,
            port,
            session,
            _dir: dir,
        })
    }

    /// The WebDriver client, for anything not wrapped here.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Opens `url` and waits for it to load.
    pub async fn goto(&self, url: &str) {
        if let Err(e) = self.client.goto(url).await {
            panic!("browser: could not open {url}: {e}");
        }
    }

    /// The visible text of the first element matching `css`.
    pub async fn text(&self, css: &str) -> String {
        let element = self.element(css).await;
        self.ok(css, "read the text of", element.text().await)
    }

    /// The visible text of every element matching `css`, in document order.
    pub async fn texts(&self, css: &str) -> Vec<String> {
        let mut texts = Vec::new();
        for element in self.all(css).await {
            texts.push(self.ok(css, "read the text of", element.text().await));
        }
        texts
    }

    /// Whether any element matches `css`.
    pub async fn exists(&self, css: &str) -> bool {
        !self.all(css).await.is_empty()
    }

    /// Clears the field matching `css`, then types `value` into it.
    pub async fn fill(&self, css: &str, value: &str) {
        let element = self.element(css).await;
        self.ok(css, "clear", element.clear().await);
        if !value.is_empty() {
            self.ok(css, "type into", element.send_keys(value).await);
        }
    }

    /// Chooses the option whose `value` attribute is `value` in the `<select>` matching `css`.
    pub async fn select(&self, css: &str, value: &str) {
        let element = self.element(css).await;
        let what = format!("choose the option with value {value:?} in");
        self.ok(css, &what, element.select_by_value(value).await);
    }

    /// Clicks the first element matching `css`, then waits for any navigation it started to
    /// settle.
    pub async fn click(&self, css: &str) {
        let element = self.element(css).await;
        self.click_element(css, &element).await;
    }

    /// Clicks the submit button of the form matching `form_css` (the first `type=submit`
    /// button or input, or `<button>` without a type, inside it), then waits for the
    /// resulting page.
    pub async fn submit_form(&self, form_css: &str) {
        let form = self.element(form_css).await;
        let buttons = self.ok(
            form_css,
            "look for the submit button of",
            form.find_all(Locator::Css(
                "button[type=submit], input[type=submit], button:not([type]), input[type=image]",
            ))
            .await,
        );
        match buttons.first() {
            Some(button) => self.click_element(form_css, button).await,
            None => {
                self.missing(&format!("a submit button inside {form_css}"))
                    .await
            }
        }
    }

    /// Signs a member of staff in on the sign-in page of the server at `base`, typing as a
    /// person does, and expects the console.
    pub async fn sign_in_staff(&self, base: &str, username: &str, password: &str) {
        self.goto(&format!("{base}/login")).await;
        self.fill("#f-username", username).await;
        self.fill("#f-password", password).await;
        self.submit_form("form[action='/login']").await;
        let url = self.url().await;
        assert!(url.ends_with("/console"), "{username} signed in: {url}");
    }

    /// The address of the current page.
    pub async fn url(&self) -> String {
        match self.client.current_url().await {
            Ok(url) => url.to_string(),
            Err(e) => panic!("browser: could not read the current URL: {e}"),
        }
    }

    /// The current page's HTML, as the browser now has it.
    pub async fn source(&self) -> String {
        match self.client.source().await {
            Ok(source) => source,
            Err(e) => panic!("browser: could not read the page source: {e}"),
        }
    }

    /// Keeps a PNG of the viewport as `<name>.png` in the folder `CULTUREDESK_SCREENSHOTS`
    /// names, for looking at the pages by eye; does nothing when it names none.
    pub async fn keep_screenshot(&self, name: &str) {
        if let Ok(dir) = std::env::var("CULTUREDESK_SCREENSHOTS") {
            self.screenshot(&Path::new(&dir).join(format!("{name}.png")))
                .await;
        }
    }

    /// Saves a PNG of the viewport to `path` (its folder is made if need be).
    pub async fn screenshot(&self, path: &Path) {
        let png = match self.client.screenshot().await {
            Ok(png) => png,
            Err(e) => panic!("browser: could not take a screenshot: {e}"),
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .unwrap_or_else(|e| panic!("browser: could not make {}: {e}", parent.display()));
        }
        std::fs::write(path, png)
            .unwrap_or_else(|e| panic!("browser: could not write {}: {e}", path.display()));
    }

    /// The values of the cookies called `name` that the current page can see (HttpOnly ones
    /// included).
    pub async fn cookies_named(&self, name: &str) -> Vec<String> {
        match self.client.get_all_cookies().await {
            Ok(cookies) => cookies
                .iter()
                .filter(|c| c.name() == name)
                .map(|c| c.value().to_owned())
                .collect(),
            Err(e) => panic!("browser: could not read the cookies: {e}"),
        }
    }

    /// Gives the cookies called `name` the value `value`, keeping their other attributes
    /// (HttpOnly ones included), or adds one with path `/` for the current page's host when
    /// there is none: for forging and altering cookies in security tests.
    ///
    /// WebDriver can only add a cookie with a domain, so an altered host-only cookie comes
    /// back as a cookie for its host's domain; on one test host that is all the same. A
    /// cookie without SameSite comes back as `Lax`, which is what Chromium treats it as.
    pub async fn set_cookie_value(&self, name: &str, value: &str) {
        let cookies = match self.client.get_all_cookies().await {
            Ok(cookies) => cookies,
            Err(e) => panic!("browser: could not read the cookies: {e}"),
        };
        let mut changed: Vec<_> = cookies.into_iter().filter(|c| c.name() == name).collect();
        if changed.is_empty() {
            let mut cookie = fantoccini::cookies::Cookie::new(name.to_owned(), String::new());
            cookie.set_path("/");
            changed.push(cookie);
        } else if let Err(e) = self.client.delete_cookie(name).await {
            panic!("browser: could not delete the cookie {name}: {e}");
        }
        let host = self.url().await;
        let host = url::Url::parse(&host)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| panic!("browser: cannot set a cookie on {host}, which has no host"));
        // The WebDriver client does not name cookie's SameSite type; a parsed cookie has one.
        let lax = fantoccini::cookies::Cookie::parse("lax=; SameSite=Lax")
            .ok()
            .and_then(|c| c.same_site());
        for mut cookie in changed {
            cookie.set_value(value.to_owned());
            if cookie.domain().is_none() {
                cookie.set_domain(host.clone());
            }
            if cookie.same_site().is_none() {
                // Sent without one, the client would ask for SameSite=None, which Chromium
                // refuses on a cookie that is not Secure.
                cookie.set_same_site(lax);
            }
            if let Err(e) = self.client.add_cookie(cookie).await {
                panic!("browser: could not set the cookie {name}: {e}");
            }
        }
    }

    /// Whether the page is wider than the window, so that it scrolls sideways (which a page
    /// on a phone must not): `document.documentElement.scrollWidth` beyond its `clientWidth`.
    /// (Not `window.innerWidth`: on an emulated phone the layout viewport, and with it
    /// `innerWidth`, grows to fit content that is too wide, so it would never tell.)
    pub async fn horizontal_overflow(&self) -> bool {
        let overflow = self
            .script(
                "const root = document.documentElement; return root.scrollWidth > root.clientWidth;",
                vec![],
            )
            .await;
        overflow
            .as_bool()
            .unwrap_or_else(|| panic!("browser: overflow check answered {overflow}"))
    }

    /// Presses Tab, at most `max_tabs` times, until the focused element matches `css`;
    /// whether it got there. Proves the element can be reached from the keyboard. Counting
    /// starts from the current focus (the top of the page after [`Browser::goto`]).
    pub async fn tab_to(&self, css: &str, max_tabs: usize) -> bool {
        let check = "const e = document.activeElement; return !!e && e.matches(arguments[0]);";
        for pressed in 0..=max_tabs {
            if self.script(check, vec![json!(css)]).await == Value::Bool(true) {
                return true;
            }
            if pressed == max_tabs {
                break;
            }
            let tab = KeyActions::new("keyboard".to_owned())
                .then(KeyAction::Down {
                    value: Key::Tab.into(),
                })
                .then(KeyAction::Up {
                    value: Key::Tab.into(),
                });
            if let Err(e) = self.client.perform_actions(tab).await {
                panic!("browser: could not press Tab: {e}");
            }
        }
        false
    }

    async fn script(&self, script: &str, args: Vec<Value>) -> Value {
        match self.client.execute(script, args).await {
            Ok(value) => value,
            Err(e) => panic!("browser: script failed: {e}\nscript: {script}"),
        }
    }

    async fn all(&self, css: &str) -> Vec<Element> {
        let found = self.client.find_all(Locator::Css(css)).await;
        self.ok(css, "look for", found)
    }

    async fn element(&self, css: &str) -> Element {
        match self.all(css).await.into_iter().next() {
            Some(element) => element,
            None => self.missing(css).await,
        }
    }

    /// Clicks, and when the click leads to another page, waits for that page to load.
    ///
    /// The old document is marked before the click; the new one arrives without the mark.
    /// Pages here work without JavaScript, so a click on a link or a submit button
    /// navigates; a click that does not is recognised after a short grace period.
    async fn click_element(&self, css: &str, element: &Element) {
        let _ = self
            .client
            .execute("window.__cdBeforeClick = true;", vec![])
            .await;
        self.ok(css, "click", element.click().await);
        let deadline = Instant::now() + SETTLE_WITHIN;
        let grace = Instant::now() + NO_NAVIGATION_GRACE;
        let mut pause = Duration::from_millis(10);
        loop {
            // Errors are expected while a navigation swaps documents.
            let state = self
                .client
                .execute(
                    "return [document.readyState, window.__cdBeforeClick === true];",
                    vec![],
                )
                .await;
            if let Ok(Value::Array(v)) = &state {
                let complete = v.first() == Some(&Value::String("complete".into()));
                let old_page = v.get(1) == Some(&Value::Bool(true));
                if complete && (!old_page || Instant::now() >= grace) {
                    return;
                }
            }
            if Instant::now() >= deadline {
                panic!(
                    "browser: page did not finish loading within {SETTLE_WITHIN:?} after clicking {css} (last state: {state:?})"
                );
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(100));
        }
    }

    fn ok<T>(&self, css: &str, what: &str, result: Result<T, fantoccini::error::CmdError>) -> T {
        result.unwrap_or_else(|e| panic!("browser: could not {what} {css}: {e}"))
    }

    async fn missing<T>(&self, css: &str) -> T {
        let url = match self.client.current_url().await {
            Ok(url) => url.to_string(),
            Err(e) => format!("(unknown: {e})"),
        };
        let source = self.client.source().await.unwrap_or_default();
        let excerpt: String = source.chars().take(3000).collect();
        let more = if excerpt.len() < source.len() {
            "\n…"
        } else {
            ""
        };
        panic!("browser: nothing matches {css:?} on {url}\npage source:\n{excerpt}{more}");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ending the session makes chromedriver quit Chromium; killing chromedriver alone
        // could leave Chromium running. This runs outside the async runtime's reach (a test
        // may be unwinding, the runtime shutting down), so it is plain blocking I/O.
        if let Some(session) = &self.session {
            delete_session(self.port, session);
        }
        let _ = self.driver.start_kill();
    }
}

/// Finds chromedriver and Chromium, or says why not.
fn locate() -> Result<(PathBuf, PathBuf), String> {
    let driver = match std::env::var_os("CULTUREDESK_CHROMEDRIVER") {
        Some(path) => Some(PathBuf::from(path)).filter(|p| is_executable(p)),
        None => on_path("chromedriver").or_else(|| executable("/usr/bin/chromedriver")),
    };
    let chromium = match std::env::var_os("CULTUREDESK_CHROMIUM") {
        Some(path) => Some(PathBuf::from(path)).filter(|p| is_executable(p)),
        None => match std::env::var_os("CHROME_BIN") {
            Some(path) => Some(PathBuf::from(path)).filter(|p| is_executable(p)),
            None => executable("/usr/bin/chromium").or_else(|| on_path("chromium")),
        },
    };
    match (driver, chromium) {
        (Some(driver), Some(chromium)) => Ok((driver, chromium)),
        (driver, chromium) => {
            let mut missing = Vec::new();
            if driver.is_none() {
                missing.push(match std::env::var("CULTUREDESK_CHROMEDRIVER") {
                    Ok(path) => format!("no chromedriver at {path} (CULTUREDESK_CHROMEDRIVER)"),
                    Err(_) => "no chromedriver on PATH or at /usr/bin/chromedriver".to_owned(),
                });
            }
            if chromium.is_none() {
                missing.push(
                    match std::env::var("CULTUREDESK_CHROMIUM")
                        .or_else(|_| std::env::var("CHROME_BIN"))
                    {
                        Ok(path) => {
                            format!("no Chromium at {path} (CULTUREDESK_CHROMIUM or CHROME_BIN)")
                        }
                        Err(_) => "no Chromium at /usr/bin/chromium or on PATH".to_owned(),
                    },
                );
            }
            Err(format!(
                "{}; install Debian's chromium and chromium-driver",
                missing.join(", ")
            ))
        }
    }
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn executable(path: &str) -> Option<PathBuf> {
    Some(PathBuf::from(path)).filter(|p| is_executable(p))
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

/// Starts chromedriver on a free port and waits until it is ready for sessions. A port
/// taken between choosing and binding it makes chromedriver exit; then another is tried.
async fn spawn_driver(bin: &Path, log: &Path) -> (tokio::process::Child, u16) {
    let mut last_error = String::new();
    for _ in 0..3 {
        let port = free_port();
        let out = std::fs::File::create(log).expect("chromedriver log file");
        let err = out.try_clone().expect("chromedriver log file");
        let mut child = match tokio::process::Command::new(bin)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .kill_on_drop(true)
            .spawn()
        {
            Ok(child) => child,
            Err(e) => panic!("browser: could not run {}: {e}", bin.display()),
        };
        match wait_ready(&mut child, port).await {
            Ok(()) => return (child, port),
            Err(e) => {
                let _ = child.start_kill();
                last_error = format!("{e}\n{}", log_tail(log));
                if !e.contains("exited") {
                    break;
                }
            }
        }
    }
    panic!(
        "browser: chromedriver {} did not become ready: {last_error}",
        bin.display()
    );
}

fn free_port() -> u16 {
    let listener = StdListener::bind("127.0.0.1:0").expect("bind a free port on 127.0.0.1");
    listener.local_addr().expect("local address").port()
}

/// Polls chromedriver's `/status` with a short backoff until it says it is ready.
async fn wait_ready(child: &mut tokio::process::Child, port: u16) -> Result<(), String> {
    let deadline = Instant::now() + DRIVER_READY_WITHIN;
    let mut pause = Duration::from_millis(10);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!(
                "chromedriver exited ({status}) before it was ready"
            ));
        }
        if status_ready(port).await {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "chromedriver on port {port} was not ready within {DRIVER_READY_WITHIN:?}"
            ));
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(200));
    }
}

async fn status_ready(port: u16) -> bool {
    let ask = async {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
        stream
            .write_all(b"GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            .await?;
        let mut reply = Vec::new();
        let mut chunk = [0u8; 1024];
        loop {
            if let Some(body) = response_body(&reply) {
                return Ok::<_, std::io::Error>(body.to_vec());
            }
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            reply.extend_from_slice(&chunk[..n]);
        }
    };
    let Ok(Ok(body)) = tokio::time::timeout(Duration::from_secs(2), ask).await else {
        return false;
    };
    serde_json::from_slice::<Value>(&body).is_ok_and(|v| v["value"]["ready"] == Value::Bool(true))
}

/// The body of a complete HTTP/1.1 response with a Content-Length (as chromedriver sends,
/// without closing the connection even when asked to), or `None` while it is incomplete.
fn response_body(reply: &[u8]) -> Option<&[u8]> {
    let head_end = reply.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&reply[..head_end]).ok()?;
    let length: usize = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0);
    reply.get(head_end + 4..head_end + 4 + length)
}

/// Ends a WebDriver session with a blocking request, bounded in time.
fn delete_session(port: u16, session: &str) {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let Ok(mut stream) = std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(1)) else {
        return;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let request = format!(
        "DELETE /session/{session} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).is_err() {
        return;
    }
    let mut reply = Vec::new();
    let mut chunk = [0u8; 1024];
    while response_body(&reply).is_none() {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => reply.extend_from_slice(&chunk[..n]),
        }
    }
}

fn capabilities(screen: Screen, chromium: &Path, profile: &Path) -> serde_json::Map<String, Value> {
    let (width, height) = screen.size();
    let args = [
        // What this machine needs to run Chromium as root, quietly, on a closed network.
        "--headless".to_owned(),
        "--no-sandbox".to_owned(),
        "--disable-gpu".to_owned(),
        "--disable-quic".to_owned(),
        "--no-first-run".to_owned(),
        "--disable-background-networking".to_owned(),
        "--disable-component-update".to_owned(),
        "--disable-sync".to_owned(),
        "--disable-dev-shm-usage".to_owned(),
        "--no-default-browser-check".to_owned(),
        format!("--user-data-dir={}", profile.display()),
        format!("--window-size={width},{height}"),
        // The centre's visitors and staff read Chinese.
        "--lang=zh-CN".to_owned(),
    ];
    let mut options = json!({
        "binary": chromium,
        "args": args,
        "prefs": { "intl.accept_languages": "zh-CN,zh" },
    });
    if screen == Screen::Phone {
        options["mobileEmulation"] = json!({
            "deviceMetrics": {
                "width": width,
                "height": height,
                "pixelRatio": 2.0,
                "mobile": true,
                "touch": true,
            },
            "userAgent": WECHAT_USER_AGENT,
        });
    }
    let caps = json!({
        "browserName": "chrome",
        "pageLoadStrategy": "normal",
        "timeouts": { "implicit": 0, "pageLoad": 30_000, "script": 10_000 },
        "goog:chromeOptions": options,
    });
    match caps {
        Value::Object(map) => map,
        _ => unreachable!("capabilities are an object"),
    }
}

fn log_tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let tail = lines[lines.len().saturating_sub(30)..].join("\n");
    format!("chromedriver log ({}):\n{tail}", log.display())
}
