//! The HTTP API (`docs/service.md`, `docs/openapi.json`): the handlers, their typed errors,
//! and the verification of a presentation against an open request with the nonce consumed
//! atomically on acceptance.

use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use healthpass::credential::calendar;
use healthpass::presentation::{self, qr, Error as PError, Presentation, PresentationRequest};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::config::{Config, Sources};
use super::metrics::Metrics;
use super::ratelimit::RateLimiter;
use super::store::{Store, StoreError, GRACE_SECONDS};
use super::verifier::Verifier;

/// The service's settings that are not reloaded.
#[derive(Clone, Debug)]
pub struct Options {
    /// The verifier identifier put in requests (OpenID4VP's `client_id`).
    pub verifier: String,
    /// The origin the service is reached at, e.g. `http://127.0.0.1:8080`.
    pub public_url: String,
    /// Seconds a request stays open.
    pub validity: i64,
    /// How long `/v1/scan` may spend finding a QR code in a frame.
    pub scan_limit: Duration,
    /// The most waiting presentations verified in one batch (1: one at a time).
    pub batch: usize,
}

/// An open request, as every instance reads it from the store.
pub struct OpenRequest {
    /// The policy it was made from.
    pub policy: String,
    /// The request.
    pub request: PresentationRequest,
    /// SHA-256 of its result token.
    token_hash: [u8; 32],
}

#[derive(Serialize, Deserialize)]
struct RequestRecord {
    policy: String,
    request: String,
    token_hash: String,
}

/// The state every handler shares.
pub struct AppState {
    /// The reloadable configuration.
    pub config: RwLock<Arc<Config>>,
    /// Where it is reloaded from.
    pub sources: Sources,
    /// The request, nonce and verdict store.
    pub store: Store,
    /// Settings.
    pub options: Options,
    /// Counters and the latency histogram.
    pub metrics: Metrics,
    /// The per-client rate limiter.
    pub limiter: RateLimiter,
    /// The verification queue and its verifier threads.
    pub verifier: Verifier,
    /// Requests already read from the store (or made here), by id.
    cache: Mutex<RequestCache<Arc<OpenRequest>>>,
}

/// The most open requests an instance keeps decoded in memory (it reads others again).
const CACHE_ENTRIES: usize = 4096;

/// Decoded open requests by id, at most `capacity`, each until its request expires (and its
/// grace period passes: callers give `now - GRACE_SECONDS`). When it is full, expired
/// requests go first (swept at most once a minute, so that a full cache of live requests
/// costs no scan per insert), then the least recently used one: a service with more open
/// requests than that reads only the ones not used lately from the store again.
struct RequestCache<V> {
    entries: lru::LruCache<String, (i64, V)>,
    /// No sweep for expired entries before this time.
    next_sweep: i64,
}

/// Seconds between two sweeps of a full [`RequestCache`] for expired entries.
const SWEEP_SECONDS: i64 = 60;

impl<V: Clone> RequestCache<V> {
    fn new(capacity: usize) -> Self {
        Self {
            entries: lru::LruCache::new(
                std::num::NonZeroUsize::new(capacity).unwrap_or(std::num::NonZeroUsize::MIN),
            ),
            next_sweep: i64::MIN,
        }
    }

    /// The entry `id` if it has not expired at `now` (it becomes the most recently used);
    /// an expired one is dropped.
    fn get(&mut self, id: &str, now: i64) -> Option<V> {
        match self.entries.get(id) {
            Some((expires, v)) if *expires >= now => Some(v.clone()),
            Some(_) => {
                self.entries.pop(id);
                None
            }
            None => None,
        }
    }

