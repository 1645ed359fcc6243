//! The seller's order desk: new orders first; accept or reject with a
//! reason, mark packed, shipped (courier and tracking number) and
//! delivered; approve or refuse a return, and mark it received (which
//! refunds the buyer); a printable packing slip. A vendor keeps its
//! sub-vendors' orders here too.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;
use odop_domain::authz::{self, Action};
use odop_domain::money::Money;
use odop_domain::orders::{OrderEvent, Party, SubOrderStatus};
use odop_domain::{OrderId, SubOrderId, UserId};
use odop_store::orders::{self, MoveError, OrderView, SubOrderRecord};
use serde::Deserialize;

use super::forms::Errors;
use super::orders::{PartView, part_views};
use super::{Chrome, Page, render};
use crate::AppState;
use crate::auth::SignedIn;
use crate::auth::csrf::CsrfForm;
use crate::documents;
use crate::error::{AppError, NotFound};
use crate::extract::Path;
use crate::i18n::Tr;
use crate::payments;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sell/orders", get(desk))
        .route("/sell/orders/{id}", get(detail).post(act))
        .route("/sell/orders/{id}/slip", get(slip))
        .route("/sell/terms", get(terms_form).post(save_terms))
}

pub struct DeskRow {
    pub href: String,
    pub number: String,
    pub status: String,
    pub status_code: &'static str,
    pub total: String,
    pub placed: String,
    pub accept_by: Option<String>,
}

#[derive(Template)]
#[template(path = "order_desk/index.html")]
struct DeskPage {
    tr: Tr,
    chrome: Chrome,
    rows: Vec<DeskRow>,
}

async fn desk(page: Page, State(state): State<AppState>) -> Result<Html<String>, AppError> {
    let me = page.signed_in()?;
    let tr = &page.tr;
    let rows = orders::for_seller(state.db(), me.user.id, 200)
        .await?
        .into_iter()
        .map(|p| DeskRow {
            href: format!("/sell/orders/{}", p.id),
            number: format!("{}-{}", odop_domain::orders::order_number(p.order_id), p.id),
            status: tr.t(&format!("order-status-{}", p.status)),
            status_code: p.status().code(),
            total: Money(p.total_paise).to_string(),
            placed: tr.when(p.created_at.0),
            accept_by: matches!(p.status(), SubOrderStatus::Placed | SubOrderStatus::ReturnRequested)
                .then(|| p.accept_by.map(|t| tr.when(t.0)))
                .flatten(),
        })
        .collect();
    render(&DeskPage {
        tr: tr.clone(),
        chrome: page.chrome(),
        rows,
    })
}

/// The sub-order with its order, if `me` fulfils it; otherwise not found.
async fn my_part(state: &AppState, me: &SignedIn, raw: &str) -> Result<(SubOrderRecord, OrderView), AppError> {
    let id: SubOrderId = raw.parse().map_err(|_| AppError::NotFound(NotFound::Object))?;
    let part = orders::sub_order(state.db(), id)
        .await?
        .ok_or(AppError::NotFound(NotFound::Object))?;
    let allowed = authz::may(
        &me.actor,
        Action::FulfilOrder {
            seller: UserId(part.seller_user_id),
            vendor: part.vendor_user_id.map(UserId),
        },
    );
    if !allowed || part.status() == SubOrderStatus::AwaitingPayment {
        return Err(AppError::NotFound(NotFound::Object));
    }
    let view = orders::order(state.db(), OrderId(part.order_id))
        .await?
        .ok_or(AppError::NotFound(NotFound::Object))?;
    Ok((part, view))
}

#[derive(Template)]
#[template(path = "order_desk/detail.html")]
struct DetailPage {
    tr: Tr,
    chrome: Chrome,
    number: String,
    part: PartView,
    address: Vec<String>,
    actions: Vec<&'static str>,
    error: Option<String>,
    courier: String,
    tracking: String,
    reason: String,
}

