//! The client of an embeddings endpoint the institution runs on its own network: an
//! OpenAI-compatible `POST {url}/embeddings` with `{"model", "input": [texts]}`, answering
//! `data[i].embedding`. Only masked text is sent ([`sendable`]): no phone number, ID number
//! or name leaves the server. How feedback uses the vectors (similar items, the bars) is
//! the feedback crate's `embeddings` module.

use notify::{ConfigError, Secret};
use reqwest::{StatusCode, Url};
use serde::Deserialize;
use std::time::Duration;
use text::similar;

/// Default cosine at or above which two items count as the same request.
pub const DUPLICATE_COSINE: f32 = 0.90;
/// Default cosine at or above which an item counts as related.
pub const RELATED_COSINE: f32 = 0.75;
const DEFAULT_TIMEOUT_MS: u64 = 2_000;
/// Texts per request: what local servers accept by default (TEI's limit is 32).
pub const BATCH: usize = 32;
/// A text is embedded from its first characters only: enough to say what it asks, and
/// within the input limit of small models (512 tokens), which refuse longer inputs.
const MAX_CHARS: usize = 500;

/// The `[embeddings]` section of the configuration.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmbeddingsConfig {
    /// The API's base, to which `/embeddings` is added: `http://10.0.0.5:8000/v1`.
    pub url: String,
    /// The model the endpoint serves, sent with each request and stored with each vector.
    pub model: String,
    /// Sent as `Authorization: Bearer …` when set.
    pub api_key: Option<Secret>,
    /// How long a request may take (default 2,000 ms).
    pub timeout_ms: Option<u64>,
    /// Cosine at or above which two items are a likely duplicate (default 0.90).
    pub duplicate_cosine: Option<f32>,
    /// Cosine at or above which an item is related (default 0.75).
    pub related_cosine: Option<f32>,
}

impl EmbeddingsConfig {
    /// Checks the section and prepares the client; errors name the key to fix.
    pub fn build(&self) -> Result<EmbeddingsEndpoint, ConfigError> {
        let base = self.url.trim();
        if base.is_empty() {
            return Err(ConfigError::new(
                "embeddings.url",
                "is required in [embeddings] (the API's base, like http://10.0.0.5:8000/v1)",
            ));
        }
        // The URL may carry credentials, so errors describe it without quoting it.
        let mut url = Url::parse(base)
            .map_err(|e| ConfigError::new("embeddings.url", format!("is not a valid URL ({e})")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(ConfigError::new(
                "embeddings.url",
                "must start with http:// or https://",
            ));
        }
        let path = format!("{}/embeddings", url.path().trim_end_matches('/'));
        url.set_path(&path);
        let model = self.model.trim();
        if model.is_empty() {
            return Err(ConfigError::new(
                "embeddings.model",
                "is required in [embeddings]: the name of the model the endpoint serves",
            ));
        }
        let timeout = match self.timeout_ms {
            None => Duration::from_millis(DEFAULT_TIMEOUT_MS),
            Some(0) => {
                return Err(ConfigError::new(
                    "embeddings.timeout_ms",
                    "must be at least 1",
                ));
            }
            Some(ms) => Duration::from_millis(ms),
        };
        let bars = Bars {
            duplicate: self.duplicate_cosine.unwrap_or(DUPLICATE_COSINE),
            related: self.related_cosine.unwrap_or(RELATED_COSINE),
        };
        if !(bars.duplicate > -1.0 && bars.duplicate <= 1.0) {
            return Err(ConfigError::new(
                "embeddings.duplicate_cosine",
                "must be a cosine, above -1 and at most 1",
            ));
        }
        if !(bars.related > -1.0 && bars.related < bars.duplicate) {
            return Err(ConfigError::new(
                "embeddings.related_cosine",
                "must be above -1 and below embeddings.duplicate_cosine",
            ));
        }
        if let Some(key) = &self.api_key
            && reqwest::header::HeaderValue::from_str(&format!("Bearer {}", key.expose())).is_err()
        {
            return Err(ConfigError::new(
                "embeddings.api_key",
                "cannot be sent in a header (no line breaks or control characters)",
            ));
        }
        notify::install_crypto_provider();
        let client = reqwest::Client::builder()
            .timeout(timeout)
            // A redirected POST would arrive as a GET without the texts.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| {
                ConfigError::new(
                    "embeddings.url",
                    format!("cannot prepare an HTTP client for it ({e})"),
                )
            })?;
        Ok(EmbeddingsEndpoint {
            url,
            model: model.to_owned(),
            api_key: self.api_key.clone(),
            timeout,
            bars,
            client,
        })
    }
}

