//! The wallet's side of the service (`present --request-url URL [--post]`): fetch a request
//! from a verifier, and post the presentation back to the response address the request
//! names, which must be on the origin the request came from (OpenID4VP's `direct_post`;
//! `docs/service.md`). Over https it trusts the system's roots and the certificates of
//! `--ca-cert`, and nothing else.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use healthpass::presentation::{self, ParamStore, PresentationRequest};
use healthpass::untrusted::Untrusted;
use serde_json::Value;

use super::files::{CliError, CliResult};

/// The most bytes read from a verifier's answer to a post.
const MAX_VERDICT_BYTES: u64 = 64 << 10;

/// A request fetched from a verifier, with where to send the answer.
pub struct Fetched {
    /// The URL it was fetched from.
    pub url: String,
    /// The request.
    pub request: PresentationRequest,
    /// The response address (same origin as the request's).
    pub response_uri: String,
    /// The client it was fetched with (the same trust for the parameters and the post).
    agent: ureq::Agent,
}

/// The most bytes of a `--ca-cert` file.
const MAX_CA_BYTES: usize = 1 << 20;

/// The HTTP client: no redirects, 30 s per exchange; over https, rustls with the ring
/// provider (as `serve`), trusting the system's roots plus the certificates of `ca_cert`.
fn agent(ca_cert: Option<&Path>) -> CliResult<ureq::Agent> {
    let mut roots: Vec<ureq::tls::Certificate<'static>> = Vec::new();
    if let Some(path) = ca_cert {
        let pem = super::files::read_bytes_at_most(path, "--ca-cert file", MAX_CA_BYTES)?;
        for item in ureq::tls::parse_pem(&pem) {
            match item {
                Ok(ureq::tls::PemItem::Certificate(c)) => roots.push(c),
                Ok(_) => {}
                Err(e) => {
                    return Err(CliError::usage(format!(
                        "--ca-cert {}: not a PEM certificate file: {e}",
                        path.display()
                    )))
                }
            }
        }
        if roots.is_empty() {
            return Err(CliError::usage(format!(
                "--ca-cert {}: holds no PEM certificate",
                path.display()
            )));
        }
    }
    // The system's roots; an unreadable one is left out (the rest still serve).
    let system = rustls_native_certs::load_native_certs();
    roots.extend(
        system
            .certs
            .iter()
            .map(|c| ureq::tls::Certificate::from_der(c.as_ref()).to_owned()),
    );
    // ring, as `serve` (aws-lc-rs's C build needs cmake; ring has no post-quantum key
    // exchange, hence rustls's deprecation note).
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::Specific(Arc::new(roots)))
        .unversioned_rustls_crypto_provider(provider)
        .build();
    Ok(ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(30)))
        .tls_config(tls)
        .build()
        .into())
}

/// `scheme://host[:port]` of an `http` or `https` URL.
pub fn origin(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))?;
    let host_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    if host_len == 0 || rest[..host_len].contains('@') {
        return None;
    }
    Some(&url[..url.len() - rest.len() + host_len])
}

fn network(url: &str, e: impl std::fmt::Display) -> CliError {
    CliError::usage(format!("{}: {e}", Untrusted(url)))
}

/// A failed exchange with the verifier; an https certificate the wallet does not trust says
/// so, and how to trust it.
fn exchange(url: &str, e: ureq::Error) -> CliError {
    // rustls's error, directly or inside the I/O error of the handshake.
    let tls = match &e {
        ureq::Error::Rustls(r) => Some(r),
        ureq::Error::Io(io) => io.get_ref().and_then(|r| r.downcast_ref::<rustls::Error>()),
        _ => None,
    };
    match tls {
        Some(rustls::Error::InvalidCertificate(why)) => CliError::usage(format!(
            "{}: the verifier's TLS certificate is not trusted ({why:?}): it must chain to a \
             system root or to a certificate given with --ca-cert CA.pem, and name the host",
            Untrusted(url)
        )),
        _ => network(url, e),
    }
}

