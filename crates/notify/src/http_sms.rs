use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};

use crate::{Channel, ConfigError, Gateway, Outgoing, SendError, SmsConfig};

/// SMS through any provider that takes one HTTP request per message.
///
/// Chinese SMS providers differ in everything but this shape, so the request is described
/// in configuration (see [`SmsConfig`]) rather than coded per provider.
pub struct HttpSmsGateway {
    client: reqwest::Client,
    url: Url,
    method: Method,
    template: String,
    content_type: HeaderValue,
    escape: Escape,
    headers: HeaderMap,
    timeout: Duration,
    success: Option<SuccessRule>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Escape {
    Json,
    Form,
}

#[derive(Debug, Clone)]
struct SuccessRule {
    field: String,
    value: String,
}

const DEFAULT_TIMEOUT_SECONDS: u64 = 10;
const DEFAULT_JSON_TEMPLATE: &str = r#"{"mobile":"{mobile}","text":"{text}"}"#;
const DEFAULT_FORM_TEMPLATE: &str = "mobile={mobile}&text={text}";
/// How much of a provider's reply goes into an error, enough to read its error code.
const REPLY_EXCERPT_CHARS: usize = 300;

impl HttpSmsGateway {
    /// Checks the `[sms]` section for `gateway = "http"` and prepares the client.
    pub fn from_config(cfg: &SmsConfig) -> Result<HttpSmsGateway, ConfigError> {
        let url = cfg
            .url
            .as_deref()
            .filter(|u| !u.trim().is_empty())
            .ok_or_else(|| {
                ConfigError::new("sms.url", "is required when sms.gateway = \"http\"")
            })?;
        // The URL may carry the provider's key, so errors describe it without quoting it.
        let url = Url::parse(url.trim())
            .map_err(|e| ConfigError::new("sms.url", format!("is not a valid URL ({e})")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(ConfigError::new(
                "sms.url",
                "must start with https:// or http://",
            ));
        }

        let method = match cfg.method.as_deref().map(str::trim) {
            None | Some("") => Method::POST,
            Some(m) => match m.to_ascii_uppercase().as_str() {
                "POST" => Method::POST,
                "PUT" => Method::PUT,
                "PATCH" => Method::PATCH,
                _ => {
                    return Err(ConfigError::new(
                        "sms.method",
                        "must be POST, PUT or PATCH: the message travels in the request body",
                    ));
                }
            },
        };

        let content_type = cfg
            .content_type
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .unwrap_or("application/json");
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let escape = if essence == "application/json" || essence.ends_with("+json") {
            Escape::Json
        } else if essence == "application/x-www-form-urlencoded" {
            Escape::Form
        } else {
            return Err(ConfigError::new(
                "sms.content_type",
                "must be application/json or application/x-www-form-urlencoded, \
                 so {mobile} and {text} can be escaped for it",
            ));
        };
        let content_type = HeaderValue::from_str(content_type)
            .map_err(|_| ConfigError::new("sms.content_type", "is not a valid header value"))?;

        let template = match cfg.template.as_deref() {
            Some(t) if !t.trim().is_empty() => t.to_owned(),
            _ if escape == Escape::Json => DEFAULT_JSON_TEMPLATE.to_owned(),
            _ => DEFAULT_FORM_TEMPLATE.to_owned(),
        };
        for placeholder in ["{mobile}", "{text}"] {
            if !template.contains(placeholder) {
                return Err(ConfigError::new(
                    "sms.template",
                    format!("must contain {placeholder}"),
                ));
            }
        }
        if escape == Escape::Json {
            // A template that is not JSON once filled in (say, {text} without quotes
            // around it) would fail on every message; better to refuse it at startup.
            let sample = render(&template, "13800000000", "测试 \"quoted\"\n", escape);
            if let Err(e) = serde_json::from_str::<serde_json::Value>(&sample) {
                return Err(ConfigError::new(
                    "sms.template",
                    format!(
                        "is not valid JSON once {{mobile}} and {{text}} are filled in ({e}); \
                         put the placeholders inside quotes: \"{{text}}\""
                    ),
                ));
            }
        }

        let mut headers = HeaderMap::new();
        for (name, value) in &cfg.headers {
            let key = format!("sms.headers.{name}");
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| ConfigError::new(&key, "is not a valid header name"))?;
            if header == CONTENT_TYPE {
                return Err(ConfigError::new(
                    key,
                    "must be set as sms.content_type instead",
                ));
            }
            let mut value = HeaderValue::from_str(value.expose())
                .map_err(|_| ConfigError::new(&key, "is not a valid header value"))?;
            // Keeps the value out of reqwest's and hyper's own debug output.
            value.set_sensitive(true);
            headers.insert(header, value);
        }

        let timeout = crate::config::timeout(
            "sms.timeout_seconds",
            cfg.timeout_seconds,
            DEFAULT_TIMEOUT_SECONDS,
        )?;

        let success = match (&cfg.success_json_field, &cfg.success_json_value) {
            (None, None) => None,
            (Some(field), Some(value)) => Some(SuccessRule {
                field: field.clone(),
                value: value.clone(),
            }),
            (Some(_), None) => {
                return Err(ConfigError::new(
                    "sms.success_json_value",
                    "is required when sms.success_json_field is set",
                ));
            }
            (None, Some(_)) => {
                return Err(ConfigError::new(
                    "sms.success_json_field",
                    "is required when sms.success_json_value is set",
                ));
            }
        };

        crate::install_crypto_provider();
        let client = reqwest::Client::builder()
            .timeout(timeout)
            // A provider that redirects a POST has moved; following it would silently
            // turn the request into a GET without the message.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| {
                ConfigError::new(
                    "sms.url",
                    format!("cannot prepare an HTTP client for it ({e})"),
                )
            })?;