    /// Keeps `v` as `id` until `expires`. When full, drops the expired entries (at most
    /// once every [`SWEEP_SECONDS`]), or else the least recently used one.
    fn put(&mut self, id: &str, expires: i64, v: V, now: i64) {
        let full = self.entries.len() == self.entries.cap().get();
        if full && now >= self.next_sweep && !self.entries.contains(id) {
            self.next_sweep = now.saturating_add(SWEEP_SECONDS);
            let expired: Vec<String> = self
                .entries
                .iter()
                .filter(|(_, (e, _))| *e < now)
                .map(|(k, _)| k.clone())
                .collect();
            for k in expired {
                self.entries.pop(&k);
            }
        }
        self.entries.put(id.to_owned(), (expires, v));
    }
}

impl AppState {
    /// A state over a loaded configuration and an open store.
    pub fn new(
        config: Config,
        sources: Sources,
        store: Store,
        options: Options,
        limiter: RateLimiter,
    ) -> Self {
        let verifiers = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self {
            config: RwLock::new(Arc::new(config)),
            sources,
            store,
            verifier: Verifier::start(options.batch, verifiers),
            options,
            metrics: Metrics::default(),
            limiter,
            cache: Mutex::new(RequestCache::new(CACHE_ENTRIES)),
        }
    }

    /// The current configuration.
    pub fn config(&self) -> Arc<Config> {
        self.config
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Reloads the trust list, policies and parameters; open requests are untouched.
    pub fn reload(&self) -> Result<(), String> {
        let fresh = self.sources.load()?;
        *self.config.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(fresh);
        Ok(())
    }
}

pub type Shared = Arc<AppState>;

/// A typed error: `{"error": CODE, "message": TEXT}` (plus `"accepted": false` for a
/// presentation that was refused). The codes are listed in `docs/openapi.json`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    rejection: bool,
}

impl ApiError {
    /// An error with its status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            rejection: false,
        }
    }

    fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no such {what}"),
        )
    }

    fn unknown_request() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "unknown_request",
            "no open request has this id (it expired, or never existed)",
        )
    }

    fn rejected(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code,
            message: message.into(),
            rejection: true,
        }
    }

    fn replay() -> Self {
        Self {
            status: StatusCode::CONFLICT,
            code: "replay",
            message: "this request was already answered: its nonce is consumed".into(),
            rejection: true,
        }
    }

    /// The JSON body.
    pub fn body(&self) -> Value {
        let mut v = json!({ "error": self.code, "message": self.message });
        if self.rejection {
            v["accepted"] = Value::Bool(false);
        }
        v
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        eprintln!("healthpass serve: {e}");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "store_unavailable",
            "the request store cannot be reached",
        )
    }
}

impl From<BytesRejection> for ApiError {
    fn from(e: BytesRejection) -> Self {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Self::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "the request body is larger than this endpoint takes",
            )
        } else {
            Self::new(
                StatusCode::BAD_REQUEST,
                "bad_body",
                "the request body could not be read",
            )
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = (self.status, axum::Json(self.body())).into_response();
        r.extensions_mut().insert(ErrorCode(self.code));
        if self.status == StatusCode::TOO_MANY_REQUESTS {
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        r
    }
}

/// The error code of a response, for the log line and the metrics.
#[derive(Clone, Copy)]
pub struct ErrorCode(pub &'static str);

type ApiResult<T> = Result<T, ApiError>;

/// The code of a refused presentation (one per [`presentation::Error`] rejection).
pub fn rejection_code(e: &PError) -> &'static str {
    match e {
        PError::AnswersAnotherRequest | PError::RequestDigestMismatch => "wrong_request",
        PError::RequestExpired { .. } => "request_expired",
        PError::CredentialCountMismatch { .. } => "credential_count",
        PError::UntrustedIssuer { .. } => "untrusted_issuer",
        PError::UnknownKey { .. } => "unknown_key",
        PError::IssuerNotAccepted { .. } => "issuer_not_accepted",
        PError::SchemaMismatch { .. } => "schema_mismatch",
        PError::IssuerMayNotIssue { .. } => "issuer_may_not_issue",
        PError::DisclosureMismatch { .. } => "disclosure_mismatch",
        PError::PredicateMismatch { .. } => "predicate_mismatch",
        PError::ProofInvalid { .. } | PError::Predicate(_) => "proof_invalid",
        PError::CredentialInvalid => "credential_invalid",
        PError::ImageTooLarge { .. } => "image_too_large",
        PError::Qr { .. } => "no_qr_code",
        e if !e.is_rejection() => "malformed_presentation",
        _ => "rejected",
    }
}

