use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use tokio::io::{AsyncBufReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::{JoinHandle, JoinSet};

/// A real SMTP server on 127.0.0.1 that keeps every mail it is given.
///
/// It speaks as much of RFC 5321 as a client such as lettre needs — EHLO/HELO (with
/// `8BITMIME`, `SMTPUTF8` and `AUTH PLAIN LOGIN`, any credentials accepted), MAIL, RCPT,
/// DATA, RSET, NOOP, QUIT — without TLS. It stops when dropped.
pub struct SmtpServer {
    addr: SocketAddr,
    state: Arc<State>,
    task: JoinHandle<()>,
}

/// One mail as the server received it.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    /// The envelope sender (`MAIL FROM`), without the angle brackets.
    pub from: String,
    /// The envelope recipients (`RCPT TO`), without the angle brackets.
    pub recipients: Vec<String>,
    /// The message as transmitted after DATA, dot-unstuffed, CRLF line ends.
    pub data: Vec<u8>,
    /// The user name the client authenticated as, if it did.
    pub auth_user: Option<String>,
    /// What the client called itself in EHLO/HELO.
    pub client_name: Option<String>,
}

#[derive(Default)]
struct State {
    mails: Mutex<Vec<ReceivedMail>>,
    arrived: Notify,
    /// (how many more RCPT/DATA replies fail, with which code)
    failures: Mutex<(usize, u16)>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A test that panicked while holding the lock leaves the data intact.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl SmtpServer {
    pub async fn start() -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the test SMTP server to 127.0.0.1");
        let addr = listener.local_addr().expect("test SMTP server address");
        let state = Arc::new(State::default());
        let task = tokio::spawn(accept_loop(listener, state.clone()));
        SmtpServer { addr, state, task }
    }

    /// `smtp://127.0.0.1:PORT`, for a plain (no TLS) client.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.addr.port())
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The mails received so far, oldest first.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        lock(&self.state.mails).clone()
    }

    /// Waits until at least `n` mails have arrived or `timeout` has passed, and returns
    /// what has arrived (possibly fewer than `n`: assert on the result).
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<ReceivedMail> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let arrived = self.state.arrived.notified();
            tokio::pin!(arrived);
            // Registered before looking, so a mail arriving in between still wakes us.
            arrived.as_mut().enable();
            let mails = self.messages();
            if mails.len() >= n {
                return mails;
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                return self.messages();
            }
        }
    }

    /// Makes the next `n` RCPT or DATA commands fail with `code` (451 for a transient
    /// failure, 550 for a permanent one), to test how a client retries.
    pub fn fail_next(&self, n: usize, code: u16) {
        assert!(
            (400..600).contains(&code),
            "an SMTP failure code is 4xx or 5xx, not {code}"
        );
        *lock(&self.state.failures) = (n, code);
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        // The accept task owns the connection tasks, so this ends them too.
        self.task.abort();
    }
}

impl State {
    fn take_failure(&self) -> Option<u16> {
        let mut failures = lock(&self.failures);
        if failures.0 == 0 {
            return None;
        }
        failures.0 -= 1;
        Some(failures.1)
    }
}

async fn accept_loop(listener: TcpListener, state: Arc<State>) {
    let mut connections = JoinSet::new();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        while connections.try_join_next().is_some() {}
        connections.spawn(session(stream, state.clone()));
    }
}

#[derive(Default)]
struct Session {
    client_name: Option<String>,
    auth_user: Option<String>,
    from: Option<String>,
    recipients: Vec<String>,
}

const GREETING: &str = "220 127.0.0.1 ESMTP testkit ready\r\n";
const EHLO_REPLY: &str =
    "250-127.0.0.1 hello\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 AUTH PLAIN LOGIN\r\n";