        Ok(HttpSmsGateway {
            client,
            url,
            method,
            template,
            content_type,
            escape,
            headers,
            timeout,
            success,
        })
    }
}

impl std::fmt::Debug for HttpSmsGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<(&str, &str)> = self.headers.keys().map(|k| (k.as_str(), "***")).collect();
        f.debug_struct("HttpSmsGateway")
            .field("host", &self.url.host_str())
            .field("method", &self.method)
            .field("content_type", &self.content_type)
            .field("headers", &headers)
            .field("timeout", &self.timeout)
            .field("success", &self.success)
            .finish_non_exhaustive()
    }
}

#[async_trait::async_trait]
impl Gateway for HttpSmsGateway {
    fn channel(&self) -> Channel {
        Channel::Sms
    }

    fn name(&self) -> &'static str {
        "http"
    }

    async fn send(&self, msg: &Outgoing) -> Result<(), SendError> {
        if msg.channel != Channel::Sms {
            return Err(SendError::Permanent(format!(
                "the HTTP SMS gateway sends SMS, not {}",
                msg.channel
            )));
        }
        let mobile = msg.recipient.trim();
        if !is_mobile_number(mobile) {
            return Err(SendError::Permanent(format!(
                "not a mobile number: {:?}",
                msg.recipient
            )));
        }
        let body = render(&self.template, mobile, &msg.body, self.escape);

        let reply = self
            .client
            .request(self.method.clone(), self.url.clone())
            .headers(self.headers.clone())
            .header(CONTENT_TYPE, self.content_type.clone())
            .body(body)
            .send()
            .await
            .map_err(|e| self.network_error(e))?;
        let status = reply.status();
        let text = reply.text().await.map_err(|e| self.network_error(e))?;

        if status.is_success() {
            if let Some(rule) = &self.success {
                rule.check(&text)?;
            }
            tracing::debug!(target: "culturedesk::outbox", status = status.as_u16(), "SMS accepted by the gateway");
            return Ok(());
        }
        let problem = format!("the SMS gateway answered {status}: {}", excerpt(&text));
        if status.is_server_error()
            || status == StatusCode::REQUEST_TIMEOUT
            || status == StatusCode::TOO_MANY_REQUESTS
        {
            Err(SendError::Transient(problem))
        } else {
            Err(SendError::Permanent(problem))
        }
    }
}

