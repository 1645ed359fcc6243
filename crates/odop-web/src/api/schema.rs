//! Schemas the OpenAPI document states for values whose rules the derive
//! cannot see: slugs, enumerations of codes. The document is the contract
//! a program checks its requests against, so it says what the server
//! enforces, no more and no less; requests it allows may still break rules
//! no schema can state (a PIN outside the chosen state), which the server
//! answers with 422 and the fields at fault.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};

/// What a slug is (`odop_domain::Slug`): lowercase letters and digits in
/// words joined by single hyphens, at most 64 characters.
pub const SLUG_PATTERN: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";

fn text() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::Type(Type::String))
}

/// A slug.
pub fn slug() -> RefOr<Schema> {
    text().pattern(Some(SLUG_PATTERN)).max_length(Some(64)).into()
}

/// A slug, or empty for "any".
pub fn slug_or_empty() -> RefOr<Schema> {
    text()
        .pattern(Some("^([a-z0-9]+(-[a-z0-9]+)*)?$"))
        .max_length(Some(64))
        .into()
}

fn one_of(values: &[&str]) -> RefOr<Schema> {
    text().enum_values(Some(values.iter().copied())).into()
}

/// How search results are ordered; empty is `relevance`.
pub fn sort() -> RefOr<Schema> {
    one_of(&["", "relevance", "price-asc", "price-desc", "newest"])
}

/// A price band in rupees; empty is any price.
pub fn price_band() -> RefOr<Schema> {
    one_of(&["", "0-500", "500-1000", "1000-2500", "2500-5000", "5000-"])
}

/// What may be done to a listing's status.
pub fn listing_action() -> RefOr<Schema> {
    one_of(&["publish", "pause", "delete"])
}

/// What a seller may do to a sub-order.
pub fn seller_action() -> RefOr<Schema> {
    one_of(&odop_domain::orders::SELLER_ACTIONS)
}

/// Why a buyer sends a parcel back.
pub fn return_reason() -> RefOr<Schema> {
    one_of(&["damaged", "wrong-item", "not-as-described", "changed-mind"])
}

/// How an order is paid.
pub fn payment_method() -> RefOr<Schema> {
    one_of(&["online", "cod"])
}
