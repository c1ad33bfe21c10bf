use std::collections::VecDeque;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::{JoinHandle, JoinSet};

/// What DingTalk and WeCom robots answer when they accept a message.
pub const ROBOT_OK: &str = r#"{"errcode":0,"errmsg":"ok"}"#;

/// A real HTTP/1.1 server on 127.0.0.1 that records every request and answers as told:
/// by default 200 with [`ROBOT_OK`]. It stands in for SMS gateways and chat robots, and
/// stops when dropped.
pub struct HttpRecorder {
    addr: SocketAddr,
    state: Arc<State>,
    task: JoinHandle<()>,
}

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    /// The raw query string, without the `?`.
    pub query: Option<String>,
    /// In arrival order, names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The body as UTF-8 (invalid bytes replaced).
    pub body_text: String,
    /// The body parsed as JSON, when it is JSON.
    pub json: Option<serde_json::Value>,
}

struct State {
    requests: Mutex<Vec<RecordedRequest>>,
    arrived: Notify,
    replies: Mutex<Replies>,
}

struct Replies {
    fallback: (StatusCode, String),
    queue: VecDeque<(StatusCode, String)>,
    delay: Duration,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A test that panicked while holding the lock leaves the data intact.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or_else(|_| panic!("{code} is not an HTTP status code"))
}

impl HttpRecorder {
    pub async fn start() -> HttpRecorder {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the test HTTP server to 127.0.0.1");
        let addr = listener.local_addr().expect("test HTTP server address");
        let state = Arc::new(State {
            requests: Mutex::new(Vec::new()),
            arrived: Notify::new(),
            replies: Mutex::new(Replies {
                fallback: (StatusCode::OK, ROBOT_OK.to_owned()),
                queue: VecDeque::new(),
                delay: Duration::ZERO,
            }),
        });
        let task = tokio::spawn(accept_loop(listener, state.clone()));
        HttpRecorder { addr, state, task }
    }

    /// `http://127.0.0.1:PORT` followed by `path` (a `/` is added if it lacks one).
    pub fn url(&self, path: &str) -> String {
        let slash = if path.starts_with('/') { "" } else { "/" };
        format!("http://127.0.0.1:{}{slash}{path}", self.addr.port())
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The requests received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state.requests).clone()
    }

    /// Waits until at least `n` requests have arrived or `timeout` has passed, and returns
    /// what has arrived (possibly fewer than `n`: assert on the result).
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<RecordedRequest> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let arrived = self.state.arrived.notified();
            tokio::pin!(arrived);
            // Registered before looking, so a request arriving in between still wakes us.
            arrived.as_mut().enable();
            let requests = self.requests();
            if requests.len() >= n {
                return requests;
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                return self.requests();
            }
        }
    }

    /// Answers every later request (once any queued replies are used up) with this.
    pub fn respond_with(&self, status_code: u16, body: impl Into<String>) {
        lock(&self.state.replies).fallback = (status(status_code), body.into());
    }

    /// Answers the next requests with these, one each, then falls back to the usual reply.
    pub fn respond_next<B: Into<String>>(&self, replies: Vec<(u16, B)>) {
        let mut state = lock(&self.state.replies);
        for (code, body) in replies {
            state.queue.push_back((status(code), body.into()));
        }
    }

    /// Holds every later reply back this long (after recording the request), to test a
    /// client's timeout.
    pub fn delay_replies(&self, delay: Duration) {
        lock(&self.state.replies).delay = delay;
    }
}

impl Drop for HttpRecorder {
    fn drop(&mut self) {
        // The accept task owns the connection tasks, so this ends them too.
        self.task.abort();
    }
}

