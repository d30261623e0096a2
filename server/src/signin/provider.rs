//! The identity provider, through `openidconnect`: discovery (cached), the authorization URL
//! with PKCE, state and nonce, and the code exchange whose ID token the library validates
//! (signature against the provider's keys, issuer, audience, nonce, expiry). Blocking: called
//! on the blocking pool. The HTTP client follows no redirects (the crate's advice against
//! SSRF), has a timeout and reads at most 1 MiB.

use super::SignInError;
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType,
    CoreGenderClaim, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreProviderMetadata, CoreRevocableToken, CoreRevocationErrorResponse,
    CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, AuthorizationCode, ClaimsVerificationError, Client, ClientId, ClientSecret,
    CsrfToken, EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet, EndpointSet, IdTokenFields,
    IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    StandardErrorResponse, StandardTokenResponse, TokenResponse,
};
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long discovered metadata (endpoints, signing keys) is used before it is fetched again.
const METADATA_TTL: Duration = Duration::from_secs(600);
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_RESPONSE_BYTES: u64 = 1 << 20;

/// Every claim of the ID token besides the standard ones (groups, roles, tenant), for
/// `SAMTAL_OIDC_ALLOWED` and `SAMTAL_OIDC_ADMINS`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OtherClaims(pub serde_json::Map<String, serde_json::Value>);

impl AdditionalClaims for OtherClaims {}

type Fields = IdTokenFields<
    OtherClaims,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;
type Tokens = StandardTokenResponse<Fields, CoreTokenType>;
type OidcClient = Client<
    OtherClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    Tokens,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Who signed in, as the validated ID token says.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    pub subject: String,
    pub name: String,
    /// Only an address the provider marks verified (`email_verified: true`).
    pub email: Option<String>,
    pub claims: serde_json::Map<String, serde_json::Value>,
}

/// A sign-in under way: kept sealed in the browser's cookie until the provider sends it back.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pending {
    pub state: String,
    pub nonce: String,
    pub verifier: String,
    /// Unix seconds when it began (a pending sign-in lasts 10 minutes).
    pub at: u64,
}

pub struct Provider {
    issuer: IssuerUrl,
    client_id: ClientId,
    secret: Option<ClientSecret>,
    redirect: RedirectUrl,
    agent: ureq::Agent,
    metadata: Mutex<Option<(Instant, CoreProviderMetadata)>>,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HttpError(String);

impl Provider {
    pub fn new(
        issuer: &str,
        client_id: String,
        secret: Option<String>,
        redirect: &str,
    ) -> Result<Self, SignInError> {
        let issuer = IssuerUrl::new(issuer.trim_end_matches('/').to_owned())
            .map_err(|e| SignInError::Settings(format!("SAMTAL_OIDC_ISSUER: {e}")))?;
        let redirect = RedirectUrl::new(redirect.to_owned())
            .map_err(|e| SignInError::Settings(format!("the callback address: {e}")))?;
        let tls = ureq::tls::TlsConfig::builder()
            .root_certs(ureq::tls::RootCerts::PlatformVerifier)
            .build();
        let agent = ureq::Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
            .timeout_global(Some(HTTP_TIMEOUT))
            .tls_config(tls)
            .build()
            .new_agent();
        Ok(Self {
            issuer,
            client_id: ClientId::new(client_id),
            secret: secret.map(ClientSecret::new),
            redirect,
            agent,
            metadata: Mutex::new(None),
        })
    }

    fn http(
        &self,
        request: openidconnect::HttpRequest,
    ) -> Result<openidconnect::HttpResponse, HttpError> {
        let response = self
            .agent
            .run(request)
            .map_err(|e| HttpError(e.to_string()))?;
        let (parts, mut body) = response.into_parts();
        let bytes = body
            .with_config()
            .limit(MAX_RESPONSE_BYTES)
            .read_to_vec()
            .map_err(|e| HttpError(e.to_string()))?;
        Ok(openidconnect::http::Response::from_parts(parts, bytes))
    }

