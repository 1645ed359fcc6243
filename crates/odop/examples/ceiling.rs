//! The ceiling for `bench/run`: the smallest axum server that answers every
//! GET with the same static page, so that what odop reaches can be given as
//! a share of what this machine's HTTP stack reaches at all.
//!
//!     cargo run --release -p odop --example ceiling -- 127.0.0.1:9099 page.html

use std::net::SocketAddr;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let address: SocketAddr = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: ceiling ADDRESS PAGE_FILE"))?
        .parse()?;
    let page_file = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: ceiling ADDRESS PAGE_FILE"))?;
    let page: &'static [u8] = Box::leak(std::fs::read(&page_file)?.into_boxed_slice());
    let answer = move || async move { ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response() };
    let app = Router::new().route("/", get(answer)).route("/{*path}", get(answer));
    let listener = tokio::net::TcpListener::bind(address).await?;
    println!("ceiling listening on http://{address}, {} bytes a page", page.len());
    axum::serve(listener, app).await?;
    Ok(())
}
