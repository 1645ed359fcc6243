//! Reading the registry of divisions, districts and ODOP products.

use odop_domain::registry::{District, Division, GiTag, OdopProduct, Registry};
use odop_domain::{Bilingual, Slug};

use crate::StoreError;
use crate::db::{Db, dispatch};

#[derive(sqlx::FromRow)]
struct DivisionRow {
    slug: String,
    name_en: String,
    name_hi: String,
}

#[derive(sqlx::FromRow)]
struct DistrictRow {
    id: i64,
    slug: String,
    division_slug: String,
    name_en: String,
    name_hi: String,
    confidence: String,
    featured_rank: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct ProductRow {
    district_id: i64,
    slug: String,
    name_en: String,
    name_hi: String,
    description_en: String,
    description_hi: String,
    added_on: Option<String>,
    gi_status: String,
    gi_name: Option<String>,
}

const DIVISIONS: &str = "SELECT slug, name_en, name_hi FROM divisions ORDER BY position, id";
const DISTRICTS: &str = "SELECT d.id, d.slug, v.slug AS division_slug, d.name_en, d.name_hi, d.confidence, d.featured_rank \
     FROM districts d JOIN divisions v ON v.id = d.division_id ORDER BY d.position, d.id";
const PRODUCTS: &str = "SELECT district_id, slug, name_en, name_hi, description_en, description_hi, added_on, gi_status, gi_name \
     FROM district_products ORDER BY district_id, position, id";

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
    let divisions = division_rows
        .into_iter()
        .map(|row| {
            Ok(Division {
                slug: slug(&row.slug)?,
                name: Bilingual::new(row.name_en, row.name_hi),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;

    let mut products_by_district: std::collections::HashMap<i64, Vec<OdopProduct>> = Default::default();
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
        };
        products_by_district.entry(row.district_id).or_default().push(product);
    }

    let districts =
        district_rows
            .into_iter()
            .map(|row| {
                Ok(District {
                    slug: slug(&row.slug)?,
                    division: slug(&row.division_slug)?,
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