fn presentation_error(e: PError) -> ApiError {
    let code = rejection_code(&e);
    let message = e.to_string();
    if e.is_rejection() {
        ApiError::rejected(code, message)
    } else {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn rfc3339(t: i64) -> String {
    calendar::format_rfc3339_seconds(t).unwrap_or_default()
}

fn random_b64(len: usize) -> String {
    let mut bytes = vec![0u8; len];
    rand::Rng::fill_bytes(&mut rand::rng(), &mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// An id as the API writes them: 22 characters of base64url (16 random bytes).
fn valid_id(id: &str) -> bool {
    id.len() == 22
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

fn unsupported(expected: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        format!("the body must be {expected}"),
    )
}

fn accepts(headers: &HeaderMap, media: &str) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|m| m.trim().starts_with(media)))
}

impl AppState {
    fn urls(&self, id: &str) -> (String, String, String, String) {
        let base = format!("{}/v1/requests/{id}", self.options.public_url);
        (
            base.clone(),
            format!("{base}/presentation"),
            format!("{base}/qr.png"),
            format!("{base}/result"),
        )
    }

    /// The open request `id`, from memory or the store.
    async fn open_request(&self, id: &str) -> ApiResult<Arc<OpenRequest>> {
        if !valid_id(id) {
            return Err(ApiError::unknown_request());
        }
        if let Some(r) = self.cache_get(id) {
            return Ok(r);
        }
        let now = now();
        let record = self
            .store
            .get(&format!("request:{id}"), now)
            .await?
            .ok_or_else(ApiError::unknown_request)?;
        let record: RequestRecord = serde_json::from_slice(&record)
            .map_err(|_| ApiError::from(StoreError::new("a stored request is damaged")))?;
        let params = self.config().params.clone();
        let request = tokio::task::spawn_blocking(move || {
            let mut request = PresentationRequest::from_json(&record.request)?;
            params.resolve(&mut request)?;
            Ok::<_, PError>((record.policy, request, record.token_hash))
        })
        .await
        .map_err(|_| ApiError::from(StoreError::new("a stored request is damaged")))?
        .map_err(|_| ApiError::from(StoreError::new("a stored request is damaged")))?;
        let (policy, request, token_hash) = request;
        let mut hash = [0u8; 32];
        hex_decode(&token_hash, &mut hash)
            .ok_or_else(|| ApiError::from(StoreError::new("a stored request is damaged")))?;
        let open = Arc::new(OpenRequest {
            policy,
            request,
            token_hash: hash,
        });
        self.cache_put(id, open.clone());
        Ok(open)
    }

    fn cache_get(&self, id: &str) -> Option<Arc<OpenRequest>> {
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        cache.get(id, now() - GRACE_SECONDS)
    }

    fn cache_put(&self, id: &str, r: Arc<OpenRequest>) {
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        cache.put(id, r.request.expires, r, now() - GRACE_SECONDS);
    }
}

fn hex_decode(text: &str, out: &mut [u8; 32]) -> Option<()> {
    if text.len() != 64 {
        return None;
    }
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(())
}

// ---- handlers ----

/// `GET /healthz`.
pub async fn healthz(State(s): State<Shared>) -> ApiResult<Response> {
    s.store.get("healthz", now()).await?;
    Ok(axum::Json(json!({ "status": "ok", "store": s.store.kind() })).into_response())
}

/// `GET /metrics`.
pub async fn metrics(State(s): State<Shared>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        s.metrics.render() + &batch_metrics(s.verifier.stats()),
    )
        .into_response()
}

