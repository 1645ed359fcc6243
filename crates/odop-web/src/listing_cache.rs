//! Public listings kept in memory for a moment, for the product page.
//!
//! A product page is read far more often than its listing changes, and the
//! read was most of the page's cost: with PostgreSQL on the same two cores,
//! the listing's one query (and decoding its row) took about 60 % of the
//! CPU a product page needs, and the page stayed near 4,000 requests/s.
//!
//! What keeps a kept listing honest:
//! - every node forgets a listing as soon as its search follower sees the
//!   listing in the change log (every edit, status change or seller
//!   decision writes there), within a quarter of a second on every node;
//! - an entry serves for `KEEP_LISTING_FOR` at most, which bounds what the
//!   change log does not carry: stock taken by orders, and a change that
//!   raced with the read that filled the entry;
//! - people who can manage listings (sellers, vendors, officers, admins)
//!   never read from it, so that a seller sees an edit at once;
//! - only listings the public may see are kept.
//!
//! Stock on a product page may therefore be a second or two old. The cart
//! and checkout never use this cache: they read the stock from the database
//! and refuse what is not there.

use std::num::NonZeroUsize;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use lru::LruCache;
use odop_domain::ListingId;
use odop_store::catalogue::Listing;

/// How long a kept listing serves before it is read again.
pub const KEEP_LISTING_FOR: Duration = Duration::from_secs(2);

/// How many listings a node keeps: the most visited ones. A listing with
/// its variants and photos takes a few kilobytes, so this is tens of MB.
pub const KEPT_LISTINGS: usize = 10_000;

/// Listings the public may see, by id, most recently used kept.
#[derive(Debug)]
pub struct ListingCache {
    entries: std::sync::Mutex<LruCache<i64, (Instant, Arc<Listing>)>>,
    keep_for: Duration,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl Default for ListingCache {
    fn default() -> Self {
        Self::new(KEPT_LISTINGS, KEEP_LISTING_FOR)
    }
}

impl ListingCache {
    pub fn new(capacity: usize, keep_for: Duration) -> Self {
        Self {
            entries: std::sync::Mutex::new(LruCache::new(NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN))),
            keep_for,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, LruCache<i64, (Instant, Arc<Listing>)>> {
        // A panic while holding the lock leaves nothing half-done in a
        // cache: at worst an entry is missing.
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The kept listing, if there is one young enough.
    pub fn get(&self, id: ListingId) -> Option<Arc<Listing>> {
        self.get_at(id, Instant::now())
    }

    fn get_at(&self, id: ListingId, now: Instant) -> Option<Arc<Listing>> {
        let mut entries = self.entries();
        let found = match entries.get(&id.0) {
            Some((kept_at, listing)) if now.saturating_duration_since(*kept_at) < self.keep_for => {
                Some(listing.clone())
            }
            Some(_) => {
                entries.pop(&id.0);
                None
            }
            None => None,
        };
        drop(entries);
        let counter = if found.is_some() { &self.hits } else { &self.misses };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Keeps a listing just read from the database, if the public may see
    /// it (`public`); others are never kept.
    pub fn keep(&self, listing: Arc<Listing>, public: bool) {
        self.keep_at(listing, public, Instant::now());
    }

    fn keep_at(&self, listing: Arc<Listing>, public: bool, now: Instant) {
        if public {
            self.entries().put(listing.record.id, (now, listing));
        }
    }

    /// Forgets these listings: they changed.
    pub fn forget(&self, ids: &[i64]) {
        let mut entries = self.entries();
        for id in ids {
            entries.pop(id);
        }
    }

    /// Reads served from memory and reads that went to the database.
    pub fn hits_and_misses(&self) -> (u64, u64) {
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use odop_store::catalogue::ListingRecord;
    use odop_store::time::Timestamp;

    fn listing(id: i64, title: &str) -> Arc<Listing> {
        let now = Timestamp(chrono::Utc::now());
        Arc::new(Listing {
            record: ListingRecord {
                id,
                seller_user_id: 1,
                district: "lucknow".into(),
                division: "lucknow".into(),
                craft: "chikankari".into(),
                slug: "kurta".into(),
                title_en: Some(title.into()),
                title_hi: None,
                description_en: None,
                description_hi: None,
                hsn: "6211".into(),
                gst_rate_bp: 500,
                weight_grams: 300,
                length_mm: None,
                width_mm: None,
                height_mm: None,
                return_days: Some(7),
                origin: "IN".into(),
                gi_tagged: true,
                status: "active".into(),
                created_at: now,
                updated_at: now,
                published_at: Some(now),
                seller_name: Some("Seller".into()),
                seller_kind: Some("vendor".into()),
                seller_gstin: None,
                seller_enrolment: None,
                seller_vendor_user_id: None,
                seller_vendor_name: None,
                seller_vendor_gstin: None,
                seller_city: None,
                seller_pin: None,
            },
            variants: Vec::new(),
            photos: Vec::new(),
        })
    }

    #[test]
    fn a_kept_listing_serves_until_it_is_too_old() {
        let cache = ListingCache::new(10, Duration::from_secs(2));
        let start = Instant::now();
        cache.keep_at(listing(7, "Chikankari kurta"), true, start);
        let served = cache.get_at(ListingId(7), start + Duration::from_millis(1_999));
        assert_eq!(
            served.map(|l| l.record.title_en.clone()),
            Some(Some("Chikankari kurta".into()))
        );
        assert!(cache.get_at(ListingId(7), start + Duration::from_secs(2)).is_none());
        // Gone for good once too old, not only hidden.
        assert!(cache.get_at(ListingId(7), start).is_none());
        assert_eq!(cache.hits_and_misses(), (1, 2));
    }

    #[test]
    fn a_listing_the_public_may_not_see_is_never_kept() {
        let cache = ListingCache::new(10, Duration::from_secs(2));
        cache.keep(listing(7, "Draft"), false);
        assert!(cache.get(ListingId(7)).is_none());
    }

    #[test]
    fn a_changed_listing_is_forgotten_and_others_stay() {
        let cache = ListingCache::new(10, Duration::from_secs(60));
        cache.keep(listing(7, "Kurta"), true);
        cache.keep(listing(8, "Saree"), true);
        cache.forget(&[7, 99]);
        assert!(cache.get(ListingId(7)).is_none());
        assert!(cache.get(ListingId(8)).is_some());
    }

    #[test]
    fn the_least_recently_read_listing_makes_room() {
        let cache = ListingCache::new(2, Duration::from_secs(60));
        cache.keep(listing(1, "One"), true);
        cache.keep(listing(2, "Two"), true);
        assert!(cache.get(ListingId(1)).is_some());
        cache.keep(listing(3, "Three"), true);
        assert!(cache.get(ListingId(2)).is_none(), "2 was read least recently");
        assert!(cache.get(ListingId(1)).is_some());
        assert!(cache.get(ListingId(3)).is_some());
    }
}