    /// The provider's metadata and keys: cached for [`METADATA_TTL`], or fetched again when
    /// `fresh` (a token signed with a key the cached set lacks: the provider rotated keys).
    fn metadata(&self, fresh: bool) -> Result<CoreProviderMetadata, SignInError> {
        if !fresh
            && let Ok(cache) = self.metadata.lock()
            && let Some((at, m)) = cache.as_ref()
            && at.elapsed() < METADATA_TTL
        {
            return Ok(m.clone());
        }
        let http = |r| self.http(r);
        let m = CoreProviderMetadata::discover(&self.issuer, &http)
            .map_err(|e| SignInError::Provider(error_chain(&e)))?;
        if let Ok(mut cache) = self.metadata.lock() {
            *cache = Some((Instant::now(), m.clone()));
        }
        Ok(m)
    }

    fn client(&self, fresh: bool) -> Result<OidcClient, SignInError> {
        Ok(OidcClient::from_provider_metadata(
            self.metadata(fresh)?,
            self.client_id.clone(),
            self.secret.clone(),
        )
        .set_redirect_uri(self.redirect.clone()))
    }

    /// Where to send the browser, and what to keep until it comes back.
    pub fn begin(&self, now: u64) -> Result<(String, Pending), SignInError> {
        let client = self.client(false)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        Ok((
            url.to_string(),
            Pending {
                state: state.secret().clone(),
                nonce: nonce.secret().clone(),
                verifier: verifier.secret().clone(),
                at: now,
            },
        ))
    }

    /// Exchange the code the provider sent back and validate its ID token.
    pub fn finish(&self, code: &str, pending: &Pending) -> Result<Identity, SignInError> {
        let client = self.client(false)?;
        let http = |r| self.http(r);
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| SignInError::Provider(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier.clone()))
            .request(&http)
            .map_err(|e| SignInError::Refused(error_chain(&e)))?;
        let nonce = Nonce::new(pending.nonce.clone());
        match identity(&client, &tokens, &nonce) {
            // Perhaps signed with a key the cached set lacks (the provider rotated its keys):
            // once more with the provider's keys fetched again. Any other refusal is final.
            Err(Refusal {
                signature: true, ..
            }) => identity(&self.client(true)?, &tokens, &nonce).map_err(|r| r.error),
            other => other.map_err(|r| r.error),
        }
    }
}

/// Why an ID token was refused, and whether its signature was the reason (the one refusal
/// that fresh keys may cure).
struct Refusal {
    signature: bool,
    error: SignInError,
}

impl From<SignInError> for Refusal {
    fn from(error: SignInError) -> Self {
        Self {
            signature: false,
            error,
        }
    }
}

/// The validated ID token's identity.
fn identity(client: &OidcClient, tokens: &Tokens, nonce: &Nonce) -> Result<Identity, Refusal> {
    let id_token = tokens
        .id_token()
        .ok_or_else(|| SignInError::Refused("the provider sent no ID token".into()))?;
    let claims = id_token
        .claims(&client.id_token_verifier(), nonce)
        .map_err(|e| Refusal {
            signature: matches!(e, ClaimsVerificationError::SignatureVerification(_)),
            error: SignInError::Refused(error_chain(&e)),
        })?;
    let email = claims
        .email()
        .filter(|_| claims.email_verified() == Some(true))
        .map(|e| e.as_str().to_ascii_lowercase());
    let name = claims
        .name()
        .and_then(|n| n.get(None))
        .map(|n| n.as_str().to_owned())
        .or_else(|| claims.preferred_username().map(|u| u.as_str().to_owned()))
        .or_else(|| email.clone())
        .unwrap_or_else(|| claims.subject().as_str().to_owned());
    Ok(Identity {
        subject: claims.subject().as_str().to_owned(),
        name,
        email,
        claims: claims.additional_claims().0.clone(),
    })
}

/// An error and its sources, in one line.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}