/// The verification batches in the Prometheus text format.
fn batch_metrics((batches, presentations): (u64, u64)) -> String {
    format!(
        "# HELP healthpass_verification_batches_total Batches of waiting presentations verified together.\n\
         # TYPE healthpass_verification_batches_total counter\n\
         healthpass_verification_batches_total {batches}\n\
         # HELP healthpass_batched_presentations_total Presentations verified in those batches.\n\
         # TYPE healthpass_batched_presentations_total counter\n\
         healthpass_batched_presentations_total {presentations}\n"
    )
}

/// `GET /v1/policies`: the names the page offers.
pub async fn policies(State(s): State<Shared>) -> Response {
    let config = s.config();
    let list: Vec<Value> = config
        .policies
        .values()
        .map(|p| {
            let policy = p.policy();
            let alternatives: Vec<Value> = policy
                .alternatives
                .iter()
                .map(|a| {
                    json!({
                        "type": a.credential_type.name(),
                        "disclose": a.disclose,
                        "statements": a.describe(),
                    })
                })
                .collect();
            json!({
                "name": p.name,
                "alternatives": alternatives,
                "reveal_branch": policy.reveal_branch,
            })
        })
        .collect();
    axum::Json(json!({ "policies": list })).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewRequest {
    policy: String,
}

/// `POST /v1/requests` `{"policy": NAME}`.
pub async fn create_request(
    State(s): State<Shared>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = body?;
    if content_type(&headers) != "application/json" {
        return Err(unsupported("application/json"));
    }
    let asked: NewRequest = std::str::from_utf8(&body)
        .ok()
        .and_then(|t| healthpass::credential::json::parse("request body", t).ok())
        .and_then(|v| serde_json::from_value(v).ok())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_body",
                "the body must be {\"policy\": NAME}",
            )
        })?;
    let config = s.config();
    let policy = config.policies.get(&asked.policy).cloned().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_policy",
            "no policy has this name",
        )
    })?;
    let params = config.params.clone();
    let (verifier, validity) = (s.options.verifier.clone(), s.options.validity);
    let t = now();
    let request = tokio::task::spawn_blocking(move || {
        policy.make_request(&verifier, t, validity, Some(&params), &mut rand::rng())
    })
    .await
    .map_err(|_| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "request-making failed",
        )
    })?
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
    let id = random_b64(16);
    let token = random_b64(32);
    let token_hash: [u8; 32] = Sha256::digest(token.as_bytes()).into();
    let request_json = request.to_json();
    let record = RequestRecord {
        policy: asked.policy.clone(),
        request: request_json,
        token_hash: presentation::hex(&token_hash),
    };
    let record = serde_json::to_vec(&record).unwrap_or_default();
    s.store
        .put(
            &format!("request:{id}"),
            &record,
            request.expires + GRACE_SECONDS,
            t,
        )
        .await?;
    let (uri, response_uri, qr_url, result_url) = s.urls(&id);
    let expires = request.expires;
    // The compact form, base64url: what fits a QR code (docs/formats.md, "Compact request").
    let request_compact = URL_SAFE_NO_PAD.encode(request.to_compact());
    s.cache_put(
        &id,
        Arc::new(OpenRequest {
            policy: asked.policy.clone(),
            request,
            token_hash,
        }),
    );
    let body = json!({
        "id": id,
        "policy": asked.policy,
        "request": request_compact,
        "request_uri": uri,
        "response_uri": response_uri,
        "qr": qr_url,
        "result": result_url,
        "expires": rfc3339(expires),
        "result_token": token,
    });
    Ok((StatusCode::CREATED, axum::Json(body)).into_response())
}