/// A configured, checked endpoint. Cheap to clone.
#[derive(Clone)]
pub struct EmbeddingsEndpoint {
    url: Url,
    model: String,
    api_key: Option<Secret>,
    timeout: Duration,
    bars: Bars,
    client: reqwest::Client,
}

impl std::fmt::Debug for EmbeddingsEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Host and port only: the URL may carry credentials.
        f.debug_struct("EmbeddingsEndpoint")
            .field("host", &self.url.host_str())
            .field("port", &self.url.port_or_known_default())
            .field("model", &self.model)
            .field("timeout", &self.timeout)
            .field("bars", &self.bars)
            .finish_non_exhaustive()
    }
}

/// Where cosines fall on the built-in similarity scale.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bars {
    pub duplicate: f32,
    pub related: f32,
}

impl Bars {
    /// The built-in scale's score for a cosine: [`similar::DUPLICATE_AT`] and above from the
    /// duplicate bar on, [`similar::RELATED_AT`] and above from the related bar on, linear in
    /// between; `None` below the related bar.
    pub fn score(&self, cosine: f32) -> Option<f32> {
        let between = |x: f32, from: f32, to: f32| {
            if to - from <= f32::EPSILON {
                1.0
            } else {
                ((x - from) / (to - from)).clamp(0.0, 1.0)
            }
        };
        if !cosine.is_finite() || cosine < self.related {
            None
        } else if cosine >= self.duplicate {
            let t = between(cosine, self.duplicate, 1.0);
            Some(similar::DUPLICATE_AT + t * (1.0 - similar::DUPLICATE_AT))
        } else {
            let t = between(cosine, self.related, self.duplicate);
            Some(similar::RELATED_AT + t * (similar::DUPLICATE_AT - similar::RELATED_AT))
        }
    }
}

/// Why the endpoint gave no vectors.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error("the embeddings endpoint did not answer within {0:?}")]
    Timeout(Duration),
    #[error("the embeddings endpoint could not be reached: {0}")]
    Unreachable(String),
    #[error("the embeddings endpoint answered HTTP {0}")]
    Status(StatusCode),
    #[error("the embeddings endpoint's answer is not usable: {0}")]
    Malformed(String),
}

impl EmbedError {
    /// The endpoint refused these texts (too long, say) rather than failing altogether.
    pub fn refused_input(&self) -> bool {
        matches!(self, EmbedError::Status(s) if matches!(s.as_u16(), 400 | 413 | 422))
    }
}

#[derive(Deserialize)]
struct Reply {
    data: Vec<Datum>,
}

#[derive(Deserialize)]
struct Datum {
    #[serde(default)]
    index: Option<usize>,
    embedding: Vec<f32>,
}

impl EmbeddingsEndpoint {
    pub fn model(&self) -> &str {
        &self.model
    }

    pub fn bars(&self) -> Bars {
        self.bars
    }

