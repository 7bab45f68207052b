//! A bounded load test of `healthpass serve` on loopback (issue 15 §5; `docs/benchmarks.md`).
//!
//! ```sh
//! cargo bench --bench service_load -- [--store embedded|redis] [--seconds 60]
//!     [--presentations N] [--clients C] [--rate R] [--batch B]
//! ```
//!
//! Before the timed window: an issuer, a trust list, a vaccination credential and the
//! policy of the browser test; a `healthpass serve` on a free loopback port (rate limit off,
//! logs off), with its embedded store or a `redis-server` it starts; N requests made through
//! the API and N presentations of them proven in this process. The baseline: the
//! single-thread `presentation::verify` rate of one such presentation, in this process (and,
//! for comparison, the single-thread rate of `presentation::verify_batch` over batches of
//! 16 copies of it). The service verifies waiting presentations in batches of up to `B`
//! (`serve --batch B`, default 16; 1: one at a time).
//! Then, for at most `--seconds`, C clients post the presentations (compact) as fast as
//! they are answered (or, with `--rate R`, at R posts a second in all), and each client
//! re-sends one presentation in ten that was already accepted: every replay must be refused.
//! It stops by itself when the time is up or the presentations run out, and prints the
//! presentations verified per second, p50/p99 latency, and the replays accepted (must be 0).
//! Only loopback addresses are used.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use healthpass::credential::Credential;
use healthpass::presentation::{self, ParamStore, PresentationRequest, TrustList};
use serde_json::{json, Value};

/// The batch size of the library's single-thread batch rate.
const LIBRARY_BATCH: usize = 16;

/// A response address and the compact presentation posted to it.
type Posted = (String, Vec<u8>);

struct Args {
    store: String,
    seconds: u64,
    presentations: usize,
    clients: usize,
    rate: Option<f64>,
    batch: usize,
}