/// `GET /v1/requests/{id}`: the request, as its compact bytes when the client accepts
/// `application/octet-stream` (and not JSON), otherwise in a JSON envelope with its
/// response address.
pub async fn get_request(
    State(s): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let open = s.open_request(&id).await?;
    if accepts(&headers, "application/octet-stream") && !accepts(&headers, "application/json") {
        return Ok((
            [
                (header::CONTENT_TYPE, "application/octet-stream"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            open.request.to_compact(),
        )
            .into_response());
    }
    if headers.contains_key(header::ACCEPT)
        && !accepts(&headers, "application/json")
        && !accepts(&headers, "*/*")
        && !accepts(&headers, "application/*")
    {
        return Err(ApiError::new(
            StatusCode::NOT_ACCEPTABLE,
            "not_acceptable",
            "this request is served as application/json or application/octet-stream (compact)",
        ));
    }
    let (_, response_uri, _, _) = s.urls(&id);
    let request: Value = serde_json::from_str(&open.request.to_json()).unwrap_or(Value::Null);
    Ok(axum::Json(json!({
        "id": id,
        "policy": open.policy,
        "client_id": open.request.verifier,
        "response_mode": "direct_post",
        "response_uri": response_uri,
        "expires": rfc3339(open.request.expires),
        "request": request,
    }))
    .into_response())
}

/// `GET /v1/requests/{id}/qr.png`: a QR code of the request's address.
pub async fn request_qr(State(s): State<Shared>, Path(id): Path<String>) -> ApiResult<Response> {
    s.open_request(&id).await?;
    let (uri, ..) = s.urls(&id);
    let png = qr::Qr::new(uri.as_bytes())
        .and_then(|q| q.to_png())
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        png,
    )
        .into_response())
}

/// `POST /v1/requests/{id}/presentation`: JSON, compact (`application/octet-stream`) or
/// base64url compact (`text/plain`).
pub async fn post_presentation(
    State(s): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = body?;
    let open = s.open_request(&id).await?;
    let kind = match content_type(&headers).as_str() {
        "application/json" => Body_::Json,
        "application/octet-stream" => Body_::Compact,
        "text/plain" => Body_::Base64,
        _ => {
            return Err(unsupported(
                "application/json, application/octet-stream (compact) or text/plain (base64url compact)",
            ))
        }
    };
    let verdict = s.clone().check_and_consume(&id, open, body, kind).await?;
    Ok(axum::Json(verdict).into_response())
}

#[derive(Deserialize)]
pub struct ScanQuery {
    request: String,
}

/// `POST /v1/scan?request=ID`: a camera frame (PNG or JPEG) holding a presentation's QR code.
pub async fn scan(
    State(s): State<Shared>,
    query: Result<Query<ScanQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = body?;
    let Query(q) = query
        .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "bad_query", "give ?request=ID"))?;
    let open = s.open_request(&q.request).await?;
    let kind = match content_type(&headers).as_str() {
        "image/png" => Body_::Png,
        "image/jpeg" => Body_::Jpeg,
        _ => return Err(unsupported("image/png or image/jpeg")),
    };
    let verdict = s
        .clone()
        .check_and_consume(&q.request, open, body, kind)
        .await?;
    Ok(axum::Json(verdict).into_response())
}

#[derive(Clone, Copy)]
enum Body_ {
    Json,
    Compact,
    Base64,
    Png,
    Jpeg,
}

