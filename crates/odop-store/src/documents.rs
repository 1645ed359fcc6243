//! Tax documents in storage. So far: their serial numbers, consecutive and
//! unique per supplier, kind of document and financial year, however many
//! nodes issue at once.

use chrono::{DateTime, Utc};
use odop_domain::UserId;
use odop_domain::invoice::{DocumentKind, FinancialYear, SerialNumber};

use crate::StoreError;
use crate::db::Db;
use crate::statements::{Statements, args, write_transaction};

/// Takes the next serial number of a supplier's series, inside the
/// transaction that issues the document: its row in `document_series` is
/// written (and so locked on PostgreSQL) until that transaction ends, so
/// concurrent issuers take turns, and a rollback gives the number back.
/// The financial year is that of the day in India at `now`.
pub(crate) async fn next_serial_in(
    s: &mut impl Statements,
    supplier: UserId,
    kind: DocumentKind,
    now: DateTime<Utc>,
) -> Result<SerialNumber, StoreError> {
    let year = FinancialYear::of(odop_domain::quiz::ist_day(now));
    let sequence: i64 = s
        .scalar(
            "INSERT INTO document_series (supplier_user_id, kind, financial_year, last_sequence) \
             VALUES ($1, $2, $3, 1) \
             ON CONFLICT (supplier_user_id, kind, financial_year) \
             DO UPDATE SET last_sequence = document_series.last_sequence + 1 \
             RETURNING last_sequence",
            args![supplier.0, kind.code(), i64::from(year.0)],
        )
        .await?;
    u32::try_from(sequence)
        .ok()
        .and_then(|sequence| SerialNumber::new(kind, year, sequence).ok())
        .ok_or_else(|| StoreError::Corrupt(format!("{} series of supplier {supplier} is full", kind.code())))
}

/// Takes the next serial number in a transaction of its own, for tools and
/// tests; issuing a document takes its number with `next_serial_in`, in the
/// transaction that writes the document.
pub async fn next_serial(
    db: &Db,
    supplier: UserId,
    kind: DocumentKind,
    now: DateTime<Utc>,
) -> Result<SerialNumber, StoreError> {
    write_transaction!(db, s => next_serial_in(&mut s, supplier, kind, now).await)
}