/// Fetches the request at `url` (`GET`, JSON, at most [`presentation::MAX_REQUEST_BYTES`]),
/// over https trusting the system's roots and `ca_cert`'s certificates.
pub fn fetch_request(url: &str, ca_cert: Option<&Path>) -> CliResult<Fetched> {
    let base = origin(url).ok_or_else(|| {
        CliError::usage(format!(
            "--request-url {}: not an http(s) URL",
            Untrusted(url)
        ))
    })?;
    let agent = agent(ca_cert)?;
    let mut response = agent
        .get(url)
        .header("Accept", "application/json")
        .call()
        .map_err(|e| exchange(url, e))?;
    let status = response.status();
    let text = response
        .body_mut()
        .with_config()
        .limit(presentation::MAX_REQUEST_BYTES as u64)
        .read_to_string()
        .map_err(|e| network(url, e))?;
    let v: Value = healthpass::credential::json::parse("verifier's answer", &text)
        .map_err(|e| network(url, e))?;
    if !status.is_success() {
        return Err(CliError::usage(format!(
            "{}: the verifier answered {}: {}",
            Untrusted(url),
            status.as_u16(),
            Untrusted(v["message"].as_str().unwrap_or(""))
        )));
    }
    let response_uri = v["response_uri"]
        .as_str()
        .ok_or_else(|| network(url, "the answer names no response_uri"))?
        .to_owned();
    if origin(&response_uri) != Some(base) {
        return Err(CliError::usage(format!(
            "{}: the response address {} is not on the request's origin {}; refusing",
            Untrusted(url),
            Untrusted(&response_uri),
            Untrusted(base)
        )));
    }
    let request =
        PresentationRequest::from_json(&v["request"].to_string()).map_err(|e| network(url, e))?;
    Ok(Fetched {
        url: url.to_owned(),
        request,
        response_uri,
        agent,
    })
}

/// Adds to the holder's parameter store `dir` every set the request names that it lacks,
/// fetched from the verifier's `/v1/params/{digest}` on the request's origin (at most
/// [`presentation::MAX_SET_BYTES`] each, its SHA-256 checked against the name). Their
/// signatures are checked afterwards, once, when the request is resolved.
pub fn fetch_params(fetched: &Fetched, dir: Option<&std::path::Path>) -> CliResult<()> {
    let digests: Vec<[u8; 32]> = fetched.request.params().iter().map(|p| p.digest).collect();
    let Some(dir) = dir else {
        return Ok(()); // resolving the request says what is missing
    };
    let store = ParamStore::open(dir).map_err(CliError::usage)?;
    let base = origin(&fetched.url).unwrap_or_default();
    for digest in digests {
        if store.get(&digest).ok().flatten().is_some() {
            continue;
        }
        let hex = presentation::hex(&digest);
        let url = format!("{base}/v1/params/{hex}");
        let mut response = fetched
            .agent
            .get(&url)
            .call()
            .map_err(|e| exchange(&url, e))?;
        if !response.status().is_success() {
            return Err(network(
                &url,
                format!("the verifier answered {}", response.status().as_u16()),
            ));
        }
        let bytes = response
            .body_mut()
            .with_config()
            .limit(presentation::MAX_SET_BYTES as u64)
            .read_to_vec()
            .map_err(|e| network(&url, e))?;
        let set = presentation::set_from_bytes(&bytes).map_err(|e| network(&url, e))?;
        if presentation::set_digest(&set) != digest {
            return Err(network(
                &url,
                "the set is not the one its digest names; refusing",
            ));
        }
        store.put(&set).map_err(CliError::usage)?;
    }
    Ok(())
}

/// Posts the compact presentation to the request's response address and returns the
/// verifier's verdict: `Ok` when accepted, a rejection (exit code 1) otherwise.
pub fn post(fetched: &Fetched, compact: &[u8]) -> CliResult<Value> {
    let url = &fetched.response_uri;
    let mut response = fetched
        .agent
        .post(url)
        .header("Content-Type", "application/octet-stream")
        .send(compact)
        .map_err(|e| exchange(url, e))?;
    let text = response
        .body_mut()
        .with_config()
        .limit(MAX_VERDICT_BYTES)
        .read_to_string()
        .map_err(|e| network(url, e))?;
    let v: Value = healthpass::credential::json::parse("verifier's answer", &text)
        .map_err(|e| network(url, e))?;
    if v["accepted"] == Value::Bool(true) {
        Ok(v)
    } else {
        Err(CliError::rejected(format!(
            "the verifier refused the presentation: {} ({})",
            Untrusted(v["error"].as_str().unwrap_or("error")),
            Untrusted(v["message"].as_str().unwrap_or(""))
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::origin;

    #[test]
    fn origins() {
        assert_eq!(
            origin("http://127.0.0.1:8080/v1/x"),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(origin("https://a.example"), Some("https://a.example"));
        assert_eq!(origin("https://a.example?x"), Some("https://a.example"));
        assert_eq!(origin("http://user@evil/x"), None);
        assert_eq!(origin("ftp://a/x"), None);
        assert_eq!(origin("http:///x"), None);
        assert_ne!(
            origin("http://a.example.evil/x"),
            origin("http://a.example/x")
        );
    }
}
