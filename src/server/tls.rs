//! HTTPS without a reverse proxy: the PEM certificate chain and private key,
//! read once at start-up into a rustls server configuration.

use std::io::ErrorKind;
use std::path::Path;
use std::sync::Arc;

use rustls::ServerConfig;
use rustls::crypto::ring;
use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::config::TlsFiles;
use crate::error::{Error, Result};

const CERT_FIX: &str = "point --tls-cert (EVARCHIVE_TLS_CERT) at the PEM certificate chain, e.g. Let's Encrypt's fullchain.pem";
const KEY_FIX: &str = "point --tls-key (EVARCHIVE_TLS_KEY) at the certificate's PEM private key, e.g. Let's Encrypt's privkey.pem";

/// Reads both files and checks that the key belongs to the certificate, so a
/// mistake stops start-up instead of failing every handshake.
pub fn server_config(files: &TlsFiles) -> Result<ServerConfig> {
    let chain = read_chain(&files.cert)?;
    let key = read_key(&files.key)?;
    // A provider of our own, not the process default: nothing global to install,
    // and ring builds without the cmake/NASM that aws-lc-rs needs.
    ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Tls {
            path: files.cert.clone(),
            why: format!("the TLS library refused its own defaults: {e}"),
        })?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| refused_pair(files, e))
}

fn read_chain(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let chain = CertificateDer::pem_file_iter(path)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| unreadable(path, e, CERT_FIX))?;
    if chain.is_empty() {
        return Err(Error::Tls {
            path: path.to_owned(),
            why: format!("it holds no PEM certificate (-----BEGIN CERTIFICATE-----); {CERT_FIX}"),
        });
    }
    Ok(chain)
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>> {
    PrivateKeyDer::from_pem_file(path).map_err(|e| match e {
        pem::Error::NoItemsFound => Error::Tls {
            path: path.to_owned(),
            why: format!(
                "it holds no PEM private key (BEGIN PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY); {KEY_FIX}"
            ),
        },
        other => unreadable(path, other, KEY_FIX),
    })
}

fn unreadable(path: &Path, error: pem::Error, fix: &str) -> Error {
    let why = match error {
        pem::Error::Io(e) if e.kind() == ErrorKind::NotFound => format!("no such file; {fix}"),
        // certbot keeps its files readable by root only, and services rarely run as root.
        pem::Error::Io(e) if e.kind() == ErrorKind::PermissionDenied => {
            "permission denied; make it readable by the user evarchive runs as (certbot's live/ and archive/ directories are root-only by default)".to_owned()
        }
        pem::Error::Io(e) => format!("cannot read it ({e}); {fix}"),
        other => format!("it is not valid PEM ({other}); {fix}"),
    };
    Error::Tls {
        path: path.to_owned(),
        why,
    }
}

fn refused_pair(files: &TlsFiles, error: rustls::Error) -> Error {
    match error {
        rustls::Error::InconsistentKeys(_) => Error::Tls {
            path: files.key.clone(),
            why: format!(
                "this private key does not belong to the certificate in {}; pass the key issued with that certificate (Let's Encrypt: privkey.pem next to fullchain.pem)",
                files.cert.display()
            ),
        },
        rustls::Error::InvalidCertificate(e) => Error::Tls {
            path: files.cert.clone(),
            why: format!("its first certificate cannot be used ({e}); {CERT_FIX}"),
        },
        other => Error::Tls {
            path: files.key.clone(),
            why: format!("the private key cannot be used ({other}); {KEY_FIX}"),
        },
    }
}