impl AppState {
    /// Decodes and verifies a presentation, then consumes the nonce (set-if-absent in the
    /// shared store): only the first accepted presentation of a request is accepted, on any
    /// instance. A refused presentation consumes nothing.
    async fn check_and_consume(
        self: Arc<Self>,
        id: &str,
        open: Arc<OpenRequest>,
        body: Bytes,
        kind: Body_,
    ) -> ApiResult<Value> {
        let t = now();
        let nonce_key = format!("nonce:{}", presentation::hex(&open.request.nonce));
        let result_key = format!("result:{id}");
        let expires = open.request.expires + GRACE_SECONDS;
        if self.store.get(&nonce_key, t).await?.is_some() {
            self.metrics.rejected("replay");
            return Err(ApiError::replay());
        }
        let started = Instant::now();
        let config = self.config();
        let scan_limit = self.options.scan_limit;
        let request = open.clone();
        let decoded = tokio::task::spawn_blocking(move || {
            let request = &request.request;
            let compact = |bytes: &[u8]| Presentation::from_compact(bytes, request);
            match kind {
                Body_::Json => std::str::from_utf8(&body)
                    .map_err(|_| PError::Qr {
                        problem: "not UTF-8",
                    })
                    .and_then(Presentation::from_json),
                Body_::Compact => compact(&body),
                Body_::Base64 => URL_SAFE_NO_PAD
                    .decode(body.trim_ascii())
                    .map_err(|_| PError::Compact {
                        offset: 0,
                        problem: "not unpadded base64url",
                    })
                    .and_then(|b| compact(&b)),
                Body_::Png => qr::read_png_within(&body, scan_limit).and_then(|b| compact(&b)),
                Body_::Jpeg => qr::read_jpeg_within(&body, scan_limit).and_then(|b| compact(&b)),
            }
        })
        .await;
        let internal = || {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "verification failed",
            )
        };
        // Verified in a batch with whatever else is waiting (`verifier`).
        let outcome = match decoded.map_err(|_| internal())? {
            Ok(p) => self
                .verifier
                .verify(open.clone(), p, config)
                .await
                .ok_or_else(internal)?,
            Err(e) => Err(e),
        };
        self.metrics.observe(started.elapsed());
        let verified = match outcome {
            Ok(v) => v,
            Err(e) => {
                let e = presentation_error(e);
                self.metrics.rejected(e.code);
                if e.rejection {
                    // For the page, unless the request was accepted meanwhile.
                    let body = serde_json::to_vec(&e.body()).unwrap_or_default();
                    self.store
                        .record_refusal(&nonce_key, &result_key, &body, expires, now())
                        .await?;
                }
                return Err(e);
            }
        };
        // The nonce and the verdict in one atomic step (`Store::accept`).
        let verdict = verdict_json(&verified, t);
        let bytes = serde_json::to_vec(&verdict).unwrap_or_default();
        if !self
            .store
            .accept(&nonce_key, &result_key, &bytes, expires, now())
            .await?
        {
            self.metrics.rejected("replay");
            return Err(ApiError::replay());
        }
        self.metrics.accepted();
        Ok(verdict)
    }
}

/// The verdict of an accepted presentation: type, disclosed values with display names, the
/// statements proven, the time. Nothing else about the holder.
fn verdict_json(v: &presentation::VerifiedPresentation, at: i64) -> Value {
    let credentials: Vec<Value> = v
        .credentials
        .iter()
        .map(|c| {
            let disclosed = crate::cli::report::disclosed_json(c.credential_type, &c.disclosed);
            let mut o = json!({
                "type": c.credential_type.name(),
                "issuer": { "id": c.issuer.id, "name": c.issuer.name, "country": c.issuer.country },
                "disclosed": disclosed,
                "proven": c.proven,
                "holder_bound": c.holder_bound,
            });
            if let Some(kid) = &c.issuer.kid {
                o["issuer"]["kid"] = json!(kid);
            }
            if let Some(p) = &c.pseudonym {
                o["pseudonym"] = json!(healthpass::credential::json::b64_encode(&p.to_bytes()));
            }
            // Only when the policy reveals branches: the alternative, then each choice.
            if let Some(b) = &c.branch {
                let path: Vec<usize> = std::iter::once(b.alternative)
                    .chain(b.choices.iter().copied())
                    .collect();
                o["branch"] = json!(path);
            }
            o
        })
        .collect();
    let first = credentials.first().cloned().unwrap_or(Value::Null);
    let mut verdict = json!({
        "accepted": true,
        "type": first["type"],
        "issuer": first["issuer"],
        "disclosed": first["disclosed"],
        "proven": first["proven"],
        // The time the credentials are proven valid at: the request's (issue 11 §1).
        "valid_at": rfc3339(v.credentials.first().map_or(at, |c| c.valid_at)),
        "holder_bound": v.credentials.first().is_some_and(|c| c.holder_bound),
        "credentials": credentials,
    });
    if let Some(branch) = first.get("branch") {
        verdict["branch"] = branch.clone();
    }
    if let Some(pseudonym) = first.get("pseudonym") {
        verdict["pseudonym"] = pseudonym.clone();
    }
    verdict
}