async fn session(stream: TcpStream, state: Arc<State>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    let mut s = Session::default();
    write.write_all(GREETING.as_bytes()).await?;
    loop {
        let Some(line) = read_line(&mut reader).await? else {
            return Ok(());
        };
        let (verb, arg) = match line.split_once(' ') {
            Some((verb, arg)) => (verb.to_ascii_uppercase(), arg.trim().to_owned()),
            None => (line.to_ascii_uppercase(), String::new()),
        };
        let reply: String = match verb.as_str() {
            "EHLO" => {
                s.client_name = Some(arg);
                s.from = None;
                s.recipients.clear();
                EHLO_REPLY.into()
            }
            "HELO" => {
                s.client_name = Some(arg);
                s.from = None;
                s.recipients.clear();
                "250 127.0.0.1\r\n".into()
            }
            "AUTH" => auth(&arg, &mut reader, &mut write, &mut s).await?,
            "MAIL" => match path_after(&arg, "FROM:") {
                Some(from) => {
                    s.from = Some(from);
                    s.recipients.clear();
                    "250 2.1.0 OK\r\n".into()
                }
                None => "501 5.5.4 Syntax: MAIL FROM:<address>\r\n".into(),
            },
            "RCPT" => match (&s.from, path_after(&arg, "TO:")) {
                (None, _) => "503 5.5.1 MAIL first\r\n".into(),
                (_, None) => "501 5.5.4 Syntax: RCPT TO:<address>\r\n".into(),
                (Some(_), Some(to)) => match state.take_failure() {
                    Some(code) => injected(code),
                    None => {
                        s.recipients.push(to);
                        "250 2.1.5 OK\r\n".into()
                    }
                },
            },
            "DATA" => {
                if s.recipients.is_empty() {
                    "503 5.5.1 RCPT first\r\n".into()
                } else if let Some(code) = state.take_failure() {
                    injected(code)
                } else {
                    write
                        .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                        .await?;
                    let Some(data) = read_data(&mut reader).await? else {
                        return Ok(());
                    };
                    let mail = ReceivedMail {
                        from: s.from.take().unwrap_or_default(),
                        recipients: std::mem::take(&mut s.recipients),
                        data,
                        auth_user: s.auth_user.clone(),
                        client_name: s.client_name.clone(),
                    };
                    lock(&state.mails).push(mail);
                    state.arrived.notify_waiters();
                    "250 2.0.0 OK queued\r\n".into()
                }
            }
            "RSET" => {
                s.from = None;
                s.recipients.clear();
                "250 2.0.0 OK\r\n".into()
            }
            "NOOP" => "250 2.0.0 OK\r\n".into(),
            "VRFY" => "252 2.1.5 Cannot verify, will attempt delivery\r\n".into(),
            "STARTTLS" => "454 4.7.0 TLS not available\r\n".into(),
            "QUIT" => {
                write.write_all(b"221 2.0.0 Bye\r\n").await?;
                return Ok(());
            }
            _ => "502 5.5.2 Command not implemented\r\n".into(),
        };
        write.write_all(reply.as_bytes()).await?;
    }
}

fn injected(code: u16) -> String {
    format!("{code} Failure injected by testkit::SmtpServer::fail_next\r\n")
}

/// One command line without its line end; `None` when the client has gone.
async fn read_line(
    reader: &mut (impl tokio::io::AsyncBufRead + Unpin),
) -> std::io::Result<Option<String>> {
    let mut line = Vec::new();
    if reader.read_until(b'\n', &mut line).await? == 0 {
        return Ok(None);
    }
    let line = String::from_utf8_lossy(&line);
    Ok(Some(line.trim_end_matches(['\r', '\n']).to_owned()))
}

/// The message after DATA up to the lone dot, with leading dots unstuffed (RFC 5321
/// §4.5.2); `None` when the client went away before finishing it.
async fn read_data(
    reader: &mut (impl tokio::io::AsyncBufRead + Unpin),
) -> std::io::Result<Option<Vec<u8>>> {
    let mut data = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(None);
        }
        if line == b".\r\n" || line == b".\n" {
            return Ok(Some(data));
        }
        let content = line.strip_prefix(b".").unwrap_or(&line);
        data.extend_from_slice(content);
    }
}

/// The address in `FROM:<a@b.c> PARAMS` (prefix matched case-insensitively).
fn path_after(arg: &str, prefix: &str) -> Option<String> {
    let head = arg.get(..prefix.len())?;
    if !head.eq_ignore_ascii_case(prefix) {
        return None;
    }
    let rest = arg[prefix.len()..].trim_start();
    let rest = rest.strip_prefix('<')?;
    let end = rest.find('>')?;
    Some(rest[..end].to_owned())
}

async fn auth(
    arg: &str,
    reader: &mut (impl tokio::io::AsyncBufRead + Unpin),
    write: &mut (impl AsyncWrite + Unpin),
    s: &mut Session,
) -> std::io::Result<String> {
    const OK: &str = "235 2.7.0 Authentication successful\r\n";
    const BAD: &str = "501 5.5.2 Cannot decode the response\r\n";
    let (mechanism, initial) = match arg.split_once(' ') {
        Some((m, i)) => (m.to_ascii_uppercase(), Some(i.trim().to_owned())),
        None => (arg.to_ascii_uppercase(), None),
    };
    let mut challenge = async |prompt: &str| -> std::io::Result<Option<String>> {
        write
            .write_all(format!("334 {prompt}\r\n").as_bytes())
            .await?;
        Ok(read_line(reader).await?.filter(|l| l != "*"))
    };
    match mechanism.as_str() {
        "PLAIN" => {
            let response = match initial {
                Some(i) => i,
                None => match challenge("").await? {
                    Some(r) => r,
                    None => return Ok("501 5.7.0 Authentication cancelled\r\n".into()),
                },
            };
            // authzid NUL authcid NUL password (RFC 4616)
            let Some(decoded) = decode64(&response) else {
                return Ok(BAD.into());
            };
            let Some(user) = decoded.split('\0').nth(1) else {
                return Ok(BAD.into());
            };
            s.auth_user = Some(user.to_owned());
            Ok(OK.into())
        }
        "LOGIN" => {
            let user = match initial {
                Some(i) => i,
                // "Username:"
                None => match challenge("VXNlcm5hbWU6").await? {
                    Some(r) => r,
                    None => return Ok("501 5.7.0 Authentication cancelled\r\n".into()),
                },
            };
            let Some(user) = decode64(&user) else {
                return Ok(BAD.into());
            };
            // "Password:"; any password will do.
            if challenge("UGFzc3dvcmQ6").await?.is_none() {
                return Ok("501 5.7.0 Authentication cancelled\r\n".into());
            }
            s.auth_user = Some(user);
            Ok(OK.into())
        }
        _ => Ok("504 5.5.4 Unrecognized authentication type\r\n".into()),
    }
}

