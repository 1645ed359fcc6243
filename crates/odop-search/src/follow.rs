//! Keeping the index current: building it from the database, and following
//! the change log so that a listing written on any node shows in every
//! node's search within a second.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use odop_domain::registry::Registry;
use odop_store::catalogue::{self, Listing};
use odop_store::{Db, StoreError};

use crate::{IndexDoc, SearchError, SearchIndex};

#[derive(Debug, thiserror::Error)]
pub enum FollowError {
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The index's view of a listing, or `None` when buyers may not see it (a
/// draft, paused or deleted listing, or a seller who is not verified).
pub fn index_doc(listing: &Listing, registry: &Registry) -> Option<IndexDoc> {
    let record = &listing.record;
    if !record.status().is_public() {
        return None;
    }
    let seller_name = record.seller_name.clone()?;
    let mut body = Vec::new();
    body.extend(record.description_en.clone());
    body.extend(record.description_hi.clone());
    let mut places = Vec::new();
    if let Some(product) = registry
        .districts()
        .iter()
        .flat_map(|d| &d.products)
        .find(|p| p.slug.as_str() == record.craft)
    {
        places.push(product.name.en.clone());
        places.push(product.name.hi.clone());
    }
    if let Some(district) = odop_domain::Slug::parse(&record.district)
        .ok()
        .and_then(|s| registry.district(&s).cloned())
    {
        places.push(district.name.en.clone());
        places.push(district.name.hi.clone());
        let division = registry.division_of(&district);
        places.push(division.name.en.clone());
        places.push(division.name.hi.clone());
    }
    body.extend(listing.variants.iter().map(|v| v.label.clone()));
    body.push(seller_name.clone());
    Some(IndexDoc {
        id: record.id as u64,
        slug: record.slug.clone(),
        title_en: record.title_en.clone(),
        title_hi: record.title_hi.clone(),
        places: places.join("\n"),
        body: body.join("\n"),
        district: record.district.clone(),
        division: record.division.clone(),
        craft: record.craft.clone(),
        seller_id: record.seller_user_id as u64,
        seller_name,
        price_paise: listing
            .variants
            .iter()
            .map(|v| v.price_paise)
            .min()
            .unwrap_or_default()
            .max(0) as u64,
        in_stock: listing.variants.iter().any(|v| v.stock > 0),
        gi: record.gi_tagged,
        published_ms: record.published_at.unwrap_or(record.created_at).millis().max(0) as u64,
        photo: listing
            .photos
            .first()
            .map(|p| format!("{}|{}", p.storage_key, p.widths)),
    })
}

/// Which copies of a listing the index may already hold.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Copies {
    /// A new index, filled once per listing: nothing to replace.
    None,
    /// A running index: a listing's older copy goes when its new one comes.
    Older,
}

/// Applies the current state of these listings to the index (not committed).
async fn apply(
    db: &Db,
    index: &SearchIndex,
    registry: &Registry,
    ids: &[i64],
    copies: Copies,
) -> Result<(), FollowError> {
    let listings = catalogue::listings(db, ids).await?;
    for id in ids {
        match listings
            .iter()
            .find(|l| l.record.id == *id)
            .and_then(|l| index_doc(l, registry))
        {
            // Deleting by id costs a lookup in every segment at the commit:
            // a million needless deletes made a rebuild several times slower.
            Some(doc) if copies == Copies::None => index.add(&doc)?,
            Some(doc) => index.upsert(&doc)?,
            None if copies == Copies::None => {}
            None => index.remove(*id as u64)?,
        }
    }
    Ok(())
}

/// Builds the index in `dir` afresh from the database, reporting progress
/// as (done, total). Changes made meanwhile are caught up by the follower,
/// which starts from the change log position read before the first listing.
pub async fn rebuild(
    db: &Db,
    dir: &Path,
    registry: &Registry,
    mut progress: impl FnMut(u64, u64),
) -> Result<(SearchIndex, i64), FollowError> {
    let checkpoint = settled_checkpoint(db).await?;
    let total = catalogue::count_public(db).await?.max(0) as u64;
    let index = SearchIndex::create(dir)?;
    index.learn_places(registry)?;
    let mut after = 0;
    let mut done = 0;
    progress(0, total);
    loop {
        let ids = catalogue::public_ids_after(db, after, 1000).await?;
        let Some(last) = ids.last() else { break };
        after = *last;
        apply(db, &index, registry, &ids, Copies::None).await?;
        done += ids.len() as u64;
        progress(done, total);
    }
    index.commit(checkpoint)?;
    Ok((index, checkpoint))
}

