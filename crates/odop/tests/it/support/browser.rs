//! A real headless Chromium driven through ChromeDriver (WebDriver).
//!
//! Debian's `chromium` and `chromium-driver` packages provide both; `.ci/run`
//! installs them. Outside CI a machine without them skips browser tests
//! with a loud message; under CI their absence fails the test.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};

use super::test_output_dir;
use tempfile::TempDir;

pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: TempDir,
}

fn find(candidates: &[&str]) -> Option<PathBuf> {
    candidates.iter().map(PathBuf::from).find(|path| path.is_file())
}

impl Browser {
    /// Starts ChromeDriver and a fresh headless Chromium session, sized like
    /// a common phone. `None` means "skip" (see the module's note).
    pub async fn start() -> Option<Self> {
        let chromium = find(&["/usr/bin/chromium", "/usr/bin/chromium-browser"]);
        let driver = find(&["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]);
        let (Some(chromium), Some(driver)) = (chromium, driver) else {
            let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
            assert!(
                !ci,
                "CI needs chromium and chromedriver (apt install chromium chromium-driver)"
            );
            eprintln!("\n!!! SKIPPING a browser test: chromium or chromedriver is not installed.\n");
            return None;
        };
        Some(Self::launch(&chromium, &driver).await)
    }

    async fn launch(chromium: &Path, driver_path: &Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(driver_path)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let webdriver = format!("http://127.0.0.1:{port}");
        wait_until_ready(&webdriver).await;

        let profile = tempfile::Builder::new().prefix("odop-chromium-").tempdir().unwrap();
        let capabilities = serde_json::json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-quic",
                    "--lang=en-US",
                    "--window-size=412,915",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!()
        };
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&webdriver)
            .await
            .expect("chromedriver opens a Chromium session");
        Self {
            client,
            driver,
            _profile: profile,
        }
    }

    /// Ends the browser session; the driver process goes with `Drop`.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

async fn wait_until_ready(webdriver: &str) {
    let http = super::http().build().unwrap();
    for _ in 0..100 {
        if let Ok(response) = http.get(format!("{webdriver}/status")).send().await
            && response.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not become ready at {webdriver}");
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Fills a field of the current page, replacing what it held.
pub async fn fill(page: &Client, css: &str, text: &str) {
    let field = page
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no field {css}: {e}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

pub async fn click(page: &Client, css: &str) {
    page.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("nothing to click at {css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Waits for an element that only the page we expect next has, so that a
/// step never reads the page it has just left.
pub async fn arrive(page: &Client, css: &str) {
    page.wait()
        .at_most(std::time::Duration::from_secs(60))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("the page with {css} did not appear: {e}"));
}

pub async fn text_of(page: &Client, css: &str) -> String {
    page.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("nothing at {css}: {e}"))
        .text()
        .await
        .unwrap()
}

pub async fn path_of(page: &Client) -> String {
    page.current_url().await.unwrap().path().to_owned()
}

pub async fn screenshot(page: &Client, name: &str) {
    let png = page.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG screenshot");
    let path = test_output_dir("browser").join(name);
    std::fs::write(&path, png).unwrap();
    eprintln!("screenshot: {}", path.display());
}

/// axe-core's script (`axe.min.js`), which `.ci/run` installs from npm into
/// `target/browser-tools`; `ODOP_AXE_JS` names another copy. `None` means
/// "skip" outside CI; under CI its absence fails the test.
pub fn axe_source() -> Option<String> {
    let path = std::env::var_os("ODOP_AXE_JS").map(PathBuf::from).unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-tools/node_modules/axe-core/axe.min.js")
    });
    match std::fs::read_to_string(&path) {
        Ok(source) => Some(source),
        Err(error) => {
            let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
            assert!(
                !ci,
                "CI needs axe-core at {} ({error}); .ci/run installs it",
                path.display()
            );
            eprintln!(
                "\n!!! SKIPPING an accessibility audit: no axe-core at {} ({error}); \
                 `npm install --prefix target/browser-tools axe-core` installs it.\n",
                path.display()
            );
            None
        }
    }
}

/// axe-core's violations on the current page (its default rules: WCAG 2
/// A and AA, and best practices), one line each: rule, impact, where.
pub async fn axe_violations(page: &Client, axe: &str) -> Vec<String> {
    // Scripts run through WebDriver are not the page's own, so the page's
    // Content Security Policy (no scripts at all) does not stop them.
    page.execute(axe, vec![]).await.expect("axe-core loads into the page");
    let result = page
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] })
               .then(r => done(r.violations.map(v =>
                 v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))))
               .catch(e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await
        .expect("axe-core runs");
    result
        .as_array()
        .map(|lines| lines.iter().filter_map(|l| l.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// What sticks out of the window on the right, if anything: the page's
/// width against the window's, and the widest elements beyond it.
pub async fn overflow(page: &Client) -> Option<String> {
    let found = page
        .execute(
            "const width = window.innerWidth;
             if (document.documentElement.scrollWidth <= width) return null;
             const out = [];
             for (const e of document.querySelectorAll('body *')) {
               const box = e.getBoundingClientRect();
               if (box.right > width + 1 && box.width > 0) {
                 out.push([Math.round(box.right), e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                   (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '')]);
               }
             }
             out.sort((a, b) => b[0] - a[0]);
             return document.documentElement.scrollWidth + ' px in a window of ' + width + ' px: ' +
               out.slice(0, 4).map(o => o[1] + ' to ' + o[0]).join(', ');",
            vec![],
        )
        .await
        .expect("the page measures itself");
    found.as_str().map(str::to_owned)
}

/// Makes the window `width` CSS pixels wide, as a phone's.
pub async fn phone_width(page: &Client, width: u32) {
    page.set_window_size(width, 900).await.expect("the window resizes");
    let inner = page
        .execute("return window.innerWidth;", vec![])
        .await
        .expect("the page measures itself");
    assert_eq!(
        inner.as_u64(),
        Some(u64::from(width)),
        "the window is {width} px wide inside"
    );
}
