//! An SMS/WhatsApp gateway reached over HTTP: a URL, headers and a body
//! template, so that most gateways can be configured without code.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

use crate::{Outgoing, SendError, SendFuture, Sender};

/// How the body template's placeholders are escaped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyFormat {
    /// Values are JSON-string escaped (write `"{text}"` in the template).
    #[default]
    Json,
    /// Values are URL-encoded (`to={to}&message={text}`).
    Form,
}

/// The gateway's configuration, from the `[sms]` table of `odop.toml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSenderConfig {
    pub url: String,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The request body with `{to}`, `{text}` and `{kind}` placeholders.
    pub body: String,
    #[serde(default)]
    pub format: BodyFormat,
    /// Seconds to wait for the gateway.
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
}

fn default_timeout() -> u64 {
    10
}

pub struct HttpSender {
    config: HttpSenderConfig,
    client: reqwest::Client,
}

impl HttpSender {
    pub fn new(config: HttpSenderConfig) -> Result<Self, SendError> {
        reqwest::Url::parse(&config.url).map_err(|e| SendError(format!("sms.url {:?}: {e}", config.url)))?;
        // rustls needs its cryptography chosen once per process; whichever
        // client is built first does it (a second attempt changes nothing).
        // ring builds with a C compiler alone (aws-lc needs more); it lacks
        // only post-quantum key exchange, which rustls marks by deprecating
        // this provider, and which the gateways do not offer today.
        #[allow(deprecated)]
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(config.timeout_seconds.max(1)))
            .build()
            .map_err(|e| SendError(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self { config, client })
    }

    /// The request body for `message`, placeholders filled and escaped.
    pub fn body(&self, message: &Outgoing) -> String {
        let escape = |value: &str| match self.config.format {
            BodyFormat::Json => {
                let quoted = serde_json::to_string(value).expect("a string serialises");
                quoted[1..quoted.len() - 1].to_owned()
            }
            BodyFormat::Form => serde_urlencoded::to_string([("", value)]).expect("a string encodes")[1..].to_owned(),
        };
        // One pass over the template, so that a value containing "{text}"
        // is never expanded again.
        let mut body = String::with_capacity(self.config.body.len() + message.text.len());
        let mut rest = self.config.body.as_str();
        while let Some(start) = rest.find('{') {
            body.push_str(&rest[..start]);
            let after = &rest[start..];
            let (value, skip) = if after.starts_with("{to}") {
                (Some(message.to.as_str()), 4)
            } else if after.starts_with("{text}") {
                (Some(message.text.as_str()), 6)
            } else if after.starts_with("{kind}") {
                (Some(message.kind.as_str()), 6)
            } else {
                (None, 1)
            };
            match value {
                Some(value) => body.push_str(&escape(value)),
                None => body.push('{'),
            }
            rest = &after[skip..];
        }
        body.push_str(rest);
        body
    }
}

impl Sender for HttpSender {
    fn send<'a>(&'a self, message: &'a Outgoing) -> SendFuture<'a> {
        Box::pin(async move {
            let content_type = match self.config.format {
                BodyFormat::Json => "application/json",
                BodyFormat::Form => "application/x-www-form-urlencoded",
            };
            let mut request = self
                .client
                .post(&self.config.url)
                .header(reqwest::header::CONTENT_TYPE, content_type)
                .body(self.body(message));
            for (name, value) in &self.config.headers {
                request = request.header(name, value);
            }
            let response = request
                .send()
                .await
                .map_err(|e| SendError(format!("gateway unreachable: {e}")))?;
            let status = response.status();
            if status.is_success() {
                Ok(())
            } else {
                let text = response.text().await.unwrap_or_default();
                Err(SendError(format!(
                    "gateway answered {status}: {}",
                    text.chars().take(200).collect::<String>()
                )))
            }
        })
    }

    fn name(&self) -> &'static str {
        "http"
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use axum::Router;
    use axum::http::{HeaderMap, StatusCode};
    use axum::routing::post;

    use super::*;

    fn message(text: &str) -> Outgoing {
        Outgoing {
            to: "+919876543210".into(),
            text: text.into(),
            kind: "otp".into(),
        }
    }

    fn sender(body: &str, format: BodyFormat, url: &str) -> HttpSender {
        HttpSender::new(HttpSenderConfig {
            url: url.into(),
            headers: BTreeMap::from([("Authorization".into(), "Bearer test-key".into())]),
            body: body.into(),
            format,
            timeout_seconds: 5,
        })
        .unwrap()
    }

    #[test]
    fn placeholders_are_escaped_for_the_body_format() {
        let json = sender(
            r#"{"to":"{to}","msg":"{text}","t":"{kind}"}"#,
            BodyFormat::Json,
            "http://127.0.0.1:9/",
        );
        let text = "कोड \"123456\"\nदूसरी पंक्ति {text}";
        let body = json.body(&message(text));
        let parsed: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            parsed["msg"], text,
            "the text arrives exactly, quotes, newline and braces included"
        );
        assert_eq!(parsed["to"], "+919876543210");

        let form = sender("to={to}&message={text}", BodyFormat::Form, "http://127.0.0.1:9/");
        let body = form.body(&message("a&b=c कोड"));
        let parsed: Vec<(String, String)> = serde_urlencoded::from_str(&body).unwrap();
        assert_eq!(
            parsed,
            [
                ("to".into(), "+919876543210".into()),
                ("message".into(), "a&b=c कोड".into())
            ]
        );
    }

    #[test]
    fn a_bad_url_is_refused_at_configuration() {
        let config = HttpSenderConfig {
            url: "not a url".into(),
            headers: BTreeMap::new(),
            body: String::new(),
            format: BodyFormat::Json,
            timeout_seconds: 5,
        };
        assert!(HttpSender::new(config).is_err());
    }

    /// A gateway on loopback that records what it receives and answers
    /// with the given status.
    async fn gateway(status: StatusCode) -> (String, Arc<Mutex<Vec<(HeaderMap, String)>>>) {
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        let app = Router::new().route(
            "/send",
            post(move |headers: HeaderMap, body: String| {
                let log = log.clone();
                async move {
                    log.lock().unwrap().push((headers, body));
                    (status, "gateway says hello")
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/send", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (url, received)
    }

    #[tokio::test]
    async fn a_message_reaches_the_gateway_with_headers_and_body() {
        let (url, received) = gateway(StatusCode::OK).await;
        let sender = sender(r#"{"to":"{to}","text":"{text}"}"#, BodyFormat::Json, &url);
        sender.send(&message("Your code is 123456")).await.unwrap();
        let received = received.lock().unwrap();
        assert_eq!(received.len(), 1);
        let (headers, body) = &received[0];
        assert_eq!(headers["authorization"], "Bearer test-key");
        assert_eq!(headers["content-type"], "application/json");
        assert_eq!(body, r#"{"to":"+919876543210","text":"Your code is 123456"}"#);
    }

    #[tokio::test]
    async fn a_refusal_or_an_unreachable_gateway_is_an_error_with_the_reason() {
        let (url, _) = gateway(StatusCode::TOO_MANY_REQUESTS).await;
        let error = sender("{text}", BodyFormat::Form, &url)
            .send(&message("x"))
            .await
            .unwrap_err();
        assert!(
            error.0.contains("429") && error.0.contains("gateway says hello"),
            "{error}"
        );

        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/send", closed.local_addr().unwrap());
        drop(closed);
        let error = sender("{text}", BodyFormat::Form, &url)
            .send(&message("x"))
            .await
            .unwrap_err();
        assert!(error.0.contains("unreachable"), "{error}");
    }
}
