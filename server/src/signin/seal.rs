//! Values the server seals with its own key: the sign-in's pending state (in a cookie, so any
//! instance can finish a sign-in another began) and an owner's copy of a facilitator token.
//! XChaCha20-Poly1305 with a random nonce and one sub-key per purpose; the context (a
//! workshop id) is authenticated, so a sealed value copied to another row does not open.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};
use std::path::Path;

const NONCE_LEN: usize = 24;

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("the server's secret key {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "the server's secret key {0} is not 64 hexadecimal digits (make one: openssl rand -hex 32)"
    )]
    Malformed(String),
    #[error("randomness: {0}")]
    Random(#[from] getrandom::Error),
    #[error("sealing failed")]
    Seal,
}

/// What a sealed value is for: each has its own sub-key.
#[derive(Debug, Clone, Copy)]
pub enum Purpose {
    /// The pending sign-in (state, nonce, PKCE verifier) in the browser's cookie.
    PendingSignIn,
    /// A facilitator token kept for the workshop's owners.
    FacilitatorToken,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Purpose::PendingSignIn => b"pending-sign-in",
            Purpose::FacilitatorToken => b"facilitator-token",
        }
    }
}

/// The server's secret key (32 bytes), from which each purpose's key is derived.
pub struct SealKey([u8; 32]);

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey(…)")
    }
}

impl SealKey {
    /// Read the key file (64 hex digits); with `create`, write a new random one where there
    /// is none (readable by this user only).
    pub fn load(path: &Path, create: bool) -> Result<Self, SealError> {
        let io = |source| SealError::Io {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_hex(text.trim())
                .ok_or_else(|| SealError::Malformed(path.display().to_string())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
                let mut key = [0u8; 32];
                getrandom::fill(&mut key)?;
                let mut file = std::fs::OpenOptions::new();
                file.write(true).create_new(true);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::OpenOptionsExt;
                    file.mode(0o600);
                }
                let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
                std::io::Write::write_all(&mut file.open(path).map_err(io)?, hex.as_bytes())
                    .map_err(io)?;
                Ok(Self(key))
            }
            Err(e) => Err(io(e)),
        }
    }

    pub fn from_hex(hex: &str) -> Option<Self> {
        if hex.len() != 64 || !hex.is_ascii() {
            return None;
        }
        let mut key = [0u8; 32];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(Self(key))
    }

    fn cipher(&self, purpose: Purpose) -> XChaCha20Poly1305 {
        let mut h = Sha256::new();
        h.update(b"samtal-seal-v1\0");
        h.update(purpose.label());
        h.update(b"\0");
        h.update(self.0);
        let key: [u8; 32] = h.finalize().into();
        XChaCha20Poly1305::new(&key.into())
    }

    /// `nonce || ciphertext+tag`.
    pub fn seal(
        &self,
        purpose: Purpose,
        context: &[u8],
        plain: &[u8],
    ) -> Result<Vec<u8>, SealError> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce)?;
        let sealed = self
            .cipher(purpose)
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain,
                    aad: context,
                },
            )
            .map_err(|_| SealError::Seal)?;
        let mut out = nonce.to_vec();
        out.extend(sealed);
        Ok(out)
    }

    /// The plain value, or `None` for anything this key did not seal for this purpose and
    /// context (changed, truncated, another server's).
    pub fn open(&self, purpose: Purpose, context: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < NONCE_LEN {
            return None;
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        self.cipher(purpose)
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: context,
                },
            )
            .ok()
    }
}
