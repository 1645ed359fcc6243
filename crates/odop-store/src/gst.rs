//! The GST rate table: read by listing validation, seeded from
//! `seed/gst_rates.toml`.

use chrono::{DateTime, NaiveDate, Utc};
use odop_domain::UserId;
use odop_domain::gst::{GstRate, GstRule, GstTable, Hsn, RateLine};
use odop_domain::money::Money;
use serde::Deserialize;

use crate::StoreError;
use crate::db::{Db, dispatch, on_tx};
use crate::time::Timestamp;

const RATES_TOML: &str = include_str!("../seed/gst_rates.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RatesFile {
    rate: Vec<SeedRate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedRate {
    hsn_prefix: String,
    effective_from: NaiveDate,
    rate_bp: u16,
    up_to_price_paise: Option<i64>,
    note: String,
}

/// The rate table as shipped.
pub fn shipped() -> Result<Vec<RateLine>, StoreError> {
    let file: RatesFile = toml::from_str(RATES_TOML).map_err(|e| StoreError::Seed(format!("gst_rates.toml: {e}")))?;
    file.rate
        .into_iter()
        .map(|r| {
            let valid = !r.hsn_prefix.is_empty()
                && r.hsn_prefix.len() <= 8
                && r.hsn_prefix.bytes().all(|b| b.is_ascii_digit())
                && r.rate_bp <= 10_000;
            if !valid {
                return Err(StoreError::Seed(format!(
                    "gst_rates.toml: invalid line for {}",
                    r.hsn_prefix
                )));
            }
            Ok(RateLine {
                rule: GstRule {
                    hsn_prefix: r.hsn_prefix,
                    effective_from: r.effective_from,
                    rate: GstRate(r.rate_bp),
                    up_to_unit_price: r.up_to_price_paise.map(Money),
                },
                note: r.note,
            })
        })
        .collect()
}

#[derive(sqlx::FromRow)]
struct RateRow {
    hsn_prefix: String,
    effective_from: String,
    rate_bp: i64,
    up_to_price_paise: Option<i64>,
}

/// The table as the database holds it.
pub async fn table(db: &Db) -> Result<GstTable, StoreError> {
    let rows: Vec<RateRow> = dispatch!(db, pool => {
        sqlx::query_as("SELECT hsn_prefix, effective_from, rate_bp, up_to_price_paise FROM gst_rates ORDER BY id")
            .fetch_all(pool)
            .await?
    });
    rows.into_iter()
        .map(RateRow::rule)
        .collect::<Result<Vec<_>, _>>()
        .map(GstTable)
}

impl RateRow {
    fn rule(self) -> Result<GstRule, StoreError> {
        Ok(GstRule {
            effective_from: self
                .effective_from
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("gst rate date {}", self.effective_from)))?,
            hsn_prefix: self.hsn_prefix,
            rate: GstRate(u16::try_from(self.rate_bp).map_err(|_| StoreError::Corrupt("gst rate".into()))?),
            up_to_unit_price: self.up_to_price_paise.map(Money),
        })
    }
}

#[derive(sqlx::FromRow)]
struct NotedRow {
    hsn_prefix: String,
    effective_from: String,
    rate_bp: i64,
    up_to_price_paise: Option<i64>,
    note: String,
}

/// Every line of the table with its note, by prefix, then date, then band.
pub async fn lines(db: &Db) -> Result<Vec<RateLine>, StoreError> {
    let rows: Vec<NotedRow> = dispatch!(db, pool => {
        sqlx::query_as(
            "SELECT hsn_prefix, effective_from, rate_bp, up_to_price_paise, note FROM gst_rates \
             ORDER BY hsn_prefix, effective_from, COALESCE(up_to_price_paise, 9223372036854775807)",
        )
        .fetch_all(pool)
        .await?
    });
    rows.into_iter()
        .map(|row| {
            Ok(RateLine {
                rule: RateRow {
                    hsn_prefix: row.hsn_prefix,
                    effective_from: row.effective_from,
                    rate_bp: row.rate_bp,
                    up_to_price_paise: row.up_to_price_paise,
                }
                .rule()?,
                note: row.note,
            })
        })
        .collect()
}

