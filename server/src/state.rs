//! What every handler and connection shares ([`AppState`]), the way to storage from async code
//! ([`blocking`]), and how the server reads its own public URL.

use crate::error::AppError;
use crate::hub::Hub;
use crate::live;
use crate::settings::Settings;
use crate::storage::{Storage, StorageError};
use std::sync::Arc;
use tokio::sync::watch;

/// Shared by every request handler.
pub struct AppState {
    pub settings: Settings,
    pub storage: Arc<dyn Storage>,
    pub hub: Arc<Hub>,
    pub base_url: String,
    pub server_peer: samtal_shared::PeerId,
    /// Open sync connections (limits, live overview, closing on rotate/erase).
    pub live: Arc<live::Live>,
    /// Each workshop's phase as this instance last saw it (see `phases.rs`).
    pub phases: crate::phases::Phases,
    /// Flips to true on shutdown; connections close with "going away".
    pub shutdown: watch::Receiver<bool>,
    /// The socket is bound to a loopback address.
    pub bound_to_loopback: bool,
    /// Facilitators' sign-in, where it is configured (`SAMTAL_OIDC_ISSUER`).
    pub signin: Option<Arc<crate::signin::SignIn>>,
    /// Bound to loopback *and* published on a loopback URL: nobody outside this computer can
    /// reach it, so without an admin token local requests may create workshops.
    pub local_only: bool,
}

/// `scheme://host[:port]` of a URL (what a browser sends as `Origin`).
pub fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(i) => &url[..after_scheme + i],
        None => url,
    }
}

/// Whether a URL's host is `localhost` or a loopback address.
pub fn is_loopback_url(url: &str) -> bool {
    let origin = origin_of(url);
    let Some((_, authority)) = origin.split_once("://") else {
        return false;
    };
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Run blocking storage work off the async threads.
pub async fn blocking<T: Send + 'static>(
    state: &Arc<AppState>,
    f: impl FnOnce(&dyn Storage) -> Result<T, StorageError> + Send + 'static,
) -> Result<T, AppError> {
    let storage = Arc::clone(&state.storage);
    Ok(tokio::task::spawn_blocking(move || f(storage.as_ref()))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??)
}
