//! Reading the registry of divisions, districts and ODOP products.

use std::collections::HashMap;

use odop_domain::gst::Hsn;
use odop_domain::registry::{District, Division, GiTag, OdopProduct, Registry};
use odop_domain::{Bilingual, Slug};

use crate::StoreError;
use crate::db::{Db, dispatch};

/// The registry's rows as stored. The seed compares them with the rows it
/// wants, so they carry every column, ids and positions included.
#[derive(sqlx::FromRow, Clone, Debug, PartialEq, Eq)]
pub(crate) struct DivisionRow {
    pub id: i64,
    pub slug: String,
    pub name_en: String,
    pub name_hi: String,
    pub position: i64,
}

#[derive(sqlx::FromRow, Clone, Debug, PartialEq, Eq)]
pub(crate) struct DistrictRow {
    pub id: i64,
    pub slug: String,
    pub division_id: i64,
    pub name_en: String,
    pub name_hi: String,
    pub confidence: String,
    pub featured_rank: Option<i64>,
    pub position: i64,
}

#[derive(sqlx::FromRow, Clone, Debug, PartialEq, Eq)]
pub(crate) struct ProductRow {
    pub id: i64,
    pub district_id: i64,
    pub slug: String,
    pub name_en: String,
    pub name_hi: String,
    pub description_en: String,
    pub description_hi: String,
    pub added_on: Option<String>,
    pub gi_status: String,
    pub gi_name: Option<String>,
    /// Comma-separated, most usual first.
    pub hsn_codes: String,
    pub position: i64,
}

pub(crate) const DIVISIONS: &str = "SELECT id, slug, name_en, name_hi, position FROM divisions ORDER BY position, id";
pub(crate) const DISTRICTS: &str = "SELECT id, slug, division_id, name_en, name_hi, confidence, featured_rank, position \
     FROM districts ORDER BY position, id";
pub(crate) const PRODUCTS: &str = "SELECT id, district_id, slug, name_en, name_hi, description_en, description_hi, \
     added_on, gi_status, gi_name, hsn_codes, position FROM district_products ORDER BY district_id, position, id";

/// Loads the whole registry. It is small (18 divisions, 75 districts, about
/// a hundred products), so three queries and one pass build it.
pub async fn load(db: &Db) -> Result<Registry, StoreError> {
    let (divisions, districts, products) = dispatch!(db, pool => {
        let mut conn = pool.acquire().await?;
        let divisions: Vec<DivisionRow> = sqlx::query_as(DIVISIONS).fetch_all(&mut *conn).await?;
        let districts: Vec<DistrictRow> = sqlx::query_as(DISTRICTS).fetch_all(&mut *conn).await?;
        let products: Vec<ProductRow> = sqlx::query_as(PRODUCTS).fetch_all(&mut *conn).await?;
        (divisions, districts, products)
    });
    assemble(divisions, districts, products)
}

fn assemble(
    division_rows: Vec<DivisionRow>,
    district_rows: Vec<DistrictRow>,
    product_rows: Vec<ProductRow>,
) -> Result<Registry, StoreError> {
    let mut division_slugs = HashMap::new();
    let mut divisions = Vec::with_capacity(division_rows.len());
    for row in division_rows {
        let slug = slug(&row.slug)?;
        division_slugs.insert(row.id, slug.clone());
        divisions.push(Division {
            slug,
            name: Bilingual::new(row.name_en, row.name_hi),
        });
    }

    let mut products_by_district: HashMap<i64, Vec<OdopProduct>> = HashMap::new();
    for row in product_rows {
        let product = OdopProduct {
            slug: slug(&row.slug)?,
            name: Bilingual::new(row.name_en, row.name_hi),
            description: Bilingual::new(row.description_en, row.description_hi),
            added_on: row.added_on.as_deref().map(str::parse).transpose().map_err(corrupt)?,
            gi: GiTag {
                status: row.gi_status.parse().map_err(corrupt)?,
                name: row.gi_name,
            },
            hsn: row
                .hsn_codes
                .split(',')
                .filter(|code| !code.is_empty())
                .map(|code| Hsn::parse(code).map_err(corrupt))
                .collect::<Result<_, _>>()?,
        };
        products_by_district.entry(row.district_id).or_default().push(product);
    }

    let districts =
        district_rows
            .into_iter()
            .map(|row| {
                Ok(District {
                    slug: slug(&row.slug)?,
                    division: division_slugs.get(&row.division_id).cloned().ok_or_else(|| {
                        StoreError::Corrupt(format!("district {}: no division {}", row.slug, row.division_id))
                    })?,
                    name: Bilingual::new(row.name_en, row.name_hi),
                    confidence: row.confidence.parse().map_err(corrupt)?,
                    featured_rank: row.featured_rank.map(u16::try_from).transpose().map_err(|_| {
                        StoreError::Corrupt(format!("district {}: featured rank out of range", row.slug))
                    })?,
                    products: products_by_district.remove(&row.id).unwrap_or_default(),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;

    Registry::new(divisions, districts).map_err(corrupt)
}

fn slug(text: &str) -> Result<Slug, StoreError> {
    Slug::parse(text).map_err(|e| StoreError::Corrupt(format!("slug {text:?}: {e}")))
}

fn corrupt(error: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(error.to_string())
}
