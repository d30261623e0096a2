//! TLS to Postgres (rustls), as libpq's `sslmode` says: `disable`/`prefer` (unset) connect in
//! the clear as before; `require` encrypts without checking who answers (libpq's meaning);
//! `verify-ca` and `verify-full` check the server's certificate against `sslrootcert` (a PEM
//! file) or the system's trusted roots, and its name. rust-postgres knows neither the verify
//! modes nor `sslrootcert`, so both are read here and taken out of the URL it parses.

use super::StorageError;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime, pem::PemObject};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::path::PathBuf;
use std::sync::Arc;

/// How to reach the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tls {
    /// In the clear (`sslmode` unset, `disable` or `prefer`).
    Off,
    /// Encrypted, the certificate not checked (`require`).
    Require,
    /// Encrypted and checked (`verify-ca`, `verify-full`), against this file's roots or the
    /// system's.
    Verify(Option<PathBuf>),
}

fn bad(why: String) -> StorageError {
    StorageError::Postgres(why)
}

/// The URL without `sslmode`/`sslrootcert`, and what they ask for.
pub fn split(url: &str) -> Result<(String, Tls), StorageError> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_owned(), Tls::Off));
    };
    let (mut mode, mut root) = (None, None);
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("sslmode", v)) => mode = Some(v.to_owned()),
            Some(("sslrootcert", v)) => root = Some(PathBuf::from(percent_decode(v)?)),
            _ => kept.push(pair),
        }
    }
    let tls = match mode.as_deref() {
        None | Some("disable" | "prefer" | "allow") => Tls::Off,
        Some("require") if root.is_none() => Tls::Require,
        // libpq: a root file given with `require` means verify-ca.
        Some("require" | "verify-ca" | "verify-full") => Tls::Verify(root),
        Some(other) => {
            return Err(bad(format!(
                "sslmode={other} is not one of disable, prefer, require, verify-ca, verify-full"
            )));
        }
    };
    let rest = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((rest, tls))
}

fn percent_decode(s: &str) -> Result<String, StorageError> {
    let mut out = Vec::with_capacity(s.len());
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let hex: String = bytes.by_ref().take(2).map(char::from).collect();
            let v = u8::from_str_radix(&hex, 16)
                .map_err(|_| bad("sslrootcert: a bad %-escape".into()))?;
            out.push(v);
        } else {
            out.push(b);
        }
    }
    String::from_utf8(out).map_err(|_| bad("sslrootcert: not UTF-8".into()))
}

/// The rustls client for `tls` (`None` for [`Tls::Off`]).
pub fn client_config(tls: &Tls) -> Result<Option<rustls::ClientConfig>, StorageError> {
    // ring (deprecated in rustls 0.23.48 for lacking post-quantum key exchange): the other
    // provider, aws-lc-rs, builds C with cmake on every machine that builds Samtal.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| bad(format!("TLS: {e}")))?;
    match tls {
        Tls::Off => Ok(None),
        Tls::Require => Ok(Some(
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(Unverified(provider)))
                .with_no_client_auth(),
        )),
        Tls::Verify(root) => {
            let mut roots = rustls::RootCertStore::empty();
            match root {
                Some(file) => {
                    for cert in CertificateDer::pem_file_iter(file)
                        .map_err(|e| bad(format!("sslrootcert {}: {e}", file.display())))?
                    {
                        let cert =
                            cert.map_err(|e| bad(format!("sslrootcert {}: {e}", file.display())))?;
                        roots
                            .add(cert)
                            .map_err(|e| bad(format!("sslrootcert {}: {e}", file.display())))?;
                    }
                }
                None => {
                    for cert in rustls_native_certs::load_native_certs().certs {
                        // A system root rustls cannot use is skipped, as libpq would.
                        let _ = roots.add(cert);
                    }
                }
            }
            if roots.is_empty() {
                return Err(bad(
                    "sslmode asks to verify the server, but there is no root certificate to verify it with (set sslrootcert)".into(),
                ));
            }
            Ok(Some(
                builder.with_root_certificates(roots).with_no_client_auth(),
            ))
        }
    }
}

/// `sslmode=require`: any certificate (libpq does not check it either); the handshake's
/// signatures are still checked, so the session is encrypted with whoever holds the key.
#[derive(Debug)]
struct Unverified(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for Unverified {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sslmode_and_sslrootcert_are_read_and_taken_out() {
        let (rest, tls) = split("postgres://u:p@h:5432/db").unwrap();
        assert_eq!((rest.as_str(), tls), ("postgres://u:p@h:5432/db", Tls::Off));
        let (rest, tls) = split("postgres://u@h/db?application_name=x&sslmode=require").unwrap();
        assert_eq!(rest, "postgres://u@h/db?application_name=x");
        assert_eq!(tls, Tls::Require);
        let (rest, tls) =
            split("postgres://u@h/db?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem").unwrap();
        assert_eq!(rest, "postgres://u@h/db");
        assert_eq!(tls, Tls::Verify(Some(PathBuf::from("/etc/ca.pem"))));
        assert_eq!(
            split("postgres://u@h/db?sslmode=require&sslrootcert=/ca.pem")
                .unwrap()
                .1,
            Tls::Verify(Some(PathBuf::from("/ca.pem")))
        );
        assert_eq!(
            split("postgres://u@h/db?sslmode=disable").unwrap().1,
            Tls::Off
        );
        assert!(split("postgres://u@h/db?sslmode=sometimes").is_err());
    }
}
