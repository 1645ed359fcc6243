//! What lets people outside odop trust its records, without IO: the audit
//! log's hash chain (each entry's SHA-256 covers the one before, so an
//! entry altered, removed or moved breaks the chain where it happened) and
//! the platform's Ed25519 keys, which sign the chain's head each day and,
//! later, authenticity certificates. Reading key files and the database is
//! the callers' business.

pub mod chain;
pub mod keys;

pub use chain::{Break, ChainCheck, Entry, Hash, Head, StoredEntry, link};
pub use keys::{KeyError, KeyId, KeyRing, PublishedKey, PublishedKeys, SigningKey};

/// The bytes a checkpoint's signature covers: the chain's head and when it
/// was signed, as text anyone can rebuild from `/audit/checkpoints`.
pub fn checkpoint_message(head: Head, signed_at_ms: i64) -> Vec<u8> {
    format!(
        "odop-audit-checkpoint-v1\nseq {}\nhash {}\nsigned_at_ms {signed_at_ms}\n",
        head.seq, head.hash
    )
    .into_bytes()
}
