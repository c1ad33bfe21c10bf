//! Group-chat robots: DingTalk's custom group robot and WeCom's (企业微信) group robot.
//!
//! An institution adds a robot to its DingTalk or WeCom work group and gives CultureDesk
//! the robot's webhook address (and, for DingTalk's signed mode, its `SEC…` secret). A
//! notice is then announced in the group with [`RobotGateway::post`].
//!
//! Neither robot reports who read a message, so every message links back to CultureDesk,
//! where reading is recorded. Both robots take at most 20 messages a minute; DingTalk then
//! blocks the robot for ten minutes. A caller keeps one [`RobotBudget`] per robot and,
//! when it runs out, waits until [`RobotBudget::next_free`] and sends one [`digest`] of
//! what piled up instead of each message:
//!
//! ```ignore
//! if budget.try_take(now_ms) {
//!     gateway.post(&robot, &msg, now_ms).await?;
//! } else {
//!     pending.push(msg); // later, at budget.next_free(now_ms): post digest(&pending, &labels)
//! }
//! ```
//!
//! The words the robot adds to a message ("紧急", "查看并确认", "3 条新通知") come from
//! [`RobotLabels`], so the caller can take them from the message catalogue.

mod dingtalk;
mod wecom;

use std::borrow::Cow;
use std::collections::VecDeque;
use std::time::Duration;

use reqwest::header::CONTENT_TYPE;
use reqwest::{StatusCode, Url};

use crate::http_sms::{chain, excerpt, is_mobile_number};
use crate::{ConfigError, Secret, SendError};

/// Which service a robot belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RobotKind {
    DingTalk,
    WeCom,
}

impl RobotKind {
    pub const ALL: [RobotKind; 2] = [RobotKind::DingTalk, RobotKind::WeCom];

    /// The name stored in the database: "dingtalk" or "wecom".
    pub fn as_str(self) -> &'static str {
        match self {
            RobotKind::DingTalk => "dingtalk",
            RobotKind::WeCom => "wecom",
        }
    }

    pub fn parse(s: &str) -> Option<RobotKind> {
        RobotKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The service's own name, for error messages.
    fn service(self) -> &'static str {
        match self {
            RobotKind::DingTalk => "DingTalk",
            RobotKind::WeCom => "WeCom",
        }
    }
}

impl std::fmt::Display for RobotKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One robot of one institution, checked by [`RobotConfig::new`].
///
/// The webhook address carries the robot's credential (`access_token=` for DingTalk,
/// `key=` for WeCom), so it is a [`Secret`] like the DingTalk signing secret: `{:?}`
/// prints `***` for both, and no error of this module quotes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RobotConfig {
    kind: RobotKind,
    webhook: Secret,
    secret: Option<Secret>,
}

impl RobotConfig {
    /// Checks a robot as an administrator entered it. `webhook` is the whole address the
    /// robot's settings show, e.g. `https://oapi.dingtalk.com/robot/send?access_token=…`
    /// or `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`. `secret` is DingTalk's
    /// signing secret (加签, starts with `SEC`) when the robot uses signed mode; WeCom
    /// robots have none. A blank secret counts as none. Errors name `robot.webhook` or
    /// `robot.secret`.
    pub fn new(
        kind: RobotKind,
        webhook: Secret,
        secret: Option<Secret>,
    ) -> Result<RobotConfig, ConfigError> {
        let webhook = Secret::new(webhook.expose().trim());
        check_webhook(kind, webhook.expose())?;
        let secret = secret
            .map(|s| Secret::new(s.expose().trim()))
            .filter(|s| !s.expose().is_empty());
        match (kind, &secret) {
            (RobotKind::DingTalk, Some(s)) if !s.expose().starts_with("SEC") => {
                return Err(ConfigError::new(
                    "robot.secret",
                    "must be the DingTalk robot's signing secret, which starts with SEC",
                ));
            }
            (RobotKind::WeCom, Some(_)) => {
                return Err(ConfigError::new(
                    "robot.secret",
                    "must be empty: WeCom robots have no signing secret, the key is in the webhook address",
                ));
            }
            _ => {}
        }
        Ok(RobotConfig {
            kind,
            webhook,
            secret,
        })
    }

    pub fn kind(&self) -> RobotKind {
        self.kind
    }

    pub fn webhook(&self) -> &Secret {
        &self.webhook
    }

    pub fn secret(&self) -> Option<&Secret> {
        self.secret.as_ref()
    }

