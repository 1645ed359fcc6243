//! Orders and payments through the API: placing an order (idempotent by
//! its `Idempotency-Key`), reading one, and the payment gateways' webhooks.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::Utc;
use odop_domain::authz::{self, Action};
use odop_domain::checkout::{AddressInput, CheckoutError};
use odop_domain::money::Money;
use odop_domain::orders::{OrderEvent, Party, PaymentMethod, ReturnReason, TransitionError};
use odop_domain::{OrderId, SubOrderId, UserId};
use odop_pay::WebhookDelivery;
use odop_store::orders::{self, OrderView};
use odop_store::payments::NewsOutcome;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::catalogue::check_csrf;
use crate::AppState;
use crate::auth::SignedIn;
use crate::checkout::{self, OrderRequest, Refusal};
use crate::error::{AppError, BadRequest, ErrorBody, NotFound};
use crate::extract::{Json as JsonBody, Path};
use crate::i18n::Tr;
use crate::pages::forms::Errors;
use crate::payments::{self, WebhookRefusal};

#[derive(Debug, Deserialize, ToSchema)]
pub struct OrderLineDto {
    #[schema(minimum = 1)]
    pub variant_id: i64,
    /// Lines of one variant are added up: at most 10 of one variant.
    #[schema(minimum = 1, maximum = 10)]
    pub quantity: i64,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct AddressDto {
    pub name: String,
    /// A 10-digit Indian mobile number.
    pub phone: String,
    pub line1: String,
    #[serde(default)]
    pub line2: String,
    pub city: String,
    /// The GST state code of the delivery state: `09` for Uttar Pradesh.
    #[schema(example = "09")]
    pub state: String,
    #[schema(example = "226001")]
    pub pin: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PlaceOrderDto {
    /// At most 30 different variants.
    #[schema(min_items = 1, max_items = 30)]
    pub items: Vec<OrderLineDto>,
    pub address: AddressDto,
    /// `online` (through the payment gateway) or `cod`.
    #[schema(schema_with = super::schema::payment_method)]
    pub payment_method: String,
    /// The buyer accepts the terms of sale; must be `true`.
    pub accept_terms: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubOrderDto {
    pub id: i64,
    pub seller_id: i64,
    /// `awaiting_payment`, `placed`, `accepted`, `packed`, `shipped`,
    /// `delivered`, `cancelled` or `rejected`.
    pub status: String,
    pub total_paise: i64,
    /// The ids of its tax invoice (or bill of supply) and credit note, once
    /// issued: read them at `/api/v1/tax-documents/{id}`.
    pub tax_documents: Vec<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentDto {
    pub gateway: String,
    pub gateway_order_id: String,
    pub status: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderDto {
    pub id: i64,
    #[schema(example = "OD-0000042")]
    pub number: String,
    pub payment_method: String,
    pub items_paise: i64,
    pub tax_paise: i64,
    pub delivery_paise: i64,
    pub total_paise: i64,
    pub sub_orders: Vec<SubOrderDto>,
    pub payments: Vec<PaymentDto>,
}

impl OrderDto {
    /// The order, with the ids of the documents issued so far (by part).
    fn new(view: &OrderView, documents: &[(i64, i64)]) -> Self {
        let o = &view.order;
        Self {
            id: o.id,
            number: o.number(),
            payment_method: o.payment_method.clone(),
            items_paise: o.items_paise,
            tax_paise: o.tax_paise,
            delivery_paise: o.delivery_paise,
            total_paise: o.total_paise,
            sub_orders: view
                .parts
                .iter()
                .map(|p| SubOrderDto {
                    id: p.id,
                    seller_id: p.seller_user_id,
                    status: p.status.clone(),
                    total_paise: p.total_paise,
                    tax_documents: documents
                        .iter()
                        .filter(|(part, _)| *part == p.id)
                        .map(|(_, document)| *document)
                        .collect(),
                })
                .collect(),
            payments: view
                .payments
                .iter()
                .map(|p| PaymentDto {
                    gateway: p.gateway.clone(),
                    gateway_order_id: p.gateway_order_id.clone(),
                    status: p.status.clone(),
                })
                .collect(),
        }
    }
}

/// A checkout refusal as the API answers it: fields to correct (422, with
/// `method` named `payment_method` as in the body), a catalogue that does
/// not allow it (409), or a key already used for another request (422).
fn refused(tr: &Tr, refusal: Refusal) -> AppError {
    match refusal {
        Refusal::Fields(problems) => {
            let mut errors = Errors::from_fields(tr, &problems);
            errors.rename("method", "payment_method");
            AppError::Invalid {
                fields: errors.into_pairs(),
            }
        }
        Refusal::Checkout(
            error @ (CheckoutError::TooMany
            | CheckoutError::TooFew
            | CheckoutError::TooManyLines
            | CheckoutError::Empty),
        ) => AppError::Invalid {
            fields: vec![("items".into(), tr.t(error.message_id()))],
        },
        // The items are fine; the address is not one they may go to.
        Refusal::Checkout(CheckoutError::OnlyWithinUp { title }) => AppError::Invalid {
            fields: vec![("address.state".into(), tr.t1("checkout-only-within-up", "title", title))],
        },
        Refusal::Checkout(CheckoutError::NotEnoughStock { title, available: 0 }) => {
            AppError::Conflict(format!("sold out: {title}"))
        }
        Refusal::Checkout(CheckoutError::NotEnoughStock { title, available }) => {
            AppError::Conflict(format!("sold out: {title} (only {available} left)"))
        }
        Refusal::Checkout(other) => AppError::Conflict(other.to_string()),
        Refusal::TotalChanged(total) => AppError::Conflict(format!("the total is now {} paise", total.0)),
        Refusal::KeyReused => AppError::IdempotencyKeyReused,
    }
}

/// Places an order for the signed-in buyer. Sending the same
/// `Idempotency-Key` with the same body again returns the same order (200)
/// instead of a new one (201); with a different body it is refused (422
/// `idempotency_key_reused`). Lines naming the same variant are added up.
/// Online orders hold their stock until paid (15 minutes by default) and
/// open a payment with the gateway: when the gateway cannot be reached, the
/// order is kept and the answer is 503 `payment_unavailable`; the same
/// request sent again opens the payment.
#[utoipa::path(
    post,
    path = "/api/v1/orders",
    tag = "orders",
    request_body = PlaceOrderDto,
    params(
        ("Idempotency-Key" = String, Header, description = "16 to 100 characters, unique per order the buyer means to place", min_length = 16, max_length = 100),
        ("X-CSRF-Token" = String, Header, description = "The value of the odop_csrf cookie")
    ),
    responses(
        (status = 201, description = "Placed", body = OrderDto),
        (status = 200, description = "Placed before with this key and this body", body = OrderDto),
        (status = 400, description = "No or malformed Idempotency-Key, or a malformed body", body = ErrorBody),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 403, description = "The CSRF token is missing or wrong", body = ErrorBody),
        (status = 409, description = "Sold out, no longer on sale, or cash on delivery not available", body = ErrorBody),
        (status = 422, description = "The address, choices or lines break a rule (`fields` says which), or the key was used for another body (`idempotency_key_reused`)", body = ErrorBody),
        (status = 503, description = "The payment gateway could not be reached: the order is kept; send the same request again", body = ErrorBody)
    )
)]
pub(super) async fn place_order(
    State(state): State<AppState>,
    headers: HeaderMap,
    me: SignedIn,
    JsonBody(body): JsonBody<PlaceOrderDto>,
) -> Result<(StatusCode, Json<OrderDto>), AppError> {
    check_csrf(&headers)?;
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .filter(|k| (16..=100).contains(&k.len()))
        .ok_or_else(|| {
            AppError::bad_request(
                BadRequest::InvalidForm,
                "an Idempotency-Key header of 16 to 100 characters is required",
            )
        })?
        .to_owned();
    let tr = Tr::new(odop_domain::Locale::En, state.catalog().clone());
    let a = body.address;
    let request = OrderRequest {
        buyer: me.user.id,
        key,
        address: AddressInput {
            name: a.name,
            phone: a.phone,
            line1: a.line1,
            line2: a.line2,
            city: a.city,
            state: a.state,
            pin: a.pin,
        },
        method: body.payment_method,
        accept_terms: body.accept_terms,
        items: body.items.iter().map(|l| (l.variant_id, l.quantity)).collect(),
        shown_total: None,
    };
    let placed = checkout::place_order(&state, &request)
        .await?
        .map_err(|refusal| refused(&tr, refusal))?;
    let mut view = orders::order(state.db(), placed.order)
        .await?
        .ok_or(AppError::NotFound(NotFound::Object))?;
    let awaiting = view.parts.iter().any(|p| payments::payable(p.status()));
    if view.order.method() == PaymentMethod::Online && awaiting && !view.payments.iter().any(|p| p.status == "created")
    {
        payments::start(
            &state,
            placed.order,
            &view.order.number(),
            Money(view.order.total_paise),
        )
        .await?;
        // Only the payments changed: one statement instead of the six that
        // read a whole order.
        view.payments = odop_store::payments::of_order(state.db(), placed.order).await?;
    }
    let status = if placed.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    // A new order has no documents yet; a replayed one may.
    let documents = if placed.replayed {
        document_ids(&state, placed.order).await?
    } else {
        Vec::new()
    };
    Ok((status, Json(OrderDto::new(&view, &documents))))
}

/// One of the signed-in buyer's orders.
#[utoipa::path(
    get,
    path = "/api/v1/orders/{id}",
    tag = "orders",
    params(("id" = i64, Path, description = "The order's id")),
    responses(
        (status = 200, description = "The order", body = OrderDto),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 404, description = "No such order among the buyer's", body = ErrorBody)
    )
)]
pub(super) async fn get_order(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<OrderDto>, AppError> {
    let view = buyers_order(&state, &me, &id).await?;
    let documents = document_ids(&state, OrderId(view.order.id)).await?;
    Ok(Json(OrderDto::new(&view, &documents)))
}

/// The order's documents as (part, document) ids.
async fn document_ids(state: &AppState, order: OrderId) -> Result<Vec<(i64, i64)>, AppError> {
    Ok(odop_store::documents::of_order(state.db(), order)
        .await?
        .iter()
        .map(|document| (document.sub_order_id, document.id))
        .collect())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookAnswer {
    /// `applied`, `duplicate` (seen before: nothing changed), `unknown`
    /// (about no payment we know) or `refund_owed`.
    pub outcome: String,
}

/// Receives a payment gateway's event. The signature (`X-Razorpay-Signature`,
/// HMAC-SHA256 of the raw body) is checked before anything is read; an
/// event is applied once however often it is delivered.
#[utoipa::path(
    post,
    path = "/api/v1/payments/webhook/{gateway}",
    tag = "orders",
    params(
        ("gateway" = String, Path, description = "`sandbox` or `razorpay`: the gateway this node is configured with"),
        ("X-Razorpay-Signature" = String, Header, description = "Hex HMAC-SHA256 of the raw body with the webhook secret", pattern = "^[0-9a-f]{64}$"),
        ("X-Razorpay-Event-Id" = Option<String>, Header, description = "The event's id, for de-duplication")
    ),
    request_body(content = String, description = "The gateway's event, as JSON, exactly as signed"),
    responses(
        (status = 200, description = "Accepted (applied, or seen before)", body = WebhookAnswer),
        (status = 400, description = "Missing or wrong signature, or not an event", body = ErrorBody),
        (status = 404, description = "Not the gateway this node uses", body = ErrorBody)
    )
)]
pub(super) async fn webhook(
    State(state): State<AppState>,
    Path(gateway): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<WebhookAnswer>, AppError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let delivery = WebhookDelivery {
        signature: header("x-razorpay-signature"),
        event_id: header("x-razorpay-event-id"),
        body: &body,
    };
    match payments::receive(&state, &gateway, &delivery).await? {
        Ok(outcome) => Ok(Json(WebhookAnswer {
            outcome: match outcome {
                NewsOutcome::Applied => "applied",
                NewsOutcome::Duplicate => "duplicate",
                NewsOutcome::Unknown => "unknown",
                NewsOutcome::RefundOwed => "refund_owed",
            }
            .into(),
        })),
        Err(WebhookRefusal::UnknownGateway) => Err(AppError::NotFound(NotFound::Route)),
        Err(WebhookRefusal::Pay(error)) => Err(AppError::bad_request(BadRequest::InvalidForm, error.to_string())),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderSummaryDto {
    pub id: i64,
    pub number: String,
    pub total_paise: i64,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// The signed-in buyer's orders, newest first (at most 100).
#[utoipa::path(
    get,
    path = "/api/v1/orders",
    tag = "orders",
    responses(
        (status = 200, description = "The buyer's orders", body = [OrderSummaryDto]),
        (status = 401, description = "Nobody is signed in", body = ErrorBody)
    )
)]
pub(super) async fn list_orders(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Json<Vec<OrderSummaryDto>>, AppError> {
    let orders = orders::of_buyer(state.db(), me.user.id, 100).await?;
    Ok(Json(
        orders
            .into_iter()
            .map(|o| OrderSummaryDto {
                id: o.id,
                number: o.number(),
                total_paise: o.total_paise,
                created_at: o.created_at.0.to_rfc3339(),
            })
            .collect(),
    ))
}

/// A `sub_order_id` that names no part of the order in the path: the
/// order is there (so not 404), the field is wrong.
fn not_a_part() -> AppError {
    AppError::Invalid {
        fields: vec![(
            "sub_order_id".into(),
            "not a part of this order: GET /api/v1/orders/{id} lists its sub_orders".into(),
        )],
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct CancelDto {
    /// One seller's part to cancel; without it, every part that may still
    /// be cancelled.
    pub sub_order_id: Option<i64>,
}

/// Cancels an order, or one seller's part of it, until it ships. Money paid
/// for what is cancelled goes back through the gateway.
#[utoipa::path(
    post,
    path = "/api/v1/orders/{id}/cancel",
    tag = "orders",
    request_body = CancelDto,
    params(("id" = i64, Path, description = "The order's id"), ("X-CSRF-Token" = String, Header, description = "The value of the odop_csrf cookie")),
    responses(
        (status = 200, description = "The order after cancelling", body = OrderDto),
        (status = 400, description = "The body is not the JSON this operation takes: not JSON, a field missing or of the wrong type", body = ErrorBody),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 403, description = "The CSRF token is missing or wrong", body = ErrorBody),
        (status = 404, description = "No such order among the buyer's", body = ErrorBody),
        (status = 409, description = "Nothing in it can be cancelled any more", body = ErrorBody),
        (status = 422, description = "`sub_order_id` is not a part of this order", body = ErrorBody)
    )
)]
pub(super) async fn cancel_order(
    State(state): State<AppState>,
    headers: HeaderMap,
    me: SignedIn,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<CancelDto>,
) -> Result<Json<OrderDto>, AppError> {
    check_csrf(&headers)?;
    let view = buyers_order(&state, &me, &id).await?;
    let id = OrderId(view.order.id);
    let parts: Vec<i64> = view
        .parts
        .iter()
        .filter(|p| body.sub_order_id.is_none_or(|wanted| wanted == p.id))
        .map(|p| p.id)
        .collect();
    if parts.is_empty() {
        return Err(not_a_part());
    }
    let mut cancelled = 0;
    for part in parts {
        match orders::transition(
            state.db(),
            odop_domain::SubOrderId(part),
            &odop_domain::orders::OrderEvent::Cancel,
            odop_domain::orders::Party::Buyer,
            Some(me.user.id),
            &payments::notices(&state),
            Utc::now(),
        )
        .await
        {
            Ok(_) => cancelled += 1,
            Err(orders::MoveError::Transition(_) | orders::MoveError::Conflict) => {}
            Err(orders::MoveError::NotFound) => return Err(AppError::NotFound(NotFound::Object)),
            Err(orders::MoveError::Store(e)) => return Err(e.into()),
        }
    }
    if cancelled == 0 {
        return Err(AppError::Conflict("this order can no longer be cancelled".into()));
    }
    payments::send_refunds(&state).await?;
    let view = orders::order(state.db(), id)
        .await?
        .ok_or(AppError::NotFound(NotFound::Object))?;
    let documents = document_ids(&state, id).await?;
    Ok(Json(OrderDto::new(&view, &documents)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReturnDto {
    /// The delivered part to send back.
    pub sub_order_id: i64,
    /// `damaged`, `wrong-item`, `not-as-described` (everything refunded) or
    /// `changed-mind` (refunded without the delivery charge).
    #[schema(schema_with = super::schema::return_reason)]
    pub reason: String,
    /// Anything the seller should know, up to 500 characters.
    #[serde(default)]
    pub note: String,
}

/// Asks to return one delivered part of an order, within its listings'
/// return period (a damaged, wrong or misdescribed product: at least seven
/// days after delivery). Its seller is told and has two days to approve or
/// refuse; the refund goes out when the seller has the goods back.
#[utoipa::path(
    post,
    path = "/api/v1/orders/{id}/return",
    tag = "orders",
    request_body = ReturnDto,
    params(("id" = i64, Path, description = "The order's id"), ("X-CSRF-Token" = String, Header, description = "The value of the odop_csrf cookie")),
    responses(
        (status = 200, description = "The order after asking", body = OrderDto),
        (status = 400, description = "The body is not the JSON this operation takes: not JSON, a field missing or of the wrong type", body = ErrorBody),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 403, description = "The CSRF token is missing or wrong", body = ErrorBody),
        (status = 404, description = "No such order among the buyer's", body = ErrorBody),
        (status = 409, description = "The part is not delivered, or a return was already asked for", body = ErrorBody),
        (status = 422, description = "`sub_order_id` is not a part of this order, the reason is unknown, the note too long, or the return window has passed", body = ErrorBody)
    )
)]
pub(super) async fn return_order(
    State(state): State<AppState>,
    headers: HeaderMap,
    me: SignedIn,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ReturnDto>,
) -> Result<Json<OrderDto>, AppError> {
    check_csrf(&headers)?;
    let view = buyers_order(&state, &me, &id).await?;
    if !view.parts.iter().any(|p| p.id == body.sub_order_id) {
        return Err(not_a_part());
    }
    let tr = Tr::new(odop_domain::Locale::En, state.catalog().clone());
    let reason = ReturnReason::parse(&body.reason).ok_or_else(|| AppError::Invalid {
        fields: vec![(
            "reason".into(),
            "one of damaged, wrong-item, not-as-described, changed-mind".into(),
        )],
    })?;
    let event = OrderEvent::RequestReturn {
        reason,
        note: body.note.trim().to_owned(),
    };
    let result = orders::transition(
        state.db(),
        odop_domain::SubOrderId(body.sub_order_id),
        &event,
        Party::Buyer,
        Some(me.user.id),
        &payments::notices(&state),
        Utc::now(),
    )
    .await;
    match result {
        Ok(_) => {}
        Err(orders::MoveError::Transition(TransitionError::Invalid(message))) => {
            let field = if message == "order-return-window-closed" {
                "sub_order_id"
            } else {
                "note"
            };
            return Err(AppError::Invalid {
                fields: vec![(field.into(), tr.t(message))],
            });
        }
        Err(orders::MoveError::Transition(e)) => return Err(AppError::Conflict(e.to_string())),
        Err(orders::MoveError::Conflict) => return Err(AppError::Conflict(tr.t("order-changed"))),
        Err(orders::MoveError::NotFound) => return Err(AppError::NotFound(NotFound::Object)),
        Err(orders::MoveError::Store(e)) => return Err(e.into()),
    }
    let view = orders::order(state.db(), OrderId(view.order.id))
        .await?
        .ok_or(AppError::NotFound(NotFound::Object))?;
    let documents = document_ids(&state, OrderId(view.order.id)).await?;
    Ok(Json(OrderDto::new(&view, &documents)))
}

/// The order `raw` names, if `me` placed it (or may see it); otherwise not found.
async fn buyers_order(state: &AppState, me: &SignedIn, raw: &str) -> Result<OrderView, AppError> {
    let id: OrderId = raw.parse().map_err(|_| AppError::NotFound(NotFound::Object))?;
    orders::order(state.db(), id)
        .await?
        .filter(|v| {
            authz::may(
                &me.actor,
                Action::ViewOrder {
                    buyer: UserId(v.order.buyer_user_id),
                },
            )
        })
        .ok_or(AppError::NotFound(NotFound::Object))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SellerSubOrderDto {
    pub id: i64,
    pub order_id: i64,
    pub number: String,
    pub seller_id: i64,
    pub status: String,
    pub total_paise: i64,
    /// When the seller must accept or reject by (RFC 3339, UTC), while placed.
    pub accept_by: Option<String>,
    pub courier: Option<String>,
    pub tracking: Option<String>,
    /// The ids of its tax invoice (or bill of supply) and credit note, once
    /// issued: read them at `/api/v1/tax-documents/{id}`.
    pub tax_documents: Vec<i64>,
}

impl SellerSubOrderDto {
    /// The part, with the documents issued for it.
    async fn with_documents(state: &AppState, p: &orders::SubOrderRecord) -> Result<Self, AppError> {
        let documents = odop_store::documents::of_sub_order(state.db(), SubOrderId(p.id)).await?;
        Ok(Self {
            tax_documents: documents.iter().map(|document| document.id).collect(),
            ..Self::new(p)
        })
    }

    fn new(p: &orders::SubOrderRecord) -> Self {
        Self {
            id: p.id,
            order_id: p.order_id,
            number: odop_domain::orders::order_number(p.order_id),
            seller_id: p.seller_user_id,
            status: p.status.clone(),
            total_paise: p.total_paise,
            accept_by: p.accept_by.map(|t| t.0.to_rfc3339()),
            courier: p.courier.clone(),
            tracking: p.tracking.clone(),
            tax_documents: Vec::new(),
        }
    }
}

/// The sub-orders the signed-in seller fulfils (a vendor's include its
/// sub-vendors'), those waiting for an answer first.
#[utoipa::path(
    get,
    path = "/api/v1/seller/orders",
    tag = "orders",
    responses(
        (status = 200, description = "The seller's sub-orders", body = [SellerSubOrderDto]),
        (status = 401, description = "Nobody is signed in", body = ErrorBody)
    )
)]
pub(super) async fn seller_orders(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Json<Vec<SellerSubOrderDto>>, AppError> {
    let parts = orders::for_seller(state.db(), me.user.id, 200).await?;
    let mut answer = Vec::with_capacity(parts.len());
    for part in &parts {
        answer.push(SellerSubOrderDto::with_documents(&state, part).await?);
    }
    Ok(Json(answer))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TransitionDto {
    /// `accept`, `reject` (with `reason`), `pack`, `ship` (with `courier`
    /// and `tracking`), `deliver`; for a return, `approve-return`,
    /// `refuse-return` (with `reason`) or `receive-return` (which refunds
    /// the buyer).
    #[schema(schema_with = super::schema::seller_action)]
    pub action: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub courier: String,
    #[serde(default)]
    pub tracking: String,
}

/// Moves one of the seller's sub-orders along its life cycle; the buyer is
/// told, and a rejection refunds what was paid.
#[utoipa::path(
    post,
    path = "/api/v1/seller/orders/{id}/transition",
    tag = "orders",
    request_body = TransitionDto,
    params(("id" = i64, Path, description = "The sub-order's id"), ("X-CSRF-Token" = String, Header, description = "The value of the odop_csrf cookie")),
    responses(
        (status = 200, description = "The sub-order after the move", body = SellerSubOrderDto),
        (status = 400, description = "The body is not the JSON this operation takes: not JSON, a field missing or of the wrong type", body = ErrorBody),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 403, description = "The CSRF token is missing or wrong", body = ErrorBody),
        (status = 404, description = "No such sub-order among the seller's", body = ErrorBody),
        (status = 409, description = "The move does not apply now", body = ErrorBody),
        (status = 422, description = "A reason, courier or tracking number is missing or malformed", body = ErrorBody)
    )
)]
pub(super) async fn transition_sub_order(
    State(state): State<AppState>,
    headers: HeaderMap,
    me: SignedIn,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<TransitionDto>,
) -> Result<Json<SellerSubOrderDto>, AppError> {
    check_csrf(&headers)?;
    let id: odop_domain::SubOrderId = id.parse().map_err(|_| AppError::NotFound(NotFound::Object))?;
    let part = orders::sub_order(state.db(), id)
        .await?
        .filter(|p| {
            p.status != "awaiting_payment"
                && authz::may(
                    &me.actor,
                    Action::FulfilOrder {
                        seller: UserId(p.seller_user_id),
                        vendor: p.vendor_user_id.map(UserId),
                    },
                )
        })
        .ok_or(AppError::NotFound(NotFound::Object))?;
    let event =
        odop_domain::orders::OrderEvent::from_seller_action(&body.action, &body.reason, &body.courier, &body.tracking)
            .ok_or_else(|| AppError::Invalid {
                fields: vec![(
                    "action".into(),
                    "one of accept, reject, pack, ship, deliver, approve-return, refuse-return, receive-return".into(),
                )],
            })?;
    let tr = Tr::new(odop_domain::Locale::En, state.catalog().clone());
    let result = orders::transition(
        state.db(),
        id,
        &event,
        odop_domain::orders::Party::Seller,
        Some(me.user.id),
        &payments::notices(&state),
        Utc::now(),
    )
    .await;
    match result {
        Ok(_) => {}
        Err(orders::MoveError::Transition(odop_domain::orders::TransitionError::Invalid(message))) => {
            let field = match message {
                "order-courier-invalid" => "courier",
                "order-tracking-invalid" => "tracking",
                _ => "reason",
            };
            return Err(AppError::Invalid {
                fields: vec![(field.into(), tr.t(message))],
            });
        }
        Err(orders::MoveError::Transition(e)) => return Err(AppError::Conflict(e.to_string())),
        Err(orders::MoveError::Conflict) => return Err(AppError::Conflict(tr.t("order-changed"))),
        Err(orders::MoveError::NotFound) => return Err(AppError::NotFound(NotFound::Object)),
        Err(orders::MoveError::Store(e)) => return Err(e.into()),
    }
    payments::send_refunds(&state).await?;
    let part = orders::sub_order(state.db(), odop_domain::SubOrderId(part.id))
        .await?
        .ok_or(AppError::NotFound(NotFound::Object))?;
    Ok(Json(SellerSubOrderDto::with_documents(&state, &part).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CartLineDto {
    pub variant_id: i64,
    pub listing_id: i64,
    pub title: String,
    pub variant: String,
    pub quantity: i64,
    pub unit_price_paise: i64,
    /// Units available now.
    pub stock: i64,
    /// Whether it can still be bought.
    pub on_sale: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CartDto {
    pub lines: Vec<CartLineDto>,
    /// Goods on sale in the cart, inclusive of GST (delivery is priced at checkout).
    pub items_paise: i64,
}

async fn cart_of(state: &AppState, me: &SignedIn) -> Result<CartDto, AppError> {
    let lines = odop_store::carts::lines(state.db(), odop_store::carts::CartOwner::Buyer(me.user.id)).await?;
    Ok(CartDto {
        items_paise: lines
            .iter()
            .filter(|l| l.on_sale)
            .map(|l| l.line.unit_price.0 * l.line.quantity)
            .sum(),
        lines: lines
            .into_iter()
            .map(|l| CartLineDto {
                variant_id: l.line.variant,
                listing_id: l.line.listing.0,
                title: l.line.title,
                variant: l.line.variant_label,
                quantity: l.line.quantity,
                unit_price_paise: l.line.unit_price.0,
                stock: l.line.stock,
                on_sale: l.on_sale,
            })
            .collect(),
    })
}

/// The signed-in buyer's cart.
#[utoipa::path(
    get,
    path = "/api/v1/cart",
    tag = "orders",
    responses(
        (status = 200, description = "The cart", body = CartDto),
        (status = 401, description = "Nobody is signed in", body = ErrorBody)
    )
)]
pub(super) async fn get_cart(State(state): State<AppState>, me: SignedIn) -> Result<Json<CartDto>, AppError> {
    Ok(Json(cart_of(&state, &me).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CartLineInputDto {
    #[schema(minimum = 1)]
    pub variant_id: i64,
    /// 0 removes the line; at most 10, and no more than the stock.
    #[schema(minimum = 0, maximum = 10)]
    pub quantity: i64,
}

/// Sets how many of a variant the cart holds.
#[utoipa::path(
    put,
    path = "/api/v1/cart",
    tag = "orders",
    request_body = CartLineInputDto,
    params(("X-CSRF-Token" = String, Header, description = "The value of the odop_csrf cookie")),
    responses(
        (status = 200, description = "The cart after the change", body = CartDto),
        (status = 400, description = "The body is not the JSON this operation takes: not JSON, a field missing or of the wrong type", body = ErrorBody),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 403, description = "The CSRF token is missing or wrong", body = ErrorBody),
        (status = 409, description = "Not on sale, or not that many in stock", body = ErrorBody),
        (status = 422, description = "The quantity is out of range, or the cart is full", body = ErrorBody)
    )
)]
pub(super) async fn put_cart(
    State(state): State<AppState>,
    headers: HeaderMap,
    me: SignedIn,
    JsonBody(body): JsonBody<CartLineInputDto>,
) -> Result<Json<CartDto>, AppError> {
    check_csrf(&headers)?;
    let tr = Tr::new(odop_domain::Locale::En, state.catalog().clone());
    let max = odop_domain::checkout::MAX_QUANTITY;
    if !(0..=max).contains(&body.quantity) {
        return Err(AppError::Invalid {
            fields: vec![("quantity".into(), tr.t1("cart-quantity-range", "count", max))],
        });
    }
    if body.variant_id < 1 {
        return Err(AppError::Invalid {
            fields: vec![("variant_id".into(), tr.t("cart-not-on-sale"))],
        });
    }
    let owner = odop_store::carts::CartOwner::Buyer(me.user.id);
    match odop_store::carts::put(state.db(), owner, body.variant_id, body.quantity, false, Utc::now()).await {
        Ok(()) => Ok(Json(cart_of(&state, &me).await?)),
        Err(odop_store::carts::CartError::NotOnSale) => Err(AppError::Conflict(tr.t("cart-not-on-sale"))),
        Err(odop_store::carts::CartError::NotEnoughStock { available }) => {
            Err(AppError::Conflict(tr.t1("cart-only-left", "count", available)))
        }
        Err(odop_store::carts::CartError::TooMany) => Err(AppError::Invalid {
            fields: vec![("quantity".into(), tr.t1("cart-too-many", "count", max))],
        }),
        Err(odop_store::carts::CartError::Full) => Err(AppError::Invalid {
            fields: vec![(
                "variant_id".into(),
                tr.t1("cart-full", "count", odop_domain::checkout::MAX_CART_LINES),
            )],
        }),
        Err(odop_store::carts::CartError::Store(e)) => Err(e.into()),
    }
}
