//! The GST rate table: read by listing validation, seeded from
//! `seed/gst_rates.toml`.

use chrono::NaiveDate;
use odop_domain::gst::{GstRate, GstRule, GstTable};
use odop_domain::money::Money;
use serde::Deserialize;

use crate::StoreError;
use crate::db::{Db, dispatch};

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

/// A rule with the note that says where it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotedRule {
    pub rule: GstRule,
    pub note: String,
}

/// The rate table as shipped.
pub fn shipped() -> Result<Vec<NotedRule>, StoreError> {
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
            Ok(NotedRule {
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
        .map(|row| {
            Ok(GstRule {
                effective_from: row
                    .effective_from
                    .parse()
                    .map_err(|_| StoreError::Corrupt(format!("gst rate date {}", row.effective_from)))?,
                hsn_prefix: row.hsn_prefix,
                rate: GstRate(u16::try_from(row.rate_bp).map_err(|_| StoreError::Corrupt("gst rate".into()))?),
                up_to_unit_price: row.up_to_price_paise.map(Money),
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(GstTable)
}
