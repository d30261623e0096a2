//! Facilitators sign in with their organisation's OpenID Connect provider (authorization code
//! flow with PKCE; `provider.rs` talks to it through the `openidconnect` crate, which validates
//! the ID token). Participants never sign in: links stay the capability, and sign-in only
//! recovers a facilitator's links (`api/account.rs`).
//!
//! - `rules.rs`: who may create workshops (`SAMTAL_OIDC_ALLOWED`) and who is an operator
//!   (`SAMTAL_OIDC_ADMINS`).
//! - `seal.rs`: the server's key, sealing the pending sign-in and owners' facilitator tokens.
//! - `cookies.rs`: the session and pending-sign-in cookies.

pub mod cookies;
mod provider;
pub mod rules;
pub mod seal;

pub use provider::{Identity, Pending, Provider};

use crate::settings::Settings;
use rules::Rules;
use seal::SealKey;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("sign-in settings: {0}")]
    Settings(String),
    #[error(transparent)]
    Seal(#[from] seal::SealError),
    #[error("the identity provider could not be reached or answered wrongly: {0}")]
    Provider(String),
    /// The provider's answer (or the browser's) did not check out: a forged or replayed
    /// state, a refused code, an ID token whose signature, issuer, audience, nonce or expiry
    /// is wrong.
    #[error("the sign-in was refused: {0}")]
    Refused(String),
}

/// Everything sign-in needs, built once at start when `SAMTAL_OIDC_ISSUER` is set.
pub struct SignIn {
    pub provider: Provider,
    pub allowed: Rules,
    pub admins: Rules,
    pub key: SealKey,
    /// Cookies get `Secure` and the `__Host-` prefix (the public URL is https).
    pub secure: bool,
    pub session_secs: i64,
}

impl SignIn {
    /// `None` where sign-in is not configured. `base_url` is the server's public URL (the
    /// provider sends the browser back to `{base_url}/auth/callback`).
    pub fn from_settings(s: &Settings, base_url: &str) -> Result<Option<Self>, SignInError> {
        let Some(issuer) = s.oidc_issuer.as_deref().filter(|i| !i.is_empty()) else {
            return Ok(None);
        };
        let client_id = s
            .oidc_client_id
            .clone()
            .filter(|c| !c.is_empty())
            .ok_or_else(|| SignInError::Settings("SAMTAL_OIDC_CLIENT_ID is not set".into()))?;
        let secret = match (&s.oidc_client_secret, &s.oidc_client_secret_file) {
            (Some(secret), _) => Some(secret.clone()),
            (None, Some(file)) => Some(
                std::fs::read_to_string(file)
                    .map_err(|e| {
                        SignInError::Settings(format!(
                            "SAMTAL_OIDC_CLIENT_SECRET_FILE {}: {e}",
                            file.display()
                        ))
                    })?
                    .trim()
                    .to_owned(),
            ),
            (None, None) => None,
        };
        let allowed = Rules::parse(&s.oidc_allowed)
            .map_err(|e| SignInError::Settings(format!("SAMTAL_OIDC_ALLOWED: {e}")))?;
        let admins = Rules::parse(&s.oidc_admins)
            .map_err(|e| SignInError::Settings(format!("SAMTAL_OIDC_ADMINS: {e}")))?;
        // One key for every instance: a configured file, or (one instance on SQLite) one the
        // server makes in its data folder.
        let key = match &s.secret_key_file {
            Some(file) => SealKey::load(file, false)?,
            None if s
                .database_url
                .as_deref()
                .is_some_and(|u| u.starts_with("postgres")) =>
            {
                return Err(SignInError::Settings(
                    "sign-in with several instances needs SAMTAL_SECRET_KEY_FILE (the same file on every instance; make one with: openssl rand -hex 32)".into(),
                ));
            }
            None => {
                std::fs::create_dir_all(&s.data).map_err(|e| {
                    SignInError::Settings(format!("SAMTAL_DATA {}: {e}", s.data.display()))
                })?;
                SealKey::load(&default_key_file(&s.data), true)?
            }
        };
        let redirect = format!("{base_url}/auth/callback");
        Ok(Some(Self {
            provider: Provider::new(issuer, client_id, secret, &redirect)?,
            allowed,
            admins,
            key,
            secure: base_url.starts_with("https://"),
            session_secs: i64::from(s.session_hours) * 3600,
        }))
    }
}

/// Where the server keeps its own key when none is configured.
pub fn default_key_file(data: &std::path::Path) -> PathBuf {
    data.join("secret.key")
}

#[cfg(test)]
mod tests;
