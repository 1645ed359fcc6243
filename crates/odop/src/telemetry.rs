//! Structured logs on standard error, as text or JSON lines.

use anyhow::Context;
use tracing_subscriber::EnvFilter;

use crate::cli::LogFormat;
use crate::config::LogSettings;

pub fn init(settings: &LogSettings) -> anyhow::Result<()> {
    let filter =
        EnvFilter::try_new(&settings.filter).with_context(|| format!("invalid log filter {:?}", settings.filter))?;
    // Colours only for a person at a terminal, never into a file or a pipe.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    let installed = match settings.format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).try_init(),
    };
    // A second initialisation (tests running commands in one process) keeps the first.
    let _ = installed;
    Ok(())
}
