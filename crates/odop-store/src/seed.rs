//! The registry the platform ships with, and loading it into a database.
//!
//! The facts come from the project's curated `seed/registry.toml`, compiled
//! into the binary so that a fresh install needs no file beside it. Applying
//! the seed inserts what is missing and corrects what differs, inside one
//! exclusive transaction: running it twice, or on several nodes at once,
//! changes nothing the second time. Rows the seed does not know are kept.

use std::collections::HashMap;

use odop_domain::gst::Hsn;
use odop_domain::registry::{District, Division, GiTag, OdopProduct, Registry};
use odop_domain::{Bilingual, Slug};
use serde::Deserialize;

use crate::StoreError;
use crate::db::{Db, ExclusiveWrite, dispatch_write};
use crate::registry::{DISTRICTS, DIVISIONS, DistrictRow, DivisionRow, PRODUCTS, ProductRow};

const REGISTRY_TOML: &str = include_str!("../seed/registry.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedFile {
    division: Vec<SeedDivision>,
    district: Vec<SeedDistrict>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedDivision {
    slug: Slug,
    name_en: String,
    name_hi: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedDistrict {
    slug: Slug,
    division: Slug,
    name_en: String,
    name_hi: String,
    confidence: String,
    featured: Option<u16>,
    product: Vec<SeedProduct>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedProduct {
    slug: Slug,
    name_en: String,
    name_hi: String,
    added_on: Option<String>,
    gi_status: String,
    gi_name: Option<String>,
    hsn: Vec<String>,
    description_en: String,
    description_hi: String,
}

/// The registry as shipped, checked for consistency.
pub fn registry() -> Result<Registry, StoreError> {
    parse(REGISTRY_TOML)
}

fn parse(text: &str) -> Result<Registry, StoreError> {
    let bad = |e: &dyn std::fmt::Display| StoreError::Seed(e.to_string());
    let file: SeedFile = toml::from_str(text).map_err(|e| bad(&e))?;
    let divisions = file
        .division
        .into_iter()
        .map(|d| Division {
            slug: d.slug,
            name: Bilingual::new(d.name_en, d.name_hi),
        })
        .collect();
    let mut districts = Vec::with_capacity(file.district.len());
    for d in file.district {
        let mut products = Vec::with_capacity(d.product.len());
        for p in d.product {
            let hsn = p
                .hsn
                .iter()
                .map(|code| Hsn::parse(code).map_err(|e| bad(&format!("{}: HSN {code}: {e}", p.slug))))
                .collect::<Result<_, _>>()?;
            products.push(OdopProduct {
                slug: p.slug,
                name: Bilingual::new(p.name_en, p.name_hi),
                description: Bilingual::new(p.description_en, p.description_hi),
                added_on: p.added_on.as_deref().map(str::parse).transpose().map_err(|e| bad(&e))?,
                gi: GiTag {
                    status: p.gi_status.parse().map_err(|e| bad(&e))?,
                    name: p.gi_name,
                },
                hsn,
            });
        }
        districts.push(District {
            slug: d.slug,
            division: d.division,
            name: Bilingual::new(d.name_en, d.name_hi),
            confidence: d.confidence.parse().map_err(|e| bad(&e))?,
            featured_rank: d.featured,
            products,
        });
    }
    Registry::new(divisions, districts).map_err(|e| bad(&e))
}

/// How many rows of one table the seed inserted, corrected or found as they should be.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl Counts {
    fn record(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Inserted => self.inserted += 1,
            Outcome::Updated => self.updated += 1,
            Outcome::Unchanged => self.unchanged += 1,
        }
    }
}

enum Outcome {
    Inserted,
    Updated,
    Unchanged,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub divisions: Counts,
    pub districts: Counts,
    pub products: Counts,
    /// GST rate lines: inserted when new, never changed (see `seed/gst_rates.toml`).
    pub gst_rates: Counts,
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} inserted, {} updated, {} unchanged",
            self.inserted, self.updated, self.unchanged
        )
    }
}

impl std::fmt::Display for SeedReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let [first, rest @ ..] = self.tables();
        write!(f, "{}: {}", first.0, first.1)?;
        for (table, counts) in rest {
            write!(f, "; {table}: {counts}")?;
        }
        Ok(())
    }
}