fn args() -> Args {
    let mut a = Args {
        store: "embedded".into(),
        seconds: 60,
        presentations: 2000,
        clients: 4,
        rate: None,
        batch: 16,
    };
    let v: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < v.len() {
        let next = || v.get(i + 1).cloned().unwrap_or_default();
        match v[i].as_str() {
            "--store" => a.store = next(),
            "--seconds" => a.seconds = next().parse().unwrap_or(60).min(60),
            "--presentations" => a.presentations = next().parse().unwrap_or(2000),
            "--clients" => a.clients = next().parse().unwrap_or(4).max(1),
            "--rate" => a.rate = next().parse().ok(),
            "--batch" => a.batch = next().parse().unwrap_or(16).clamp(1, 256),
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    a
}

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_healthpass"))
}

fn run(dir: &Path, args: &[&str]) {
    let out = Command::new(binary())
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Killed(Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

fn cpu_seconds(pid: u32) -> f64 {
    // utime + stime from /proc/PID/stat, in clock ticks (100 a second on Linux).
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            let rest = &s[s.rfind(')')? + 2..];
            let f: Vec<&str> = rest.split(' ').collect();
            Some((f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?) / 100.0)
        })
        .unwrap_or(0.0)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1e3
}

fn main() {
    let a = args();
    if std::env::args().any(|x| x == "--bench") && !std::env::args().any(|x| x == "--store") {
        // `cargo bench` without arguments (e.g. the whole bench suite): a short run.
        eprintln!("service_load: pass arguments after `--` for the full run (docs/benchmarks.md)");
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    run(
        d,
        &[
            "issuer",
            "init",
            "--id",
            "gb-nhs",
            "--out-dir",
            "keys",
            "--country",
            "GB",
        ],
    );
    run(
        d,
        &[
            "trust",
            "add",
            "keys/gb-nhs.public.json",
            "--trust-list",
            "trust.json",
        ],
    );
    let attrs = json!({
        "family_name": "Lovelace", "given_name": "Augusta Ada", "birth_date": "1815-12-10",
        "country": "GB", "issuer_name": "NHS England", "certificate_id": "URN:UVCI:01:GB:TEST1",
        "valid_from": "2024-01-01T00:00:00Z", "valid_until": "2027-09-01T00:00:00Z",
        "disease": "840539006", "vaccine_type": "1119349007", "vaccine_product": "EU/1/20/1528",
        "manufacturer": "ORG-100030215", "dose_number": 3, "total_doses": 3,
        "vaccination_date": "2024-01-01"
    });
    std::fs::write(d.join("attrs.json"), attrs.to_string()).unwrap();
    run(
        d,
        &[
            "issue",
            "--issuer",
            "keys/gb-nhs.secret.json",
            "--type",
            "vaccination",
            "--attributes",
            "attrs.json",
            "--out",
            "cred.json",
        ],
    );
    let policy = json!({
        "format": "healthpass-policy/1", "name": "entry",
        "any_of": [{ "type": "vaccination", "disclose": ["vaccine_product"],
                     "all_of": ["dose_number >= 2", "valid_until >= now"] }]
    });
    std::fs::write(d.join("entry.json"), policy.to_string()).unwrap();
    let credential =
        Credential::from_json(&std::fs::read_to_string(d.join("cred.json")).unwrap()).unwrap();
    let trust =
        TrustList::from_json(&std::fs::read_to_string(d.join("trust.json")).unwrap()).unwrap();

    let _redis;
    let store = if a.store == "redis" {
        let port = free_port();
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server");
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            std::thread::sleep(Duration::from_millis(50));
        }
        _redis = Some(Killed(child));
        format!("redis://127.0.0.1:{port}")
    } else {
        _redis = None;
        "store.redb".into()
    };
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let server = Killed(
        Command::new(binary())
            .args([
                "serve",
                "--trust-list",
                "trust.json",
                "--policy",
                "entry.json",
                "--params-store",
                "params",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--store",
                &store,
                "--rate-limit",
                "0",
                "--request-ttl",
                "3600",
                "--batch",
                &a.batch.to_string(),
            ])
            .env("HEALTHPASS_QUIET", "1")
            .current_dir(d)
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let agent = agent();
    let deadline = Instant::now() + Duration::from_secs(60);
    while agent
        .get(format!("{url}/healthz"))
        .call()
        .map(|r| r.status().as_u16())
        .ok()
        != Some(200)
    {
        assert!(Instant::now() < deadline, "the service did not start");
        std::thread::sleep(Duration::from_millis(100));
    }

    // ---- before the timed window: requests and presentations ----
    let made = Instant::now();
    let next = AtomicUsize::new(0);
    let pool: Mutex<Vec<Posted>> = Mutex::new(Vec::with_capacity(a.presentations));
    let sample: Mutex<Option<(PresentationRequest, presentation::Presentation)>> = Mutex::new(None);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                let agent = self::agent();
                let mut rng = rand::rng();
                while next.fetch_add(1, Ordering::Relaxed) < a.presentations {
                    let mut r = agent
                        .post(format!("{url}/v1/requests"))
                        .header("Content-Type", "application/json")
                        .send(r#"{"policy":"entry"}"#)
                        .unwrap();
                    let v: Value =
                        serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap();
                    // The compact request, base64url (as the QR code carries it).
                    let compact =
                        healthpass::credential::json::b64_decode(v["request"].as_str().unwrap())
                            .unwrap();
                    let mut request = PresentationRequest::from_compact(&compact).unwrap();
                    // The holder's side of parameters by reference, from the verifier's folder.
                    ParamStore::open(d.join("params"))
                        .unwrap()
                        .resolve(&mut request)
                        .unwrap();
                    let now = request.created;
                    let p = presentation::present(
                        &request,
                        std::slice::from_ref(&credential),
                        now,
                        &mut rng,
                    )
                    .unwrap();
                    let compact = p.to_compact().unwrap();
                    let uri = v["response_uri"].as_str().unwrap().to_owned();
                    pool.lock().unwrap().push((uri, compact));
                    sample.lock().unwrap().get_or_insert((request, p));
                }
            });
        }
    });
    let mut pool = pool.into_inner().unwrap();
    let prepared = made.elapsed();

    // ---- the baseline: single-thread presentation::verify of one presentation ----
    let (request, p) = sample.into_inner().unwrap().unwrap();
    let now = request.created + 1;
    let started = Instant::now();
    let mut n = 0u32;
    while started.elapsed() < Duration::from_secs(5) {
        presentation::verify(&request, &p, &trust, now).unwrap();
        n += 1;
    }
    let baseline = f64::from(n) / started.elapsed().as_secs_f64();
    let copies: Vec<presentation::BatchEntry> = (0..LIBRARY_BATCH)
        .map(|_| presentation::BatchEntry {
            request: &request,
            presentation: &p,
            trust: &trust,
            now,
        })
        .collect();
    let started = Instant::now();
    let mut n = 0usize;
    while started.elapsed() < Duration::from_secs(5) {
        assert!(presentation::verify_batch(&copies)
            .iter()
            .all(Result::is_ok));
        n += copies.len();
    }
    let batch_rate = n as f64 / started.elapsed().as_secs_f64();

    // ---- the timed window ----
    pool.reverse();
    let pool = Arc::new(Mutex::new(pool));
    let accepted_log: Arc<Mutex<Vec<Posted>>> = Arc::new(Mutex::new(Vec::new()));
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let counts = Arc::new([(); 5].map(|_| AtomicUsize::new(0))); // accepted, refused, replays sent, replays accepted, errors
    let window = Duration::from_secs(a.seconds);
    let server_cpu0 = cpu_seconds(server.0.id());
    let redis_cpu0 = _redis
        .as_ref()
        .map(|r| cpu_seconds(r.0.id()))
        .unwrap_or(0.0);
    let client_cpu0 = cpu_seconds(std::process::id());
    let start = Instant::now();
    std::thread::scope(|s| {
        for c in 0..a.clients {
            let (pool, accepted_log, latencies, counts) = (
                pool.clone(),
                accepted_log.clone(),
                latencies.clone(),
                counts.clone(),
            );
            let rate = a.rate;
            let clients = a.clients;
            s.spawn(move || {
                let agent = self::agent();
                let mut sent = 0u64;
                loop {
                    if start.elapsed() >= window {
                        break;
                    }
                    if let Some(r) = rate {
                        // Open loop: this client's share of R posts a second.
                        let due = start
                            + Duration::from_secs_f64(
                                (sent * clients as u64 + c as u64) as f64 / r,
                            );
                        if let Some(wait) = due.checked_duration_since(Instant::now()) {
                            std::thread::sleep(wait);
                        }
                    }
                    sent += 1;
                    // One post in ten re-sends an already accepted presentation.
                    let replay = sent % 10 == 0;
                    let item = if replay {
                        accepted_log.lock().unwrap().last().cloned()
                    } else {
                        pool.lock().unwrap().pop()
                    };
                    let Some((uri, body)) = item else {
                        if replay {
                            continue;
                        } else {
                            break;
                        }
                    };
                    let t = Instant::now();
                    let resp = agent
                        .post(&uri)
                        .header("Content-Type", "application/octet-stream")
                        .send(&body[..]);
                    let elapsed = t.elapsed();
                    let status = match resp {
                        Ok(mut r) => {
                            let _ = r.body_mut().read_to_string();
                            r.status().as_u16()
                        }
                        Err(_) => 0,
                    };
                    match (replay, status) {
                        (false, 200) => {
                            counts[0].fetch_add(1, Ordering::Relaxed);
                            latencies.lock().unwrap().push(elapsed);
                            accepted_log.lock().unwrap().push((uri, body));
                        }
                        (false, _) => {
                            counts[1].fetch_add(1, Ordering::Relaxed);
                        }
                        (true, 200) => {
                            counts[2].fetch_add(1, Ordering::Relaxed);
                            counts[3].fetch_add(1, Ordering::Relaxed);
                        }
                        (true, 409) => {
                            counts[2].fetch_add(1, Ordering::Relaxed);
                        }
                        (true, _) => {
                            counts[4].fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            });
        }
    });
    let elapsed = start.elapsed().as_secs_f64();
    let server_cpu = cpu_seconds(server.0.id()) - server_cpu0;
    let redis_cpu = _redis
        .as_ref()
        .map(|r| cpu_seconds(r.0.id()))
        .unwrap_or(0.0)
        - redis_cpu0;
    let client_cpu = cpu_seconds(std::process::id()) - client_cpu0;
    let mut l = latencies.lock().unwrap().clone();
    l.sort();
    let accepted = counts[0].load(Ordering::Relaxed);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_default();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "cpu: {cpu} ({} cores); load average before/after: {}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        load.trim()
    );
    println!(
        "store: {}; clients: {}; rate: {}; prepared {} presentations in {:.1} s",
        a.store,
        a.clients,
        a.rate
            .map(|r| format!("{r}/s"))
            .unwrap_or("closed loop".into()),
        a.presentations,
        prepared.as_secs_f64()
    );
    println!(
        "baseline: single-thread presentation::verify {baseline:.1}/s ({:.2} ms)",
        1e3 / baseline
    );
    println!(
        "library: single-thread presentation::verify_batch of {LIBRARY_BATCH} copies {batch_rate:.1}/s ({:.2} ms each, {:.2}x verify)",
        1e3 / batch_rate,
        batch_rate / baseline
    );
    let metric = |name: &str| -> f64 {
        agent
            .get(format!("{url}/metrics"))
            .call()
            .ok()
            .and_then(|mut r| r.body_mut().read_to_string().ok())
            .and_then(|t| {
                t.lines()
                    .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            })
            .unwrap_or(0.0)
    };
    let (batches, batched) = (
        metric("healthpass_verification_batches_total"),
        metric("healthpass_batched_presentations_total"),
    );
    println!(
        "batches (serve --batch {}): {batches} batches, {batched} presentations, mean {:.2} a batch",
        a.batch,
        batched / batches.max(1.0)
    );
    println!(
        "service: {accepted} accepted in {elapsed:.1} s = {:.1}/s ({:.2}x baseline); p50 {:.1} ms, p99 {:.1} ms; refused {}, errors {}",
        accepted as f64 / elapsed,
        accepted as f64 / elapsed / baseline,
        percentile(&l, 0.50),
        percentile(&l, 0.99),
        counts[1].load(Ordering::Relaxed),
        counts[4].load(Ordering::Relaxed),
    );
    println!(
        "replays: {} sent, {} accepted (must be 0)",
        counts[2].load(Ordering::Relaxed),
        counts[3].load(Ordering::Relaxed)
    );
    println!(
        "cpu share over the window: service {:.0}%, load generator {:.0}%, redis {:.0}% (of one core)",
        100.0 * server_cpu / elapsed,
        100.0 * client_cpu / elapsed,
        100.0 * redis_cpu / elapsed
    );
    // Independent of how much of the machine the service got: presentations per CPU-second
    // it used, against the baseline's (one core fully used by `verify`).
    println!(
        "service efficiency: {:.1} accepted per service CPU-second ({:.2}x the baseline's {baseline:.1})",
        accepted as f64 / server_cpu.max(0.01),
        accepted as f64 / server_cpu.max(0.01) / baseline
    );
    assert_eq!(
        counts[3].load(Ordering::Relaxed),
        0,
        "a replay was accepted"
    );
}
