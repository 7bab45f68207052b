//! `healthpass serve`: the verifier service (issue 15; `docs/service.md`). It calls the
//! library for every protocol step: requests from policies ([`config::Policy`]), decoding
//! and verification (`presentation`), QR codes (`presentation::qr`); what it adds is HTTP,
//! the shared request and replay store ([`store`]), the page, metrics and limits.

pub mod api;
pub mod config;
pub mod metrics;
mod page;
pub mod ratelimit;
pub mod store;
pub mod verifier;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use clap::Args;

use crate::cli::files::{CliError, CliResult};
use api::{ApiError, AppState, ErrorCode, Options, Shared};
use config::Sources;
use ratelimit::RateLimiter;
use store::Store;

/// The body cap of every endpoint but `/v1/scan` (64 KiB).
pub const MAX_BODY_BYTES: usize = 64 << 10;
/// The body cap of `/v1/scan` (a camera frame, PNG or JPEG: 2 MiB).
pub const MAX_FRAME_BYTES: usize = 2 << 20;
/// How long reading a request body may take.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// How long reading a request's headers may take.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a handler may run (server-sent event streams excepted: they end with their
/// request).
pub const HANDLER_TIMEOUT: Duration = Duration::from_secs(15);

/// `serve`'s options.
#[derive(Args, Clone, Debug)]
pub struct ServeArgs {
    /// The trust list (reloaded on SIGHUP).
    #[arg(long, value_name = "TRUST.json")]
    trust_list: PathBuf,
    /// A policy file, `healthpass-policy/1` (repeatable; reloaded on SIGHUP).
    #[arg(long = "policy", value_name = "POLICY.json", required = true)]
    policies: Vec<PathBuf>,
    /// The directory of parameter sets served at /v1/params/{digest} (a fresh set is made
    /// when it holds none; reloaded on SIGHUP).
    #[arg(long, value_name = "DIR")]
    params_store: PathBuf,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "HOST:PORT")]
    listen: SocketAddr,
    /// The request and replay store: a file path (embedded) or redis://HOST:PORT.
    #[arg(
        long,
        default_value = "healthpass-store.redb",
        value_name = "PATH|redis://HOST:PORT"
    )]
    store: String,
    /// TLS certificate chain (PEM), with --tls-key.
    #[arg(long, value_name = "CERT.pem", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// TLS private key (PEM), with --tls-cert.
    #[arg(long, value_name = "KEY.pem", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// The origin wallets reach the service at [default: from --listen].
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
    /// The verifier identifier written in requests (OpenID4VP's client_id).
    #[arg(long, default_value = "healthpass-serve")]
    verifier: String,
    /// Seconds a request stays open: 30 to 86400.
    #[arg(long, default_value_t = 300, value_name = "SECONDS",
          value_parser = clap::value_parser!(u32).range(30..=86_400))]
    request_ttl: u32,
    /// Requests a second per client address (0: no limit).
    #[arg(long, default_value_t = 20, value_name = "N")]
    rate_limit: u32,
    /// Requests a client may make at once before the rate applies.
    #[arg(long, default_value_t = 40, value_name = "N")]
    burst: u32,
    /// The most waiting presentations verified in one batch (their BBS proofs in one
    /// pairing check): 1 to 256; 1 verifies one at a time.
    #[arg(long, default_value_t = 16, value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=256))]
    batch: u16,
}

/// Runs the service until SIGINT or SIGTERM.
pub fn run(a: ServeArgs) -> CliResult<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::usage(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(serve(a))
}

