//! The audit log's hash chain. Entry `n` stores the hash of entry `n - 1`
//! and its own hash, SHA-256 over that previous hash and every field of the
//! entry, its number included. So an entry changed afterwards no longer
//! matches its hash; one removed leaves a gap in the numbers; two swapped
//! each name a predecessor that is not before them; and an entry changed
//! with its hash recomputed no longer matches what the next entry says came
//! before it. Rewriting the whole chain from some entry on is what the
//! signed checkpoints, kept by outsiders, are for.

use sha2::{Digest, Sha256};

/// A SHA-256 hash, shown and stored as 64 lowercase hex digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hash(pub [u8; 32]);

impl Hash {
    /// What the first entry names as its predecessor.
    pub const GENESIS: Hash = Hash([0; 32]);

    pub fn to_hex(self) -> String {
        hex::encode(self.0)
    }

    pub fn from_hex(text: &str) -> Option<Hash> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text, &mut bytes).ok()?;
        Some(Hash(bytes))
    }
}

impl std::fmt::Display for Hash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// One audit entry: who did what to which object, when, and the object's
/// state before and after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Its place in the chain: 1, 2, 3… with no gap.
    pub seq: i64,
    /// UTC milliseconds.
    pub at_ms: i64,
    /// The account that acted; none for the system itself (a webhook, the
    /// housekeeping, a command-line tool).
    pub actor: Option<i64>,
    /// The capacity it acted in: `buyer`, `seller`, `officer`, `admin`,
    /// `finance`, `system`…
    pub actor_role: String,
    /// What happened, as `object.verb`: `order.placed`, `listing.paused`…
    pub action: String,
    pub object_kind: String,
    pub object_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// Why, when a reason was given.
    pub note: Option<String>,
}

/// Bumped if the encoding ever changes, so old and new entries never hash
/// alike.
const DOMAIN: &[u8] = b"odop-audit-entry-v1";

impl Entry {
    /// The entry's hash when it follows `previous`. Every field is written
    /// with its length (and an absent one with its own marker), so no two
    /// different entries encode to the same bytes.
    pub fn hash_after(&self, previous: Hash) -> Hash {
        let mut hasher = Sha256::new();
        hasher.update(DOMAIN);
        hasher.update(previous.0);
        hasher.update(self.seq.to_be_bytes());
        hasher.update(self.at_ms.to_be_bytes());
        match self.actor {
            Some(actor) => {
                hasher.update([1]);
                hasher.update(actor.to_be_bytes());
            }
            None => hasher.update([0]),
        }
        for text in [&self.actor_role, &self.action, &self.object_kind, &self.object_id] {
            field(&mut hasher, Some(text));
        }
        for text in [&self.before, &self.after, &self.note] {
            field(&mut hasher, text.as_ref());
        }
        Hash(hasher.finalize().into())
    }
}

fn field(hasher: &mut Sha256, text: Option<&String>) {
    match text {
        Some(text) => {
            hasher.update([1]);
            hasher.update((text.len() as u64).to_be_bytes());
            hasher.update(text.as_bytes());
        }
        None => hasher.update([0]),
    }
}

/// An entry as stored: with the hash it names as its predecessor's and its
/// own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEntry {
    pub entry: Entry,
    pub prev_hash: Hash,
    pub hash: Hash,
}

/// The first place where the chain is not what was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Break {
    /// Entries `from` to `to` are not there.
    Missing { from: i64, to: i64 },
    /// The entry at `seq` was written after the one now at `written_after`:
    /// entries were moved.
    Reordered { seq: i64, written_after: i64 },
    /// The entry at `seq` is not what was written.
    Altered { seq: i64 },
    /// The entry at `seq` differs from what a signed checkpoint recorded:
    /// the chain was rewritten from there or before.
    DiffersFromCheckpoint { seq: i64 },
    /// The chain ends at `last`, but a checkpoint signed it up to `signed`.
    Truncated { last: i64, signed: i64 },
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Break::Missing { from, to } if from == to => write!(f, "entry {from} is missing"),
            Break::Missing { from, to } => write!(f, "entries {from} to {to} are missing"),
            Break::Reordered { seq, written_after } => write!(
                f,
                "entry {seq} is out of place: it was written after the entry now at {written_after}"
            ),
            Break::Altered { seq } => write!(f, "entry {seq} was altered"),
            Break::DiffersFromCheckpoint { seq } => {
                write!(
                    f,
                    "entry {seq} differs from the signed checkpoint: the chain was rewritten"
                )
            }
            Break::Truncated { last, signed } => write!(
                f,
                "the chain ends at entry {last}, but a signed checkpoint covers it up to {signed}: entries were removed"
            ),
        }
    }
}