#[derive(Deserialize)]
pub struct ResultQuery {
    token: Option<String>,
}

fn token_of(headers: &HeaderMap, query: Option<String>) -> Option<String> {
    query.or_else(|| {
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_owned)
    })
}

/// `GET /v1/requests/{id}/result?token=T` (or `Authorization: Bearer T`): the verdict as
/// JSON (`{"status": "pending"}` until one arrives), or a stream of server-sent events with
/// `Accept: text/event-stream`.
pub async fn result(
    State(s): State<Shared>,
    Path(id): Path<String>,
    query: Result<Query<ResultQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let open = s.open_request(&id).await?;
    let token = token_of(&headers, query.ok().and_then(|Query(q)| q.token)).unwrap_or_default();
    let hash: [u8; 32] = Sha256::digest(token.as_bytes()).into();
    if !bool::from(hash.ct_eq(&open.token_hash)) {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_token",
            "the result token is missing or wrong",
        ));
    }
    let key = format!("result:{id}");
    if !accepts(&headers, "text/event-stream") {
        let v = match s.store.get(&key, now()).await? {
            Some(b) => serde_json::from_slice(&b).unwrap_or(Value::Null),
            None => json!({ "status": "pending" }),
        };
        return Ok(axum::Json(v).into_response());
    }
    let expires = open.request.expires;
    let stream = futures_util::stream::unfold(
        (s.clone(), key, Vec::<u8>::new(), false),
        move |(s, key, last, done)| async move {
            if done {
                return None;
            }
            loop {
                let t = now();
                if t > expires {
                    let e = Event::default()
                        .event("expired")
                        .data("{\"error\":\"request_expired\"}");
                    return Some((Ok::<_, std::convert::Infallible>(e), (s, key, last, true)));
                }
                if let Ok(Some(b)) = s.store.get(&key, t).await {
                    if b != last {
                        let accepted = serde_json::from_slice::<Value>(&b)
                            .is_ok_and(|v| v["accepted"] == Value::Bool(true));
                        let e = Event::default()
                            .event("verdict")
                            .data(String::from_utf8_lossy(&b));
                        return Some((Ok(e), (s, key, b, accepted)));
                    }
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        },
    );
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}

fn etagged(
    headers: &HeaderMap,
    digest: &str,
    content_type: &'static str,
    bytes: Vec<u8>,
) -> Response {
    let etag = format!("\"{digest}\"");
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut r = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, content_type)], bytes).into_response()
    };
    if let Ok(v) = HeaderValue::from_str(&etag) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r
}

/// `GET /v1/params/{digest}`: a signed set of the verifier's parameter store, by the
/// SHA-256 (hex) of its canonical encoding, which is its file's content.
pub async fn params(
    State(s): State<Shared>,
    Path(digest): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let mut d = [0u8; 32];
    hex_decode(&digest, &mut d).ok_or_else(|| ApiError::not_found("parameter set"))?;
    let path = s.config().params.path_of(&d);
    let bytes = tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| {
                f.take(presentation::MAX_SET_BYTES as u64 + 1)
                    .read_to_end(&mut bytes)
            })
            .ok()
            .filter(|_| bytes.len() <= presentation::MAX_SET_BYTES)
            .map(|_| bytes)
    })
    .await
    .ok()
    .flatten()
    .filter(|b| <[u8; 32]>::from(Sha256::digest(b)) == d)
    .ok_or_else(|| ApiError::not_found("parameter set"))?;
    Ok(etagged(
        &headers,
        &digest,
        "application/octet-stream",
        bytes,
    ))
}