impl HttpSmsGateway {
    fn network_error(&self, e: reqwest::Error) -> SendError {
        if e.is_builder() {
            return SendError::Permanent(format!(
                "cannot build the request: {}",
                chain(&e.without_url())
            ));
        }
        if e.is_timeout() {
            return SendError::Transient(format!(
                "the SMS gateway did not answer within {} s",
                self.timeout.as_secs()
            ));
        }
        // Without the URL: it may carry the provider's key.
        SendError::Transient(format!(
            "could not reach the SMS gateway at {}: {}",
            self.url.host_str().unwrap_or("?"),
            chain(&e.without_url())
        ))
    }
}

impl SuccessRule {
    fn check(&self, reply: &str) -> Result<(), SendError> {
        let refused = |why: String| {
            SendError::Permanent(format!(
                "the SMS gateway refused the message: {why}; reply: {}",
                excerpt(reply)
            ))
        };
        let json: serde_json::Value =
            serde_json::from_str(reply).map_err(|_| refused("the reply is not JSON".into()))?;
        let actual = match json.get(&self.field) {
            None => return Err(refused(format!("the reply has no field {:?}", self.field))),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        };
        if actual == self.value {
            Ok(())
        } else {
            Err(refused(format!(
                "{} is {actual:?}, expected {:?}",
                self.field, self.value
            )))
        }
    }
}

/// Digits with an optional leading `+`; anything else would be refused by every provider,
/// so there is no point sending it.
pub(crate) fn is_mobile_number(s: &str) -> bool {
    let digits = s.strip_prefix('+').unwrap_or(s);
    (5..=20).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Fills in `{mobile}` and `{text}` in one pass, so a placeholder inside the message text
/// stays literal.
fn render(template: &str, mobile: &str, text: &str, escape: Escape) -> String {
    let mut out = String::with_capacity(template.len() + mobile.len() + text.len() * 2);
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix("{mobile}") {
            escape.push(&mut out, mobile);
            rest = after;
        } else if let Some(after) = tail.strip_prefix("{text}") {
            escape.push(&mut out, text);
            rest = after;
        } else {
            out.push('{');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

impl Escape {
    fn push(self, out: &mut String, value: &str) {
        match self {
            Escape::Json => push_json_string_contents(out, value),
            Escape::Form => out.extend(url::form_urlencoded::byte_serialize(value.as_bytes())),
        }
    }
}

/// The inside of a JSON string literal (RFC 8259 §7), without the quotes: the template
/// supplies those.
fn push_json_string_contents(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
}

pub(crate) fn excerpt(reply: &str) -> String {
    let reply = reply.trim();
    if reply.is_empty() {
        return "(empty reply)".into();
    }
    let mut chars = reply.chars();
    let mut s: String = chars.by_ref().take(REPLY_EXCERPT_CHARS).collect();
    if chars.next().is_some() {
        s.push('…');
    }
    s
}

/// reqwest's own message is terse ("error sending request"); the cause is in the chain.
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        s.push_str(": ");
        s.push_str(&cause.to_string());
        source = cause.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_escapes_json_and_keeps_literal_placeholders_in_text() {
        let out = render(
            DEFAULT_JSON_TEMPLATE,
            "13800000000",
            "a\"b\\c\nd\u{1}{mobile}",
            Escape::Json,
        );
        let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
        assert_eq!(v["text"], "a\"b\\c\nd\u{1}{mobile}");
        assert_eq!(v["mobile"], "13800000000");
    }

    #[test]
    fn render_form_percent_encodes() {
        let out = render(
            DEFAULT_FORM_TEMPLATE,
            "+8613800000000",
            "a&b=c 文",
            Escape::Form,
        );
        assert_eq!(out, "mobile=%2B8613800000000&text=a%26b%3Dc+%E6%96%87");
    }

    #[test]
    fn mobile_numbers() {
        assert!(is_mobile_number("13800000000"));
        assert!(is_mobile_number("+8613800000000"));
        assert!(!is_mobile_number("138-0000"));
        assert!(!is_mobile_number("a@b.c"));
        assert!(!is_mobile_number(""));
    }
}
