//! People and their roles: users (found by phone), staff roles, and the
//! `Actor` that authorization decisions are made on.

use crate::audit::{AuditActor, Change};
use chrono::{DateTime, Utc};
use odop_domain::authz::{Actor, SellerRole, VerifiedSeller};
use odop_domain::identity::Phone;
use odop_domain::{Locale, Slug, UserId};

use crate::StoreError;
use crate::db::{Backend, Db, Tx, dispatch, dispatch_write, on_tx};
use crate::sessions::{self, Session};
use crate::time::Timestamp;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    /// `None` once the account has been deleted.
    pub phone: Option<Phone>,
    pub display_name: Option<String>,
    pub locale: Locale,
    pub created_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    phone: Option<String>,
    display_name: Option<String>,
    locale: String,
    created_at: Timestamp,
}

impl UserRow {
    fn into_user(self) -> Result<User, StoreError> {
        Ok(User {
            id: UserId(self.id),
            phone: self
                .phone
                .map(|p| Phone::parse(&p).map_err(|e| StoreError::Corrupt(format!("user {}: {e}", self.id))))
                .transpose()?,
            display_name: self.display_name,
            locale: self.locale.parse().unwrap_or_default(),
            created_at: self.created_at,
        })
    }
}

const USER_COLUMNS: &str = "id, phone, display_name, locale, created_at";

pub async fn user(db: &Db, id: UserId) -> Result<Option<User>, StoreError> {
    let row: Option<UserRow> = dispatch!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1 AND deleted_at IS NULL")))
            .bind(id.0)
            .fetch_optional(pool)
            .await?
    });
    row.map(UserRow::into_user).transpose()
}

pub async fn user_by_phone(db: &Db, phone: &Phone) -> Result<Option<User>, StoreError> {
    let row: Option<UserRow> = dispatch!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM users WHERE phone = $1")))
            .bind(phone.as_str())
            .fetch_optional(pool)
            .await?
    });
    row.map(UserRow::into_user).transpose()
}

/// The user with this phone, created on first sign-in.
pub async fn find_or_create(
    tx: &mut Tx,
    phone: &Phone,
    locale: Locale,
    now: DateTime<Utc>,
) -> Result<UserId, StoreError> {
    let id: i64 = on_tx!(tx, t => {
        sqlx::query(
            "INSERT INTO users (phone, locale, created_at) VALUES ($1, $2, $3) ON CONFLICT (phone) DO NOTHING",
        )
        .bind(phone.as_str())
        .bind(locale.code())
        .bind(Timestamp(now))
        .execute(&mut **t)
        .await?;
        sqlx::query_scalar("SELECT id FROM users WHERE phone = $1")
            .bind(phone.as_str())
            .fetch_one(&mut **t)
            .await?
    });
    Ok(UserId(id))
}

pub async fn set_locale(db: &Db, user: UserId, locale: Locale) -> Result<(), StoreError> {
    dispatch_write!(db, pool => {
        sqlx::query("UPDATE users SET locale = $2 WHERE id = $1")
            .bind(user.0)
            .bind(locale.code())
            .execute(pool)
            .await?;
    });
    Ok(())
}

/// A staff role as granted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StaffRole {
    DistrictOfficer(Slug),
    StateAdmin,
    OutletOperator,
    /// Payouts and the tax reports only.
    Finance,
}

impl StaffRole {
    fn code(&self) -> &'static str {
        match self {
            StaffRole::DistrictOfficer(_) => "district_officer",
            StaffRole::StateAdmin => "state_admin",
            StaffRole::OutletOperator => "outlet_operator",
            StaffRole::Finance => "finance",
        }
    }
}

/// A staff member to create, or an existing user to make staff.
#[derive(Clone, Debug)]
pub struct NewStaff {
    pub phone: Phone,
    pub display_name: String,
    /// An argon2id PHC string.
    pub password_hash: String,
    pub roles: Vec<StaffRole>,
    pub granted_by: Option<UserId>,
}

#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error("there is no district {0}")]
    UnknownDistrict(Slug),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for StaffError {
    fn from(error: sqlx::Error) -> Self {
        StaffError::Store(error.into())
    }
}