    /// The strings that must not reach an error message: the address, its credential
    /// and the secret.
    fn sensitive(&self) -> Vec<String> {
        let mut out = vec![self.webhook.expose().to_owned()];
        if let Ok(url) = Url::parse(self.webhook.expose()) {
            out.extend(url.query_pairs().map(|(_, v)| v.into_owned()));
        }
        out.extend(self.secret.iter().map(|s| s.expose().to_owned()));
        // Real tokens, keys and secrets are long; blanking a short value such as "1"
        // everywhere would garble the error codes instead.
        out.retain(|s| s.len() >= 6);
        // Longest first, so the whole address goes before the token inside it.
        out.sort_by_key(|s| std::cmp::Reverse(s.len()));
        out
    }

    /// `text` with every sensitive string replaced by `***`.
    fn scrub(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for s in self.sensitive() {
            text = text.replace(&s, "***");
        }
        text
    }
}

/// The query parameter that carries each robot's credential.
fn credential_param(kind: RobotKind) -> &'static str {
    match kind {
        RobotKind::DingTalk => "access_token",
        RobotKind::WeCom => "key",
    }
}

fn check_webhook(kind: RobotKind, webhook: &str) -> Result<(), ConfigError> {
    const KEY: &str = "robot.webhook";
    if webhook.is_empty() {
        return Err(ConfigError::new(KEY, "is required"));
    }
    // The address holds the credential, so problems are described without quoting it.
    let url = Url::parse(webhook)
        .map_err(|e| ConfigError::new(KEY, format!("is not a valid URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(ConfigError::new(
            KEY,
            "must start with https:// (or http://)",
        ));
    }
    let param = credential_param(kind);
    if !url.query_pairs().any(|(k, v)| k == param && !v.is_empty()) {
        // The usual mistake: pasting only the token or key instead of the whole address.
        return Err(ConfigError::new(
            KEY,
            format!(
                "must be the {} robot's whole webhook address, with {param}= in it",
                kind.service()
            ),
        ));
    }
    Ok(())
}

/// One announcement in a group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RobotMessage {
    pub title: String,
    /// Plain text; Markdown links (`[title](url)`), `**bold**` and `- ` lists are fine.
    pub text: String,
    /// The link back to CultureDesk, where reading is recorded; always shown, even when
    /// the text has to be cut. Empty only in a [`digest`], whose text links each notice.
    pub url: String,
    /// Marked 紧急 (see [`RobotLabels::urgent`]) in the group.
    pub urgent: bool,
    /// Group members to @mention, by mobile number. Numbers that cannot be one are left
    /// out. On WeCom a message that mentions someone is sent as plain text, the only kind
    /// that can mention by mobile number.
    pub mention_mobiles: Vec<String>,
}

/// The words the robots add to messages, in the group's language.
///
/// The defaults are the Chinese texts; a caller with the message catalogue passes its
/// own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RobotLabels {
    /// Marks an urgent message: "紧急".
    pub urgent: String,
    /// The text of the link back to CultureDesk: "查看并确认".
    pub open: String,
    /// A digest's title; `{count}` is replaced by the number of notices: "{count} 条新通知".
    pub digest_title: String,
}

impl Default for RobotLabels {
    fn default() -> RobotLabels {
        RobotLabels {
            urgent: "紧急".into(),
            open: "查看并确认".into(),
            digest_title: "{count} 条新通知".into(),
        }
    }
}

/// Merges a burst of messages into one: a title counting them, the list of their titles
/// each linked to its notice, urgent if any of them is, and everyone any of them mentions
/// (each once).
pub fn digest(messages: &[RobotMessage], labels: &RobotLabels) -> RobotMessage {
    let lines: Vec<String> = messages
        .iter()
        .map(|m| {
            let mark = if m.urgent {
                format!("【{}】", labels.urgent)
            } else {
                String::new()
            };
            if m.url.is_empty() {
                format!("- {mark}{}", m.title)
            } else {
                format!("- {mark}[{}]({})", m.title, m.url)
            }
        })
        .collect();
    let mut mention_mobiles: Vec<String> = Vec::new();
    for mobile in messages.iter().flat_map(|m| &m.mention_mobiles) {
        let mobile = mobile.trim();
        if !mobile.is_empty() && !mention_mobiles.iter().any(|m| m == mobile) {
            mention_mobiles.push(mobile.to_owned());
        }
    }
    RobotMessage {
        title: labels
            .digest_title
            .replace("{count}", &messages.len().to_string()),
        text: lines.join("\n"),
        url: String::new(),
        urgent: messages.iter().any(|m| m.urgent),
        mention_mobiles,
    }
}

