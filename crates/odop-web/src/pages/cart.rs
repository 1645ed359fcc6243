//! The cart and checkout, as plain forms that work without JavaScript. A
//! guest's cart lives under a random token in a cookie and joins the
//! buyer's cart at sign-in; checkout needs a signed-in buyer.

use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Utc;
use odop_domain::checkout::{self, AddressInput, CheckoutError, Quote, STATES};
use odop_domain::money::Money;
use odop_domain::orders::PaymentMethod;
use odop_store::carts::{self, CartError, CartLine, CartOwner};
use odop_store::orders as store_orders;
use serde::Deserialize;

use super::forms::Errors;
use super::{Chrome, Page, render};
use crate::AppState;
use crate::auth::crypto;
use crate::auth::csrf::CsrfForm;
use crate::checkout::{self as checkout_use_case, OrderRequest, Refusal};
use crate::error::AppError;
use crate::i18n::{Arg, Tr};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cart", get(show))
        .route("/cart/add", post(add))
        .route("/cart/update", post(update))
        .route("/checkout", get(checkout_form).post(place))
}

/// The cookie holding a guest's cart token.
pub const CART_COOKIE: &str = "odop_cart";

/// The hash of the guest cart token in the request, if any.
pub struct CartCookie(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for CartCookie {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(CartCookie(
            crate::auth::cookie(&parts.headers, CART_COOKIE)
                .filter(|t| t.len() >= 32 && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
                .map(crypto::token_hash),
        ))
    }
}

/// Whose cart this request acts on; for a guest without a cart yet, a new
/// token whose cookie the response must set.
fn owner<'a>(page: &Page, cookie: &'a CartCookie, fresh: &'a mut Option<(String, String)>) -> CartOwner<'a> {
    if let Some(me) = &page.visitor {
        return CartOwner::Buyer(me.user.id);
    }
    if let Some(hash) = &cookie.0 {
        return CartOwner::Guest(hash);
    }
    let token = crypto::new_token();
    let hash = crypto::token_hash(&token);
    *fresh = Some((token, hash));
    CartOwner::Guest(&fresh.as_ref().expect("just set").1)
}

pub struct CartRow {
    pub variant: i64,
    pub href: String,
    pub title: String,
    pub variant_label: String,
    pub unit_price: String,
    pub quantity: i64,
    pub amount: String,
    pub problem: Option<String>,
}

pub struct SellerPart {
    pub seller: String,
    pub items: String,
    pub delivery: String,
    pub total: String,
}

pub struct Summary {
    pub parts: Vec<SellerPart>,
    pub items: String,
    pub tax: String,
    pub delivery: String,
    pub total: String,
    pub total_paise: i64,
    pub cod: bool,
}

#[derive(Template)]
#[template(path = "cart/show.html")]
struct CartPage {
    tr: Tr,
    chrome: Chrome,
    rows: Vec<CartRow>,
    summary: Option<Summary>,
    problem: Option<String>,
}

fn title_of(tr: &Tr, line: &CartLine) -> String {
    match (tr.locale(), &line.title_hi) {
        (odop_domain::Locale::Hi, Some(hi)) => hi.clone(),
        _ => line.line.title.clone(),
    }
}

fn rows(tr: &Tr, lines: &[CartLine]) -> Vec<CartRow> {
    lines
        .iter()
        .map(|l| CartRow {
            variant: l.line.variant,
            href: format!("/p/{}/{}", l.line.listing.0, l.slug),
            title: title_of(tr, l),
            variant_label: l.line.variant_label.clone(),
            unit_price: l.line.unit_price.to_string(),
            quantity: l.line.quantity,
            amount: Money(l.line.unit_price.0 * l.line.quantity).to_string(),
            problem: if !l.on_sale {
                Some(tr.t("cart-not-on-sale"))
            } else if l.line.stock < l.line.quantity {
                Some(tr.t1("cart-only-left", "count", l.line.stock.max(0)))
            } else {
                None
            },
        })
        .collect()
}

async fn seller_names(state: &AppState, quote: &Quote) -> Result<Vec<String>, AppError> {
    let mut names = Vec::new();
    for part in &quote.sellers {
        let actor_name = odop_store::catalogue::seller_name(state.db(), part.seller).await?;
        names.push(actor_name.unwrap_or_else(|| "—".into()));
    }
    Ok(names)
}

async fn summary(state: &AppState, quote: &Quote) -> Result<Summary, AppError> {
    let names = seller_names(state, quote).await?;
    Ok(Summary {
        parts: quote
            .sellers
            .iter()
            .zip(names)
            .map(|(part, seller)| SellerPart {
                seller,
                items: part.items.to_string(),
                delivery: part.delivery.to_string(),
                total: part.total.to_string(),
            })
            .collect(),
        items: quote.items.to_string(),
        tax: quote.tax.total().to_string(),
        delivery: quote.delivery.to_string(),
        total: quote.total.to_string(),
        total_paise: quote.total.0,
        cod: quote.cod_possible(),
    })
}

fn buyable(lines: &[CartLine]) -> Vec<(i64, i64)> {
    lines
        .iter()
        .filter(|l| l.on_sale)
        .map(|l| (l.line.variant, l.line.quantity))
        .collect()
}

fn checkout_problem(tr: &Tr, error: &CheckoutError) -> String {
    match error {
        CheckoutError::NotEnoughStock { title, available } => tr.with(
            "checkout-sold-out",
            &[
                ("title", Arg::from(title.as_str())),
                ("count", Arg::from(*available as usize)),
            ],
        ),
        CheckoutError::NotOnSale { title } => tr.t1("checkout-not-on-sale", "title", title),
        CheckoutError::OnlyWithinUp { title } => tr.t1("checkout-only-within-up", "title", title),
        other => tr.t(other.message_id()),
    }
}

async fn cart_page(
    page: &Page,
    state: &AppState,
    owner: CartOwner<'_>,
    problem: Option<String>,
) -> Result<Html<String>, AppError> {
    let lines = carts::lines(state.db(), owner).await?;
    let items = buyable(&lines);
    let (summary, problem) = if items.is_empty() {
        (None, problem)
    } else {
        match store_orders::quote(state.db(), checkout::UTTAR_PRADESH, &items, Utc::now()).await? {
            Ok(quote) => (Some(summary(state, &quote).await?), problem),
            Err(error) => (None, problem.or(Some(checkout_problem(&page.tr, &error)))),
        }
    };
    render(&CartPage {
        tr: page.tr.clone(),
        chrome: page.chrome(),
        rows: rows(&page.tr, &lines),
        summary,
        problem,
    })
}

async fn show(page: Page, State(state): State<AppState>, cookie: CartCookie) -> Result<Html<String>, AppError> {
    let mut fresh = None;
    let owner = match (&page.visitor, &cookie.0) {
        (None, None) => {
            return render(&CartPage {
                tr: page.tr.clone(),
                chrome: page.chrome(),
                rows: Vec::new(),
                summary: None,
                problem: None,
            });
        }
        _ => owner(&page, &cookie, &mut fresh),
    };
    cart_page(&page, &state, owner, None).await
}

#[derive(Deserialize)]
struct CartForm {
    variant: String,
    #[serde(default)]
    quantity: String,
}

async fn change(
    page: Page,
    state: AppState,
    cookie: CartCookie,
    form: CartForm,
    add: bool,
) -> Result<Response, AppError> {
    let variant: i64 = form
        .variant
        .trim()
        .parse()
        .map_err(|_| AppError::NotFound(crate::error::NotFound::Object))?;
    let quantity: i64 = if form.quantity.trim().is_empty() && add {
        1
    } else {
        match form.quantity.trim().parse() {
            Ok(q) if (0..=checkout::MAX_QUANTITY).contains(&q) => q,
            _ => checkout::MAX_QUANTITY + 1,
        }
    };
    let mut fresh = None;
    let owner = owner(&page, &cookie, &mut fresh);
    let result = carts::put(state.db(), owner, variant, quantity, add, Utc::now()).await;
    let problem = match result {
        Ok(()) => None,
        Err(CartError::Store(e)) => return Err(e.into()),
        Err(CartError::NotOnSale) => Some(page.tr.t("cart-not-on-sale")),
        Err(CartError::NotEnoughStock { available }) => Some(page.tr.t1("cart-only-left", "count", available)),
        Err(CartError::TooMany) => Some(page.tr.t1("cart-too-many", "count", checkout::MAX_QUANTITY)),
        Err(CartError::Full) => Some(page.tr.t1("cart-full", "count", checkout::MAX_CART_LINES)),
    };
    let mut response = match problem {
        None => Redirect::to("/cart").into_response(),
        Some(problem) => {
            let html = cart_page(&page, &state, owner, Some(problem)).await?;
            (StatusCode::BAD_REQUEST, html).into_response()
        }
    };
    if let Some((token, _)) = fresh {
        let max_age = 30 * 24 * 3600;
        response.headers_mut().append(
            header::SET_COOKIE,
            crate::auth::set_cookie(CART_COOKIE, &token, max_age, state.config().secure_cookies),
        );
    }
    Ok(response)
}

async fn add(
    page: Page,
    State(state): State<AppState>,
    cookie: CartCookie,
    CsrfForm(form): CsrfForm<CartForm>,
) -> Result<Response, AppError> {
    change(page, state, cookie, form, true).await
}

async fn update(
    page: Page,
    State(state): State<AppState>,
    cookie: CartCookie,
    CsrfForm(form): CsrfForm<CartForm>,
) -> Result<Response, AppError> {
    change(page, state, cookie, form, false).await
}

pub struct StateOption {
    pub code: &'static str,
    pub name: &'static str,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "cart/checkout.html")]
struct CheckoutPage {
    tr: Tr,
    chrome: Chrome,
    rows: Vec<CartRow>,
    summary: Summary,
    address: AddressInput,
    states: Vec<StateOption>,
    method: String,
    key: String,
    errors: Errors,
}

fn state_options(tr: &Tr, selected: &str) -> Vec<StateOption> {
    STATES
        .iter()
        .map(|s| StateOption {
            code: s.code,
            name: if tr.locale() == odop_domain::Locale::Hi {
                s.name_hi
            } else {
                s.name_en
            },
            selected: s.code == selected,
        })
        .collect()
}

async fn checkout_page(
    page: &Page,
    state: &AppState,
    address: AddressInput,
    method: String,
    key: String,
    errors: Errors,
) -> Result<Response, AppError> {
    let me = page.signed_in()?;
    let lines = carts::lines(state.db(), CartOwner::Buyer(me.user.id)).await?;
    let items = buyable(&lines);
    if items.is_empty() {
        return Ok(Redirect::to("/cart").into_response());
    }
    let region = if address.state.is_empty() {
        checkout::UTTAR_PRADESH
    } else {
        address.state.as_str()
    };
    let quote = match store_orders::quote(state.db(), region, &items, Utc::now()).await? {
        Ok(quote) => quote,
        Err(error) => {
            let html = cart_page(
                page,
                state,
                CartOwner::Buyer(me.user.id),
                Some(checkout_problem(&page.tr, &error)),
            )
            .await?;
            return Ok((StatusCode::CONFLICT, html).into_response());
        }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let html = render(&CheckoutPage {
        tr: page.tr.clone(),
        chrome: page.chrome(),
        rows: rows(&page.tr, &lines),
        summary: summary(state, &quote).await?,
        states: state_options(&page.tr, &address.state),
        address,
        method,
        key,
        errors,
    })?;
    Ok((status, html).into_response())
}

async fn checkout_form(page: Page, State(state): State<AppState>) -> Result<Response, AppError> {
    let me = page.signed_in()?;
    let address = AddressInput {
        phone: me.user.phone.as_ref().map(|p| p.display()).unwrap_or_default(),
        name: me.user.display_name.clone().unwrap_or_default(),
        state: checkout::UTTAR_PRADESH.into(),
        ..AddressInput::default()
    };
    checkout_page(
        &page,
        &state,
        address,
        "online".into(),
        crypto::new_token(),
        Errors::default(),
    )
    .await
}

#[derive(Deserialize)]
struct CheckoutForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    line1: String,
    #[serde(default)]
    line2: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    pin: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    accept_terms: String,
    /// Makes a double-submitted form one order.
    #[serde(default)]
    key: String,
    /// The total the buyer saw: if it changed, they confirm again.
    #[serde(default)]
    total_paise: String,
}

async fn place(
    page: Page,
    State(state): State<AppState>,
    CsrfForm(form): CsrfForm<CheckoutForm>,
) -> Result<Response, AppError> {
    let me = page.signed_in()?.clone();
    let tr = &page.tr;
    let address = AddressInput {
        name: form.name,
        phone: form.phone,
        line1: form.line1,
        line2: form.line2,
        city: form.city,
        state: form.state,
        pin: form.pin,
    };
    let key = if (16..=100).contains(&form.key.len()) {
        form.key.clone()
    } else {
        crypto::new_token()
    };
    // A form submitted twice (a double tap, a reload) is the order it
    // already placed, whatever the cart holds now.
    if let Some(order) = store_orders::by_key(state.db(), me.user.id, &key).await? {
        return Ok(Redirect::to(&format!("/orders/{order}")).into_response());
    }
    let lines = carts::lines(state.db(), CartOwner::Buyer(me.user.id)).await?;
    let request = OrderRequest {
        buyer: me.user.id,
        key: key.clone(),
        address: address.clone(),
        method: form.method.clone(),
        accept_terms: form.accept_terms == "yes",
        items: buyable(&lines),
        // A form without the total it showed is not one this site made.
        shown_total: Some(Money(form.total_paise.trim().parse().unwrap_or(-1))),
    };
    let placed = match checkout_use_case::place_order(&state, &request).await? {
        Ok(placed) => placed,
        Err(Refusal::Fields(problems)) => {
            let errors = Errors::from_fields(tr, &problems);
            return checkout_page(&page, &state, address, form.method, key, errors).await;
        }
        Err(Refusal::TotalChanged(total)) => {
            let mut errors = Errors::default();
            errors.add("total", tr.t1("checkout-total-changed", "total", total));
            return checkout_page(&page, &state, address, form.method, key, errors).await;
        }
        Err(Refusal::Checkout(CheckoutError::CodNotAvailable)) => {
            let mut errors = Errors::default();
            errors.add("method", tr.t("checkout-cod-unavailable"));
            return checkout_page(&page, &state, address, "online".into(), key, errors).await;
        }
        Err(Refusal::Checkout(error)) => {
            let html = cart_page(
                &page,
                &state,
                CartOwner::Buyer(me.user.id),
                Some(checkout_problem(tr, &error)),
            )
            .await?;
            return Ok((StatusCode::CONFLICT, html).into_response());
        }
        // Only a form sent twice at once gets here: the other placed it.
        Err(Refusal::KeyReused) => {
            let order = store_orders::by_key(state.db(), me.user.id, &key)
                .await?
                .ok_or(AppError::IdempotencyKeyReused)?;
            return Ok(Redirect::to(&format!("/orders/{order}")).into_response());
        }
    };
    let order = placed.order;
    if form.method == PaymentMethod::Online.code() && !placed.replayed {
        return Ok(Redirect::to(&format!("/orders/{order}/pay")).into_response());
    }
    Ok(super::redirect_with_notice(
        &format!("/orders/{order}"),
        "order-placed",
        state.config().secure_cookies,
    ))
}
