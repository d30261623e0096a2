//! Links that can be shown again without storing them.
//!
//! Each workshop has a random 32-byte link secret. It is stored only *wrapped* (XOR) with a key
//! derived from the facilitator's token, which the server never stores. Group and catch-up
//! tokens are derived from the secret, the link's target and its generation with HMAC-SHA256.
//! So the facilitator can see every link at any time (she presents her token; the server
//! unwraps the secret and derives them), while the database holds only token hashes and a
//! wrapped secret that is useless without the facilitator's link. Rotating a link bumps its
//! generation: the old token's row is deleted and a new token is derived.

use crate::auth::{TokenHash, hash_token};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use samtal_shared::roles::Role;
use sha2::{Digest, Sha256};

pub const SECRET_LEN: usize = 32;

/// Which link of a workshop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkTarget {
    Facilitator,
    CatchUp,
    Group(String),
}

/// The facilitator's and the catch-up link's keys ([`LinkTarget::key`]).
pub const FACILITATOR_KEY: &str = "facilitator";
pub const CATCH_UP_KEY: &str = "catch_up";

impl LinkTarget {
    /// The storage key: `facilitator`, `catch_up`, `group:ID`.
    pub fn key(&self) -> String {
        match self {
            LinkTarget::Facilitator => FACILITATOR_KEY.into(),
            LinkTarget::CatchUp => CATCH_UP_KEY.into(),
            LinkTarget::Group(g) => format!("group:{g}"),
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            FACILITATOR_KEY => Some(LinkTarget::Facilitator),
            CATCH_UP_KEY => Some(LinkTarget::CatchUp),
            _ => {
                let g = s.strip_prefix("group:")?;
                samtal_shared::ids::is_item_id(g).then(|| LinkTarget::Group(g.to_owned()))
            }
        }
    }

    pub fn of_role(role: &Role) -> Self {
        match role {
            Role::Facilitator => LinkTarget::Facilitator,
            Role::CatchUp => LinkTarget::CatchUp,
            Role::Group { group_id } => LinkTarget::Group(group_id.clone()),
        }
    }

    pub fn role(&self) -> Role {
        match self {
            LinkTarget::Facilitator => Role::Facilitator,
            LinkTarget::CatchUp => Role::CatchUp,
            LinkTarget::Group(g) => Role::Group {
                group_id: g.clone(),
            },
        }
    }
}

fn wrap_key(facilitator_token: &str) -> [u8; SECRET_LEN] {
    let mut h = Sha256::new();
    h.update(b"samtal-link-wrap-v1\0");
    h.update(facilitator_token.as_bytes());
    h.finalize().into()
}

/// The link secret, wrapped for storage.
pub fn wrap(secret: &[u8; SECRET_LEN], facilitator_token: &str) -> Vec<u8> {
    secret
        .iter()
        .zip(wrap_key(facilitator_token))
        .map(|(s, k)| s ^ k)
        .collect()
}

/// The link secret back from storage; `None` if the stored value has the wrong size.
pub fn unwrap(wrapped: &[u8], facilitator_token: &str) -> Option<[u8; SECRET_LEN]> {
    let bytes: [u8; SECRET_LEN] = wrapped.try_into().ok()?;
    let mut out = [0u8; SECRET_LEN];
    for ((o, w), k) in out.iter_mut().zip(bytes).zip(wrap_key(facilitator_token)) {
        *o = w ^ k;
    }
    Some(out)
}

/// The token of a link target at a generation, and its hash.
pub fn derive(
    secret: &[u8; SECRET_LEN],
    target: &LinkTarget,
    generation: u64,
) -> (String, TokenHash) {
    // HMAC accepts keys of any length; this cannot fail for a 32-byte key.
    let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(secret) {
        Ok(m) => m,
        Err(_) => unreachable_key(),
    };
    mac.update(target.key().as_bytes());
    mac.update(b"\0");
    mac.update(&generation.to_be_bytes());
    let out = mac.finalize().into_bytes();
    let token = URL_SAFE_NO_PAD.encode(&out[..16]);
    let hash = hash_token(&token);
    (token, hash)
}

#[cold]
fn unreachable_key() -> ! {
    // `Hmac::new_from_slice` only fails for fixed-size-key MACs; HMAC takes any length.
    panic!("HMAC rejected a key")
}

/// A QR code for `url` as an SVG data URL (for an `<img>`, so no markup is injected).
pub fn qr_data_url(url: &str) -> Option<String> {
    let code = qrcode::QrCode::with_error_correction_level(url, qrcode::EcLevel::M).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build();
    Some(format!(
        "data:image/svg+xml;base64,{}",
        STANDARD.encode(svg)
    ))
}

#[cfg(test)]
mod tests;
