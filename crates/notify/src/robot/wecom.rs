//! WeCom's (企业微信) group robot: Markdown messages, or text ones to @mention, and its
//! error codes.

use serde_json::{Value, json};

use super::{RobotLabels, RobotMessage, Verdict, fit, mentions};

/// WeCom's limits on `markdown.content` and `text.content`, in bytes of UTF-8.
const MARKDOWN_LIMIT_BYTES: usize = 4096;
const TEXT_LIMIT_BYTES: usize = 2048;

/// Markdown, with 紧急 in WeCom's warning colour; but a message that mentions someone
/// goes as text, the only kind with `mentioned_mobile_list`.
pub(super) fn body(msg: &RobotMessage, labels: &RobotLabels) -> Value {
    let title = msg.title.trim();
    let mobiles = mentions(msg);
    if mobiles.is_empty() {
        let mark = if msg.urgent {
            format!("<font color=\"warning\">{}</font> ", labels.urgent)
        } else {
            String::new()
        };
        let head = format!("{mark}**{title}**\n");
        let tail = if msg.url.is_empty() {
            String::new()
        } else {
            format!("\n[{}]({})", labels.open, msg.url)
        };
        json!({
            "msgtype": "markdown",
            "markdown": {"content": fit(&head, msg.text.trim(), &tail, MARKDOWN_LIMIT_BYTES)},
        })
    } else {
        let mark = if msg.urgent {
            format!("【{}】", labels.urgent)
        } else {
            String::new()
        };
        let head = format!("{mark}{title}\n");
        let tail = if msg.url.is_empty() {
            String::new()
        } else {
            format!("\n{} {}", labels.open, msg.url)
        };
        let text = plain_links(msg.text.trim());
        json!({
            "msgtype": "text",
            "text": {
                "content": fit(&head, &text, &tail, TEXT_LIMIT_BYTES),
                "mentioned_mobile_list": mobiles,
            },
        })
    }
}

/// Markdown links `[label](url)` as `label url`: a text message shows Markdown as typed,
/// and WeCom makes a bare address clickable.
fn plain_links(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let link = after.find("](").and_then(|close| {
            let target = &after[close + 2..];
            let end = target.find(')')?;
            Some((&after[..close], &target[..end], &target[end + 1..]))
        });
        match link {
            Some((label, url, tail))
                if !label.contains(['\n', '[', ']'])
                    && url.contains("://")
                    && !url.contains(char::is_whitespace) =>
            {
                out.push_str(&rest[..open]);
                out.push_str(label);
                out.push(' ');
                out.push_str(url);
                rest = tail;
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Codes from WeCom's global error code list; any other is a refusal.
pub(super) fn errcode(code: i64) -> Verdict {
    match code {
        -1 => (true, Some("WeCom is busy")),
        45009 => (true, Some("more than 20 messages a minute")),
        93000 => (
            false,
            Some("the key is not valid: copy the robot's webhook address again"),
        ),
        40008 | 40058 => (false, Some("WeCom found the message malformed or too long")),
        _ => (false, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_links_become_label_and_address() {
        assert_eq!(
            plain_links("- [通知一](https://x.cn/1)\n- [通知二](https://x.cn/2)"),
            "- 通知一 https://x.cn/1\n- 通知二 https://x.cn/2"
        );
        // Brackets that are not links stay as they are.
        for s in ["[重要] 周六排练", "a [b] (c)", "[x](not a link)", "[", "]("] {
            assert_eq!(plain_links(s), s);
        }
        assert_eq!(
            plain_links("[注意] 见 [这里](https://x.cn/n/1)。"),
            "[注意] 见 这里 https://x.cn/n/1。"
        );
    }
}
