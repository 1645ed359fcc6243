//! The outbox worker: every node runs one inside `odop serve` (or `odop
//! worker` runs it alone). Workers on several nodes share the work safely:
//! a message is claimed for a lease before it is sent.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use odop_store::{Db, StoreError, outbox, rate_limit, sessions};

use crate::{Outgoing, Sender};

#[derive(Clone, Copy, Debug)]
pub struct WorkerOptions {
    /// Keep one-time codes in the outbox after delivery (development only:
    /// the dev outbox page shows them).
    pub keep_sensitive: bool,
    /// How often to look for due messages.
    pub poll_every: Duration,
    /// How many messages to take at a time.
    pub batch: i64,
    /// Attempts before a message is given up.
    pub max_attempts: i64,
    /// How long a claimed message is held by its worker.
    pub lease: chrono::Duration,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        Self {
            keep_sensitive: false,
            poll_every: Duration::from_secs(1),
            batch: 50,
            max_attempts: 8,
            lease: chrono::Duration::minutes(2),
        }
    }
}

/// When to try again after `attempts` failures: 30 s, 1 min, 2 min… up to an hour.
pub fn backoff(attempts: i64) -> chrono::Duration {
    let exponent = u32::try_from(attempts.clamp(1, 8) - 1).unwrap_or(0);
    (chrono::Duration::seconds(30) * 2_i32.pow(exponent)).min(chrono::Duration::hours(1))
}

/// What one pass delivered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub retrying: usize,
    pub given_up: usize,
}

pub struct Worker {
    db: Db,
    sender: Arc<dyn Sender>,
    options: WorkerOptions,
}

impl Worker {
    pub fn new(db: Db, sender: Arc<dyn Sender>, options: WorkerOptions) -> Self {
        Self { db, sender, options }
    }

    /// Sends every message due at `now`, once.
    pub async fn deliver_due(&self, now: DateTime<Utc>) -> Result<Pass, StoreError> {
        let mut pass = Pass::default();
        loop {
            let claimed = outbox::claim_due(&self.db, now, self.options.lease, self.options.batch).await?;
            if claimed.is_empty() {
                return Ok(pass);
            }
            // Deliveries are recorded together after the batch: one commit
            // instead of one per message. A crash before that sends the
            // batch again once its lease ends, as a crash between a send and
            // its record always could.
            let mut sent = Vec::with_capacity(claimed.len());
            for message in &claimed {
                let outcome = match &message.body {
                    Some(text) => {
                        let outgoing = Outgoing {
                            to: message.recipient.clone(),
                            text: text.clone(),
                            kind: message.kind.clone(),
                        };
                        self.sender.send(&outgoing).await.map_err(|e| e.0)
                    }
                    None => Err("the message's text was erased before it could be sent".to_owned()),
                };
                match outcome {
                    Ok(()) => {
                        sent.push(message.id);
                        tracing::info!(id = message.id, kind = %message.kind, sender = self.sender.name(), "message sent");
                        pass.sent += 1;
                    }
                    Err(error) if message.attempts < self.options.max_attempts && message.body.is_some() => {
                        let retry_at = Utc::now() + backoff(message.attempts);
                        tracing::warn!(id = message.id, attempts = message.attempts, %error, %retry_at, "message not sent; will retry");
                        outbox::mark_failed(&self.db, message.id, &error, Some(retry_at)).await?;
                        pass.retrying += 1;
                    }
                    Err(error) => {
                        tracing::error!(id = message.id, attempts = message.attempts, %error, "message given up");
                        outbox::mark_failed(&self.db, message.id, &error, None).await?;
                        pass.given_up += 1;
                    }
                }
            }
            outbox::mark_sent(&self.db, &sent, Utc::now(), self.options.keep_sensitive).await?;
        }
    }

    /// Delivers messages until `shutdown` completes, and meanwhile prunes
    /// old rate-limit counters and sessions once an hour.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) {
        let mut poll = tokio::time::interval(self.options.poll_every);
        poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut housekeeping = tokio::time::interval(Duration::from_secs(3600));
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                () = &mut shutdown => break,
                _ = poll.tick() => {
                    if let Err(error) = self.deliver_due(Utc::now()).await {
                        tracing::error!(%error, "outbox pass failed");
                    }
                }
                _ = housekeeping.tick() => {
                    let now = Utc::now();
                    if let Err(error) = rate_limit::prune(&self.db, now).await {
                        tracing::warn!(%error, "pruning rate limits failed");
                    }
                    if let Err(error) = sessions::prune(&self.db, now).await {
                        tracing::warn!(%error, "pruning sessions failed");
                    }
                    if let Err(error) = odop_store::second_factor::prune(&self.db, now).await {
                        tracing::warn!(%error, "pruning staff sign-ins failed");
                    }
                }
            }
        }
        tracing::info!("outbox worker stopped");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_at_most_an_hour() {
        let waits: Vec<i64> = (1..=9).map(|n| backoff(n).num_seconds()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
    }
}
