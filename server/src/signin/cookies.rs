//! The two cookies of sign-in: the session (a random token the server keeps the hash of) and
//! the sign-in under way (sealed, 10 minutes). Both `HttpOnly`, `SameSite=Lax` (the provider
//! sends the browser back with a top-level GET, which Lax lets through; a cross-site POST
//! carries neither), `Path=/`; behind https also `Secure` with the `__Host-` prefix, which
//! a browser accepts only from this host over TLS.

use axum::http::{HeaderMap, HeaderValue, header};
use cookie::{Cookie, SameSite};

/// Which cookie.
#[derive(Debug, Clone, Copy)]
pub enum Which {
    Session,
    Pending,
}

fn name(which: Which, secure: bool) -> &'static str {
    match (which, secure) {
        (Which::Session, true) => "__Host-samtal-session",
        (Which::Session, false) => "samtal-session",
        (Which::Pending, true) => "__Host-samtal-signin",
        (Which::Pending, false) => "samtal-signin",
    }
}

/// `Set-Cookie` for a value that lasts `max_age` seconds (0: delete it).
pub fn set(which: Which, value: &str, max_age: i64, secure: bool) -> Option<HeaderValue> {
    let c = Cookie::build((name(which, secure), value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(secure)
        .max_age(cookie::time::Duration::seconds(max_age))
        .build();
    HeaderValue::from_str(&c.to_string()).ok()
}

/// `Set-Cookie` that deletes the cookie.
pub fn clear(which: Which, secure: bool) -> Option<HeaderValue> {
    set(which, "", 0, secure)
}

/// The cookie's value in the request, if it has one.
pub fn get(headers: &HeaderMap, which: Which, secure: bool) -> Option<String> {
    let wanted = name(which, secure);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| Cookie::split_parse(v.to_owned()))
        .filter_map(Result::ok)
        .find(|c| c.name() == wanted)
        .map(|c| c.value().to_owned())
}
