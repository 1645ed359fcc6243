//! Keeping the index current: building it from the database, and following
//! the change log so that a listing written on any node shows in every
//! node's search within a second.

use std::collections::BTreeSet;
use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
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
    if let Some(product) = registry
        .districts()
        .iter()
        .flat_map(|d| &d.products)
        .find(|p| p.slug.as_str() == record.craft)
    {
        body.push(product.name.en.clone());
        body.push(product.name.hi.clone());
    }
    if let Some(district) = odop_domain::Slug::parse(&record.district)
        .ok()
        .and_then(|s| registry.district(&s).cloned())
    {
        body.push(district.name.en.clone());
        body.push(district.name.hi.clone());
        let division = registry.division_of(&district);
        body.push(division.name.en.clone());
        body.push(division.name.hi.clone());
    }
    body.extend(listing.variants.iter().map(|v| v.label.clone()));
    body.push(seller_name.clone());
    Some(IndexDoc {
        id: record.id as u64,
        slug: record.slug.clone(),
        title_en: record.title_en.clone(),
        title_hi: record.title_hi.clone(),
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

/// Applies the current state of these listings to the index (not committed).
async fn apply(db: &Db, index: &SearchIndex, registry: &Registry, ids: &[i64]) -> Result<(), FollowError> {
    let listings = catalogue::listings(db, ids).await?;
    for id in ids {
        match listings
            .iter()
            .find(|l| l.record.id == *id)
            .and_then(|l| index_doc(l, registry))
        {
            Some(doc) => index.upsert(&doc)?,
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
    let checkpoint = catalogue::latest_change(db).await?;
    let total = catalogue::count_public(db).await?.max(0) as u64;
    let index = SearchIndex::create(dir)?;
    let mut after = 0;
    let mut done = 0;
    progress(0, total);
    loop {
        let ids = catalogue::public_ids_after(db, after, 1000).await?;
        let Some(last) = ids.last() else { break };
        after = *last;
        apply(db, &index, registry, &ids).await?;
        done += ids.len() as u64;
        progress(done, total);
    }
    index.commit(checkpoint)?;
    Ok((index, checkpoint))
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
const GAP_PATIENCE: chrono::Duration = chrono::Duration::seconds(10);

/// Follows the change log from a checkpoint.
pub struct Follower {
    db: Db,
    index: Arc<SearchIndex>,
    registry: Registry,
    /// Every change up to here is applied.
    checkpoint: i64,
    /// Changes after the checkpoint already applied (beyond a gap).
    applied: BTreeSet<i64>,
}

impl Follower {
    pub fn new(db: Db, index: Arc<SearchIndex>, registry: Registry, checkpoint: i64) -> Self {
        Self {
            db,
            index,
            registry,
            checkpoint,
            applied: BTreeSet::new(),
        }
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
            apply(&self.db, &self.index, &self.registry, &ids).await?;
            self.applied.extend(fresh.iter().map(|c| c.id));
        }
        let now = Utc::now();
        let mut advanced = self.checkpoint;
        for change in &changes {
            let contiguous = change.id == advanced + 1;
            if contiguous || now - change.at.0 > GAP_PATIENCE {
                advanced = change.id;
            } else {
                break;
            }
        }
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