/// The numbers to mention: trimmed, plausible mobile numbers, each once.
fn mentions(msg: &RobotMessage) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for mobile in msg.mention_mobiles.iter().map(|m| m.trim()) {
        if is_mobile_number(mobile) && !out.contains(&mobile) {
            out.push(mobile);
        }
    }
    out
}

/// How many messages a robot takes in [`RobotBudget::WINDOW_MS`], on both services.
pub const ROBOT_MESSAGES_PER_MINUTE: usize = 20;

/// The send times of one robot over the last minute, to stay under its limit of
/// [`ROBOT_MESSAGES_PER_MINUTE`]. Pure bookkeeping: the caller passes the time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RobotBudget {
    sent: VecDeque<i64>,
}

impl RobotBudget {
    /// The sliding window the limit counts over.
    pub const WINDOW_MS: i64 = 60_000;

    pub fn new() -> RobotBudget {
        RobotBudget::default()
    }

    /// Takes one message from the budget if the last minute has room for it, and says
    /// whether it did.
    pub fn try_take(&mut self, now_ms: i64) -> bool {
        while self
            .sent
            .front()
            .is_some_and(|&t| t <= now_ms - Self::WINDOW_MS)
        {
            self.sent.pop_front();
        }
        if self.sent.len() >= ROBOT_MESSAGES_PER_MINUTE {
            return false;
        }
        self.sent.push_back(now_ms);
        true
    }

    /// The first time, `now_ms` or later, at which [`RobotBudget::try_take`] will succeed.
    pub fn next_free(&self, now_ms: i64) -> i64 {
        let in_window: Vec<i64> = self
            .sent
            .iter()
            .copied()
            .filter(|&t| t > now_ms - Self::WINDOW_MS)
            .collect();
        if in_window.len() < ROBOT_MESSAGES_PER_MINUTE {
            return now_ms;
        }
        // Room opens when the send that would be the 21st-from-last leaves the window.
        in_window[in_window.len() - ROBOT_MESSAGES_PER_MINUTE] + Self::WINDOW_MS
    }
}

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Posts messages to DingTalk and WeCom robots. One is enough for the whole server: the
/// robot is named on each call.
#[derive(Debug, Clone)]
pub struct RobotGateway {
    client: reqwest::Client,
    labels: RobotLabels,
    timeout: Duration,
}

impl RobotGateway {
    /// A gateway that waits 10 s for an answer (see [`RobotGateway::with_timeout`]).
    pub fn new(labels: RobotLabels) -> Result<RobotGateway, ConfigError> {
        crate::install_crypto_provider();
        let client = reqwest::Client::builder()
            // A robot that redirects a POST has moved; following would drop the message.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| {
                ConfigError::new(
                    "robot",
                    format!("cannot prepare an HTTP client ({})", chain(&e)),
                )
            })?;
        Ok(RobotGateway {
            client,
            labels,
            timeout: DEFAULT_TIMEOUT,
        })
    }

    pub fn with_timeout(self, timeout: Duration) -> RobotGateway {
        RobotGateway { timeout, ..self }
    }

    pub fn labels(&self) -> &RobotLabels {
        &self.labels
    }

    /// Posts `msg` to the robot's group. `now_ms` (milliseconds since the Unix epoch) signs
    /// the request in DingTalk's signed mode; DingTalk refuses a time more than about an
    /// hour off its own clock.
    ///
    /// [`SendError::Transient`]: the robot could not be reached, answered 5xx, or is over
    /// its rate limit (after which DingTalk blocks it for ten minutes). Permanent: the
    /// address, key or secret is wrong, or the robot refused the message. Error texts
    /// never contain the webhook address or the secret.
    pub async fn post(
        &self,
        robot: &RobotConfig,
        msg: &RobotMessage,
        now_ms: i64,
    ) -> Result<(), SendError> {
        let mut url = Url::parse(robot.webhook.expose()).map_err(|_| {
            SendError::Permanent(format!(
                "the {} robot's webhook address is not a valid URL",
                robot.kind.service()
            ))
        })?;
        let body = match robot.kind {
            RobotKind::DingTalk => {
                if let Some(secret) = &robot.secret {
                    dingtalk::sign_url(&mut url, secret.expose(), now_ms)?;
                }
                dingtalk::body(msg, &self.labels)
            }
            RobotKind::WeCom => wecom::body(msg, &self.labels),
        };
        let body = serde_json::to_vec(&body)
            .map_err(|e| SendError::Permanent(format!("cannot encode the message: {e}")))?;

        let reply = self
            .client
            .post(url)
            .header(CONTENT_TYPE, "application/json; charset=utf-8")
            .timeout(self.timeout)
            .body(body)
            .send()
            .await
            .map_err(|e| self.network_error(robot, e))?;
        let status = reply.status();
        let text = reply
            .text()
            .await
            .map_err(|e| self.network_error(robot, e))?;
        check_reply(robot, status, &text)
    }

    fn network_error(&self, robot: &RobotConfig, e: reqwest::Error) -> SendError {
        let service = robot.kind.service();
        if e.is_timeout() {
            return SendError::Transient(format!(
                "the {service} robot did not answer within {} s",
                self.timeout.as_secs()
            ));
        }
        let builder = e.is_builder();
        // Without the URL: it carries the robot's token or key.
        let cause = robot.scrub(&chain(&e.without_url()));
        if builder {
            return SendError::Permanent(format!("cannot build the request: {cause}"));
        }
        let host = Url::parse(robot.webhook.expose())
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| "?".into());
        SendError::Transient(format!(
            "could not reach the {service} robot at {host}: {cause}"
        ))
    }
}