/// How many of the newest change ids a rebuild looks at for ones still
/// missing (transactions that have not committed yet).
const SETTLE_WINDOW: i64 = 2000;

/// Where a freshly built index starts following: just before the first id
/// missing among the newest changes. On PostgreSQL an id is handed out
/// before its transaction commits; starting after the newest id would take
/// such a change as applied although the rebuild could not see it. Starting
/// earlier only applies a few changes twice, which is harmless.
async fn settled_checkpoint(db: &Db) -> Result<i64, FollowError> {
    let latest = catalogue::latest_change(db).await?;
    let from = (latest - SETTLE_WINDOW).max(0);
    let present: Vec<i64> = catalogue::changes_since(db, from, SETTLE_WINDOW)
        .await?
        .iter()
        .map(|c| c.id)
        .collect();
    Ok(first_missing(from, &present).map_or(latest, |missing| missing - 1))
}

/// The first id after `from` that is absent from `present` (ascending),
/// when one is absent before the last present id.
fn first_missing(from: i64, present: &[i64]) -> Option<i64> {
    let mut expected = from + 1;
    for &id in present {
        if id != expected {
            return Some(expected);
        }
        expected = id + 1;
    }
    None
}

/// How far behind the change log an index may be at start and still be
/// caught up change by change; further behind (a bulk load, a node that was
/// down for long), rebuilding in one pass is quicker.
pub const CATCH_UP_LIMIT: i64 = 50_000;

/// Opens the index in `dir`, rebuilding it when it is missing, damaged, of
/// another schema version, or more than [`CATCH_UP_LIMIT`] changes behind.
pub async fn open_or_rebuild(db: &Db, dir: &Path, registry: &Registry) -> Result<(SearchIndex, i64), FollowError> {
    match SearchIndex::open(dir) {
        Ok((index, checkpoint)) => {
            let behind = catalogue::latest_change(db).await? - checkpoint.change;
            if behind <= CATCH_UP_LIMIT {
                index.learn_places(registry)?;
                return Ok((index, checkpoint.change));
            }
            tracing::info!(behind, "the search index is far behind the change log; rebuilding it");
            drop(index);
        }
        Err(reason) => {
            tracing::warn!(%reason, dir = %dir.display(), "rebuilding the search index from the database");
        }
    }
    rebuild(db, dir, registry, |_, _| {}).await
}

/// How long a gap in the change log may stay open before it is taken for a
/// rolled-back transaction rather than one still committing.
const GAP_PATIENCE: Duration = Duration::from_secs(10);

/// The gaps in the change log a follower has noticed, each timed by the
/// follower's own clock from the moment it first saw a later id. The
/// writers' timestamps cannot serve: they are taken before the commit, so a
/// long transaction commits changes that already look old.
#[derive(Debug, Default)]
struct Gaps {
    /// First missing id of a gap → when it was first noticed.
    noticed: BTreeMap<i64, Instant>,
}

impl Gaps {
    /// How far the checkpoint may advance over `present` (ascending ids
    /// after `checkpoint`): over contiguous ids, and over gaps open longer
    /// than [`GAP_PATIENCE`].
    fn advance(&mut self, checkpoint: i64, present: &[i64], now: Instant) -> i64 {
        let mut advanced = checkpoint;
        let mut expected = checkpoint + 1;
        let mut blocked = false;
        for &id in present {
            if id != expected {
                // Every gap is noted, even beyond a blocking one, so that
                // their patience runs meanwhile.
                let noticed = *self.noticed.entry(expected).or_insert(now);
                blocked |= now.duration_since(noticed) < GAP_PATIENCE;
            }
            if !blocked {
                advanced = id;
            }
            expected = id + 1;
        }
        self.noticed = self.noticed.split_off(&(advanced + 1));
        advanced
    }
}

/// Follows the change log from a checkpoint.
pub struct Follower {
    db: Db,
    index: Arc<SearchIndex>,
    registry: Registry,
    /// Every change up to here is applied.
    checkpoint: i64,
    /// Changes after the checkpoint already applied (beyond a gap).
    applied: BTreeSet<i64>,
    gaps: Gaps,
    /// Told the ids of listings that changed, once applied to the index and
    /// before it commits, so that a kept copy is gone by the time search
    /// shows the change.
    on_listings_changed: Option<ListingsChanged>,
}

/// A callback told which listings changed.
type ListingsChanged = Box<dyn Fn(&[i64]) + Send + Sync>;

impl Follower {
    pub fn new(db: Db, index: Arc<SearchIndex>, registry: Registry, checkpoint: i64) -> Self {
        Self {
            db,
            index,
            registry,
            checkpoint,
            applied: BTreeSet::new(),
            gaps: Gaps::default(),
            on_listings_changed: None,
        }
    }