async fn serve(a: ServeArgs) -> CliResult<()> {
    let sources = Sources {
        trust_list: a.trust_list.clone(),
        policies: a.policies.clone(),
        params_dir: a.params_store.clone(),
    };
    let config = {
        let s = sources.clone();
        tokio::task::spawn_blocking(move || s.load())
            .await
            .map_err(|e| CliError::usage(e.to_string()))?
            .map_err(CliError::usage)?
    };
    let store = Store::open(&a.store)
        .await
        .map_err(|e| CliError::usage(format!("--store {}: {e}", a.store)))?;
    let tls = a.tls_cert.is_some();
    let public_url = a
        .public_url
        .clone()
        .unwrap_or_else(|| format!("{}://{}", if tls { "https" } else { "http" }, a.listen))
        .trim_end_matches('/')
        .to_owned();
    let options = Options {
        verifier: a.verifier.clone(),
        public_url,
        validity: i64::from(a.request_ttl),
        scan_limit: healthpass::presentation::qr::DEFAULT_DECODE_LIMIT,
        batch: usize::from(a.batch),
    };
    let state = Arc::new(AppState::new(
        config,
        sources,
        store,
        options,
        RateLimiter::new(a.rate_limit, a.burst),
    ));
    spawn_reloader(state.clone());
    spawn_purger(state.clone());
    let handle = axum_server::Handle::new();
    spawn_shutdown(handle.clone());
    let app = router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    eprintln!(
        "healthpass serve: listening on {} ({}, store: {}, batches of up to {})",
        a.listen,
        state.options.public_url,
        state.store.kind(),
        state.options.batch
    );
    let served = match (&a.tls_cert, &a.tls_key) {
        (Some(cert), Some(key)) => {
            // ring rather than aws-lc-rs, whose C build needs cmake; ring has no
            // post-quantum key exchange (hence rustls's deprecation note).
            #[allow(deprecated)]
            let _ = rustls::crypto::ring::default_provider().install_default();
            let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key)
                .await
                .map_err(|e| CliError::usage(format!("--tls-cert/--tls-key: {e}")))?;
            let mut server = axum_server::bind_rustls(a.listen, config).handle(handle);
            tune(server.http_builder());
            server.serve(app).await
        }
        _ => {
            let mut server = axum_server::bind(a.listen).handle(handle);
            tune(server.http_builder());
            server.serve(app).await
        }
    };
    served.map_err(|e| CliError::usage(format!("--listen {}: {e}", a.listen)))
}

/// The header read timeout (slow clients cannot hold connections open).
fn tune(b: &mut hyper_util::server::conn::auto::Builder<hyper_util::rt::TokioExecutor>) {
    b.http1()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT);
}

fn spawn_reloader(state: Shared) {
    tokio::spawn(async move {
        let Ok(mut hup) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        else {
            return;
        };
        while hup.recv().await.is_some() {
            let s = state.clone();
            match tokio::task::spawn_blocking(move || s.reload()).await {
                Ok(Ok(())) => {
                    eprintln!("healthpass serve: reloaded the trust list, policies and parameters")
                }
                Ok(Err(e)) => {
                    eprintln!("healthpass serve: reload failed, kept the old configuration: {e}")
                }
                Err(_) => eprintln!("healthpass serve: reload failed"),
            }
        }
    });
}

fn spawn_purger(state: Shared) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(300)).await;
            if let Err(e) = state.store.purge(api::now()).await {
                eprintln!("healthpass serve: {e}");
            }
        }
    });
}

fn spawn_shutdown(handle: axum_server::Handle) {
    tokio::spawn(async move {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            return;
        };
        tokio::select! {
            _ = term.recv() => {},
            _ = int.recv() => {},
        }
        handle.graceful_shutdown(Some(Duration::from_secs(5)));
    });
}