    /// The vectors of `texts`, in order, each text masked ([`text::mask`]) and cut to its
    /// beginning before it leaves; in requests of at most [`BATCH`] texts.
    pub async fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut out = Vec::with_capacity(texts.len());
        for batch in texts.chunks(BATCH) {
            let input: Vec<String> = batch.iter().map(|t| sendable(t)).collect();
            out.extend(self.request(&input).await?);
        }
        Ok(out)
    }

    async fn request(&self, input: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut request = self
            .client
            .post(self.url.clone())
            .json(&serde_json::json!({ "model": self.model, "input": input }));
        if let Some(key) = &self.api_key {
            request = request.bearer_auth(key.expose());
        }
        let reply = request.send().await.map_err(|e| self.describe(e))?;
        if !reply.status().is_success() {
            return Err(EmbedError::Status(reply.status()));
        }
        let mut reply: Reply = reply.json().await.map_err(|e| match self.describe(e) {
            EmbedError::Unreachable(e) => EmbedError::Malformed(e),
            other => other,
        })?;
        if reply.data.len() != input.len() {
            return Err(EmbedError::Malformed(format!(
                "{} vectors for {} texts",
                reply.data.len(),
                input.len()
            )));
        }
        reply.data.sort_by_key(|d| d.index);
        let dims = reply.data[0].embedding.len();
        if dims == 0
            || reply
                .data
                .iter()
                .any(|d| d.embedding.len() != dims || d.embedding.iter().any(|x| !x.is_finite()))
        {
            return Err(EmbedError::Malformed(
                "empty, uneven or non-finite vectors".into(),
            ));
        }
        Ok(reply.data.into_iter().map(|d| d.embedding).collect())
    }

    fn describe(&self, e: reqwest::Error) -> EmbedError {
        if e.is_timeout() {
            EmbedError::Timeout(self.timeout)
        } else {
            // Without the URL: it may carry credentials.
            EmbedError::Unreachable(e.without_url().to_string())
        }
    }
}

/// What of a text may leave the server: masked, its beginning only.
pub fn sendable(text: &str) -> String {
    text::mask(text).chars().take(MAX_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosines_map_onto_the_built_in_scale() {
        let bars = Bars {
            duplicate: 0.9,
            related: 0.75,
        };
        assert_eq!(bars.score(0.74), None);
        assert_eq!(bars.score(0.75), Some(similar::RELATED_AT));
        assert_eq!(bars.score(0.9), Some(similar::DUPLICATE_AT));
        assert_eq!(bars.score(1.0), Some(1.0));
        let middle = bars.score(0.825).unwrap();
        assert!(middle > similar::RELATED_AT && middle < similar::DUPLICATE_AT);
        assert_eq!(bars.score(f32::NAN), None);
    }

    #[test]
    fn configuration_errors_name_the_key() {
        let key = |c: EmbeddingsConfig| c.build().unwrap_err().key;
        let good = EmbeddingsConfig {
            url: "http://10.0.0.5:8000/v1/".into(),
            model: "bge-m3".into(),
            ..Default::default()
        };
        let endpoint = good.clone().build().unwrap();
        assert_eq!(endpoint.url.as_str(), "http://10.0.0.5:8000/v1/embeddings");
        assert_eq!(endpoint.timeout, Duration::from_millis(DEFAULT_TIMEOUT_MS));
        assert_eq!(
            key(EmbeddingsConfig {
                url: "10.0.0.5:8000".into(),
                ..good.clone()
            }),
            "embeddings.url"
        );
        assert_eq!(
            key(EmbeddingsConfig {
                model: " ".into(),
                ..good.clone()
            }),
            "embeddings.model"
        );
        assert_eq!(
            key(EmbeddingsConfig {
                timeout_ms: Some(0),
                ..good.clone()
            }),
            "embeddings.timeout_ms"
        );
        assert_eq!(
            key(EmbeddingsConfig {
                related_cosine: Some(0.95),
                ..good.clone()
            }),
            "embeddings.related_cosine"
        );
        assert_eq!(
            key(EmbeddingsConfig {
                duplicate_cosine: Some(1.5),
                ..good.clone()
            }),
            "embeddings.duplicate_cosine"
        );
        let secret = EmbeddingsConfig {
            url: "http://user:hunter2@10.0.0.5/v1".into(),
            api_key: Some(Secret::new("sk-hunter3")),
            ..good
        };
        assert!(!format!("{secret:?}").contains("hunter3"));
        let shown = format!("{:?}", secret.build().unwrap());
        assert!(
            !shown.contains("hunter2") && !shown.contains("hunter3"),
            "{shown}"
        );
    }
}
