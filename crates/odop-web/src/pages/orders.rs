//! A buyer's orders: history, an order's page with each seller's part and
//! its timeline, cancelling a part, paying, and the sandbox gateway's local
//! payment page.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Utc;
use odop_domain::authz::{self, Action};
use odop_domain::checkout;
use odop_domain::money::Money;
use odop_domain::orders::{FAULT_REPORT_DAYS, OrderEvent, Party, PaymentMethod, ReturnReason, TransitionError};
use odop_domain::{OrderId, SubOrderId, UserId};
use odop_pay::{SandboxOutcome, WebhookDelivery};
use odop_store::orders::{self, MoveError, OrderView};
use serde::Deserialize;

use super::{Chrome, Page, render};
use crate::AppState;
use crate::auth::csrf::CsrfForm;
use crate::documents::{self, DocumentLink};
use crate::error::{AppError, NotFound};
use crate::extract::Path;
use crate::i18n::Tr;
use crate::payments;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orders", get(history))
        .route("/orders/{id}", get(show))
        .route("/orders/{id}/pay", get(pay))
        .route("/orders/{id}/parts/{part}/cancel", post(cancel))
        .route("/orders/{id}/parts/{part}/return", post(ask_return))
        .route("/pay/sandbox/{gateway_order}", get(sandbox_page).post(sandbox_pay))
        .route("/pay/razorpay/{gateway_order}/return", post(razorpay_return))
}

fn order_id(raw: &str) -> Result<OrderId, AppError> {
    raw.parse().map_err(|_| AppError::NotFound(NotFound::Object))
}

/// The order, if `page`'s visitor placed it; otherwise not found.
pub(crate) async fn own_order(state: &AppState, page: &Page, id: OrderId) -> Result<OrderView, AppError> {
    let me = page.signed_in()?;
    let view = orders::order(state.db(), id)
        .await?
        .ok_or(AppError::NotFound(NotFound::Object))?;
    if authz::may(
        &me.actor,
        Action::ViewOrder {
            buyer: UserId(view.order.buyer_user_id),
        },
    ) {
        Ok(view)
    } else {
        Err(AppError::NotFound(NotFound::Object))
    }
}

pub struct OrderRow {
    pub href: String,
    pub number: String,
    pub placed: String,
    pub total: String,
}

#[derive(Template)]
#[template(path = "orders/index.html")]
struct HistoryPage {
    tr: Tr,
    chrome: Chrome,
    rows: Vec<OrderRow>,
}

async fn history(page: Page, State(state): State<AppState>) -> Result<Html<String>, AppError> {
    let me = page.signed_in()?;
    let rows = orders::of_buyer(state.db(), me.user.id, 100)
        .await?
        .into_iter()
        .map(|o| OrderRow {
            href: format!("/orders/{}", o.id),
            number: o.number(),
            placed: page.tr.when(o.created_at.0),
            total: Money(o.total_paise).to_string(),
        })
        .collect();
    render(&HistoryPage {
        tr: page.tr.clone(),
        chrome: page.chrome(),
        rows,
    })
}

pub struct ItemView {
    pub title: String,
    pub variant: String,
    pub quantity: i64,
    pub amount: String,
}

pub struct StepView {
    pub status: String,
    pub at: String,
    pub note: Option<String>,
}