/// What the seller may do next, in the order of the life cycle.
fn next_actions(status: SubOrderStatus) -> Vec<&'static str> {
    odop_domain::orders::SELLER_ACTIONS
        .into_iter()
        .filter(|action| {
            let probe =
                OrderEvent::from_seller_action(action, "a reason", "Courier", "TRACK1234").expect("known action");
            status.after(&probe, Party::Seller).is_ok()
        })
        .collect()
}

fn address(tr: &Tr, view: &OrderView) -> Vec<String> {
    let o = &view.order;
    [
        Some(o.ship_name.clone()),
        Some(o.ship_line1.clone()),
        o.ship_line2.clone(),
        Some(format!("{} {}", o.ship_city, o.ship_pin)),
        odop_domain::checkout::state(&o.ship_state).map(|s| match tr.locale() {
            odop_domain::Locale::Hi => s.name_hi.to_owned(),
            odop_domain::Locale::En => s.name_en.to_owned(),
        }),
        Some(o.ship_phone.clone()),
    ]
    .into_iter()
    .flatten()
    .collect()
}

async fn detail_page(
    page: &Page,
    state: &AppState,
    raw: &str,
    error: Option<String>,
    form: &ActionForm,
) -> Result<Response, AppError> {
    let me = page.signed_in()?;
    let (part, view) = my_part(state, me, raw).await?;
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let html = render(&DetailPage {
        tr: page.tr.clone(),
        chrome: page.chrome(),
        number: view.order.number(),
        part: part_views(
            &page.tr,
            &view,
            Some(part.id),
            &documents::links_of_order(state, &page.tr, OrderId(view.order.id)).await?,
        )
        .remove(0),
        address: address(&page.tr, &view),
        actions: next_actions(part.status()),
        error,
        courier: form.courier.clone(),
        tracking: form.tracking.clone(),
        reason: form.reason.clone(),
    })?;
    Ok((status, html).into_response())
}

async fn detail(page: Page, State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, AppError> {
    detail_page(&page, &state, &id, None, &ActionForm::default()).await
}

#[derive(Default, Deserialize)]
struct ActionForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    courier: String,
    #[serde(default)]
    tracking: String,
}

async fn act(
    page: Page,
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ActionForm>,
) -> Result<Response, AppError> {
    let me = page.signed_in()?;
    let (part, _) = my_part(&state, me, &id).await?;
    let Some(event) = OrderEvent::from_seller_action(&form.action, &form.reason, &form.courier, &form.tracking) else {
        return detail_page(&page, &state, &id, Some(page.tr.t("order-transition-not-now")), &form).await;
    };
    let result = orders::transition(
        state.db(),
        SubOrderId(part.id),
        &event,
        Party::Seller,
        Some(me.user.id),
        &payments::notices(&state),
        Utc::now(),
    )
    .await;
    match result {
        Ok(_) => {
            payments::send_refunds(&state).await?;
            Ok(super::redirect_with_notice(
                &format!("/sell/orders/{}", part.id),
                "order-updated",
                state.config().secure_cookies,
            ))
        }
        Err(MoveError::Transition(error)) => {
            detail_page(&page, &state, &id, Some(page.tr.t(error.message_id())), &form).await
        }
        Err(MoveError::Conflict) => detail_page(&page, &state, &id, Some(page.tr.t("order-changed")), &form).await,
        Err(MoveError::NotFound) => Err(AppError::NotFound(NotFound::Object)),
        Err(MoveError::Store(e)) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "order_desk/slip.html")]
struct SlipPage {
    tr: Tr,
    number: String,
    part: PartView,
    address: Vec<String>,
    /// The site's stylesheet: the page's own rules would need an inline
    /// style, which the Content Security Policy forbids.
    css_href: &'static str,
}

