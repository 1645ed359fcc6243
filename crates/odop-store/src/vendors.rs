//! Vendors and their sub-vendors: invitations by phone, acceptance, and the
//! end of the tie from either side.

use chrono::{DateTime, Utc};
use odop_domain::identity::Phone;
use odop_domain::{InvitationId, UserId};

use crate::StoreError;
use crate::catalogue::record_seller_change;
use crate::db::{Db, dispatch, dispatch_write, on_tx};
use crate::outbox::{self, NewMessage};
use crate::time::Timestamp;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Link {
    pub id: i64,
    pub vendor_user_id: i64,
    pub vendor_name: Option<String>,
    pub phone: Option<String>,
    pub artisan_user_id: Option<i64>,
    pub artisan_name: Option<String>,
    pub status: String,
    pub invited_at: Timestamp,
    pub accepted_at: Option<Timestamp>,
}

impl Link {
    pub fn id(&self) -> InvitationId {
        InvitationId(self.id)
    }
}

const SELECT_LINK: &str = "SELECT l.id, l.vendor_user_id, ( \
         SELECT a.display_name FROM seller_applications a WHERE a.user_id = l.vendor_user_id \
         AND a.status = 'approved' ORDER BY a.id DESC LIMIT 1) AS vendor_name, \
     l.phone, l.artisan_user_id, COALESCE(( \
         SELECT a.display_name FROM seller_applications a WHERE a.user_id = l.artisan_user_id \
         AND a.erased_at IS NULL ORDER BY a.id DESC LIMIT 1), u.display_name) AS artisan_name, \
     l.status, l.invited_at, l.accepted_at \
     FROM sub_vendor_links l LEFT JOIN users u ON u.id = l.artisan_user_id";

#[derive(Debug, thiserror::Error)]
pub enum InviteError {
    #[error("this number is already invited or already a sub-vendor of this vendor")]
    AlreadyInvited,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for InviteError {
    fn from(error: sqlx::Error) -> Self {
        InviteError::Store(error.into())
    }
}

/// Invites the holder of `phone` to sell as `vendor`'s sub-vendor, and
/// tells them by SMS, in one transaction.
pub async fn invite(
    db: &Db,
    vendor: UserId,
    phone: &Phone,
    message: &NewMessage,
    now: DateTime<Utc>,
) -> Result<InvitationId, InviteError> {
    let mut tx = db.begin().await?;
    let existing: Option<i64> = on_tx!(&mut tx, t => {
        sqlx::query_scalar(
            "SELECT id FROM sub_vendor_links WHERE vendor_user_id = $1 AND phone = $2 AND status IN ('invited', 'active')",
        )
        .bind(vendor.0)
        .bind(phone.as_str())
        .fetch_optional(&mut **t)
        .await?
    });
    if existing.is_some() {
        return Err(InviteError::AlreadyInvited);
    }
    let id: i64 = on_tx!(&mut tx, t => {
        sqlx::query_scalar(
            "INSERT INTO sub_vendor_links (vendor_user_id, phone, status, invited_at) VALUES ($1, $2, 'invited', $3) RETURNING id",
        )
        .bind(vendor.0)
        .bind(phone.as_str())
        .bind(Timestamp(now))
        .fetch_one(&mut **t)
        .await?
    });
    outbox::enqueue(&mut tx, message, now).await?;
    tx.commit().await?;
    Ok(InvitationId(id))
}

/// A vendor's invitations and sub-vendors, newest first.
pub async fn of_vendor(db: &Db, vendor: UserId) -> Result<Vec<Link>, StoreError> {
    let links = dispatch!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_LINK} WHERE l.vendor_user_id = $1 ORDER BY l.id DESC")))
            .bind(vendor.0)
            .fetch_all(pool)
            .await?
    });
    Ok(links)
}

/// The open invitations to a phone, and the active ties of its holder.
pub async fn of_artisan(db: &Db, phone: &Phone, artisan: UserId) -> Result<Vec<Link>, StoreError> {
    let links = dispatch!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT_LINK} WHERE (l.phone = $1 AND l.status = 'invited') \
             OR (l.artisan_user_id = $2 AND l.status = 'active') ORDER BY l.id DESC"
        )))
        .bind(phone.as_str())
        .bind(artisan.0)
        .fetch_all(pool)
        .await?
    });
    Ok(links)
}

pub async fn get(db: &Db, id: InvitationId) -> Result<Option<Link>, StoreError> {
    let link = dispatch!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_LINK} WHERE l.id = $1")))
            .bind(id.0)
            .fetch_optional(pool)
            .await?
    });
    Ok(link)
}