pub struct PartView {
    pub id: i64,
    pub seller: String,
    /// The seller's phone (as dialled, as shown) and address: to reach
    /// them, and where a return goes.
    pub seller_phone: Option<(String, String)>,
    pub seller_address: Option<String>,
    /// The GSTIN the part is supplied under, if any.
    pub supplier_gstin: Option<String>,
    /// The seller charges no GST and owes a bill of supply.
    pub bill_of_supply: bool,
    /// The courier's site to track the parcel on, when odop knows it.
    pub tracking_site: Option<&'static str>,
    pub tracking_number: Option<String>,
    pub status: String,
    pub status_code: &'static str,
    pub items: Vec<ItemView>,
    pub items_total: String,
    pub delivery: String,
    pub tax: Vec<(String, String)>,
    pub total: String,
    pub shipment: Option<String>,
    /// A rejection's reason, or (in a return) the buyer's reason for it, and
    /// the message id of its label.
    pub reason: Option<String>,
    pub reason_label: &'static str,
    pub timeline: Vec<StepView>,
    pub cancellable: bool,
    /// The reasons the buyer may still give for returning it (code, words):
    /// none once the time for returns has passed.
    pub return_reasons: Vec<(&'static str, String)>,
    /// The return terms in words.
    pub return_terms: String,
    pub refund: Option<String>,
    /// Its tax invoice (or bill of supply) and credit note, once issued.
    pub documents: Vec<DocumentLink>,
}

/// An order's parts as the buyer (or the seller's desk) shows them, with
/// the documents issued for each (by part).
pub(crate) fn part_views(
    tr: &Tr,
    view: &OrderView,
    only: Option<i64>,
    documents: &[(i64, DocumentLink)],
) -> Vec<PartView> {
    let now = Utc::now();
    view.parts
        .iter()
        .filter(|p| only.is_none_or(|id| id == p.id))
        .map(|p| {
            let status = p.status();
            let mut tax = Vec::new();
            for (label, amount) in [("CGST", p.cgst_paise), ("SGST", p.sgst_paise), ("IGST", p.igst_paise)] {
                if amount > 0 {
                    tax.push((label.to_owned(), Money(amount).to_string()));
                }
            }
            let seller_address = [&p.seller_line1, &p.seller_line2, &p.seller_city, &p.seller_pin]
                .into_iter()
                .flatten()
                .filter(|line| !line.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            PartView {
                id: p.id,
                seller: p.seller_name.clone().unwrap_or_else(|| "—".into()),
                seller_phone: p
                    .seller_phone
                    .as_deref()
                    .and_then(|phone| odop_domain::identity::Phone::parse(phone).ok())
                    .map(|phone| (phone.to_string(), phone.display())),
                seller_address: (!seller_address.is_empty()).then_some(seller_address),
                supplier_gstin: p.supplier_gstin.clone(),
                bill_of_supply: p.supply_document == "bill-of-supply",
                tracking_site: p.courier.as_deref().and_then(odop_domain::orders::courier_site),
                tracking_number: p.tracking.clone(),
                status: tr.t(&format!("order-status-{}", status.code())),
                status_code: status.code(),
                items: view
                    .items
                    .iter()
                    .filter(|i| i.sub_order_id == p.id)
                    .map(|i| ItemView {
                        title: i.title.clone(),
                        variant: i.variant_label.clone(),
                        quantity: i.quantity,
                        amount: Money(i.unit_price_paise * i.quantity).to_string(),
                    })
                    .collect(),
                items_total: Money(p.items_paise).to_string(),
                delivery: Money(p.delivery_paise).to_string(),
                tax,
                total: Money(p.total_paise).to_string(),
                shipment: match (&p.courier, &p.tracking) {
                    (Some(courier), Some(tracking)) => Some(format!("{courier} · {tracking}")),
                    _ => None,
                },
                reason: if status.is_return() {
                    p.reason
                        .as_deref()
                        .and_then(ReturnReason::parse)
                        .map(|r| tr.t(&format!("return-reason-{}", r.code())))
                } else {
                    p.reason.clone()
                },
                reason_label: if status.is_return() {
                    "order-return-reason-shown"
                } else {
                    "order-reason"
                },
                timeline: view
                    .events
                    .iter()
                    .filter(|e| e.sub_order_id == p.id)
                    .map(|e| StepView {
                        status: tr.t(&format!("order-status-{}", e.status)),
                        at: tr.when(e.at.0),
                        note: e.note.clone(),
                    })
                    .collect(),
                cancellable: status.after(&OrderEvent::Cancel, Party::Buyer).is_ok(),
                return_reasons: p
                    .open_return_reasons(now)
                    .into_iter()
                    .map(|r| (r.code(), tr.t(&format!("return-reason-{}", r.code()))))
                    .collect(),
                return_terms: match p.return_terms().change_of_mind_days {
                    Some(days) => tr.t1("order-return-terms", "days", days),
                    None => tr.t1("order-return-terms-final", "days", FAULT_REPORT_DAYS),
                },
                // Only this part's refund: a whole payment given back (one the
                // order did not need) is the order's, shown with it.
                documents: documents
                    .iter()
                    .filter(|(part, _)| *part == p.id)
                    .map(|(_, link)| link.clone())
                    .collect(),
                refund: view.refunds.iter().find(|r| r.sub_order_id == Some(p.id)).map(|r| {
                    let state = if r.status == "processed" {
                        "refund-processed"
                    } else {
                        "refund-pending"
                    };
                    tr.t1(state, "amount", Money(r.amount_paise))
                }),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "orders/show.html")]
struct OrderPage {
    tr: Tr,
    chrome: Chrome,
    order_id: i64,
    number: String,
    placed: String,
    parts: Vec<PartView>,
    address: Vec<String>,
    method: String,
    payment: Option<String>,
    pay_href: Option<String>,
    items: String,
    delivery: String,
    total: String,
    /// Payments given back whole: ones the order did not need.
    returned_payments: Vec<String>,
}

async fn show(page: Page, State(state): State<AppState>, Path(id): Path<String>) -> Result<Html<String>, AppError> {
    let view = own_order(&state, &page, order_id(&id)?).await?;
    let tr = &page.tr;
    let o = &view.order;
    let awaiting = view.parts.iter().any(|p| payments::payable(p.status()));
    let state_name = checkout::state(&o.ship_state).map_or(o.ship_state.clone(), |s| {
        if tr.locale() == odop_domain::Locale::Hi {
            s.name_hi.to_owned()
        } else {
            s.name_en.to_owned()
        }
    });
    // The payment that paid the order, else the latest attempt.
    let payment = view
        .payments
        .iter()
        .find(|p| p.status == "captured")
        .or(view.payments.last())
        .map(|p| tr.t(&format!("payment-status-{}", p.status)));
    let returned_payments = view
        .refunds
        .iter()
        .filter(|r| r.sub_order_id.is_none())
        .map(|r| {
            let id = if r.status == "processed" {
                "order-payment-returned"
            } else {
                "order-payment-returning"
            };
            tr.t1(id, "amount", Money(r.amount_paise))
        })
        .collect();
    render(&OrderPage {
        tr: tr.clone(),
        chrome: page.chrome(),
        order_id: o.id,
        number: o.number(),
        placed: tr.when(o.created_at.0),
        parts: part_views(
            tr,
            &view,
            None,
            &documents::links_of_order(&state, tr, OrderId(o.id)).await?,
        ),
        address: [
            Some(o.ship_name.clone()),
            Some(o.ship_line1.clone()),
            o.ship_line2.clone(),
            Some(format!("{} {}", o.ship_city, o.ship_pin)),
            Some(state_name),
            Some(o.ship_phone.clone()),
        ]
        .into_iter()
        .flatten()
        .collect(),
        method: tr.t(&format!("payment-method-{}", o.method().code())),
        payment,
        pay_href: (awaiting && o.method() == PaymentMethod::Online).then(|| format!("/orders/{}/pay", o.id)),
        items: Money(o.items_paise).to_string(),
        delivery: Money(o.delivery_paise).to_string(),
        total: Money(o.total_paise).to_string(),
        returned_payments,
    })
}

/// Starts (or starts again, after a failure) paying for an order.
async fn pay(page: Page, State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, AppError> {
    let view = own_order(&state, &page, order_id(&id)?).await?;
    let o = &view.order;
    let awaiting = view.parts.iter().any(|p| payments::payable(p.status()));
    if !awaiting || o.method() != PaymentMethod::Online {
        return Ok(Redirect::to(&format!("/orders/{}", o.id)).into_response());
    }
    let attempt = payments::start(&state, OrderId(o.id), &o.number(), Money(o.total_paise)).await?;
    if attempt.status == "captured" {
        // Paid a moment ago, by another tab or the webhook.
        return Ok(Redirect::to(&format!("/orders/{}", o.id)).into_response());
    }
    let gateway_order = attempt.gateway_order_id;
    if state.payments().sandbox_gateway().is_some() {
        return Ok(Redirect::to(&format!("/pay/sandbox/{gateway_order}")).into_response());
    }
    // A real gateway's checkout runs in the payer's browser with the
    // gateway's script; the webhook then confirms the payment.
    let key = state
        .payments()
        .gateway()
        .checkout_key()
        .ok_or_else(|| AppError::Internal("the payment gateway has no checkout".into()))?;
    let html = render(&GatewayPage {
        tr: page.tr.clone(),
        chrome: page.chrome(),
        number: o.number(),
        amount: Money(o.total_paise).to_string(),
        amount_paise: o.total_paise,
        key: key.to_owned(),
        gateway_order,
    })?;
    Ok(html.into_response())
}

#[derive(Template)]
#[template(path = "orders/razorpay.html")]
struct GatewayPage {
    tr: Tr,
    chrome: Chrome,
    number: String,
    amount: String,
    amount_paise: i64,
    key: String,
    gateway_order: String,
}

#[derive(Deserialize)]
struct GatewayReturn {
    #[serde(default)]
    razorpay_payment_id: String,
    #[serde(default)]
    razorpay_order_id: String,
    #[serde(default)]
    razorpay_signature: String,
}

/// Where Razorpay's checkout sends the payer back. A valid signature says
/// the payment went through; the order moves when the gateway's webhook
/// confirms it, so a forged return can only show a message.
async fn razorpay_return(
    page: Page,
    State(state): State<AppState>,
    Path(gateway_order): Path<String>,
    CsrfForm(form): CsrfForm<GatewayReturn>,
) -> Result<Response, AppError> {
    let gateway = state.payments().gateway();
    if gateway.code() != "razorpay" {
        return Err(AppError::NotFound(NotFound::Route));
    }
    let (_, order) = odop_store::payments::by_gateway_order(state.db(), "razorpay", &gateway_order)
        .await?
        .ok_or(AppError::NotFound(NotFound::Object))?;
    let view = own_order(&state, &page, OrderId(order)).await?;
    let genuine = form.razorpay_order_id == gateway_order
        && gateway
            .verify_checkout(&gateway_order, &form.razorpay_payment_id, &form.razorpay_signature)
            .is_ok();
    if !genuine {
        tracing::warn!(gateway_order, "a payment return with a wrong signature");
        return Err(AppError::bad_request(
            crate::error::BadRequest::InvalidForm,
            page.tr.t("payment-return-invalid"),
        ));
    }
    Ok(super::redirect_with_notice(
        &format!("/orders/{}", view.order.id),
        "payment-confirming",
        state.config().secure_cookies,
    ))
}

/// An order and one of its parts, as in `/orders/{id}/parts/{part}/…`.
#[derive(Deserialize)]
struct PartPath {
    id: String,
    part: String,
}

/// The order and the part of it `path` names, if `page`'s visitor placed it.
async fn own_part(state: &AppState, page: &Page, path: &PartPath) -> Result<(OrderView, SubOrderId), AppError> {
    let view = own_order(state, page, order_id(&path.id)?).await?;
    let part: i64 = path.part.parse().map_err(|_| AppError::NotFound(NotFound::Object))?;
    if view.parts.iter().any(|p| p.id == part) {
        Ok((view, SubOrderId(part)))
    } else {
        Err(AppError::NotFound(NotFound::Object))
    }
}

async fn cancel(
    page: Page,
    State(state): State<AppState>,
    axum::extract::Path(path): axum::extract::Path<PartPath>,
    CsrfForm(_): CsrfForm<super::Nothing>,
) -> Result<Response, AppError> {
    let (view, part) = own_part(&state, &page, &path).await?;
    let me = page.signed_in()?;
    match orders::transition(
        state.db(),
        part,
        &OrderEvent::Cancel,
        Party::Buyer,
        Some(me.user.id),
        &payments::notices(&state),
        Utc::now(),
    )
    .await
    {
        Ok(_) => {
            payments::send_refunds(&state).await?;
            Ok(super::redirect_with_notice(
                &format!("/orders/{}", view.order.id),
                "order-cancelled",
                state.config().secure_cookies,
            ))
        }
        Err(MoveError::Transition(_) | MoveError::Conflict) => {
            Err(AppError::Conflict(page.tr.t("order-cannot-cancel")))
        }
        Err(MoveError::NotFound) => Err(AppError::NotFound(NotFound::Object)),
        Err(MoveError::Store(e)) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct ReturnForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
}

/// The buyer asks to send a delivered part back; its seller is told.
async fn ask_return(
    page: Page,
    State(state): State<AppState>,
    axum::extract::Path(path): axum::extract::Path<PartPath>,
    CsrfForm(form): CsrfForm<ReturnForm>,
) -> Result<Response, AppError> {
    let (view, part) = own_part(&state, &page, &path).await?;
    let me = page.signed_in()?;
    let Some(reason) = ReturnReason::parse(&form.reason) else {
        return Err(AppError::bad_request(
            crate::error::BadRequest::InvalidForm,
            page.tr.t("order-return-reason"),
        ));
    };
    let event = OrderEvent::RequestReturn {
        reason,
        note: form.note.trim().to_owned(),
    };
    match orders::transition(
        state.db(),
        part,
        &event,
        Party::Buyer,
        Some(me.user.id),
        &payments::notices(&state),
        Utc::now(),
    )
    .await
    {
        Ok(_) => Ok(super::redirect_with_notice(
            &format!("/orders/{}", view.order.id),
            "return-requested",
            state.config().secure_cookies,
        )),
        Err(MoveError::Transition(TransitionError::Invalid(message))) => Err(AppError::bad_request(
            crate::error::BadRequest::InvalidForm,
            page.tr.t(message),
        )),
        Err(MoveError::Transition(_) | MoveError::Conflict) => {
            Err(AppError::Conflict(page.tr.t("order-transition-not-now")))
        }
        Err(MoveError::NotFound) => Err(AppError::NotFound(NotFound::Object)),
        Err(MoveError::Store(e)) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "orders/sandbox.html")]
struct SandboxPage {
    tr: Tr,
    chrome: Chrome,
    number: String,
    amount: String,
    gateway_order: String,
}

/// The sandbox payment the visitor may act on: theirs, still open.
async fn sandbox_payment(state: &AppState, page: &Page, gateway_order: &str) -> Result<(OrderView, i64), AppError> {
    if state.payments().sandbox_gateway().is_none() {
        return Err(AppError::NotFound(NotFound::Route));
    }
    let (payment, order) = odop_store::payments::by_gateway_order(state.db(), "sandbox", gateway_order)
        .await?
        .ok_or(AppError::NotFound(NotFound::Object))?;
    let view = own_order(state, page, OrderId(order)).await?;
    // Only an open attempt can be paid; a closed one sends the payer back
    // to the order, whose page offers a fresh attempt if one is needed.
    if payment.status != "created" {
        return Err(AppError::Conflict(page.tr.t("payment-attempt-closed")));
    }
    Ok((view, payment.amount_paise))
}

async fn sandbox_page(
    page: Page,
    State(state): State<AppState>,
    Path(gateway_order): Path<String>,
) -> Result<Response, AppError> {
    let (view, amount) = sandbox_payment(&state, &page, &gateway_order).await?;
    let html = render(&SandboxPage {
        tr: page.tr.clone(),
        chrome: page.chrome(),
        number: view.order.number(),
        amount: Money(amount).to_string(),
        gateway_order,
    })?;
    Ok(html.into_response())
}

#[derive(Deserialize)]
struct SandboxForm {
    #[serde(default)]
    method: String,
    #[serde(default)]
    outcome: String,
}

/// The payer's choice comes back as the gateway's signed event, through the
/// same function the webhook route uses.
async fn sandbox_pay(
    page: Page,
    State(state): State<AppState>,
    Path(gateway_order): Path<String>,
    CsrfForm(form): CsrfForm<SandboxForm>,
) -> Result<Response, AppError> {
    let (view, amount) = sandbox_payment(&state, &page, &gateway_order).await?;
    let sandbox = state
        .payments()
        .sandbox_gateway()
        .ok_or(AppError::NotFound(NotFound::Route))?;
    let method = if form.method == "card" { "card" } else { "upi" };
    let outcome = if form.outcome == "success" {
        SandboxOutcome::Success
    } else {
        SandboxOutcome::Failure
    };
    let event = sandbox.simulate(&gateway_order, amount, method, outcome);
    let delivery = WebhookDelivery {
        signature: Some(&event.signature),
        event_id: Some(&event.event_id),
        body: &event.body,
    };
    if let Err(refusal) = payments::receive(&state, "sandbox", &delivery).await? {
        return Err(AppError::Internal(format!(
            "the sandbox's own event was refused: {refusal}"
        )));
    }
    let notice = match outcome {
        SandboxOutcome::Success => "payment-received",
        SandboxOutcome::Failure => "payment-failed",
    };
    Ok(super::redirect_with_notice(
        &format!("/orders/{}", view.order.id),
        notice,
        state.config().secure_cookies,
    ))
}