/// The routes, with the limits: body caps, body-read and handler timeouts, the per-client
/// rate limit, and the log line and metrics of each response.
pub fn router(state: Shared) -> Router {
    let limited = Router::new()
        .route("/v1/requests", post(api::create_request))
        .route("/v1/requests/{id}", get(api::get_request))
        .route("/v1/requests/{id}/qr.png", get(api::request_qr))
        .route(
            "/v1/requests/{id}/presentation",
            post(api::post_presentation),
        )
        .route(
            "/v1/scan",
            post(api::scan).layer(DefaultBodyLimit::max(MAX_FRAME_BYTES)),
        )
        .route("/v1/params/{digest}", get(api::params))
        .route("/v1/trust-list", get(api::trust_list))
        .route("/v1/policies", get(api::policies))
        .layer(middleware::from_fn_with_state(state.clone(), rate_limit))
        .layer(middleware::from_fn(handler_timeout));
    Router::new()
        // Waiting for a verdict is long-lived: no handler timeout, no rate limit (the page
        // opens one stream per request).
        .route("/v1/requests/{id}/result", get(api::result))
        .route("/healthz", get(api::healthz))
        .route("/metrics", get(api::metrics))
        .merge(page::routes())
        .merge(limited)
        .fallback(api::fallback)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            BODY_TIMEOUT,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), log))
        .with_state(state)
}

async fn rate_limit(State(s): State<Shared>, req: Request, next: Next) -> Response {
    let client = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    match client {
        Some(ip) if !s.limiter.allow(ip, Instant::now()) => ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "too many requests from this address; retry in a second",
        )
        .into_response(),
        _ => next.run(req).await,
    }
}

async fn handler_timeout(req: Request, next: Next) -> Response {
    match tokio::time::timeout(HANDLER_TIMEOUT, next.run(req)).await {
        Ok(r) => r,
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            "the request took too long",
        )
        .into_response(),
    }
}

/// One line per response on standard error: method, route template (never the query, which
/// may hold a result token), status, error code, milliseconds. Never a body.
async fn log(State(s): State<Shared>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let route: &'static str = match req
        .extensions()
        .get::<MatchedPath>()
        .map(MatchedPath::as_str)
    {
        Some(p) => route_name(p),
        None => "other",
    };
    let response = next.run(req).await;
    let status = response.status();
    let code = response.extensions().get::<ErrorCode>().map(|c| c.0);
    s.metrics.response(route, status.as_u16());
    if std::env::var_os("HEALTHPASS_QUIET").is_none() {
        eprintln!(
            "{method} {route} {} {}{:.1} ms",
            status.as_u16(),
            code.map(|c| format!("{c} ")).unwrap_or_default(),
            started.elapsed().as_secs_f64() * 1e3
        );
    }
    response
}

