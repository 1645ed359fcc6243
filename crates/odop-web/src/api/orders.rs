//! Orders and payments through the API: placing an order (idempotent by
//! its `Idempotency-Key`), reading one, and the payment gateways' webhooks.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::Utc;
use odop_domain::UserId;
use odop_domain::authz::{self, Action};
use odop_domain::checkout::{AddressInput, CheckoutError, DeliveryAddress};
use odop_domain::money::Money;
use odop_domain::orders::PaymentMethod;
use odop_pay::WebhookDelivery;
use odop_store::orders::{self, NewsOutcome, OrderView, PlaceError, PlaceOrder};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::catalogue::check_csrf;
use crate::AppState;
use crate::auth::SignedIn;
use crate::error::{AppError, BadRequest, ErrorBody, NotFound};
use crate::extract::{Json as JsonBody, Path};
use crate::i18n::Tr;
use crate::pages::forms::Errors;
use crate::payments::{self, WebhookRefusal};

#[derive(Debug, Deserialize, ToSchema)]
pub struct OrderLineDto {
    pub variant_id: i64,
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
    pub items: Vec<OrderLineDto>,
    pub address: AddressDto,
    /// `online` (through the payment gateway) or `cod`.
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
    fn new(view: &OrderView) -> Self {
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

fn sold_out(error: &CheckoutError) -> AppError {
    AppError::Conflict(match error {
        CheckoutError::NotEnoughStock { title, .. } => format!("sold out: {title}"),
        other => other.to_string(),
    })
}

/// Places an order for the signed-in buyer. Sending the same
/// `Idempotency-Key` again returns the same order (200) instead of a new
/// one (201). Online orders hold their stock until paid (15 minutes by
/// default) and start a payment with the gateway.
#[utoipa::path(
    post,
    path = "/api/v1/orders",
    tag = "orders",
    request_body = PlaceOrderDto,
    params(
        ("Idempotency-Key" = String, Header, description = "16 to 100 characters, unique per order the buyer means to place"),
        ("X-CSRF-Token" = String, Header, description = "The value of the odop_csrf cookie")
    ),
    responses(
        (status = 201, description = "Placed", body = OrderDto),
        (status = 200, description = "Placed before with this key", body = OrderDto),
        (status = 400, description = "No or malformed Idempotency-Key, or a malformed body", body = ErrorBody),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 403, description = "The CSRF token is missing or wrong", body = ErrorBody),
        (status = 409, description = "Sold out, no longer on sale, or cash on delivery not available", body = ErrorBody),
        (status = 422, description = "The address or choices break a rule; `fields` says which", body = ErrorBody)
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
    let input = AddressInput {
        name: a.name,
        phone: a.phone,
        line1: a.line1,
        line2: a.line2,
        city: a.city,
        state: a.state,
        pin: a.pin,
    };
    let mut errors = Errors::default();
    let address = DeliveryAddress::parse(&input)
        .map_err(|problems| errors = Errors::from_fields(&tr, &problems))
        .ok();
    let method = PaymentMethod::parse(&body.payment_method);
    if method.is_none() {
        errors.add("payment_method", tr.t("checkout-method-required"));
    }
    if !body.accept_terms {
        errors.add("accept_terms", tr.t("checkout-terms-required"));
    }
    if body.items.is_empty() || body.items.len() > odop_domain::checkout::MAX_CART_LINES {
        errors.add("items", tr.t("checkout-empty"));
    }
    let (Some(address), Some(method), true) = (address, method, errors.is_empty()) else {
        return Err(AppError::Invalid {
            fields: errors.into_pairs(),
        });
    };
    let mut items: Vec<(i64, i64)> = body.items.iter().map(|l| (l.variant_id, l.quantity)).collect();
    items.sort_unstable();
    items.dedup_by_key(|i| i.0);
    let request = PlaceOrder {
        buyer: me.user.id,
        idempotency_key: &key,
        address: &address,
        method,
        items: &items,
        hold: state.config().payment_hold(),
    };
    let placed = match orders::place(state.db(), &request, &payments::notices(&state), Utc::now()).await {
        Ok(placed) => placed,
        Err(PlaceError::Checkout(CheckoutError::TooMany)) => {
            return Err(AppError::Invalid {
                fields: vec![(
                    "items".into(),
                    tr.t1("cart-too-many", "count", odop_domain::checkout::MAX_QUANTITY),
                )],
            });
        }
        Err(PlaceError::Checkout(error)) => return Err(sold_out(&error)),
        Err(PlaceError::Store(error)) => return Err(error.into()),
    };
    let mut view = orders::order(state.db(), placed.order)
        .await?
        .ok_or(AppError::NotFound(NotFound::Object))?;
    if method == PaymentMethod::Online && view.payments.is_empty() {
        payments::start(
            &state,
            placed.order,
            &view.order.number(),
            Money(view.order.total_paise),
        )
        .await?;
        view = orders::order(state.db(), placed.order)
            .await?
            .ok_or(AppError::NotFound(NotFound::Object))?;
    }
    let status = if placed.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(OrderDto::new(&view))))
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
    let id = id.parse().map_err(|_| AppError::NotFound(NotFound::Object))?;
    let view = orders::order(state.db(), id)
        .await?
        .filter(|v| {
            authz::may(
                &me.actor,
                Action::ViewOrder {
                    buyer: UserId(v.order.buyer_user_id),
                },
            )
        })
        .ok_or(AppError::NotFound(NotFound::Object))?;
    Ok(Json(OrderDto::new(&view)))
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
        ("X-Razorpay-Signature" = String, Header, description = "Hex HMAC-SHA256 of the raw body with the webhook secret"),
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