/// A packing slip, to print and put in the parcel.
async fn slip(page: Page, State(state): State<AppState>, Path(id): Path<String>) -> Result<Html<String>, AppError> {
    let me = page.signed_in()?;
    let (part, view) = my_part(&state, me, &id).await?;
    let parts = part_views(&page.tr, &view, Some(part.id), &[]);
    render(&SlipPage {
        tr: page.tr.clone(),
        number: format!("{}-{}", view.order.number(), part.id),
        css_href: page.chrome().css_href,
        part: parts.into_iter().next().expect("the part is in its order"),
        address: address(&page.tr, &view),
    })
}

#[derive(Template)]
#[template(path = "order_desk/terms.html")]
struct TermsPage {
    tr: Tr,
    chrome: Chrome,
    flat: String,
    free_from: String,
    cod_allowed: bool,
    cod_limit: String,
    errors: Errors,
}

fn as_seller(page: &Page) -> Result<&SignedIn, AppError> {
    let me = page.signed_in()?;
    if authz::may(&me.actor, Action::PublishListings) {
        Ok(me)
    } else {
        Err(AppError::NotFound(NotFound::Object))
    }
}

fn rupees(money: Money) -> String {
    money.to_input()
}

/// A seller's delivery charge and cash-on-delivery rule.
async fn terms_form(page: Page, State(state): State<AppState>) -> Result<Html<String>, AppError> {
    let me = as_seller(&page)?;
    let (delivery, cod) = orders::seller_terms(state.db(), me.user.id).await?;
    render(&TermsPage {
        tr: page.tr.clone(),
        chrome: page.chrome(),
        flat: rupees(delivery.flat),
        free_from: delivery.free_from.map(rupees).unwrap_or_default(),
        cod_allowed: cod.allowed,
        cod_limit: rupees(cod.limit),
        errors: Errors::default(),
    })
}

#[derive(Deserialize)]
struct TermsForm {
    #[serde(default)]
    flat: String,
    #[serde(default)]
    free_from: String,
    #[serde(default)]
    cod_allowed: String,
    #[serde(default)]
    cod_limit: String,
}

/// An amount that may be zero (a free delivery), typed in rupees.
fn amount(input: &str) -> Result<Money, odop_domain::money::MoneyError> {
    if input.trim() == "0" {
        Ok(Money(0))
    } else {
        Money::parse_price(input)
    }
}

async fn save_terms(
    page: Page,
    State(state): State<AppState>,
    CsrfForm(form): CsrfForm<TermsForm>,
) -> Result<Response, AppError> {
    let me = as_seller(&page)?;
    let tr = &page.tr;
    let mut errors = Errors::default();
    let flat = amount(&form.flat)
        .map_err(|e| errors.add("flat", tr.t(e.message_id())))
        .ok();
    let free_from = if form.free_from.trim().is_empty() {
        Some(None)
    } else {
        Money::parse_price(&form.free_from)
            .map(Some)
            .map_err(|e| errors.add("free_from", tr.t(e.message_id())))
            .ok()
    };
    let cod_limit = amount(&form.cod_limit)
        .map_err(|e| errors.add("cod_limit", tr.t(e.message_id())))
        .ok();
    let (Some(flat), Some(free_from), Some(cod_limit), true) = (flat, free_from, cod_limit, errors.is_empty()) else {
        let html = render(&TermsPage {
            tr: tr.clone(),
            chrome: page.chrome(),
            flat: form.flat,
            free_from: form.free_from,
            cod_allowed: form.cod_allowed == "yes",
            cod_limit: form.cod_limit,
            errors,
        })?;
        return Ok((StatusCode::BAD_REQUEST, html).into_response());
    };
    let delivery = odop_domain::checkout::DeliveryRule { flat, free_from };
    let cod = odop_domain::checkout::CodRule {
        allowed: form.cod_allowed == "yes",
        limit: cod_limit,
    };
    orders::set_seller_terms(state.db(), me.user.id, delivery, cod, Utc::now()).await?;
    Ok(super::redirect_with_notice(
        "/sell/terms",
        "terms-saved",
        state.config().secure_cookies,
    ))
}
