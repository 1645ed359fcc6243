//! Delivering the notification outbox.
//!
//! Messages are written to the outbox by the transactions that cause them
//! (see `odop_store::outbox`); the [`worker`] takes due messages, hands each
//! to a [`Sender`], and records the outcome, retrying failures with
//! backoff. Which sender is used is configuration: [`LogSender`] (the
//! default, for development and tests) writes messages to the log;
//! [`HttpSender`] posts them to an SMS or WhatsApp gateway.

mod http;
pub mod worker;

use std::future::Future;
use std::pin::Pin;

pub use http::{BodyFormat, HttpSender, HttpSenderConfig};

/// A message on its way out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    /// A phone number in E.164 form.
    pub to: String,
    pub text: String,
    /// What it is about (`otp`, `application`…), for gateways that route by it.
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SendError(pub String);

pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), SendError>> + Send + 'a>>;

/// Something that can deliver a message to a phone.
pub trait Sender: Send + Sync + 'static {
    fn send<'a>(&'a self, message: &'a Outgoing) -> SendFuture<'a>;

    /// A short name for logs and `/readyz`-like diagnostics.
    fn name(&self) -> &'static str;
}

/// Writes every message to the log instead of sending it. With the dev
/// outbox page, this is how a developer reads one-time codes.
#[derive(Clone, Copy, Debug, Default)]
pub struct LogSender;

impl Sender for LogSender {
    fn send<'a>(&'a self, message: &'a Outgoing) -> SendFuture<'a> {
        Box::pin(async move {
            tracing::info!(to = %message.to, kind = %message.kind, text = %message.text, "message (log sender)");
            Ok(())
        })
    }

    fn name(&self) -> &'static str {
        "log"
    }
}