/// The end of a chain that checked out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
    pub seq: i64,
    pub hash: Hash,
}

/// How many entries after a broken link are searched for the entry it
/// names, to tell entries moved from entries altered.
const LOOKAHEAD: u32 = 10_000;

/// Checks a chain entry by entry, in the order of their numbers, without
/// holding it in memory: feed it with [`ChainCheck::push`], then
/// [`ChainCheck::finish`] says where it first breaks, if it does.
#[derive(Debug)]
pub struct ChainCheck {
    head: Head,
    /// Heads that signed checkpoints recorded, newest last.
    checkpoints: Vec<Head>,
    /// A link found broken, being told apart: moved or altered.
    suspect: Option<Suspect>,
    verdict: Option<Break>,
}

#[derive(Debug)]
struct Suspect {
    seq: i64,
    names: Hash,
    content_intact: bool,
    searched: u32,
}

impl Default for ChainCheck {
    fn default() -> Self {
        Self::new(Vec::new())
    }
}

impl ChainCheck {
    /// A check from the first entry, also comparing the chain with the
    /// heads that checkpoints recorded.
    pub fn new(mut checkpoints: Vec<Head>) -> Self {
        checkpoints.sort_by_key(|head| std::cmp::Reverse(head.seq));
        ChainCheck {
            head: Head {
                seq: 0,
                hash: Hash::GENESIS,
            },
            checkpoints,
            suspect: None,
            verdict: None,
        }
    }

    pub fn push(&mut self, stored: &StoredEntry) {
        if self.verdict.is_some() {
            return;
        }
        if let Some(suspect) = &mut self.suspect {
            if stored.hash == suspect.names {
                self.verdict = Some(Break::Reordered {
                    seq: suspect.seq,
                    written_after: stored.entry.seq,
                });
            } else {
                suspect.searched += 1;
                if suspect.searched >= LOOKAHEAD {
                    self.settle_suspect();
                }
            }
            return;
        }
        let expected = self.head.seq + 1;
        if stored.entry.seq != expected {
            self.verdict = Some(if stored.entry.seq > expected {
                Break::Missing {
                    from: expected,
                    to: stored.entry.seq - 1,
                }
            } else {
                Break::Reordered {
                    seq: stored.entry.seq,
                    written_after: self.head.seq,
                }
            });
            return;
        }
        let content_intact = stored.entry.hash_after(stored.prev_hash) == stored.hash;
        let linked = stored.prev_hash == self.head.hash;
        match (content_intact, linked) {
            (true, true) => {
                self.head = Head {
                    seq: stored.entry.seq,
                    hash: stored.hash,
                };
                // Checkpoints are popped from the oldest, kept last.
                while let Some(checkpoint) = self.checkpoints.last().copied()
                    && checkpoint.seq <= self.head.seq
                {
                    if checkpoint.seq == self.head.seq && checkpoint.hash != self.head.hash {
                        self.verdict = Some(Break::DiffersFromCheckpoint { seq: checkpoint.seq });
                        return;
                    }
                    self.checkpoints.pop();
                }
            }
            // It names its predecessor rightly but is not what was hashed.
            (false, true) => self.verdict = Some(Break::Altered { seq: stored.entry.seq }),
            // It names another predecessor: moved here, or it or the one
            // before was altered. Look ahead for the entry it names.
            (_, false) => {
                self.suspect = Some(Suspect {
                    seq: stored.entry.seq,
                    names: stored.prev_hash,
                    content_intact,
                    searched: 0,
                })
            }
        }
    }