/// Both robots answer `{"errcode":0,"errmsg":"ok"}`; anything else is a refusal.
fn check_reply(robot: &RobotConfig, status: StatusCode, reply: &str) -> Result<(), SendError> {
    let service = robot.kind.service();
    let shown = || excerpt(&robot.scrub(reply));
    if !status.is_success() {
        let problem = format!("the {service} robot answered {status}: {}", shown());
        return Err(
            if status.is_server_error()
                || status == StatusCode::REQUEST_TIMEOUT
                || status == StatusCode::TOO_MANY_REQUESTS
            {
                SendError::Transient(problem)
            } else {
                SendError::Permanent(problem)
            },
        );
    }
    let json: Option<serde_json::Value> = serde_json::from_str(reply).ok();
    let errcode = json
        .as_ref()
        .and_then(|j| j.get("errcode"))
        .and_then(serde_json::Value::as_i64);
    let Some(errcode) = errcode else {
        return Err(SendError::Permanent(format!(
            "the {service} robot's reply has no errcode: {}",
            shown()
        )));
    };
    if errcode == 0 {
        return Ok(());
    }
    let errmsg = json
        .as_ref()
        .and_then(|j| j.get("errmsg"))
        .and_then(serde_json::Value::as_str)
        .unwrap_or("");
    let errmsg = excerpt(&robot.scrub(errmsg));
    let (transient, hint) = match robot.kind {
        RobotKind::DingTalk => dingtalk::errcode(errcode),
        RobotKind::WeCom => wecom::errcode(errcode),
    };
    let hint = hint.map(|h| format!("; {h}")).unwrap_or_default();
    let problem =
        format!("the {service} robot refused the message: errcode {errcode} ({errmsg}){hint}");
    Err(if transient {
        SendError::Transient(problem)
    } else {
        SendError::Permanent(problem)
    })
}

