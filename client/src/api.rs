//! Small JSON-over-fetch helpers for the HTTP API (links, status, rotate, erase, create).

use samtal_shared::i18n::Strings;
use samtal_shared::session::ErrorBody;
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

/// Why a call failed: the HTTP status (0 when the network failed) and what the server said.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    pub status: u16,
    /// `None` when the server could not be reached or did not say.
    pub body: Option<ErrorBody>,
}

impl ApiError {
    fn network() -> Self {
        Self {
            status: 0,
            body: None,
        }
    }

    /// What went wrong, in the user's language.
    pub fn text(&self, t: &Strings) -> &'static str {
        match &self.body {
            Some(b) => t.error(b.code, b.invalid),
            None if self.status == 0 => t.no_server_first_time,
            None => t.error_server,
        }
    }

    /// [`Self::text`], and the field a refused package or form is about.
    pub fn describe(&self, t: &Strings) -> String {
        match self.body.as_ref().and_then(|b| b.field.as_deref()) {
            Some(f) => format!(
                "{} {}",
                self.text(t),
                samtal_shared::i18n::fill(t.package_field, &[("field", f)])
            ),
            None => self.text(t).to_owned(),
        }
    }
}

thread_local! {
    /// The signed-in facilitator's CSRF token (servers with sign-in), sent with every request
    /// that changes something.
    static CSRF: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Remember the session's CSRF token (from `/api/me`), or forget it.
pub fn set_csrf(token: Option<String>) {
    CSRF.with(|c| *c.borrow_mut() = token);
}

/// Who is signed in (`/api/me`), remembering her CSRF token for the calls that follow.
pub async fn me() -> Result<samtal_shared::account::Me, ApiError> {
    let me: samtal_shared::account::Me = get_json("/api/me").await?;
    set_csrf(me.account.as_ref().map(|a| a.csrf.clone()));
    Ok(me)
}

async fn call(
    method: &str,
    url: &str,
    body: Option<String>,
    bearer: Option<&str>,
) -> Result<String, ApiError> {
    let init = RequestInit::new();
    init.set_method(method);
    let headers = web_sys::Headers::new().map_err(|_| ApiError::network())?;
    if let Some(b) = &body {
        let _ = headers.set("content-type", "application/json");
        init.set_body(&JsValue::from_str(b));
    }
    if method != "GET"
        && let Some(csrf) = CSRF.with(|c| c.borrow().clone())
    {
        let _ = headers.set(samtal_shared::account::CSRF_HEADER, &csrf);
    }
    if let Some(t) = bearer.filter(|t| !t.is_empty()) {
        let _ = headers.set("authorization", &format!("Bearer {t}"));
    }
    init.set_headers(&headers);
    let req = Request::new_with_str_and_init(url, &init).map_err(|_| ApiError::network())?;
    let window = web_sys::window().ok_or_else(ApiError::network)?;
    let resp: Response = JsFuture::from(window.fetch_with_request(&req))
        .await
        .map_err(|_| ApiError::network())?
        .dyn_into()
        .map_err(|_| ApiError::network())?;
    let text = match resp.text() {
        Ok(p) => JsFuture::from(p)
            .await
            .ok()
            .and_then(|t| t.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    if !resp.ok() {
        return Err(ApiError {
            status: resp.status(),
            body: serde_json::from_str(&text).ok(),
        });
    }
    Ok(text)
}

fn parse<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|_| ApiError::network())
}

pub async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    parse(&call("GET", url, None, None).await?)
}

pub async fn post_json<T: DeserializeOwned>(
    url: &str,
    body: &impl Serialize,
    bearer: Option<&str>,
) -> Result<T, ApiError> {
    let body = serde_json::to_string(body).map_err(|_| ApiError::network())?;
    parse(&call("POST", url, Some(body), bearer).await?)
}

/// A POST with no body that answers JSON.
pub async fn post_for<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    parse(&call("POST", url, None, None).await?)
}

/// A POST whose answer has no body (204).
pub async fn post_unit(url: &str, body: Option<&impl Serialize>) -> Result<(), ApiError> {
    let body = match body {
        Some(b) => Some(serde_json::to_string(b).map_err(|_| ApiError::network())?),
        None => None,
    };
    call("POST", url, body, None).await.map(|_| ())
}

pub async fn delete(url: &str) -> Result<(), ApiError> {
    call("DELETE", url, None, None).await.map(|_| ())
}
