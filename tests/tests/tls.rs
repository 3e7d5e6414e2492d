//! TLS as the ecosystem ships it: the default build (rustls with aws-lc-rs,
//! the platform's verifier) completes a handshake with a server that offers
//! only X25519MLKEM768, post-quantum key exchange, and trusts the server's
//! certificate through the platform verifier's own mechanism
//! (`SSL_CERT_FILE`); the `rustls-ring` build, which has no post-quantum
//! key exchange, is refused by the same server and served by one that
//! offers classic X25519. Each build runs the
//! runtime's `tls_probe` example in a child process, the only place a test
//! may set the environment.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

use rustls::crypto::aws_lc_rs;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A test CA and a certificate it signed for `localhost`.
fn certificates() -> (String, CertificateDer<'static>, PrivateKeyDer<'static>) {
    let ca_key = rcgen::KeyPair::generate().expect("a CA key");
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca.distinguished_name.push(rcgen::DnType::CommonName, "twilio-bindings test CA");
    let ca_cert = ca.self_signed(&ca_key).expect("a CA");
    let issuer = rcgen::Issuer::new(ca, ca_key);
    let key = rcgen::KeyPair::generate().expect("a key");
    let leaf = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
        .expect("leaf params")
        .signed_by(&key, &issuer)
        .expect("a certificate");
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    (ca_cert.pem(), leaf.der().clone(), key)
}

/// A server on loopback whose only key exchange is `group` (TLS 1.3); it
/// answers each request with 204 and records each handshake's group, or its
/// error.
fn server(
    group: &'static dyn rustls::crypto::SupportedKxGroup,
    cert: CertificateDer<'static>,
    key: PrivateKeyDer<'static>,
) -> (u16, Arc<Mutex<Vec<String>>>) {
    let provider = rustls::crypto::CryptoProvider { kx_groups: vec![group], ..aws_lc_rs::default_provider() };
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(&[&rustls::version::TLS13])
        .expect("TLS 1.3")
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .expect("a server config");
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").expect("binds");
    let port = listener.local_addr().expect("address").port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    std::thread::spawn(move || {
        for socket in listener.incoming().flatten() {
            let mut connection = rustls::ServerConnection::new(config.clone()).expect("a connection");
            let mut socket = socket;
            let mut tls = rustls::Stream::new(&mut connection, &mut socket);
            let mut request = [0u8; 1024];
            let said = match tls.read(&mut request) {
                Ok(_) => {
                    let _ = tls.write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n");
                    let _ = tls.flush();
                    let group = tls.conn.negotiated_key_exchange_group().map(|g| format!("{:?}", g.name()));
                    format!("handshake: {}", group.unwrap_or_default())
                }
                Err(error) => format!("refused: {error}"),
            };
            if let Ok(mut seen) = record.lock() {
                seen.push(said);
            }
        }
    });
    (port, seen)
}

/// Runs the probe built with `features` against `url`, trusting `ca`.
fn probe(features: &[&str], url: &str, ca: &Path) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .current_dir(xtask::root())
        .args(["run", "--quiet", "-p", "twilio-runtime", "--example", "tls_probe"])
        .args(features)
        .args(["--", url])
        .env("SSL_CERT_FILE", ca)
        .env_remove("SSL_CERT_DIR")
        .output()
        .expect("cargo runs");
    assert!(output.status.success(), "{features:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

#[test]
fn the_default_speaks_post_quantum_key_exchange_and_ring_cannot() {
    let (ca, cert, key) = certificates();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("tls");
    std::fs::create_dir_all(&dir).expect("dir");
    let ca_file = dir.join("ca.pem");
    std::fs::write(&ca_file, ca).expect("writes");
    let (port, seen) = server(aws_lc_rs::kx_group::X25519MLKEM768, cert.clone(), key.clone_key());
    let url = format!("https://localhost:{port}/");

    let default = probe(&[], &url, &ca_file);
    assert_eq!(default, "status 204", "the default build against an X25519MLKEM768-only server");
    let ring = probe(&["--no-default-features", "--features", "rustls-ring"], &url, &ca_file);
    assert!(ring.starts_with("error:"), "the ring build has no post-quantum key exchange: {ring}");

    let seen = seen.lock().map(|s| s.clone()).unwrap_or_default();
    assert_eq!(seen.first().map(String::as_str), Some("handshake: X25519MLKEM768"), "{seen:?}");
    assert!(seen.get(1).is_some_and(|s| s.starts_with("refused:")), "{seen:?}");

    // The ring build works where the server offers classic X25519.
    let (port, seen) = server(aws_lc_rs::kx_group::X25519, cert, key);
    let ring = probe(
        &["--no-default-features", "--features", "rustls-ring"],
        &format!("https://localhost:{port}/"),
        &ca_file,
    );
    assert_eq!(ring, "status 204", "the ring build against an X25519 server");
    let seen = seen.lock().map(|s| s.clone()).unwrap_or_default();
    assert_eq!(seen, ["handshake: X25519"]);

    // The certificate is trusted only through SSL_CERT_FILE: without it the
    // platform verifier refuses the server.
    let untrusted = probe(&[], &url, &dir.join("missing.pem"));
    assert!(untrusted.starts_with("error:"), "an untrusted certificate was accepted: {untrusted}");
}