/// The route templates as static names (for the metrics' labels).
fn route_name(p: &str) -> &'static str {
    const ROUTES: [&str; 14] = [
        "/v1/requests",
        "/v1/requests/{id}",
        "/v1/requests/{id}/qr.png",
        "/v1/requests/{id}/presentation",
        "/v1/requests/{id}/result",
        "/v1/scan",
        "/v1/params/{digest}",
        "/v1/trust-list",
        "/v1/policies",
        "/healthz",
        "/metrics",
        "/",
        "/assets/app.js",
        "/assets/app.css",
    ];
    ROUTES.iter().copied().find(|r| *r == p).unwrap_or("other")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use healthpass::credential::{CredentialType, IssuerKey, Suite};
    use healthpass::presentation::TrustList;
    use proptest::prelude::*;
    use tower::ServiceExt;

    /// A service over a temporary trust list, policy, parameter store and embedded store.
    fn app(dir: &std::path::Path, rt: &tokio::runtime::Runtime) -> Router {
        let issuer = IssuerKey::generate(
            "gb-nhs",
            "NHS",
            "GB",
            Suite::Sha256,
            &CredentialType::ALL,
            &mut rand::rng(),
        )
        .unwrap();
        let mut trust = TrustList::default();
        trust.add(issuer.info().clone(), false).unwrap();
        std::fs::write(dir.join("trust.json"), trust.to_json()).unwrap();
        std::fs::write(
            dir.join("entry.json"),
            r#"{"format":"healthpass-policy/1","name":"entry","any_of":[{"type":"vaccination",
                "disclose":["vaccine_product"],"all_of":["dose_number >= 2"]}]}"#,
        )
        .unwrap();
        let sources = Sources {
            trust_list: dir.join("trust.json"),
            policies: vec![dir.join("entry.json")],
            params_dir: dir.join("params"),
        };
        let config = sources.load().unwrap();
        let store = rt
            .block_on(Store::open(dir.join("s.redb").to_str().unwrap()))
            .unwrap();
        let options = Options {
            verifier: "v".into(),
            public_url: "http://127.0.0.1:1".into(),
            validity: 300,
            scan_limit: Duration::from_millis(300),
            batch: 16,
        };
        router(Arc::new(AppState::new(
            config,
            sources,
            store,
            options,
            RateLimiter::new(0, 0),
        )))
    }

    fn call(
        rt: &tokio::runtime::Runtime,
        app: &Router,
        method: &str,
        uri: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> (StatusCode, serde_json::Value) {
        rt.block_on(async {
            let req = axum::http::Request::builder()
                .method(method)
                .uri(uri)
                .header("content-type", content_type)
                .body(Body::from(body))
                .unwrap();
            let resp = app.clone().oneshot(req).await.unwrap();
            let status = resp.status();
            let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
                .await
                .unwrap();
            (status, serde_json::from_slice(&bytes).unwrap_or_default())
        })
    }

    /// Arbitrary bodies and content types at every handler that takes a body, and arbitrary
    /// ids at every handler that takes one: always a 4xx with a typed error (never a panic,
    /// never a 5xx).
    #[test]
    fn arbitrary_input_gets_a_typed_4xx() {
        let dir = tempfile::tempdir().unwrap();
        let rt = tokio::runtime::Runtime::new().unwrap();
        let app = app(dir.path(), &rt);
        let (status, r) = call(
            &rt,
            &app,
            "POST",
            "/v1/requests",
            "application/json",
            br#"{"policy":"entry"}"#.to_vec(),
        );
        assert_eq!(status, StatusCode::CREATED);
        let id = r["id"].as_str().unwrap().to_owned();
        let types = [
            "application/json",
            "application/octet-stream",
            "text/plain",
            "image/png",
            "image/jpeg",
            "",
            "text/html",
        ];
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(64));
        runner
            .run(
                &(
                    proptest::collection::vec(any::<u8>(), 0..2048),
                    0..types.len(),
                    0..5usize,
                    "[A-Za-z0-9_.-]{0,30}",
                ),
                |(body, t, route, junk_id)| {
                    let uri = match route {
                        0 => "/v1/requests".to_owned(),
                        1 => format!("/v1/requests/{id}/presentation"),
                        2 => format!("/v1/scan?request={id}"),
                        3 => format!("/v1/requests/{junk_id}/presentation"),
                        _ => format!("/v1/scan?request={junk_id}"),
                    };
                    let (status, v) = call(&rt, &app, "POST", &uri, types[t], body);
                    prop_assert!(status.is_client_error(), "{uri} {status} {v}");
                    prop_assert!(v["error"].is_string(), "{v}");
                    for get in [
                        format!("/v1/requests/{junk_id}"),
                        format!("/v1/requests/{junk_id}/qr.png"),
                        format!("/v1/requests/{junk_id}/result?token={junk_id}"),
                        format!("/v1/params/{junk_id}"),
                    ] {
                        let (status, v) = call(&rt, &app, "GET", &get, "", vec![]);
                        prop_assert!(status.is_client_error(), "{get} {status} {v}");
                        prop_assert!(v["error"].is_string(), "{v}");
                    }
                    Ok(())
                },
            )
            .unwrap();
        // The open request is untouched by all of it.
        let (status, _) = call(&rt, &app, "GET", &format!("/v1/requests/{id}"), "", vec![]);
        assert_eq!(status, StatusCode::OK);
    }
}