impl SeedReport {
    /// Each table with its counts, in the order they are seeded.
    pub fn tables(&self) -> [(&'static str, Counts); 4] {
        [
            ("divisions", self.divisions),
            ("districts", self.districts),
            ("products", self.products),
            ("gst_rates", self.gst_rates),
        ]
    }

    /// Whether applying the seed changed anything at all.
    pub fn changed(&self) -> bool {
        self.tables().iter().any(|(_, c)| c.inserted + c.updated > 0)
    }
}

/// What to do with one wanted row, given the stored one with its key, if any.
fn decide<R: PartialEq>(stored: Option<R>, wanted: &R) -> Outcome {
    match stored {
        None => Outcome::Inserted,
        Some(stored) if &stored != wanted => Outcome::Updated,
        Some(_) => Outcome::Unchanged,
    }
}

/// Makes the database hold `registry` and the shipped GST rates, and says
/// what that took.
pub async fn apply(db: &Db, registry: &Registry) -> Result<SeedReport, StoreError> {
    let mut report = SeedReport::default();
    let rates = crate::gst::shipped()?;
    dispatch_write!(db, pool => {
        let mut tx = ExclusiveWrite::begin_exclusive(pool).await?;

        let mut stored: HashMap<String, DivisionRow> =
            sqlx::query_as::<_, DivisionRow>(DIVISIONS)
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .map(|row| (row.slug.clone(), row))
                .collect();
        let mut division_ids = HashMap::new();
        for (position, division) in registry.divisions().iter().enumerate() {
            let current = stored.remove(division.slug.as_str());
            let mut row = DivisionRow {
                id: current.as_ref().map_or(0, |c| c.id),
                slug: division.slug.to_string(),
                name_en: division.name.en.clone(),
                name_hi: division.name.hi.clone(),
                position: position as i64,
            };
            let outcome = decide(current, &row);
            match outcome {
                Outcome::Inserted => {
                    row.id = sqlx::query_scalar(
                        "INSERT INTO divisions (slug, name_en, name_hi, position) VALUES ($1, $2, $3, $4) RETURNING id",
                    )
                    .bind(&row.slug)
                    .bind(&row.name_en)
                    .bind(&row.name_hi)
                    .bind(row.position)
                    .fetch_one(&mut *tx)
                    .await?;
                }
                Outcome::Updated => {
                    sqlx::query("UPDATE divisions SET name_en = $2, name_hi = $3, position = $4 WHERE id = $1")
                        .bind(row.id)
                        .bind(&row.name_en)
                        .bind(&row.name_hi)
                        .bind(row.position)
                        .execute(&mut *tx)
                        .await?;
                }
                Outcome::Unchanged => {}
            }
            report.divisions.record(outcome);
            division_ids.insert(division.slug.clone(), row.id);
        }

        let mut stored: HashMap<String, DistrictRow> = sqlx::query_as::<_, DistrictRow>(DISTRICTS)
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|row| (row.slug.clone(), row))
        .collect();
        let mut district_ids = HashMap::new();
        for (position, district) in registry.districts().iter().enumerate() {
            let current = stored.remove(district.slug.as_str());
            let mut row = DistrictRow {
                id: current.as_ref().map_or(0, |c| c.id),
                slug: district.slug.to_string(),
                division_id: division_ids[&district.division],
                name_en: district.name.en.clone(),
                name_hi: district.name.hi.clone(),
                confidence: district.confidence.code().to_owned(),
                featured_rank: district.featured_rank.map(i64::from),
                position: position as i64,
            };
            let outcome = decide(current, &row);
            match outcome {
                Outcome::Inserted => {
                    row.id = sqlx::query_scalar(
                        "INSERT INTO districts (slug, division_id, name_en, name_hi, confidence, featured_rank, position) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                    )
                    .bind(&row.slug)
                    .bind(row.division_id)
                    .bind(&row.name_en)
                    .bind(&row.name_hi)
                    .bind(&row.confidence)
                    .bind(row.featured_rank)
                    .bind(row.position)
                    .fetch_one(&mut *tx)
                    .await?;
                }
                Outcome::Updated => {
                    sqlx::query(
                        "UPDATE districts SET division_id = $2, name_en = $3, name_hi = $4, confidence = $5, \
                         featured_rank = $6, position = $7 WHERE id = $1",
                    )
                    .bind(row.id)
                    .bind(row.division_id)
                    .bind(&row.name_en)
                    .bind(&row.name_hi)
                    .bind(&row.confidence)
                    .bind(row.featured_rank)
                    .bind(row.position)
                    .execute(&mut *tx)
                    .await?;
                }
                Outcome::Unchanged => {}
            }
            report.districts.record(outcome);
            district_ids.insert(district.slug.clone(), row.id);
        }

        let mut stored: HashMap<(i64, String), ProductRow> = sqlx::query_as::<_, ProductRow>(PRODUCTS)
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|row| ((row.district_id, row.slug.clone()), row))
        .collect();
        for district in registry.districts() {
            let district_id = district_ids[&district.slug];
            for (position, product) in district.products.iter().enumerate() {
                let current = stored.remove(&(district_id, product.slug.to_string()));
                let row = ProductRow {
                    id: current.as_ref().map_or(0, |c| c.id),
                    district_id,
                    slug: product.slug.to_string(),
                    name_en: product.name.en.clone(),
                    name_hi: product.name.hi.clone(),
                    description_en: product.description.en.clone(),
                    description_hi: product.description.hi.clone(),
                    added_on: product.added_on.map(|a| a.to_string()),
                    gi_status: product.gi.status.code().to_owned(),
                    gi_name: product.gi.name.clone(),
                    hsn_codes: product.hsn.iter().map(Hsn::as_str).collect::<Vec<_>>().join(","),
                    position: position as i64,
                };
                let outcome = decide(current, &row);
                match outcome {
                    Outcome::Inserted => {
                        sqlx::query(
                            "INSERT INTO district_products (district_id, slug, name_en, name_hi, description_en, \
                             description_hi, added_on, gi_status, gi_name, hsn_codes, position) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                        )
                        .bind(row.district_id)
                        .bind(&row.slug)
                        .bind(&row.name_en)
                        .bind(&row.name_hi)
                        .bind(&row.description_en)
                        .bind(&row.description_hi)
                        .bind(&row.added_on)
                        .bind(&row.gi_status)
                        .bind(&row.gi_name)
                        .bind(&row.hsn_codes)
                        .bind(row.position)
                        .execute(&mut *tx)
                        .await?;
                    }
                    Outcome::Updated => {
                        sqlx::query(
                            "UPDATE district_products SET name_en = $2, name_hi = $3, description_en = $4, \
                             description_hi = $5, added_on = $6, gi_status = $7, gi_name = $8, position = $9, \
                             hsn_codes = $10 WHERE id = $1",
                        )
                        .bind(row.id)
                        .bind(&row.name_en)
                        .bind(&row.name_hi)
                        .bind(&row.description_en)
                        .bind(&row.description_hi)
                        .bind(&row.added_on)
                        .bind(&row.gi_status)
                        .bind(&row.gi_name)
                        .bind(row.position)
                        .bind(&row.hsn_codes)
                        .execute(&mut *tx)
                        .await?;
                    }
                    Outcome::Unchanged => {}
                }
                report.products.record(outcome);
            }
        }

        for noted in &rates {
            let rule = &noted.rule;
            let existing: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM gst_rates WHERE hsn_prefix = $1 AND effective_from = $2 \
                 AND COALESCE(up_to_price_paise, -1) = COALESCE($3, -1)",
            )
            .bind(&rule.hsn_prefix)
            .bind(rule.effective_from.to_string())
            .bind(rule.up_to_unit_price.map(|m| m.0))
            .fetch_optional(&mut *tx)
            .await?;
            if existing.is_some() {
                report.gst_rates.record(Outcome::Unchanged);
                continue;
            }
            sqlx::query(
                "INSERT INTO gst_rates (hsn_prefix, effective_from, rate_bp, up_to_price_paise, note) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&rule.hsn_prefix)
            .bind(rule.effective_from.to_string())
            .bind(i64::from(rule.rate.0))
            .bind(rule.up_to_unit_price.map(|m| m.0))
            .bind(&noted.note)
            .execute(&mut *tx)
            .await?;
            report.gst_rates.record(Outcome::Inserted);
        }

        tx.commit().await?;
    });
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use odop_domain::Locale;

    /// A year of daily quizzes over the registry odop ships, each question
    /// checked against every district: exactly one choice is right, even
    /// counting crafts that overlap in meaning (carpets and durries, the
    /// seven districts of zari-zardozi, leather and footwear, moonj).
    #[test]
    fn a_year_of_quizzes_over_the_shipped_registry_has_one_right_answer_each() {
        use odop_domain::quiz;
        let registry = registry().expect("the shipped seed must parse");
        let start = chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        let mut asked = std::collections::HashSet::new();
        for offset in 0..365 {
            let day = start + chrono::Duration::days(offset);
            let questions = quiz::daily(&registry, &|_| false, day);
            assert_eq!(
                questions.len(),
                quiz::QUESTIONS_PER_DAY,
                "{day}: a full quiz without listings"
            );
            for question in &questions {
                assert_eq!(
                    quiz::right_choices(&registry, question),
                    vec![question.correct],
                    "{day}: {question:?}"
                );
                asked.insert(question.district.clone());
            }
        }
        assert!(asked.len() > 60, "the year visits most districts: {}", asked.len());
    }

    #[test]
    fn the_shipped_registry_has_all_75_districts_in_18_divisions() {
        let registry = registry().expect("the shipped seed must parse");
        assert_eq!(registry.divisions().len(), 18);
        assert_eq!(registry.districts().len(), 75);
        for division in registry.divisions() {
            assert!(
                registry.districts_of(division).next().is_some(),
                "division {} has no district",
                division.slug
            );
        }
    }

    #[test]
    fn every_name_and_description_exists_in_both_languages() {
        let registry = registry().unwrap();
        let is_devanagari = |text: &str| text.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c));
        for district in registry.districts() {
            assert!(is_devanagari(district.name.get(Locale::Hi)), "{}", district.slug);
            for product in &district.products {
                for text in [&product.name, &product.description] {
                    assert!(!text.en.trim().is_empty(), "{}/{}", district.slug, product.slug);
                    assert!(
                        is_devanagari(&text.hi),
                        "{}/{}: {:?}",
                        district.slug,
                        product.slug,
                        text.hi
                    );
                }
            }
        }
    }

    #[test]
    fn the_original_products_date_from_the_launch_and_later_ones_never_before_it() {
        let registry = registry().unwrap();
        for district in registry.districts() {
            let first = &district.products[0];
            assert_eq!(
                first.added_on.map(|a| a.to_string()).as_deref(),
                Some("2018-01-24"),
                "{}",
                district.slug
            );
        }
        let lucknow = registry.district(&Slug::parse("lucknow").unwrap()).unwrap();
        let slugs: Vec<_> = lucknow.products.iter().map(|p| p.slug.as_str()).collect();
        assert!(slugs.starts_with(&["chikankari", "zari-zardozi"]), "{slugs:?}");
        assert_eq!(lucknow.products[0].name.hi, "चिकनकारी");
    }

    /// A seller can list every ODOP product under its usual HSN codes, at
    /// any price and on any day since GST began: each code has a rate.
    #[test]
    fn every_odop_product_has_hsn_codes_with_a_rate_on_every_day_since_gst_began() {
        use odop_domain::gst::GstTable;
        use odop_domain::money::Money;
        let registry = registry().unwrap();
        let table = GstTable(crate::gst::shipped().unwrap().into_iter().map(|l| l.rule).collect());
        let days = ["2017-07-01", "2020-01-01", "2025-09-21", "2025-09-22", "2026-12-07"];
        for district in registry.districts() {
            for product in &district.products {
                assert!(
                    !product.hsn.is_empty(),
                    "{} of {} has no HSN code",
                    product.slug,
                    district.slug
                );
                for hsn in &product.hsn {
                    for day in days {
                        for rupees in [50, 999, 2_500, 2_501, 50_000] {
                            assert!(
                                table
                                    .rate(hsn, Money::from_rupees(rupees), day.parse().unwrap())
                                    .is_some(),
                                "{} of {}: HSN {} has no rate on {day} at ₹{rupees}",
                                product.slug,
                                district.slug,
                                hsn.as_str()
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn eight_districts_are_featured_with_distinct_ranks() {
        let registry = registry().unwrap();
        let ranks: Vec<_> = registry.featured().iter().map(|d| d.featured_rank.unwrap()).collect();
        assert_eq!(ranks, (1..=8).collect::<Vec<u16>>());
    }

    #[test]
    fn a_malformed_seed_is_refused_with_the_reason() {
        let cases = [
            ("division = []\ndistrict = []\nextra = 1", "unknown field"),
            (
                "[[division]]\nslug = \"Agra\"\nname_en = \"Agra\"\nname_hi = \"आगरा\"\n[[district]]\nslug = \"agra\"\ndivision = \"agra\"\nname_en = \"Agra\"\nname_hi = \"आगरा\"\nconfidence = \"high\"\nproduct = []",
                "lowercase",
            ),
            (
                "[[division]]\nslug = \"agra\"\nname_en = \"Agra\"\nname_hi = \"आगरा\"\n[[district]]\nslug = \"agra\"\ndivision = \"agra\"\nname_en = \"Agra\"\nname_hi = \"आगरा\"\nconfidence = \"high\"\nproduct = []",
                "no ODOP product",
            ),
        ];
        for (text, reason) in cases {
            let err = parse(text).unwrap_err().to_string();
            assert!(err.contains(reason), "{err}");
        }
    }
}
