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
/// else the host the request came to (for development).
pub fn origin(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.config().public_url {
        return url.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| h.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b)))
        .unwrap_or("localhost");
    format!("http://{host}")
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