fn decode64(s: &str) -> Option<String> {
    let bytes = BASE64.decode(s.trim()).ok()?;
    String::from_utf8(bytes).ok()
}

impl ReceivedMail {
    /// The raw message as text (invalid UTF-8 replaced).
    pub fn data_text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }

    /// The decoded Subject header (RFC 2047 encoded-words undone).
    pub fn subject(&self) -> Option<String> {
        let message = mail_parser::MessageParser::default().parse(&self.data)?;
        message.subject().map(str::to_owned)
    }

    /// A header's value, decoded as text where it is text; addresses and dates come back
    /// as they were written.
    pub fn header(&self, name: &str) -> Option<String> {
        let message = mail_parser::MessageParser::default().parse(&self.data)?;
        if let Some(text) = message.header(name).and_then(|h| h.as_text()) {
            return Some(text.to_owned());
        }
        message.header_raw(name).map(|raw| raw.trim().to_owned())
    }

    /// The text/plain body, transfer encoding (base64, quoted-printable, 7bit, 8bit) and
    /// charset undone, with CRLF line ends turned into `\n` as a reader sees them. In a
    /// multipart/alternative message, its text/plain part; `None` when there is none.
    pub fn text_body(&self) -> Option<String> {
        let message = mail_parser::MessageParser::default().parse(&self.data)?;
        message.text_bodies().find_map(|part| match &part.body {
            mail_parser::PartType::Text(text) => Some(text.replace("\r\n", "\n")),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    /// Speaks SMTP to the server by hand and checks each reply's code.
    struct Client {
        reader: BufReader<tokio::net::tcp::OwnedReadHalf>,
        write: tokio::net::tcp::OwnedWriteHalf,
    }

    impl Client {
        async fn connect(server: &SmtpServer) -> Client {
            let stream = TcpStream::connect(server.addr()).await.expect("connect");
            let (read, write) = stream.into_split();
            let mut c = Client {
                reader: BufReader::new(read),
                write,
            };
            c.expect_reply(220).await;
            c
        }

        /// Reads a (possibly multi-line) reply and returns its lines.
        async fn expect_reply(&mut self, code: u16) -> Vec<String> {
            let mut lines = Vec::new();
            loop {
                let line = read_line(&mut self.reader)
                    .await
                    .expect("read")
                    .expect("server closed the connection");
                let last = line.as_bytes().get(3) != Some(&b'-');
                assert!(
                    line.starts_with(&code.to_string()),
                    "expected {code}, got {line:?}"
                );
                lines.push(line);
                if last {
                    return lines;
                }
            }
        }

        async fn command(&mut self, line: &str, code: u16) -> Vec<String> {
            self.write
                .write_all(format!("{line}\r\n").as_bytes())
                .await
                .expect("write");
            self.expect_reply(code).await
        }
    }

    #[tokio::test]
    async fn receives_a_mail_with_dot_stuffing_and_auth() {
        let server = SmtpServer::start().await;
        let mut c = Client::connect(&server).await;
        let ehlo = c.command("EHLO client.example", 250).await;
        assert!(ehlo.iter().any(|l| l.ends_with("8BITMIME")), "{ehlo:?}");
        assert!(ehlo.iter().any(|l| l.ends_with("SMTPUTF8")), "{ehlo:?}");
        assert!(
            ehlo.iter().any(|l| l.ends_with("AUTH PLAIN LOGIN")),
            "{ehlo:?}"
        );
        let plain = BASE64.encode("\0clerk\0secret");
        c.command(&format!("AUTH PLAIN {plain}"), 235).await;
        c.command("MAIL FROM:<office@example.org> BODY=8BITMIME", 250)
            .await;
        c.command("RCPT TO:<a@example.org>", 250).await;
        c.command("RCPT TO:<b@example.org>", 250).await;
        c.command("DATA", 354).await;
        c.command(
            "Subject: =?utf-8?b?5oKo55qE5Y+N6aaI5bey562U5aSN?=\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\
             Content-Transfer-Encoding: 8bit\r\n\
             \r\n\
             第一行\r\n\
             ..一个点开头\r\n\
             .",
            250,
        )
        .await;
        c.command("QUIT", 221).await;

        let mails = server.wait_for(1, Duration::from_secs(5)).await;
        assert_eq!(mails.len(), 1);
        let mail = &mails[0];
        assert_eq!(mail.from, "office@example.org");
        assert_eq!(mail.recipients, ["a@example.org", "b@example.org"]);
        assert_eq!(mail.auth_user.as_deref(), Some("clerk"));
        assert_eq!(mail.client_name.as_deref(), Some("client.example"));
        assert_eq!(mail.subject().as_deref(), Some("您的反馈已答复"));
        assert_eq!(mail.text_body().as_deref(), Some("第一行\n.一个点开头\n"));
    }

    #[tokio::test]
    async fn auth_login_records_the_user() {
        let server = SmtpServer::start().await;
        let mut c = Client::connect(&server).await;
        c.command("EHLO x", 250).await;
        c.command("AUTH LOGIN", 334).await;
        c.command(&BASE64.encode("张三"), 334).await;
        c.command(&BASE64.encode("pw"), 235).await;
        c.command("MAIL FROM:<x@example.org>", 250).await;
        c.command("RCPT TO:<y@example.org>", 250).await;
        c.command("DATA", 354).await;
        c.command("Subject: hi\r\n\r\nhello\r\n.", 250).await;
        let mails = server.wait_for(1, Duration::from_secs(5)).await;
        assert_eq!(mails[0].auth_user.as_deref(), Some("张三"));
    }

    #[tokio::test]
    async fn decodes_quoted_printable_and_picks_text_from_alternative() {
        let server = SmtpServer::start().await;
        let mut c = Client::connect(&server).await;
        c.command("HELO x", 250).await;
        c.command("MAIL FROM:<x@example.org>", 250).await;
        c.command("RCPT TO:<y@example.org>", 250).await;
        c.command("DATA", 354).await;
        c.command(
            "Subject: =?UTF-8?Q?=E6=B4=BB=E5=8A=A8_notice?=\r\n\
             MIME-Version: 1.0\r\n\
             Content-Type: multipart/alternative; boundary=\"b1\"\r\n\
             \r\n\
             --b1\r\n\
             Content-Type: text/html; charset=utf-8\r\n\
             \r\n\
             <p>HTML version</p>\r\n\
             --b1\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\
             Content-Transfer-Encoding: quoted-printable\r\n\
             \r\n\
             =E6=B4=BB=E5=8A=A8 a long line that is =\r\n\
             soft-wrapped\r\n\
             --b1--\r\n\
             .",
            250,
        )
        .await;
        let mails = server.wait_for(1, Duration::from_secs(5)).await;
        assert_eq!(mails[0].subject().as_deref(), Some("活动 notice"));
        assert_eq!(
            mails[0].text_body().as_deref(),
            Some("活动 a long line that is soft-wrapped")
        );
    }

    #[tokio::test]
    async fn fail_next_rejects_then_recovers_and_rset_clears() {
        let server = SmtpServer::start().await;
        server.fail_next(2, 451);
        let mut c = Client::connect(&server).await;
        c.command("EHLO x", 250).await;
        c.command("MAIL FROM:<x@example.org>", 250).await;
        c.command("RCPT TO:<y@example.org>", 451).await;
        c.command("RCPT TO:<y@example.org>", 451).await;
        c.command("RCPT TO:<y@example.org>", 250).await;
        c.command("RSET", 250).await;
        c.command("DATA", 503).await;
        c.command("NOOP", 250).await;
        c.command("FROB", 502).await;
        assert!(server.messages().is_empty());
    }

    #[tokio::test]
    async fn wait_for_gives_up_after_the_timeout() {
        let server = SmtpServer::start().await;
        let started = std::time::Instant::now();
        let mails = server.wait_for(1, Duration::from_millis(100)).await;
        assert!(mails.is_empty());
        assert!(started.elapsed() >= Duration::from_millis(100));
    }

    #[tokio::test]
    async fn stops_when_dropped() {
        let server = SmtpServer::start().await;
        let addr = server.addr();
        let mut open = TcpStream::connect(addr).await.expect("connect");
        drop(server);
        // The open session is ended, and no new one is accepted.
        let mut rest = Vec::new();
        let ended = tokio::time::timeout(Duration::from_secs(5), open.read_to_end(&mut rest)).await;
        assert!(ended.is_ok(), "the open session outlived the server");
        assert!(TcpStream::connect(addr).await.is_err());
    }
}
