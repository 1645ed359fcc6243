//! axum's `Path` and `Query`, answering malformed input with [`AppError`]
//! (a 400 that says what is wrong) instead of axum's plain-text rejections.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::{AppError, BadRequest};

pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|path| Path(path.0))
            .map_err(|rejection| AppError::bad_request(BadRequest::InvalidSlug, rejection.body_text()))
    }
}

pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|query| Query(query.0))
            .map_err(|rejection| AppError::bad_request(BadRequest::InvalidQuery, rejection.body_text()))
    }
}

/// A JSON body; a malformed one is a 400 that says what is wrong.
///
/// A whole number written with a fraction (`1.0`, `1e2`) is read as the
/// whole number: JSON Schema, and so the OpenAPI document, counts it as an
/// integer, and so must the server. No field of the API is fractional
/// (money is in paise).
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> axum::extract::FromRequest<S> for Json<T> {
    type Rejection = AppError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(mut value) = axum::Json::<serde_json::Value>::from_request(request, state)
            .await
            .map_err(|rejection| AppError::bad_request(BadRequest::InvalidForm, rejection.body_text()))?;
        whole_numbers(&mut value);
        serde_json::from_value(value)
            .map(Json)
            .map_err(|error| AppError::bad_request(BadRequest::InvalidForm, format!("the body does not fit: {error}")))
    }
}

/// Turns every number with a zero fraction into the integer it is.
fn whole_numbers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(number) if number.is_f64() => {
            if let Some(float) = number.as_f64()
                && float.fract() == 0.0
                && float.abs() < 9.007_199_254_740_992e15
            {
                *value = serde_json::Value::from(float as i64);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_with_a_fraction_read_as_integers_and_others_stay() {
        let mut value = serde_json::json!({"a": 1.0, "b": [2.0, 2.5, 1e2], "c": {"d": -3.0}, "e": "4.0", "f": 7});
        whole_numbers(&mut value);
        assert_eq!(
            value,
            serde_json::json!({"a": 1, "b": [2, 2.5, 100], "c": {"d": -3}, "e": "4.0", "f": 7})
        );
    }

    #[test]
    fn a_large_whole_number_with_a_fraction_is_read_exactly_and_stays_whole() {
        // Without exact float parsing this reads as ...275.25, which is not whole.
        let mut value: serde_json::Value = serde_json::from_str(r#"{"price_paise": -2219263685612275.0}"#).unwrap();
        whole_numbers(&mut value);
        assert_eq!(value, serde_json::json!({"price_paise": -2_219_263_685_612_275_i64}));
    }
}