/// `GET /v1/trust-list`.
pub async fn trust_list(State(s): State<Shared>, headers: HeaderMap) -> Response {
    let config = s.config();
    etagged(
        &headers,
        &config.trust_digest,
        "application/json",
        config.trust_bytes.clone(),
    )
}

/// Any other path.
pub async fn fallback() -> ApiError {
    ApiError::not_found("endpoint")
}

#[cfg(test)]
mod tests {
    use super::RequestCache;

    #[test]
    fn the_request_cache_drops_the_least_recently_used_request() {
        let mut cache = RequestCache::new(3);
        for (i, id) in ["a", "b", "c"].into_iter().enumerate() {
            cache.put(id, 100, i, 0);
        }
        // `a` is used again, so `b` is the least recently used when `d` arrives.
        assert_eq!(cache.get("a", 0), Some(0));
        cache.put("d", 100, 3, 0);
        assert_eq!(cache.get("b", 0), None);
        assert_eq!(cache.get("a", 0), Some(0));
        assert_eq!(cache.get("c", 0), Some(2));
        assert_eq!(cache.get("d", 0), Some(3));
        // Putting an id again replaces its entry and drops nothing else.
        cache.put("c", 100, 20, 0);
        assert_eq!(cache.entries.len(), 3);
        assert_eq!(cache.get("c", 0), Some(20));
        assert_eq!(cache.get("a", 0), Some(0));
    }

    #[test]
    fn the_request_cache_forgets_expired_requests_first() {
        let mut cache = RequestCache::new(3);
        cache.put("old", 10, 0, 0);
        cache.put("edge", 50, 1, 0);
        cache.put("c", 100, 2, 0);
        // `old` is the most recently used, but it has expired at 50: it goes first;
        // `edge` expires at 50 and is still valid then.
        assert_eq!(cache.get("old", 10), Some(0));
        cache.put("d", 100, 3, 50);
        assert_eq!(cache.entries.len(), 3);
        assert!(!cache.entries.contains("old"));
        assert_eq!(cache.get("edge", 50), Some(1));
        assert_eq!(cache.get("c", 50), Some(2));
        assert_eq!(cache.get("d", 50), Some(3));
        // An expired entry is never returned, and is dropped when asked for.
        assert_eq!(cache.get("edge", 51), None);
        assert!(!cache.entries.contains("edge"));
    }

    #[test]
    fn a_full_cache_is_swept_at_most_once_a_minute() {
        let mut cache = RequestCache::new(3);
        for id in ["s", "a", "b"] {
            cache.put(id, if id == "s" { 60 } else { 1000 }, 0, 0);
        }
        assert_eq!(cache.get("s", 5), Some(0));
        // Full at 10: a sweep (nothing has expired), then `a`, the least recently used, goes.
        cache.put("c", 1000, 0, 10);
        assert!(!cache.entries.contains("a"));
        assert_eq!(cache.get("s", 59), Some(0));
        // Full at 65: `s` has expired, but the last sweep was 55 s before, so the least
        // recently used (`b`) gives way and `s` stays.
        cache.put("d", 1000, 0, 65);
        assert!(!cache.entries.contains("b"));
        assert!(cache.entries.contains("s"));
        // Full at 70: a sweep is due and drops `s`; `c`, the least recently used, stays.
        cache.put("e", 1000, 0, 70);
        assert!(!cache.entries.contains("s"));
        for id in ["c", "d", "e"] {
            assert!(cache.entries.contains(id), "{id}");
        }
    }
}