async fn accept_loop(listener: TcpListener, state: Arc<State>) {
    let mut connections = JoinSet::new();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        while connections.try_join_next().is_some() {}
        let state = state.clone();
        connections.spawn(async move {
            let service = hyper::service::service_fn(move |req| answer(req, state.clone()));
            // A client hanging up mid-request is its own business.
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn answer(
    req: Request<Incoming>,
    state: Arc<State>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(e) => {
            let mut reply = Response::new(Full::new(Bytes::from(format!("bad body: {e}"))));
            *reply.status_mut() = StatusCode::BAD_REQUEST;
            return Ok(reply);
        }
    };
    let body_text = String::from_utf8_lossy(&body).into_owned();
    let recorded = RecordedRequest {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        json: serde_json::from_slice(&body).ok(),
        body,
        body_text,
    };
    let ((code, text), delay) = {
        let mut replies = lock(&state.replies);
        let next = replies
            .queue
            .pop_front()
            .unwrap_or_else(|| replies.fallback.clone());
        (next, replies.delay)
    };
    lock(&state.requests).push(recorded);
    state.arrived.notify_waiters();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }

    let content_type = if serde_json::from_str::<serde_json::Value>(&text).is_ok() {
        "application/json"
    } else {
        "text/plain; charset=utf-8"
    };
    let mut reply = Response::new(Full::new(Bytes::from(text)));
    *reply.status_mut() = code;
    reply
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    Ok(reply)
}

impl RecordedRequest {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body decoded as `application/x-www-form-urlencoded`.
    pub fn form(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(&self.body)
            .into_owned()
            .collect()
    }

    /// The query string decoded into pairs.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.query.as_deref().unwrap_or("").as_bytes())
            .into_owned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    /// One HTTP/1.1 request by hand (no client library in testkit); returns the status
    /// code and the body.
    async fn request(addr: SocketAddr, raw: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        stream.write_all(raw.as_bytes()).await.expect("write");
        let mut reply = Vec::new();
        stream.read_to_end(&mut reply).await.expect("read");
        let reply = String::from_utf8(reply).expect("UTF-8 reply");
        let code = reply[9..12].parse().expect("status code");
        let body = reply
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_owned())
            .unwrap_or_default();
        (code, body)
    }

    fn post(path: &str, content_type: &str, body: &str) -> String {
        format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\nX-Token: abc\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    }

    #[tokio::test]
    async fn records_requests_and_answers_like_a_robot_by_default() {
        let server = HttpRecorder::start().await;
        assert!(server.url("robot/send").ends_with("/robot/send"));
        let body = r#"{"msgtype":"text","text":{"content":"新反馈"}}"#;
        let (code, reply) = request(
            server.addr(),
            &post("/robot/send?access_token=t%201", "application/json", body),
        )
        .await;
        assert_eq!((code, reply.as_str()), (200, ROBOT_OK));

        let requests = server.wait_for(1, Duration::from_secs(5)).await;
        assert_eq!(requests.len(), 1);
        let r = &requests[0];
        assert_eq!(r.method, "POST");
        assert_eq!(r.path, "/robot/send");
        assert_eq!(r.query.as_deref(), Some("access_token=t%201"));
        assert_eq!(r.query_pairs(), [("access_token".into(), "t 1".into())]);
        assert_eq!(r.header("x-token"), Some("abc"));
        assert_eq!(r.header("Content-Type"), Some("application/json"));
        assert_eq!(r.body_text, body);
        assert_eq!(
            r.json,
            Some(serde_json::json!({"msgtype":"text","text":{"content":"新反馈"}}))
        );
    }

    #[tokio::test]
    async fn queued_replies_come_first_then_the_fallback() {
        let server = HttpRecorder::start().await;
        server.respond_with(500, "down");
        server.respond_next(vec![(429, "slow down"), (200, "{\"code\":0}")]);
        let form = post(
            "/sms",
            "application/x-www-form-urlencoded",
            "a=1&b=%E6%96%87+x",
        );
        assert_eq!(
            request(server.addr(), &form).await,
            (429, "slow down".into())
        );
        assert_eq!(
            request(server.addr(), &form).await,
            (200, "{\"code\":0}".into())
        );
        assert_eq!(request(server.addr(), &form).await, (500, "down".into()));
        let requests = server.wait_for(3, Duration::from_secs(5)).await;
        assert_eq!(requests.len(), 3);
        assert_eq!(
            requests[0].form(),
            [("a".into(), "1".into()), ("b".into(), "文 x".into())]
        );
        assert_eq!(requests[0].json, None);
    }

    #[tokio::test]
    async fn stops_when_dropped() {
        let server = HttpRecorder::start().await;
        let addr = server.addr();
        drop(server);
        tokio::task::yield_now().await;
        assert!(TcpStream::connect(addr).await.is_err());
    }
}
