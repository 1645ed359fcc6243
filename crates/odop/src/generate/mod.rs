//! `odop gen`: fills a database with made-up but believable sellers and
//! listings, the same for the same seed, for demonstrations and benchmarks.
//! Never run it against a database real people use: it creates verified
//! sellers with made-up phone numbers (+91 6000…).

mod make;
mod orders;
mod pictures;
mod vocab;

use std::collections::HashMap;

use chrono::Utc;
use odop_store::Db;
use odop_store::bulk::{self, NewListing, NewSeller, SharedPhoto};
use odop_store::files::FileStore;

pub use make::as_of;

/// Rows written to the database per transaction.
const BATCH: usize = 1000;

#[derive(Clone, Copy, Debug)]
pub struct GenOptions {
    pub listings: u64,
    pub sellers: u64,
    pub seed: u64,
    /// Past orders over three years, placed by `buyers` buyers.
    pub orders: u64,
    pub buyers: u64,
    /// Add to a catalogue with listings already; otherwise such a database
    /// is refused, so that the same command run twice changes nothing.
    pub append: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GenReport {
    pub vendors: u64,
    pub artisans: u64,
    pub listings: u64,
    pub active: u64,
    pub variants: u64,
    pub buyers: u64,
    pub orders: u64,
    pub sub_orders: u64,
    /// Pictures drawn (per craft), shared by the listings of the craft.
    pub pictures: u64,
    /// Phones of a generated vendor and artisan, to sign in as them.
    pub vendor_phone: Option<String>,
    pub artisan_phone: Option<String>,
}

/// Draws `pictures::PER_CRAFT` pictures for each craft and stores their
/// renditions in `files` once, under keys the listings of the craft share.
async fn draw_pictures(files: &FileStore, crafts: &[String]) -> anyhow::Result<HashMap<(String, u64), SharedPhoto>> {
    let mut drawn = HashMap::new();
    for craft in crafts {
        for variant in 0..pictures::PER_CRAFT {
            let craft_name = craft.clone();
            let photo = tokio::task::spawn_blocking(move || odop_media::process(&pictures::draw(&craft_name, variant)))
                .await?
                .map_err(|e| anyhow::anyhow!("a drawn picture for {craft} was refused: {e:?}"))?;
            let key = format!("photos/generated/{craft}-{variant}");
            for rendition in &photo.renditions {
                files
                    .put(
                        &format!("{key}-{}.webp", rendition.width),
                        rendition.webp.clone().into(),
                    )
                    .await?;
            }
            drawn.insert(
                (craft.clone(), variant),
                SharedPhoto {
                    key,
                    widths: photo.renditions.iter().map(|r| r.width).collect(),
                    width: photo.width,
                    height: photo.height,
                },
            );
        }
    }
    Ok(drawn)
}

/// Generates into `db` (migrated and seeded), reporting progress as rows
/// written out of rows to write. With `files`, listings get drawn pictures.
pub async fn generate(
    db: &Db,
    files: Option<&FileStore>,
    options: GenOptions,
    mut progress: impl FnMut(u64, u64),
) -> anyhow::Result<GenReport> {
    let existing = bulk::listing_count(db).await?;
    anyhow::ensure!(
        existing == 0 || options.append,
        "the database has {existing} listings already: odop gen fills an empty catalogue, so that running it \
         twice changes nothing. Use a fresh --data-dir (or database), or --append to add more"
    );
    anyhow::ensure!(
        options.sellers > 0 || options.listings == 0,
        "listings need sellers: give --sellers 1 or more"
    );
    let registry = odop_store::registry::load(db).await?;
    anyhow::ensure!(
        !registry.districts().is_empty(),
        "the database has no district registry; run odop seed first"
    );
    let gst = odop_store::gst::table(db).await?;
    let ids = bulk::district_ids(db).await?;
    let district_ids = registry
        .districts()
        .iter()
        .map(|d| {
            ids.get(d.slug.as_str())
                .copied()
                .ok_or_else(|| anyhow::anyhow!("district {} is not in the database", d.slug))
        })
        .collect::<anyhow::Result<Vec<i64>>>()?;
    let vocabulary = vocab::Vocabulary::shipped();
    let mut maker = make::Maker::new(&registry, &vocabulary, &gst, district_ids, options.seed);

    anyhow::ensure!(
        options.orders == 0 || options.buyers > 0,
        "orders need buyers: give --buyers 1 or more"
    );
    let total = options.sellers + options.listings + options.buyers + options.orders;
    let mut done = 0;
    progress(done, total);
    let mut report = GenReport::default();

    let mut plans = maker.plan_sellers(options.sellers as usize);
    let first_phone = bulk::highest_user_id(db).await? + 1;
    let phone_of = |i: usize| format!("+916{:09}", first_phone + i as i64);
    report.vendor_phone = plans.iter().position(|p| p.vendor.is_none()).map(phone_of);
    report.artisan_phone = plans.iter().position(|p| p.vendor.is_some()).map(phone_of);
    let mut crafts: Vec<String> = plans.iter().map(|p| p.craft.clone()).collect();
    crafts.sort_unstable();
    crafts.dedup();
    let pictures = match files {
        Some(files) => draw_pictures(files, &crafts).await?,
        None => HashMap::new(),
    };
    report.pictures = pictures.len() as u64;
    // Vendors first, so that every artisan's vendor exists when it is written.
    let vendors: Vec<usize> = (0..plans.len()).filter(|i| plans[*i].vendor.is_none()).collect();
    let artisans: Vec<usize> = (0..plans.len()).filter(|i| plans[*i].vendor.is_some()).collect();
    for group in [vendors, artisans] {
        for chunk in group.chunks(BATCH) {
            let sellers: Vec<NewSeller> = chunk
                .iter()
                .map(|i| {
                    let plan = &plans[*i];
                    let vendor = plan.vendor.map(|v| plans[v].user.expect("vendors are written first"));
                    maker.seller(plan, vendor, phone_of(*i))
                })
                .collect();
            let users = bulk::insert_sellers(db, &sellers).await?;
            for (i, user) in chunk.iter().zip(users) {
                plans[*i].user = Some(user);
                if plans[*i].vendor.is_none() {
                    report.vendors += 1;
                } else {
                    report.artisans += 1;
                }
            }
            done += chunk.len() as u64;
            progress(done, total);
        }
    }

    let mut serial = 0;
    while serial < options.listings {
        let size = (options.listings - serial).min(BATCH as u64);
        let mut batch: Vec<NewListing> = Vec::with_capacity(size as usize);
        for _ in 0..size {
            serial += 1;
            let seller = maker.pick_seller(plans.len());
            let mut listing = maker.listing(&plans[seller], serial).map_err(|e| anyhow::anyhow!(e))?;
            listing.photo = pictures
                .get(&(plans[seller].craft.clone(), serial % pictures::PER_CRAFT))
                .cloned();
            batch.push(listing);
        }
        bulk::insert_listings(db, &batch, Utc::now()).await?;
        report.listings += size;
        report.active += batch.iter().filter(|l| l.status.is_public()).count() as u64;
        report.variants += batch.iter().map(|l| l.draft.variants.len() as u64).sum::<u64>();
        done += size;
        progress(done, total);
    }

    if options.buyers > 0 {
        let first = bulk::highest_user_id(db).await? + 1;
        let phones: Vec<String> = (0..options.buyers as i64)
            .map(|i| format!("+917{:09}", first + i))
            .collect();
        let mut buyers: Vec<(odop_domain::UserId, String)> = Vec::with_capacity(phones.len());
        for chunk in phones.chunks(BATCH * 10) {
            let ids = bulk::insert_buyers(db, chunk, make::as_of() - chrono::Duration::days(3 * 365)).await?;
            buyers.extend(ids.into_iter().zip(chunk.iter().cloned()));
            report.buyers += chunk.len() as u64;
            done += chunk.len() as u64;
            progress(done, total);
        }
        if options.orders > 0 {
            let catalogue = bulk::sale_variants(db, 50_000).await?;
            anyhow::ensure!(
                !catalogue.is_empty(),
                "orders need listings on sale: give --listings too"
            );
            let mut maker = orders::OrderMaker::new(options.seed);
            let mut pick = odop_domain::rng::SplitMix64::new(options.seed ^ 0xb0b);
            let mut serial = 0;
            while serial < options.orders {
                let size = (options.orders - serial).min(BATCH as u64);
                let batch: Vec<_> = (0..size)
                    .map(|i| {
                        let (buyer, phone) = pick.pick(&buyers);
                        maker.order(serial + i, *buyer, phone, &catalogue)
                    })
                    .collect();
                bulk::insert_orders(db, &batch).await?;
                serial += size;
                report.orders += size;
                report.sub_orders += batch.iter().map(|o| o.parts.len() as u64).sum::<u64>();
                done += size;
                progress(done, total);
            }
        }
    }
    bulk::settle(db).await?;
    Ok(report)
}