/// The vendors an artisan sells through now.
pub async fn active_vendors(db: &Db, artisan: UserId) -> Result<Vec<Link>, StoreError> {
    let links = dispatch!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT_LINK} WHERE l.artisan_user_id = $1 AND l.status = 'active' ORDER BY l.id"
        )))
        .bind(artisan.0)
        .fetch_all(pool)
        .await?
    });
    Ok(links)
}

/// Accepts an invitation addressed to `phone`; returns whether it was open.
/// The artisan's listings (from an earlier tie) may show again, so they are
/// logged as changed in the same transaction.
pub async fn accept(
    db: &Db,
    id: InvitationId,
    phone: &Phone,
    artisan: UserId,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let mut tx = db.begin().await?;
    let updated = on_tx!(&mut tx, t => {
        sqlx::query(
            "UPDATE sub_vendor_links SET status = 'active', artisan_user_id = $3, accepted_at = $4 \
             WHERE id = $1 AND phone = $2 AND status = 'invited'",
        )
        .bind(id.0)
        .bind(phone.as_str())
        .bind(artisan.0)
        .bind(Timestamp(now))
        .execute(&mut **t)
        .await?
        .rows_affected()
    });
    if updated != 1 {
        return Ok(false);
    }
    record_seller_change(&mut tx, artisan, now).await?;
    let change = crate::audit::Change {
        action: "sub_vendor_tie.accepted",
        object_kind: "sub_vendor_tie",
        object_id: id.0.to_string(),
        before: Some("invited"),
        after: Some("active"),
        note: None,
    };
    crate::audit::append(&mut tx, crate::audit::AuditActor::seller(artisan), change, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// Declines an invitation addressed to `phone`.
pub async fn decline(db: &Db, id: InvitationId, phone: &Phone, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let updated = dispatch_write!(db, pool => {
        sqlx::query("UPDATE sub_vendor_links SET status = 'declined', ended_at = $3 WHERE id = $1 AND phone = $2 AND status = 'invited'")
            .bind(id.0)
            .bind(phone.as_str())
            .bind(Timestamp(now))
            .execute(pool)
            .await?
            .rows_affected()
    });
    Ok(updated == 1)
}

/// A vendor withdraws an invitation or ends a sub-vendor's tie.
pub async fn remove(db: &Db, id: InvitationId, vendor: UserId, now: DateTime<Utc>) -> Result<bool, StoreError> {
    end_tie(
        db,
        "removed",
        "UPDATE sub_vendor_links SET status = 'removed', ended_at = $3 \
         WHERE id = $1 AND vendor_user_id = $2 AND status IN ('invited', 'active') RETURNING artisan_user_id",
        id,
        vendor,
        now,
    )
    .await
}

/// An artisan leaves the vendor they sold through.
pub async fn leave(db: &Db, id: InvitationId, artisan: UserId, now: DateTime<Utc>) -> Result<bool, StoreError> {
    end_tie(
        db,
        "left",
        "UPDATE sub_vendor_links SET status = 'left', ended_at = $3 \
         WHERE id = $1 AND artisan_user_id = $2 AND status = 'active' RETURNING artisan_user_id",
        id,
        artisan,
        now,
    )
    .await
}

/// Ends a tie with `update` (which returns the artisan, if any) and, in the
/// same transaction, logs the artisan's listings as changed: they leave the
/// marketplace with the tie.
async fn end_tie(
    db: &Db,
    ending: &'static str,
    update: &'static str,
    id: InvitationId,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let mut tx = db.begin().await?;
    let ended: Option<Option<i64>> = on_tx!(&mut tx, t => {
        sqlx::query_scalar(update)
            .bind(id.0)
            .bind(by.0)
            .bind(Timestamp(now))
            .fetch_optional(&mut **t)
            .await?
    });
    let Some(artisan) = ended else {
        return Ok(false);
    };
    if let Some(artisan) = artisan {
        record_seller_change(&mut tx, UserId(artisan), now).await?;
    }
    let action = format!("sub_vendor_tie.{ending}");
    let change = crate::audit::Change {
        action: &action,
        object_kind: "sub_vendor_tie",
        object_id: id.0.to_string(),
        after: Some(ending),
        ..crate::audit::Change::default()
    };
    crate::audit::append(&mut tx, crate::audit::AuditActor::seller(by), change, now).await?;
    tx.commit().await?;
    Ok(true)
}