/// What putting a line into the table did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Put {
    Added,
    /// The line for that prefix, date and band had another rate or note.
    Corrected {
        previous: GstRate,
    },
    /// The line was already there, as given.
    Unchanged,
}

/// Adds a line to the table, or corrects the line of the same prefix, date
/// and price band, recording who did it and why. The listings the line
/// covers get the rate now in force for their price, and every node's
/// search index hears of them.
pub async fn put_line(db: &Db, line: &RateLine, by: UserId, now: DateTime<Utc>) -> Result<Put, StoreError> {
    let rule = &line.rule;
    let date = rule.effective_from.format("%Y-%m-%d").to_string();
    let band = rule.up_to_unit_price.map(|m| m.0);
    let mut tx = db.begin().await?;
    let current: Option<(i64, i64, String)> = on_tx!(&mut tx, t => {
        sqlx::query_as(
            "SELECT id, rate_bp, note FROM gst_rates WHERE hsn_prefix = $1 AND effective_from = $2 \
             AND COALESCE(up_to_price_paise, -1) = COALESCE($3, -1)",
        )
        .bind(&rule.hsn_prefix)
        .bind(&date)
        .bind(band)
        .fetch_optional(&mut **t)
        .await?
    });
    let rate = i64::from(rule.rate.0);
    let put = match &current {
        Some((_, bp, note)) if *bp == rate && *note == line.note => return Ok(Put::Unchanged),
        Some((id, bp, _)) => {
            on_tx!(&mut tx, t => {
                sqlx::query("UPDATE gst_rates SET rate_bp = $2, note = $3 WHERE id = $1")
                    .bind(id)
                    .bind(rate)
                    .bind(&line.note)
                    .execute(&mut **t)
                    .await?;
            });
            Put::Corrected {
                previous: GstRate(u16::try_from(*bp).unwrap_or_default()),
            }
        }
        None => {
            on_tx!(&mut tx, t => {
                sqlx::query(
                    "INSERT INTO gst_rates (hsn_prefix, effective_from, rate_bp, up_to_price_paise, note) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&rule.hsn_prefix)
                .bind(&date)
                .bind(rate)
                .bind(band)
                .bind(&line.note)
                .execute(&mut **t)
                .await?;
            });
            Put::Added
        }
    };
    let previous = match put {
        Put::Corrected { previous } => Some(i64::from(previous.0)),
        _ => None,
    };
    on_tx!(&mut tx, t => {
        sqlx::query(
            "INSERT INTO gst_rate_changes (hsn_prefix, effective_from, up_to_price_paise, previous_rate_bp, rate_bp, \
             note, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&rule.hsn_prefix)
        .bind(&date)
        .bind(band)
        .bind(previous)
        .bind(rate)
        .bind(&line.note)
        .bind(by.0)
        .bind(Timestamp(now))
        .execute(&mut **t)
        .await?;
    });
    let object = match band {
        Some(band) => format!("{} from {date} up to {band} paise", rule.hsn_prefix),
        None => format!("{} from {date}", rule.hsn_prefix),
    };
    let (before, after) = (previous.map(|bp| format!("{bp} bp")), format!("{rate} bp"));
    let change = crate::audit::Change {
        action: if previous.is_some() {
            "gst_rate.corrected"
        } else {
            "gst_rate.added"
        },
        object_kind: "gst_rate",
        object_id: object,
        before: before.as_deref(),
        after: Some(&after),
        note: Some(&line.note),
    };
    crate::audit::append(&mut tx, crate::audit::AuditActor::user(by, "admin"), change, now).await?;
    tx.commit().await?;
    // The listings follow in batches of their own: a rate for a whole
    // chapter ("62") covers hundreds of thousands of listings, and one
    // transaction over them all would hold SQLite's writer (and every
    // checkout) for as long. Sales are taxed from the table itself, so a
    // listing that has not followed yet only shows yesterday's rate.
    let mut after = 0;
    while let Some(last) = retax_listings(db, &rule.hsn_prefix, after, now).await? {
        after = last;
    }
    Ok(put)
}

/// How many listings one batch of [`retax_listings`] looks at.
const RETAX_BATCH: i64 = 500;

/// Gives the next [`RETAX_BATCH`] listings after `after` whose HSN code
/// starts with `prefix` the rate in force today for their cheapest variant,
/// logging a change for each that moved, in one transaction; returns the
/// last id looked at, or `None` when there were none.
async fn retax_listings(db: &Db, prefix: &str, after: i64, now: DateTime<Utc>) -> Result<Option<i64>, StoreError> {
    let mut owned = db.begin().await?;
    let tx = &mut owned;
    let rows: Vec<RateRow> = on_tx!(tx, t => {
        sqlx::query_as(
            "SELECT hsn_prefix, effective_from, rate_bp, up_to_price_paise FROM gst_rates ORDER BY id",
        )
        .fetch_all(&mut **t)
        .await?
    });
    let table = GstTable(rows.into_iter().map(RateRow::rule).collect::<Result<Vec<_>, _>>()?);
    let listings: Vec<(i64, String, i64, i64)> = on_tx!(tx, t => {
        sqlx::query_as(
            "SELECT l.id, l.hsn, l.gst_rate_bp, MIN(v.price_paise) FROM listings l \
             JOIN listing_variants v ON v.listing_id = l.id \
             WHERE l.hsn LIKE $1 AND l.status <> 'deleted' AND l.id > $2 \
             GROUP BY l.id, l.hsn, l.gst_rate_bp ORDER BY l.id LIMIT $3",
        )
        .bind(format!("{prefix}%"))
        .bind(after)
        .bind(RETAX_BATCH)
        .fetch_all(&mut **t)
        .await?
    });
    let last = listings.last().map(|(id, ..)| *id);
    let today = now.date_naive();
    for (id, hsn, current, cheapest) in listings {
        let Ok(hsn) = Hsn::parse(&hsn) else { continue };
        let Some(rate) = table.rate(&hsn, Money(cheapest), today) else {
            continue;
        };
        if i64::from(rate.0) == current {
            continue;
        }
        on_tx!(tx, t => {
            sqlx::query("UPDATE listings SET gst_rate_bp = $2 WHERE id = $1")
                .bind(id)
                .bind(i64::from(rate.0))
                .execute(&mut **t)
                .await?;
        });
        crate::catalogue::record_change(tx, "listing", id, now).await?;
    }
    owned.commit().await?;
    Ok(last)
}

/// A change to the rate table, as the audit trail shows it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct RateChange {
    pub hsn_prefix: String,
    pub effective_from: String,
    pub up_to_price_paise: Option<i64>,
    pub previous_rate_bp: Option<i64>,
    pub rate_bp: i64,
    pub note: String,
    pub changed_by: i64,
    pub changed_by_name: Option<String>,
    pub changed_at: Timestamp,
}

/// The latest changes to the table, newest first.
pub async fn changes(db: &Db, limit: i64) -> Result<Vec<RateChange>, StoreError> {
    Ok(dispatch!(db, pool => {
        sqlx::query_as(
            "SELECT c.hsn_prefix, c.effective_from, c.up_to_price_paise, c.previous_rate_bp, c.rate_bp, c.note, \
             c.changed_by, u.display_name AS changed_by_name, c.changed_at FROM gst_rate_changes c \
             JOIN users u ON u.id = c.changed_by ORDER BY c.changed_at DESC, c.id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(pool)
        .await?
    }))
}
