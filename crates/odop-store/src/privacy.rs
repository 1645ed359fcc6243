//! A person's rights over their data: a copy of everything kept about them,
//! and erasure of their account.

use chrono::{DateTime, Utc};
use odop_domain::UserId;
use serde_json::{Value, json};

use crate::StoreError;
use crate::accounts::{ROLES_OF_USER, RoleRow};
use crate::catalogue;
use crate::db::{Db, dispatch, on_tx};
use crate::files::FileStore;
use crate::time::Timestamp;

#[derive(sqlx::FromRow)]
struct TieRow {
    status: String,
    phone: Option<String>,
    invited_at: Timestamp,
}

fn iso(timestamp: Option<Timestamp>) -> Value {
    timestamp.map_or(Value::Null, |t| Value::String(t.0.to_rfc3339()))
}

/// A buyer's order as the export shows it: where it went, what was in it,
/// what became of it, and the money.
async fn exported_order(db: &Db, id: i64) -> Result<Option<Value>, StoreError> {
    let Some(view) = crate::orders::order(db, odop_domain::OrderId(id)).await? else {
        return Ok(None);
    };
    let o = &view.order;
    Ok(Some(json!({
        "number": o.number(),
        "placed_at": iso(Some(o.created_at)),
        "payment_method": o.payment_method,
        "delivery_address": {
            "name": o.ship_name, "phone": o.ship_phone, "line1": o.ship_line1, "line2": o.ship_line2,
            "city": o.ship_city, "state": o.ship_state, "pin": o.ship_pin,
        },
        "items_paise": o.items_paise,
        "tax_paise": o.tax_paise,
        "delivery_paise": o.delivery_paise,
        "total_paise": o.total_paise,
        "parts": view.parts.iter().map(|p| json!({
            "seller": p.seller_name,
            "status": p.status,
            "total_paise": p.total_paise,
            "courier": p.courier,
            "tracking": p.tracking,
            "items": view.items.iter().filter(|i| i.sub_order_id == p.id).map(|i| json!({
                "title": i.title, "variant": i.variant_label, "quantity": i.quantity,
                "unit_price_paise": i.unit_price_paise,
            })).collect::<Vec<_>>(),
            "history": view.events.iter().filter(|e| e.sub_order_id == p.id).map(|e| json!({
                "status": e.status, "by": e.party, "note": e.note, "at": iso(Some(e.at)),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "payments": view.payments.iter().map(|p| json!({
            "gateway": p.gateway, "status": p.status, "method": p.method, "amount_paise": p.amount_paise,
        })).collect::<Vec<_>>(),
        "refunds": view.refunds.iter().map(|r| json!({
            "amount_paise": r.amount_paise, "status": r.status,
        })).collect::<Vec<_>>(),
    })))
}

#[derive(sqlx::FromRow)]
struct MessageRow {
    kind: String,
    body: Option<String>,
    created_at: Timestamp,
    sent_at: Option<Timestamp>,
}

/// A seller's delivery charge, free-delivery threshold, and cash on
/// delivery with its limit.
type TermsRow = (i64, Option<i64>, bool, i64);

#[derive(sqlx::FromRow)]
struct ListingRow {
    id: i64,
    title_en: Option<String>,
    title_hi: Option<String>,
    status: String,
    created_at: Timestamp,
}

/// Everything kept about `user`, as JSON: the account, staff roles and
/// how they sign in, applications with their history and documents (names,
/// not contents), ties to vendors, the orders they placed (delivery
/// addresses, items, payments, refunds, returns), their cart, their
/// listings and delivery terms as a seller, the messages sent to their
/// phone (one-time codes are erased once delivered), how many sessions are
/// open, and the quiz and polls.
pub async fn export(db: &Db, user: UserId) -> Result<Value, StoreError> {
    let Some(account) = crate::accounts::user(db, user).await? else {
        return Ok(Value::Null);
    };
    let applications = dispatch!(db, pool => {
        let mut conn = pool.acquire().await?;
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM seller_applications WHERE user_id = $1 ORDER BY id")
            .bind(user.0)
            .fetch_all(&mut *conn)
            .await?;
        drop(conn);
        ids
    });
    let mut exported_applications = Vec::new();
    for id in applications {
        let id = odop_domain::ApplicationId(id);
        let Some(a) = crate::onboarding::get(db, id).await? else {
            continue;
        };
        let events = crate::onboarding::events(db, id).await?;
        let documents = crate::onboarding::documents(db, id).await?;
        exported_applications.push(json!({
            "id": a.id,
            "status": a.status,
            "district": a.district,
            "craft": a.craft,
            "display_name": a.display_name,
            "legal_name": a.legal_name,
            "bio_en": a.bio_en,
            "bio_hi": a.bio_hi,
            "pickup_address": {
                "line1": a.address_line1, "line2": a.address_line2, "city": a.city, "pin": a.pin,
            },
            "bank": { "holder": a.account_holder, "account_number": a.account_number, "ifsc": a.ifsc },
            "pan": a.pan,
            "udyam": a.udyam,
            "seller_kind": a.seller_kind,
            "gstin": a.gstin,
            "enrolment_number": a.enrolment_number,
            "vendor": a.vendor_name,
            "submitted_at": iso(Some(a.submitted_at)),
            "decided_at": iso(a.decided_at),
            "decision_reason": a.decision_reason,
            "history": events.iter().map(|e| json!({
                "action": e.action, "reason": e.reason, "at": iso(Some(e.at)),
            })).collect::<Vec<_>>(),
            "documents": documents.iter().map(|d| json!({
                "kind": d.kind, "file_name": d.file_name, "content_type": d.content_type,
                "size_bytes": d.size_bytes, "uploaded_at": iso(Some(d.uploaded_at)),
            })).collect::<Vec<_>>(),
        }));
    }
    let (roles, links, sessions): (Vec<RoleRow>, Vec<TieRow>, i64) = dispatch!(db, pool => {
        let mut conn = pool.acquire().await?;
        let roles = sqlx::query_as(ROLES_OF_USER).bind(user.0).fetch_all(&mut *conn).await?;
        let links = sqlx::query_as(
            "SELECT l.status, l.phone, l.invited_at FROM sub_vendor_links l \
             WHERE l.artisan_user_id = $1 OR l.vendor_user_id = $1 ORDER BY l.id",
        )
        .bind(user.0)
        .fetch_all(&mut *conn)
        .await?;
        let sessions = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id = $1")
            .bind(user.0)
            .fetch_one(&mut *conn)
            .await?;
        (roles, links, sessions)
    });
    let quiz = crate::polls::record(db, user).await?;
    let mut orders = Vec::new();
    for order in crate::orders::of_buyer(db, user, 10_000).await? {
        orders.extend(exported_order(db, order.id).await?);
    }
    let cart = crate::carts::lines(db, crate::carts::CartOwner::Buyer(user)).await?;
    let phone = account.phone.as_ref().map(|p| p.to_string());
    let (messages, listings, terms, poll_answers, app): (_, _, Option<TermsRow>, i64, Option<String>) = dispatch!(db, pool => {
        let mut conn = pool.acquire().await?;
        // Messages to the number since this account had it: a number given
        // up and handed to someone else brings no earlier holder's messages.
        // The code that opened the account was sent minutes before it.
        let messages: Vec<MessageRow> = sqlx::query_as(
            "SELECT kind, body, created_at, sent_at FROM outbox WHERE recipient = $1 AND created_at >= $2 ORDER BY id",
        )
        .bind(&phone)
        .bind(Timestamp(account.created_at.0 - chrono::Duration::minutes(10)))
        .fetch_all(&mut *conn)
        .await?;
        let listings: Vec<ListingRow> = sqlx::query_as(
            "SELECT id, title_en, title_hi, status, created_at FROM listings WHERE seller_user_id = $1 ORDER BY id",
        )
        .bind(user.0)
        .fetch_all(&mut *conn)
        .await?;
        let terms = sqlx::query_as(
            "SELECT delivery_flat_paise, delivery_free_from_paise, cod_allowed, cod_limit_paise FROM seller_terms \
             WHERE user_id = $1",
        )
        .bind(user.0)
        .fetch_optional(&mut *conn)
        .await?;
        let poll_answers = sqlx::query_scalar("SELECT COUNT(*) FROM poll_answers WHERE user_id = $1")
            .bind(user.0)
            .fetch_one(&mut *conn)
            .await?;
        let app: Option<Option<String>> = sqlx::query_scalar("SELECT totp_secret FROM users WHERE id = $1")
            .bind(user.0)
            .fetch_optional(&mut *conn)
            .await?;
        (messages, listings, terms, poll_answers, app.flatten())
    });
    Ok(json!({
        "account": {
            "id": account.id.0,
            "phone": account.phone.map(|p| p.to_string()),
            "display_name": account.display_name,
            "language": account.locale.code(),
            "created_at": iso(Some(account.created_at)),
        },
        "staff_roles": roles.iter().map(|r| json!({"role": r.role, "district": r.district})).collect::<Vec<_>>(),
        // Whether an app makes their sign-in codes; its secret is not given
        // out, since it would sign them in.
        "authenticator_app": app.is_some(),
        "orders": orders,
        "cart": cart.iter().map(|l| json!({
            "title": l.line.title, "variant": l.line.variant_label, "quantity": l.line.quantity,
        })).collect::<Vec<_>>(),
        "listings": listings.iter().map(|l| json!({
            "id": l.id, "title_en": l.title_en, "title_hi": l.title_hi, "status": l.status,
            "created_at": iso(Some(l.created_at)),
        })).collect::<Vec<_>>(),
        "delivery_terms": terms.map(|(flat, free_from, cod, cod_limit)| json!({
            "delivery_charge_paise": flat, "free_from_paise": free_from,
            "cash_on_delivery": cod, "cash_on_delivery_limit_paise": cod_limit,
        })),
        "messages": messages.iter().map(|m| json!({
            "kind": m.kind, "text": m.body, "written_at": iso(Some(m.created_at)), "sent_at": iso(m.sent_at),
        })).collect::<Vec<_>>(),
        "poll_answers": poll_answers,
        "seller_applications": exported_applications,
        "vendor_ties": links.iter().map(|l| json!({
            "status": l.status, "phone": l.phone, "invited_at": iso(Some(l.invited_at)),
        })).collect::<Vec<_>>(),
        "open_sessions": sessions,
        "quiz": {
            "leaderboard_name": crate::polls::nickname(db, user).await?,
            "answers": quiz.answered,
            "right_answers": quiz.right,
            "days_played": quiz.days.len(),
        },
    }))
}

/// Erases a person's account: their phone, names, addresses, bank and tax
/// details and documents are deleted, their sessions ended and their ties
/// to vendors closed. What others must keep (who decided an application,
/// and later the orders the law requires) stays, attached to an anonymous
/// account. Returns the number of document files deleted.
pub async fn delete_account(db: &Db, files: &FileStore, user: UserId, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let mut tx = db.begin().await?;
    // Their listings leave the marketplace with them, and so do those of the
    // artisans who sold through them; the change log tells every page and
    // every node's index.
    let sub_vendors: Vec<i64> = on_tx!(&mut tx, t => {
        sqlx::query_scalar(
            "SELECT artisan_user_id FROM sub_vendor_links \
             WHERE vendor_user_id = $1 AND status = 'active' AND artisan_user_id IS NOT NULL",
        )
        .bind(user.0)
        .fetch_all(&mut **t)
        .await?
    });
    for artisan in sub_vendors {
        catalogue::record_seller_change(&mut tx, UserId(artisan), now).await?;
    }
    catalogue::record_seller_change(&mut tx, user, now).await?;
    let now = Timestamp(now);
    on_tx!(&mut tx, t => {
        sqlx::query(
            "UPDATE listings SET status = 'deleted', updated_by = $1, updated_at = $2 \
             WHERE seller_user_id = $1 AND status <> 'deleted'",
        )
        .bind(user.0)
        .bind(now)
        .execute(&mut **t)
        .await?;
    });
    let keys: Vec<String> = on_tx!(&mut tx, t => {
        let phone: Option<String> = sqlx::query_scalar("SELECT phone FROM users WHERE id = $1")
            .bind(user.0)
            .fetch_optional(&mut **t)
            .await?
            .flatten();
        sqlx::query(
            "UPDATE users SET phone = NULL, display_name = NULL, password_hash = NULL, deleted_at = $2 WHERE id = $1",
        )
        .bind(user.0)
        .bind(now)
        .execute(&mut **t)
        .await?;
        sqlx::query(
            "UPDATE seller_applications SET legal_name = NULL, bio_en = NULL, bio_hi = NULL, address_line1 = NULL, \
             address_line2 = NULL, city = NULL, pin = NULL, account_holder = NULL, account_number = NULL, ifsc = NULL, \
             pan = NULL, udyam = NULL, gstin = NULL, enrolment_number = NULL, display_name = '—', erased_at = $2, \
             status = CASE WHEN status IN ('submitted', 'returned', 'approved') THEN 'rejected' ELSE status END \
             WHERE user_id = $1",
        )
        .bind(user.0)
        .bind(now)
        .execute(&mut **t)
        .await?;
        let keys: Vec<String> = sqlx::query_scalar(
            "SELECT storage_key FROM application_documents WHERE deleted_at IS NULL AND application_id IN \
             (SELECT id FROM seller_applications WHERE user_id = $1)",
        )
        .bind(user.0)
        .fetch_all(&mut **t)
        .await?;
        sqlx::query(
            "UPDATE application_documents SET deleted_at = $2, file_name = '—' WHERE application_id IN \
             (SELECT id FROM seller_applications WHERE user_id = $1)",
        )
        .bind(user.0)
        .bind(now)
        .execute(&mut **t)
        .await?;
        sqlx::query(
            "UPDATE sub_vendor_links SET status = CASE WHEN status = 'invited' THEN 'declined' ELSE 'left' END, \
             ended_at = $2, phone = NULL WHERE (artisan_user_id = $1 OR phone = $3) AND status IN ('invited', 'active')",
        )
        .bind(user.0)
        .bind(now)
        .bind(&phone)
        .execute(&mut **t)
        .await?;
        sqlx::query(
            "UPDATE sub_vendor_links SET status = 'removed', ended_at = $2 WHERE vendor_user_id = $1 AND status IN ('invited', 'active')",
        )
        .bind(user.0)
        .bind(now)
        .execute(&mut **t)
        .await?;
        sqlx::query("DELETE FROM staff_roles WHERE user_id = $1").bind(user.0).execute(&mut **t).await?;
        // Answers stay counted in the results, but no longer say whose.
        sqlx::query("DELETE FROM quiz_players WHERE user_id = $1").bind(user.0).execute(&mut **t).await?;
        sqlx::query("UPDATE quiz_answers SET user_id = NULL WHERE user_id = $1").bind(user.0).execute(&mut **t).await?;
        sqlx::query("UPDATE poll_answers SET user_id = NULL WHERE user_id = $1").bind(user.0).execute(&mut **t).await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user.0).execute(&mut **t).await?;
        if let Some(phone) = &phone {
            sqlx::query("DELETE FROM otp_challenges WHERE phone = $1").bind(phone).execute(&mut **t).await?;
        }
        keys
    });
    // The log keeps that an account was erased (its number only), which is
    // the record of having honoured the request.
    let change = crate::audit::Change {
        action: "account.erased",
        object_kind: "user",
        object_id: user.0.to_string(),
        after: Some("erased"),
        ..crate::audit::Change::default()
    };
    crate::audit::append(&mut tx, crate::audit::AuditActor::user(user, "owner"), change, now.0).await?;
    tx.commit().await?;
    // The rows no longer point at the files; delete them now. A failure
    // here leaves an unreachable file, never a reachable one.
    for key in &keys {
        files.delete(key).await?;
    }
    Ok(keys.len())
}