/// What errcode classifiers return: whether a retry could help, and advice for the
/// administrator.
type Verdict = (bool, Option<&'static str>);

/// `head`, `body` and `tail` joined in at most `limit` bytes of UTF-8: the body is cut
/// first, then the head; the tail (the link back) is always kept whole.
fn fit(head: &str, body: &str, tail: &str, limit: usize) -> String {
    let room = limit.saturating_sub(tail.len());
    let head = truncate(head, room);
    let body = truncate(body, room - head.len());
    [head.as_ref(), body.as_ref(), tail].concat()
}

const ELLIPSIS: &str = "…";

/// `text` cut to at most `max_bytes` bytes on a character boundary, ending in "…" when
/// cut. A link the cut would leave half is dropped whole.
fn truncate(text: &str, max_bytes: usize) -> Cow<'_, str> {
    if text.len() <= max_bytes {
        return Cow::Borrowed(text);
    }
    let Some(room) = max_bytes.checked_sub(ELLIPSIS.len()) else {
        return Cow::Borrowed("");
    };
    let mut cut = room;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let mut kept = &text[..cut];
    let cut_mid_word = !text[cut..].starts_with(char::is_whitespace);
    let word_start = kept.rfind(char::is_whitespace).map_or(0, |i| {
        i + kept[i..].chars().next().map_or(1, char::len_utf8)
    });
    if cut_mid_word && kept[word_start..].contains("://") {
        kept = &kept[..word_start];
    }
    Cow::Owned(format!("{}{ELLIPSIS}", kept.trim_end()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for k in RobotKind::ALL {
            assert_eq!(RobotKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(RobotKind::parse("dingtalk"), Some(RobotKind::DingTalk));
        assert_eq!(RobotKind::parse("wecom"), Some(RobotKind::WeCom));
        assert_eq!(RobotKind::parse("feishu"), None);
    }

    #[test]
    fn truncation_keeps_whole_characters_within_the_limit() {
        // 文 is 3 bytes, 😀 is 4: no limit may split either.
        let text = "文化馆😀通知";
        for limit in 0..=text.len() + 2 {
            let cut = truncate(text, limit);
            assert!(
                cut.len() <= limit,
                "{limit}: {cut:?} is {} bytes",
                cut.len()
            );
            if limit >= text.len() {
                assert_eq!(cut, text);
            } else if limit >= ELLIPSIS.len() {
                assert!(cut.ends_with(ELLIPSIS), "{limit}: {cut:?}");
                let kept = cut.trim_end_matches(ELLIPSIS);
                assert!(text.starts_with(kept), "{limit}: {cut:?}");
            }
        }
        assert_eq!(truncate(text, 9), "文化…");
        assert_eq!(truncate(text, 10), "文化…");
        assert_eq!(truncate(text, 13), "文化馆…");
        assert_eq!(truncate(text, 15), "文化馆…");
        assert_eq!(truncate(text, 16), "文化馆😀…");
    }

    #[test]
    fn truncation_drops_a_link_it_would_cut() {
        let text = "见 https://culture.example.gov.cn/n/1 和 https://culture.example.gov.cn/n/2";
        let cut = truncate(text, text.len() - 5);
        assert_eq!(cut, "见 https://culture.example.gov.cn/n/1 和…");
        // A link cut right after its end stays.
        let cut = truncate(text, "见 https://culture.example.gov.cn/n/1".len() + 3);
        assert_eq!(cut, "见 https://culture.example.gov.cn/n/1…");
        let list = "- [一](https://x.cn/1)\n- [二](https://x.cn/2)";
        assert_eq!(truncate(list, list.len() - 1), "- [一](https://x.cn/1)\n-…");
    }

    #[test]
    fn fit_keeps_the_tail_and_cuts_the_body_then_the_head() {
        let tail = "\n[查看并确认](https://x.cn/n/1)";
        let out = fit("标题\n", &"正文".repeat(100), tail, 60);
        assert!(out.len() <= 60, "{} bytes", out.len());
        assert!(out.starts_with("标题\n正文"), "{out}");
        assert!(out.ends_with(&format!("…{tail}")), "{out}");

        let out = fit(&"长".repeat(100), "正文", tail, 60);
        assert!(out.len() <= 60 && out.ends_with(tail), "{out}");
        assert!(out.starts_with("长长") && !out.contains("正文"), "{out}");

        assert_eq!(fit("a", "b", "c", 3), "abc");
    }

    #[test]
    fn digest_of_nothing_is_an_empty_list() {
        let d = digest(&[], &RobotLabels::default());
        assert_eq!(d.title, "0 条新通知");
        assert!(d.text.is_empty() && !d.urgent && d.mention_mobiles.is_empty());
    }

    #[test]
    fn mentions_are_trimmed_plausible_numbers_once() {
        let msg = RobotMessage {
            mention_mobiles: vec![
                " 13800000000".into(),
                "13800000000".into(),
                "not-a-number".into(),
                String::new(),
                "13900000000".into(),
            ],
            ..RobotMessage::default()
        };
        assert_eq!(mentions(&msg), ["13800000000", "13900000000"]);
    }

    #[test]
    fn budget_counts_a_sliding_minute() {
        let mut b = RobotBudget::new();
        for i in 0..20 {
            assert!(b.try_take(i * 1000), "send {i}");
        }
        assert!(!b.try_take(30_000));
        assert_eq!(b.next_free(30_000), 60_000);
        assert!(!b.try_take(59_999));
        assert!(b.try_take(60_000));
        // The second send (at 1 s) is the next to leave.
        assert_eq!(b.next_free(60_000), 61_000);
    }
}