/// Creates a staff account (or gives an existing account a password and
/// these roles), in one transaction.
pub async fn create_staff(db: &Db, staff: &NewStaff, now: DateTime<Utc>) -> Result<UserId, StaffError> {
    let mut tx = db.begin().await?;
    let user = find_or_create(&mut tx, &staff.phone, Locale::En, now).await?;
    let mut granted = Vec::new();
    on_tx!(&mut tx, t => {
        sqlx::query("UPDATE users SET display_name = $2, password_hash = $3 WHERE id = $1")
            .bind(user.0)
            .bind(&staff.display_name)
            .bind(&staff.password_hash)
            .execute(&mut **t)
            .await?;
        for role in &staff.roles {
            let district: Option<i64> = match role {
                StaffRole::DistrictOfficer(slug) => Some(
                    sqlx::query_scalar("SELECT id FROM districts WHERE slug = $1")
                        .bind(slug.as_str())
                        .fetch_optional(&mut **t)
                        .await?
                        .ok_or_else(|| StaffError::UnknownDistrict(slug.clone()))?,
                ),
                _ => None,
            };
            let exists: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM staff_roles WHERE user_id = $1 AND role = $2 AND COALESCE(district_id, 0) = COALESCE($3, 0)",
            )
            .bind(user.0)
            .bind(role.code())
            .bind(district)
            .fetch_optional(&mut **t)
            .await?;
            if exists.is_none() {
                sqlx::query(
                    "INSERT INTO staff_roles (user_id, role, district_id, granted_by, granted_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(user.0)
                .bind(role.code())
                .bind(district)
                .bind(staff.granted_by.map(|u| u.0))
                .bind(Timestamp(now))
                .execute(&mut **t)
                .await?;
                granted.push(role);
            }
        }
    });
    for role in granted {
        let district = match role {
            StaffRole::DistrictOfficer(slug) => Some(slug.as_str()),
            _ => None,
        };
        let change = Change {
            action: "staff_role.granted",
            object_kind: "user",
            object_id: user.0.to_string(),
            after: Some(role.code()),
            note: district,
            ..Change::default()
        };
        let actor = match staff.granted_by {
            Some(admin) => AuditActor::user(admin, "admin"),
            None => AuditActor::system("cli"),
        };
        crate::audit::append(&mut tx, actor, change, now).await?;
    }
    tx.commit().await?;
    Ok(user)
}

/// The stored password hash of a staff member, by phone.
pub async fn password_hash(db: &Db, phone: &Phone) -> Result<Option<(UserId, String)>, StoreError> {
    let row: Option<(i64, Option<String>)> = dispatch!(db, pool => {
        sqlx::query_as("SELECT id, password_hash FROM users WHERE phone = $1 AND deleted_at IS NULL")
            .bind(phone.as_str())
            .fetch_optional(pool)
            .await?
    });
    Ok(row.and_then(|(id, hash)| hash.map(|hash| (UserId(id), hash))))
}

/// A staff role as stored: its code and, for officers, the district's slug.
#[derive(sqlx::FromRow)]
pub(crate) struct RoleRow {
    pub role: String,
    pub district: Option<String>,
}

pub(crate) const ROLES_OF_USER: &str = "SELECT r.role, d.slug AS district FROM staff_roles r LEFT JOIN districts d ON d.id = r.district_id WHERE r.user_id = $1";

#[derive(sqlx::FromRow)]
struct SellerRow {
    district: String,
    seller_kind: String,
    vendor_user_id: Option<i64>,
}

/// Everything that bears on what `user` may do: staff roles and, once
/// verified, their standing as a seller.
pub async fn actor(db: &Db, user: UserId) -> Result<Actor, StoreError> {
    let (roles, seller): (Vec<RoleRow>, Option<SellerRow>) = dispatch!(db, pool => {
        let mut conn = pool.acquire().await?;
        let roles = sqlx::query_as(ROLES_OF_USER).bind(user.0).fetch_all(&mut *conn).await?;
        let seller = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT d.slug AS district, a.seller_kind, a.vendor_user_id FROM seller_applications a \
             JOIN districts d ON d.id = a.district_id WHERE a.id = ({STANDING_APPLICATION})"
        )))
        .bind(user.0)
        .fetch_optional(&mut *conn)
        .await?;
        (roles, seller)
    });
    actor_of(user, roles, seller)
}

/// The application a seller stands on: their newest approved one, and for
/// a sub-vendor only while the tie to its vendor is active. `$1` is the user.
const STANDING_APPLICATION: &str = "SELECT x.id FROM seller_applications x WHERE x.user_id = $1 \
     AND x.status = 'approved' AND (x.seller_kind IN ('vendor', 'enrolled') OR EXISTS (SELECT 1 FROM sub_vendor_links l \
     WHERE l.artisan_user_id = x.user_id AND l.vendor_user_id = x.vendor_user_id AND l.status = 'active')) \
     ORDER BY x.id DESC LIMIT 1";

fn actor_of(user: UserId, roles: Vec<RoleRow>, seller: Option<SellerRow>) -> Result<Actor, StoreError> {
    let mut actor = Actor::member(user);
    for RoleRow { role, district } in roles {
        match (role.as_str(), district) {
            ("district_officer", Some(district)) => actor
                .officer_of
                .push(Slug::parse(&district).map_err(|e| StoreError::Corrupt(e.to_string()))?),
            ("state_admin", _) => actor.state_admin = true,
            ("outlet_operator", _) => actor.outlet_operator = true,
            ("finance", _) => actor.finance = true,
            (other, _) => return Err(StoreError::Corrupt(format!("unknown staff role {other}"))),
        }
    }
    actor.seller = seller
        .map(|row| {
            let role = match (row.seller_kind.as_str(), row.vendor_user_id) {
                ("vendor", _) => SellerRole::Vendor,
                ("enrolled", _) => SellerRole::Enrolled,
                ("sub-vendor", Some(vendor)) => SellerRole::SubVendor { vendor: UserId(vendor) },
                (kind, _) => {
                    return Err(StoreError::Corrupt(format!(
                        "seller {user}: kind {kind} without vendor"
                    )));
                }
            };
            let district = Slug::parse(&row.district).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            Ok(VerifiedSeller { district, role })
        })
        .transpose()?;
    Ok(actor)
}

