//! What a shared question or result needs: absolute links for Open Graph
//! and Twitter cards, and "share on WhatsApp / X" links that carry only
//! the page's address and a line of text (nothing about the player).

use axum::http::HeaderMap;

use crate::AppState;

/// The tags a link preview is built from.
pub struct ShareMeta {
    pub title: String,
    pub description: String,
    /// Absolute address of this page.
    pub url: String,
    /// Absolute address of the 1200×630 card.
    pub image: String,
    /// The card's path on this site, for the page's own `<img>`.
    pub image_path: String,
    pub whatsapp_href: String,
    pub x_href: String,
}

/// The site's address as the public reaches it: the configured public URL,
/// else, on a developer's machine, the loopback host the request came to.
/// Any other `Host` is ignored: without a public URL the server may sit
/// behind a proxy on loopback, and links built from a header the client
/// chose would point shared pages wherever the client liked.
pub fn origin(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.config().public_url {
        return url.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| is_loopback_host(h))
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// `localhost`, `127.0.0.1` or `[::1]`, with or without a port.
fn is_loopback_host(host: &str) -> bool {
    let name = match host.rsplit_once(':') {
        Some((name, port)) if !name.is_empty() && !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    };
    matches!(name, "localhost" | "127.0.0.1" | "[::1]")
}

impl ShareMeta {
    /// The tags for the page at `path`, whose card at `card_path` is drawn
    /// in `lang`, the language of the page being shared.
    pub fn new(origin: &str, path: &str, card_path: &str, lang: &str, title: String, description: String) -> Self {
        let url = format!("{origin}{path}");
        let text = format!("{title} {url}");
        ShareMeta {
            whatsapp_href: format!(
                "https://wa.me/?{}",
                serde_urlencoded::to_string([("text", text.as_str())]).unwrap_or_default()
            ),
            x_href: format!(
                "https://x.com/intent/post?{}",
                serde_urlencoded::to_string([("text", title.as_str()), ("url", url.as_str())]).unwrap_or_default()
            ),
            image: format!("{origin}{card_path}?lang={lang}"),
            image_path: format!("{card_path}?lang={lang}"),
            url,
            title,
            description,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_loopback_host;

    #[test]
    fn only_a_loopback_host_is_taken_from_the_request() {
        for host in ["localhost", "localhost:8080", "127.0.0.1:3000", "[::1]:8080", "[::1]"] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:80",
            "localhost.evil.example",
            "127.0.0.1.evil",
            "",
            ":80",
            "localhost:",
            "[::1]:x",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }
}
