//! DingTalk's custom group robot: Markdown messages, signed mode and its error codes.

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use reqwest::Url;
use serde_json::{Value, json};
use sha2::Sha256;

use super::{RobotLabels, RobotMessage, Verdict, fit, mentions};
use crate::SendError;

/// DingTalk allows 5000 characters of Markdown text; counting bytes stays under that
/// whatever the script.
const TEXT_LIMIT_BYTES: usize = 5000;

/// A Markdown message (it can @mention, unlike an action card): the title as a heading,
/// the text, the link back, and the mentions, which DingTalk only pings when `@mobile`
/// is in the text too.
pub(super) fn body(msg: &RobotMessage, labels: &RobotLabels) -> Value {
    let title = if msg.urgent {
        format!("【{}】{}", labels.urgent, msg.title.trim())
    } else {
        msg.title.trim().to_owned()
    };
    let head = format!("#### {title}\n\n");
    let mut tail = String::new();
    if !msg.url.is_empty() {
        tail.push_str(&format!("\n\n[{}]({})", labels.open, msg.url));
    }
    let mobiles = mentions(msg);
    if !mobiles.is_empty() {
        let at: Vec<String> = mobiles.iter().map(|m| format!("@{m}")).collect();
        tail.push_str("\n\n");
        tail.push_str(&at.join(" "));
    }
    json!({
        "msgtype": "markdown",
        "markdown": {
            "title": title,
            "text": fit(&head, msg.text.trim(), &tail, TEXT_LIMIT_BYTES),
        },
        "at": {"atMobiles": mobiles, "isAtAll": false},
    })
}

/// Signed mode (加签): `&timestamp=MS&sign=…` on the address, where the sign is
/// base64(HMAC-SHA256(key = secret, message = "MS\nsecret")), URL-encoded.
pub(super) fn sign_url(url: &mut Url, secret: &str, now_ms: i64) -> Result<(), SendError> {
    let sign = sign(secret, now_ms)?;
    // An address pasted from an earlier signed request would carry a stale pair.
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != "timestamp" && k != "sign")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.query_pairs_mut()
        .clear()
        .extend_pairs(kept)
        .append_pair("timestamp", &now_ms.to_string())
        .append_pair("sign", &sign);
    Ok(())
}

fn sign(secret: &str, timestamp_ms: i64) -> Result<String, SendError> {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return Err(SendError::Permanent(
            "cannot sign with the DingTalk robot's secret".into(),
        ));
    };
    mac.update(format!("{timestamp_ms}\n{secret}").as_bytes());
    Ok(base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
}

/// Codes from DingTalk's custom robot documentation; any other is a refusal.
pub(super) fn errcode(code: i64) -> Verdict {
    match code {
        -1 => (true, Some("DingTalk is busy")),
        130101 | 410100 => (
            true,
            Some("more than 20 messages a minute: DingTalk holds the robot for 10 minutes"),
        ),
        310000 => (
            false,
            Some(
                "the robot's security settings refused it: check its signing secret (加签), \
                 keywords (自定义关键词) and IP allow-list",
            ),
        ),
        300001 | 300005 => (
            false,
            Some("the access_token is not valid: copy the robot's webhook address again"),
        ),
        _ => (false, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_matches_an_independent_implementation() {
        // Python: base64.b64encode(hmac.new(s, f"{ts}\n{s}", sha256).digest())
        assert_eq!(
            sign("SEC0123456789abcdef", 1_767_225_600_000).expect("sign"),
            "B0RWzLp5DJ68eWPlqN2is7j/CJw7WP3nV1RkTFHU+F4="
        );
    }

    #[test]
    fn the_signature_is_url_encoded_and_replaces_a_stale_one() {
        let mut url = Url::parse(
            "https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1&sign=old",
        )
        .expect("url");
        sign_url(&mut url, "SEC0123456789abcdef", 1_767_225_600_000).expect("signed");
        assert_eq!(
            url.query(),
            Some(
                "access_token=abc&timestamp=1767225600000\
                 &sign=B0RWzLp5DJ68eWPlqN2is7j%2FCJw7WP3nV1RkTFHU%2BF4%3D"
            )
        );
    }
}