    /// Also tells `changed` the ids of the listings each step applied, so
    /// that copies kept elsewhere (the product pages' cache) are dropped.
    pub fn on_listings_changed(mut self, changed: impl Fn(&[i64]) + Send + Sync + 'static) -> Self {
        self.on_listings_changed = Some(Box::new(changed));
        self
    }

    pub fn checkpoint(&self) -> i64 {
        self.checkpoint
    }

    /// Applies the changes not yet applied; returns how many.
    ///
    /// On PostgreSQL, ids are handed out before transactions commit, so a
    /// later id can become visible before an earlier one. The checkpoint
    /// therefore advances only over a contiguous run of ids, or over a gap
    /// that has stayed open longer than any transaction takes (a rollback).
    pub async fn step(&mut self) -> Result<usize, FollowError> {
        let changes = catalogue::changes_since(&self.db, self.checkpoint, 2000).await?;
        let fresh: Vec<&catalogue::Change> = changes.iter().filter(|c| !self.applied.contains(&c.id)).collect();
        if !fresh.is_empty() {
            let mut ids: Vec<i64> = fresh
                .iter()
                .filter(|c| c.entity == "listing")
                .map(|c| c.entity_id)
                .collect();
            ids.sort_unstable();
            ids.dedup();
            apply(&self.db, &self.index, &self.registry, &ids, Copies::Older).await?;
            if let Some(changed) = &self.on_listings_changed {
                changed(&ids);
            }
            self.applied.extend(fresh.iter().map(|c| c.id));
        }
        let present: Vec<i64> = changes.iter().map(|c| c.id).collect();
        let advanced = self.gaps.advance(self.checkpoint, &present, Instant::now());
        if !fresh.is_empty() || advanced != self.checkpoint {
            self.checkpoint = advanced;
            self.applied = self.applied.split_off(&(advanced + 1));
            self.index.commit(self.checkpoint)?;
        }
        Ok(fresh.len())
    }

    /// Follows until `shutdown` completes.
    pub async fn run(mut self, every: Duration, shutdown: impl Future<Output = ()> + Send) {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                () = &mut shutdown => break,
                _ = tick.tick() => {
                    if let Err(error) = self.step().await {
                        tracing::error!(%error, "following the change log failed; will retry");
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checkpoint_advances_over_contiguous_ids() {
        let mut gaps = Gaps::default();
        assert_eq!(gaps.advance(0, &[1, 2, 3], Instant::now()), 3);
        assert_eq!(gaps.advance(3, &[], Instant::now()), 3);
    }

    #[test]
    fn a_gap_holds_the_checkpoint_until_it_has_been_open_long_enough_by_the_followers_clock() {
        let start = Instant::now();
        let mut gaps = Gaps::default();
        // Id 3 is missing: its transaction may still be committing.
        assert_eq!(gaps.advance(0, &[1, 2, 4, 5], start), 2);
        assert_eq!(gaps.advance(2, &[4, 5], start + Duration::from_secs(9)), 2);
        // It commits: the run is contiguous again.
        assert_eq!(gaps.advance(2, &[3, 4, 5], start + Duration::from_secs(9)), 5);
        // Id 7 never shows (rolled back): passed over once patience runs out.
        let later = start + Duration::from_secs(20);
        assert_eq!(gaps.advance(5, &[6, 8], later), 6);
        assert_eq!(
            gaps.advance(6, &[8], later + GAP_PATIENCE - Duration::from_millis(1)),
            6
        );
        assert_eq!(gaps.advance(6, &[8], later + GAP_PATIENCE), 8);
        assert!(gaps.noticed.is_empty());
    }

    #[test]
    fn later_gaps_are_timed_from_when_they_were_first_seen_not_from_when_earlier_ones_closed() {
        let start = Instant::now();
        let mut gaps = Gaps::default();
        assert_eq!(gaps.advance(0, &[2, 4], start), 0);
        let after_patience = start + GAP_PATIENCE;
        // Both gaps have been open since `start`: both are passed over at once.
        assert_eq!(gaps.advance(0, &[2, 4], after_patience), 4);
    }

    #[test]
    fn a_rebuild_starts_before_the_first_missing_id() {
        assert_eq!(first_missing(0, &[1, 2, 3]), None);
        assert_eq!(first_missing(10, &[11, 13, 14]), Some(12));
        assert_eq!(first_missing(10, &[12]), Some(11));
        assert_eq!(first_missing(0, &[]), None);
    }
}