/// Who is behind a session token: the live session, its user and what they
/// may do, found in one statement. Every signed-in request asks this, and
/// it used to take four (session, user, roles, seller standing), each a
/// round trip to the database's thread or server.
pub async fn signed_in(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(Session, User, Actor)>, StoreError> {
    let roles = match db.backend() {
        Backend::Sqlite => {
            "(SELECT json_group_array(json_array(r.role, d.slug)) FROM staff_roles r \
             LEFT JOIN districts d ON d.id = r.district_id WHERE r.user_id = s.user_id)"
        }
        Backend::Postgres => {
            "(SELECT COALESCE(json_agg(json_build_array(r.role, d.slug)), '[]')::text FROM staff_roles r \
             LEFT JOIN districts d ON d.id = r.district_id WHERE r.user_id = s.user_id)"
        }
    };
    let sql = format!(
        "SELECT s.user_id, s.staff, s.created_at AS session_created_at, s.last_seen_at, u.phone, u.display_name, \
         u.locale, u.created_at, {roles} AS roles_json, sd.slug AS seller_district, a.seller_kind, a.vendor_user_id \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         LEFT JOIN seller_applications a ON a.id = ({}) \
         LEFT JOIN districts sd ON sd.id = a.district_id \
         WHERE s.token_hash = $1 AND u.deleted_at IS NULL",
        STANDING_APPLICATION.replace("$1", "s.user_id")
    );
    let row: Option<SignedInRow> = dispatch!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(token_hash).fetch_optional(pool).await?
    });
    let Some(row) = row else {
        return Ok(None);
    };
    let session = Session {
        user: UserId(row.user_id),
        staff: row.staff,
        created_at: row.session_created_at,
        last_seen_at: row.last_seen_at,
    };
    let Some(session) = sessions::keep_if_live(db, token_hash, session, now).await? else {
        return Ok(None);
    };
    let roles: Vec<(String, Option<String>)> = serde_json::from_str(&row.roles_json)
        .map_err(|e| StoreError::Corrupt(format!("the roles of user {} do not decode: {e}", row.user_id)))?;
    // Staff powers come only with a staff session, opened by password and
    // a second factor: someone made staff while signed in by SMS code, or
    // signed in by code later, acts as a member until they sign in as staff.
    let roles = roles
        .into_iter()
        .filter(|_| session.staff)
        .map(|(role, district)| RoleRow { role, district })
        .collect();
    let seller = match (row.seller_district, row.seller_kind) {
        (Some(district), Some(seller_kind)) => Some(SellerRow {
            district,
            seller_kind,
            vendor_user_id: row.vendor_user_id,
        }),
        _ => None,
    };
    let user = UserRow {
        id: row.user_id,
        phone: row.phone,
        display_name: row.display_name,
        locale: row.locale,
        created_at: row.created_at,
    }
    .into_user()?;
    let actor = actor_of(session.user, roles, seller)?;
    Ok(Some((session, user, actor)))
}

#[derive(sqlx::FromRow)]
struct SignedInRow {
    user_id: i64,
    staff: bool,
    session_created_at: Timestamp,
    last_seen_at: Timestamp,
    phone: Option<String>,
    display_name: Option<String>,
    locale: String,
    created_at: Timestamp,
    roles_json: String,
    seller_district: Option<String>,
    seller_kind: Option<String>,
    vendor_user_id: Option<i64>,
}

/// A staff member as the state admin's page lists them.
#[derive(Clone, Debug)]
pub struct StaffEntry {
    pub user: UserId,
    pub display_name: Option<String>,
    pub phone: Option<String>,
    /// Role codes, each with the district slug for officers.
    pub roles: Vec<(String, Option<String>)>,
}

/// Everyone with a staff role, by name.
#[derive(sqlx::FromRow)]
struct StaffRow {
    id: i64,
    display_name: Option<String>,
    phone: Option<String>,
    role: String,
    district: Option<String>,
}

pub async fn staff(db: &Db) -> Result<Vec<StaffEntry>, StoreError> {
    let rows: Vec<StaffRow> = dispatch!(db, pool => {
        sqlx::query_as(
            "SELECT u.id, u.display_name, u.phone, r.role, d.slug AS district FROM staff_roles r \
             JOIN users u ON u.id = r.user_id LEFT JOIN districts d ON d.id = r.district_id \
             WHERE u.deleted_at IS NULL ORDER BY u.display_name, u.id, r.role, d.position",
        )
        .fetch_all(pool)
        .await?
    });
    let mut entries: Vec<StaffEntry> = Vec::new();
    for row in rows {
        match entries.last_mut() {
            Some(entry) if entry.user.0 == row.id => entry.roles.push((row.role, row.district)),
            _ => entries.push(StaffEntry {
                user: UserId(row.id),
                display_name: row.display_name,
                phone: row.phone,
                roles: vec![(row.role, row.district)],
            }),
        }
    }
    Ok(entries)
}