    /// A broken link whose named predecessor is not ahead: if the entry is
    /// intact, the one before it was altered and its hash recomputed;
    /// otherwise it was altered itself.
    fn settle_suspect(&mut self) {
        if let Some(suspect) = self.suspect.take()
            && self.verdict.is_none()
        {
            self.verdict = Some(Break::Altered {
                seq: if suspect.content_intact {
                    suspect.seq - 1
                } else {
                    suspect.seq
                },
            });
        }
    }

    /// Where the chain first breaks, or its head.
    pub fn finish(mut self) -> Result<Head, Break> {
        self.settle_suspect();
        if let Some(verdict) = self.verdict {
            return Err(verdict);
        }
        if let Some(newest) = self.checkpoints.first()
            && newest.seq > self.head.seq
        {
            return Err(Break::Truncated {
                last: self.head.seq,
                signed: newest.seq,
            });
        }
        Ok(self.head)
    }
}

/// Links new entries onto a head: the writer's side of the chain.
pub fn link(previous: Head, entry: Entry) -> StoredEntry {
    debug_assert_eq!(entry.seq, previous.seq + 1);
    let hash = entry.hash_after(previous.hash);
    StoredEntry {
        entry,
        prev_hash: previous.hash,
        hash,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(length: i64) -> Vec<StoredEntry> {
        let mut head = Head {
            seq: 0,
            hash: Hash::GENESIS,
        };
        (1..=length)
            .map(|seq| {
                let stored = link(
                    head,
                    Entry {
                        seq,
                        at_ms: 1_765_000_000_000 + seq * 1_000,
                        actor: (seq % 3 != 0).then_some(seq % 7),
                        actor_role: if seq % 3 == 0 { "system" } else { "seller" }.to_owned(),
                        action: "sub_order.moved".to_owned(),
                        object_kind: "sub_order".to_owned(),
                        object_id: (100 + seq).to_string(),
                        before: Some("paid".to_owned()),
                        after: Some("accepted".to_owned()),
                        note: (seq % 5 == 0).then(|| "सामान ख़त्म".to_owned()),
                    },
                );
                head = Head { seq, hash: stored.hash };
                stored
            })
            .collect()
    }

    fn check(entries: &[StoredEntry], checkpoints: Vec<Head>) -> Result<Head, Break> {
        let mut check = ChainCheck::new(checkpoints);
        for entry in entries {
            check.push(entry);
        }
        check.finish()
    }

    #[test]
    fn an_untouched_chain_checks_out_to_its_last_entry() {
        let entries = chain(50);
        let head = check(&entries, Vec::new()).unwrap();
        assert_eq!(head.seq, 50);
        assert_eq!(head.hash, entries[49].hash);
        assert_eq!(check(&[], Vec::new()).unwrap().hash, Hash::GENESIS);
    }

    #[test]
    fn every_field_is_covered_by_the_hash() {
        let original = chain(1).remove(0);
        let variants: [fn(&mut Entry); 11] = [
            |e| e.seq = 2,
            |e| e.at_ms += 1,
            |e| e.actor = Some(99),
            |e| e.actor = None,
            |e| e.actor_role = "admin".into(),
            |e| e.action = "sub_order.moved ".into(),
            |e| e.object_kind = "order".into(),
            |e| e.object_id = "102".into(),
            |e| e.before = None,
            |e| e.after = Some("paid".into()),
            |e| e.note = Some(String::new()),
        ];
        for change in variants {
            let mut entry = original.entry.clone();
            change(&mut entry);
            assert_ne!(entry.hash_after(original.prev_hash), original.hash, "{entry:?}");
        }
        // Moving text between neighbouring fields changes the hash too.
        let mut shifted = original.entry.clone();
        shifted.before = Some("paidacc".into());
        shifted.after = Some("epted".into());
        assert_ne!(shifted.hash_after(original.prev_hash), original.hash);
    }

    #[test]
    fn an_altered_entry_is_found_where_it_is() {
        let mut entries = chain(30);
        entries[11].entry.after = Some("cancelled".into());
        assert_eq!(check(&entries, Vec::new()), Err(Break::Altered { seq: 12 }));
    }

    #[test]
    fn an_entry_altered_with_its_hash_recomputed_is_found_by_the_next() {
        let mut entries = chain(30);
        entries[11].entry.after = Some("cancelled".into());
        entries[11].hash = entries[11].entry.hash_after(entries[11].prev_hash);
        assert_eq!(check(&entries, Vec::new()), Err(Break::Altered { seq: 12 }));
    }

    #[test]
    fn a_removed_entry_is_named_as_missing() {
        let mut entries = chain(30);
        entries.remove(7);
        assert_eq!(check(&entries, Vec::new()), Err(Break::Missing { from: 8, to: 8 }));
        let mut entries = chain(30);
        entries.drain(10..13);
        assert_eq!(check(&entries, Vec::new()), Err(Break::Missing { from: 11, to: 13 }));
        // The first ones too.
        assert_eq!(
            check(&chain(30)[2..], Vec::new()),
            Err(Break::Missing { from: 1, to: 2 })
        );
    }

    #[test]
    fn two_swapped_entries_are_found_out_of_place_however_they_were_swapped() {
        // Their contents exchanged under the same numbers.
        let mut entries = chain(30);
        let (a, b) = (entries[4].clone(), entries[5].clone());
        entries[4] = b.clone();
        entries[4].entry.seq = 5;
        entries[5] = a.clone();
        entries[5].entry.seq = 6;
        assert_eq!(
            check(&entries, Vec::new()),
            Err(Break::Reordered {
                seq: 5,
                written_after: 6
            })
        );
        // Their numbers exchanged instead, each row keeping its content: the
        // same is seen, for entries further apart too.
        let renumbered: Vec<StoredEntry> = {
            let mut rows = chain(30);
            let (first, second) = (rows[4].clone(), rows[20].clone());
            rows[4] = StoredEntry {
                entry: Entry {
                    seq: 5,
                    ..second.entry.clone()
                },
                ..second
            };
            rows[20] = StoredEntry {
                entry: Entry {
                    seq: 21,
                    ..first.entry.clone()
                },
                ..first
            };
            rows
        };
        assert_eq!(
            check(&renumbered, Vec::new()),
            Err(Break::Reordered {
                seq: 5,
                written_after: 20
            }),
            "the fifth place holds the entry written after the twentieth"
        );
    }

    #[test]
    fn a_rewritten_chain_is_caught_by_its_checkpoints() {
        let entries = chain(30);
        let signed = Head {
            seq: 20,
            hash: entries[19].hash,
        };
        assert_eq!(check(&entries, vec![signed]).unwrap().seq, 30);
        // Entry 12 changed and everything after it rehashed: consistent in
        // itself, but not what was signed.
        let mut rewritten = entries[..11].to_vec();
        let mut head = Head {
            seq: 11,
            hash: entries[10].hash,
        };
        for stored in &entries[11..] {
            let mut entry = stored.entry.clone();
            if entry.seq == 12 {
                entry.after = Some("refunded".into());
            }
            let relinked = link(head, entry);
            head = Head {
                seq: relinked.entry.seq,
                hash: relinked.hash,
            };
            rewritten.push(relinked);
        }
        assert_eq!(check(&rewritten, Vec::new()).unwrap().seq, 30);
        assert_eq!(
            check(&rewritten, vec![signed]),
            Err(Break::DiffersFromCheckpoint { seq: 20 })
        );
        // The last entries removed: the chain is shorter than was signed.
        assert_eq!(
            check(&entries[..15], vec![signed]),
            Err(Break::Truncated { last: 15, signed: 20 })
        );
    }

    #[test]
    fn hashes_read_back_from_hex() {
        let hash = chain(1)[0].hash;
        assert_eq!(Hash::from_hex(&hash.to_hex()), Some(hash));
        assert_eq!(Hash::from_hex("00"), None);
        assert_eq!(Hash::from_hex(&"zz".repeat(32)), None);
    }
}
