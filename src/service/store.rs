//! The request and replay stores: open requests, consumed nonces and verdicts, shared by every
//! instance that uses the same store. Embedded ([`redb`], one file, survives a restart) or
//! Redis (shared by several instances; atomic `SET NX` with an expiry).
//!
//! Three kinds of entries, each with an expiry (seconds since the Unix epoch):
//! - `request:ID`: the open request (its record, see [`super::api`]);
//! - `nonce:HEX`: present once the request's nonce was consumed by an accepted presentation;
//! - `result:ID`: the latest verdict for the request.
//!
//! The nonce and the accepted verdict are written together in one atomic step
//! ([`Store::accept`]: one redb write transaction, or one Redis Lua script), only when the
//! nonce is not consumed yet, so exactly one presentation per nonce is accepted and a consumed
//! nonce always has its verdict; a refusal's verdict is written only while the nonce is not
//! consumed ([`Store::record_refusal`]), so an accepted verdict is never overwritten.

use std::path::Path;
use std::sync::Arc;

use redb::{Database, ReadableTable, ReadableTableMetadata, TableDefinition};

/// Entries live this long past their request's expiry, so a late replay is still refused as
/// a replay and the page can still read the verdict.
pub const GRACE_SECONDS: i64 = 3600;

const ENTRIES: TableDefinition<&str, &[u8]> = TableDefinition::new("entries");

/// A store failure (the store is unreachable or its file is damaged): the service answers
/// `503 store_unavailable`.
#[derive(Debug, thiserror::Error)]
#[error("store: {0}")]
pub struct StoreError(String);

impl StoreError {
    /// An error with this message.
    pub fn new(message: impl std::fmt::Display) -> Self {
        StoreError(message.to_string())
    }
}

fn err(e: impl std::fmt::Display) -> StoreError {
    StoreError::new(e)
}

/// Where the service keeps its requests, nonces and verdicts.
#[derive(Clone)]
pub enum Store {
    /// An embedded database file.
    Embedded(Arc<Database>),
    /// A Redis server (with automatic reconnection).
    Redis(redis::aio::ConnectionManager),
}

/// The stored value: its expiry (8 bytes, big-endian seconds) then the data.
fn stamped(expires: i64, data: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(8 + data.len());
    v.extend_from_slice(&expires.to_be_bytes());
    v.extend_from_slice(data);
    v
}

/// The data of a stored value that has not expired at `now`.
fn live(value: &[u8], now: i64) -> Option<Vec<u8>> {
    let (stamp, data) = value.split_at_checked(8)?;
    let expires = i64::from_be_bytes(stamp.try_into().ok()?);
    (expires > now).then(|| data.to_vec())
}

fn ttl(expires: i64, now: i64) -> u64 {
    (expires - now).max(1) as u64
}

impl Store {
    /// Opens `spec`: `redis://HOST:PORT[/DB]` for Redis, else the path of the embedded file
    /// (created when missing).
    pub async fn open(spec: &str) -> Result<Self, StoreError> {
        if spec.starts_with("redis://") || spec.starts_with("rediss://") {
            let client = redis::Client::open(spec).map_err(err)?;
            let manager = redis::aio::ConnectionManager::new(client)
                .await
                .map_err(err)?;
            Ok(Store::Redis(manager))
        } else {
            let path = Path::new(spec).to_owned();
            let db = tokio::task::spawn_blocking(move || -> Result<Database, StoreError> {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(err)?;
                }
                let db = Database::create(&path).map_err(err)?;
                let tx = db.begin_write().map_err(err)?;
                tx.open_table(ENTRIES).map_err(err)?;
                tx.commit().map_err(err)?;
                Ok(db)
            })
            .await
            .map_err(err)??;
            Ok(Store::Embedded(Arc::new(db)))
        }
    }

    /// A short name for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            Store::Embedded(_) => "embedded",
            Store::Redis(_) => "redis",
        }
    }

    /// Writes `key` (overwriting), to live until `expires`.
    pub async fn put(
        &self,
        key: &str,
        data: &[u8],
        expires: i64,
        now: i64,
    ) -> Result<(), StoreError> {
        match self {
            Store::Embedded(db) => {
                let (db, key, value) = (db.clone(), key.to_owned(), stamped(expires, data));
                blocking(move || {
                    transaction(&db, &key, |table| {
                        table.insert(key.as_str(), value.as_slice()).map_err(err)?;
                        Ok(())
                    })
                })
                .await
            }
            Store::Redis(c) => {
                let mut c = c.clone();
                redis::cmd("SET")
                    .arg(key)
                    .arg(data)
                    .arg("EX")
                    .arg(ttl(expires, now))
                    .query_async::<()>(&mut c)
                    .await
                    .map_err(err)
            }
        }
    }

    /// Accepts a presentation: consumes the nonce `nonce_key` and writes the verdict
    /// `result_key` in one atomic step, both to live until `expires`. `false` (and nothing
    /// written) when the nonce was already consumed: a replay. Atomic across every instance
    /// sharing the store, and all or nothing: a failure at any point leaves neither a
    /// consumed nonce without its verdict nor an accepted verdict with an unconsumed nonce.
    ///
    /// Embedded: one redb write transaction (redb serialises write transactions, so the
    /// check and the writes are one step; a transaction not committed, by an error or a
    /// crash, leaves nothing). Redis: one Lua script ([`ACCEPT_SCRIPT`]), which runs with no
    /// other client's command in between and reaches replicas and the append-only file as
    /// one unit; it checks everything before its first write, and its two writes are plain
    /// `SET`s that cannot fail once it runs.
    pub async fn accept(
        &self,
        nonce_key: &str,
        result_key: &str,
        verdict: &[u8],
        expires: i64,
        now: i64,
    ) -> Result<bool, StoreError> {
        self.write_verdict(true, nonce_key, result_key, verdict, expires, now)
            .await
    }

    /// Records the verdict of a refused presentation at `result_key` (for the page), unless
    /// the nonce `nonce_key` is consumed: then the request's accepted verdict stays, which a
    /// refusal never overwrites. One atomic step, like [`Store::accept`].
    pub async fn record_refusal(
        &self,
        nonce_key: &str,
        result_key: &str,
        verdict: &[u8],
        expires: i64,
        now: i64,
    ) -> Result<(), StoreError> {
        self.write_verdict(false, nonce_key, result_key, verdict, expires, now)
            .await
            .map(|_| ())
    }

    /// [`Store::accept`] (`consume`: consumes the nonce too) or [`Store::record_refusal`]:
    /// writes the verdict when the nonce is not consumed.
    async fn write_verdict(
        &self,
        consume: bool,
        nonce_key: &str,
        result_key: &str,
        verdict: &[u8],
        expires: i64,
        now: i64,
    ) -> Result<bool, StoreError> {
        match self {
            Store::Embedded(db) => {
                let db = db.clone();
                let (nonce, result) = (nonce_key.to_owned(), result_key.to_owned());
                let value = stamped(expires, verdict);
                blocking(move || {
                    transaction(&db, &nonce, |table| {
                        let consumed = table
                            .get(nonce.as_str())
                            .map_err(err)?
                            .is_some_and(|v| live(v.value(), now).is_some());
                        if consumed {
                            return Ok(false);
                        }
                        if consume {
                            let mark = stamped(expires, b"1");
                            table.insert(nonce.as_str(), mark.as_slice()).map_err(err)?;
                            fault(&nonce, Step::AfterNonce)?;
                        }
                        table
                            .insert(result.as_str(), value.as_slice())
                            .map_err(err)?;
                        Ok(true)
                    })
                })
                .await
            }
            Store::Redis(c) => {
                let mut c = c.clone();
                let script = if consume {
                    ACCEPT_SCRIPT
                } else {
                    REFUSAL_SCRIPT
                };
                let written: i64 = redis::cmd("EVAL")
                    .arg(script)
                    .arg(2)
                    .arg(nonce_key)
                    .arg(result_key)
                    .arg(verdict)
                    .arg(ttl(expires, now))
                    .query_async(&mut c)
                    .await
                    .map_err(err)?;
                Ok(written == 1)
            }
        }
    }

    /// Reads `key`, if present and not expired.
    pub async fn get(&self, key: &str, now: i64) -> Result<Option<Vec<u8>>, StoreError> {
        match self {
            Store::Embedded(db) => {
                let (db, key) = (db.clone(), key.to_owned());
                blocking(move || {
                    let tx = db.begin_read().map_err(err)?;
                    let table = tx.open_table(ENTRIES).map_err(err)?;
                    let value = table.get(key.as_str()).map_err(err)?;
                    Ok(value.and_then(|v| live(v.value(), now)))
                })
                .await
            }
            Store::Redis(c) => {
                let mut c = c.clone();
                redis::cmd("GET")
                    .arg(key)
                    .query_async(&mut c)
                    .await
                    .map_err(err)
            }
        }
    }

    /// Removes the embedded store's expired entries (Redis expires its own); returns how
    /// many were removed.
    pub async fn purge(&self, now: i64) -> Result<usize, StoreError> {
        let Store::Embedded(db) = self else {
            return Ok(0);
        };
        let db = db.clone();
        blocking(move || {
            transaction(&db, "", |table| {
                let before = table.len().map_err(err)?;
                table.retain(|_, v| live(v, now).is_some()).map_err(err)?;
                Ok((before - table.len().map_err(err)?) as usize)
            })
        })
        .await
    }
}

/// The Redis side of [`Store::accept`]: `KEYS[1]` the nonce, `KEYS[2]` the verdict, `ARGV[1]`
/// the verdict's bytes, `ARGV[2]` the seconds both live. Returns 1 when it consumed the nonce
/// and wrote the verdict, 0 for a replay (nothing written). Every check comes before the first
/// write (Redis does not roll a script back).
pub const ACCEPT_SCRIPT: &str = r"
local ttl = tonumber(ARGV[2])
if not ttl or ttl < 1 then return redis.error_reply('healthpass: bad expiry') end
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], '1', 'EX', ttl)
redis.call('SET', KEYS[2], ARGV[1], 'EX', ttl)
return 1
";

/// The Redis side of [`Store::record_refusal`]: as [`ACCEPT_SCRIPT`], but the nonce is only
/// read: the verdict is written (1) unless the nonce is consumed (0).
pub const REFUSAL_SCRIPT: &str = r"
local ttl = tonumber(ARGV[2])
if not ttl or ttl < 1 then return redis.error_reply('healthpass: bad expiry') end
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[2], ARGV[1], 'EX', ttl)
return 1
";

/// Runs `f` in one write transaction of the embedded store, committed only when `f` returns
/// `Ok`: every write of `f` lands, or none (redb's commit is atomic and durable; a
/// transaction dropped without its commit, by an error or a crash, leaves nothing). `key`
/// names the transaction for the tests' fault injection.
fn transaction<T>(
    db: &Database,
    key: &str,
    f: impl FnOnce(&mut redb::Table<&str, &[u8]>) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let tx = db.begin_write().map_err(err)?;
    let out = {
        let mut table = tx.open_table(ENTRIES).map_err(err)?;
        f(&mut table)?
    };
    fault(key, Step::BeforeCommit)?;
    tx.commit().map_err(err)?;
    Ok(out)
}

/// Where the tests make a write transaction fail (`fault`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    /// [`Store::accept`]: the nonce is written, the verdict not yet.
    AfterNonce,
    /// Everything is written, not yet committed.
    BeforeCommit,
}

/// The failures the tests inject: (transaction key, step).
#[cfg(test)]
static FAULTS: std::sync::Mutex<Vec<(String, Step)>> = std::sync::Mutex::new(Vec::new());

/// A failure injected by the tests at `step` of the transaction named `key`, as a crash
/// would stop it there; nothing outside the tests.
#[cfg(test)]
fn fault(key: &str, step: Step) -> Result<(), StoreError> {
    let faults = FAULTS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    match faults.iter().any(|(k, s)| k == key && *s == step) {
        true => Err(StoreError::new(format!("injected failure at {step:?}"))),
        false => Ok(()),
    }
}

#[cfg(not(test))]
#[inline(always)]
fn fault(_key: &str, _step: Step) -> Result<(), StoreError> {
    Ok(())
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(f).await.map_err(err)?
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The store's verdict at `result:ID`, and whether the nonce is consumed.
    async fn state(store: &Store, now: i64) -> (Option<Vec<u8>>, bool) {
        let result = store.get("result:x", now).await.unwrap();
        let nonce = store.get("nonce:x", now).await.unwrap().is_some();
        (result, nonce)
    }

    /// Accepting consumes the nonce and writes the verdict once; a replay writes nothing; a
    /// refusal never overwrites the accepted verdict; expired entries go.
    async fn accept_once(store: &Store) {
        store
            .record_refusal("nonce:x", "result:x", b"refused", 200, 100)
            .await
            .unwrap();
        assert_eq!(state(store, 100).await, (Some(b"refused".to_vec()), false));
        assert!(store
            .accept("nonce:x", "result:x", b"accepted", 200, 100)
            .await
            .unwrap());
        assert_eq!(state(store, 100).await, (Some(b"accepted".to_vec()), true));
        assert!(!store
            .accept("nonce:x", "result:x", b"again", 200, 100)
            .await
            .unwrap());
        store
            .record_refusal("nonce:x", "result:x", b"refused", 200, 100)
            .await
            .unwrap();
        assert_eq!(state(store, 100).await, (Some(b"accepted".to_vec()), true));
    }

    #[tokio::test]
    async fn embedded_accept_is_once_and_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.redb");
        let spec = path.to_str().unwrap();
        let store = Store::open(spec).await.unwrap();
        accept_once(&store).await;
        store.put("request:x", b"rec", 200, 100).await.unwrap();
        drop(store);
        let store = Store::open(spec).await.unwrap();
        assert!(!store
            .accept("nonce:x", "result:x", b"again", 200, 150)
            .await
            .unwrap());
        assert_eq!(store.get("request:x", 150).await.unwrap().unwrap(), b"rec");
        // Expired entries are gone, and can be written again.
        assert_eq!(store.get("request:x", 200).await.unwrap(), None);
        assert!(store
            .accept("nonce:x", "result:x", b"later", 400, 300)
            .await
            .unwrap());
        assert_eq!(store.purge(300).await.unwrap(), 1);
    }

    /// A write transaction that fails between the nonce and the verdict, or before its
    /// commit (as a crash would stop it), leaves neither: after reopening the file (a
    /// restart) the nonce is not consumed and there is no verdict, and the presentation can
    /// still be accepted.
    #[tokio::test]
    async fn embedded_accept_is_all_or_nothing() {
        for step in [Step::AfterNonce, Step::BeforeCommit] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("store.redb");
            let spec = path.to_str().unwrap();
            let store = Store::open(spec).await.unwrap();
            let nonce = format!("nonce:{step:?}");
            FAULTS.lock().unwrap().push((nonce.clone(), step));
            let e = store
                .accept(&nonce, "result:y", b"accepted", 200, 100)
                .await
                .unwrap_err();
            assert!(e.to_string().contains("injected"), "{e}");
            let seen = (
                store.get(&nonce, 100).await.unwrap(),
                store.get("result:y", 100).await.unwrap(),
            );
            assert_eq!(seen, (None, None), "{step:?}");
            drop(store);
            FAULTS.lock().unwrap().retain(|(k, _)| *k != nonce);
            let store = Store::open(spec).await.unwrap();
            assert_eq!(store.get(&nonce, 100).await.unwrap(), None, "{step:?}");
            assert_eq!(store.get("result:y", 100).await.unwrap(), None, "{step:?}");
            assert!(store
                .accept(&nonce, "result:y", b"accepted", 200, 100)
                .await
                .unwrap());
            assert!(store.get(&nonce, 100).await.unwrap().is_some());
        }
    }

    /// A `redis-server` on a free loopback port, without persistence, killed when dropped.
    struct Redis(std::process::Child, u16);

    impl Drop for Redis {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    fn redis_server() -> Option<Redis> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let child = std::process::Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .spawn();
        let child = match child {
            Ok(c) => c,
            Err(e) => {
                assert!(std::env::var_os("CI").is_none(), "no redis-server: {e}");
                eprintln!("SKIPPED: redis-server is not installed: {e}");
                return None;
            }
        };
        let server = Redis(child, port);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "redis-server did not start"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Some(server)
    }

    /// The same against a real Redis, and its scripts write nothing when they fail: the
    /// expiry is checked before the first write.
    #[tokio::test]
    async fn redis_accept_is_once_and_a_failing_script_writes_nothing() {
        let Some(redis) = redis_server() else { return };
        let store = Store::open(&format!("redis://127.0.0.1:{}", redis.1))
            .await
            .unwrap();
        accept_once(&store).await;
        let Store::Redis(c) = &store else {
            unreachable!()
        };
        for script in [ACCEPT_SCRIPT, REFUSAL_SCRIPT] {
            let e = redis::cmd("EVAL")
                .arg(script)
                .arg(2)
                .arg("nonce:z")
                .arg("result:z")
                .arg("verdict")
                .arg("soon")
                .query_async::<i64>(&mut c.clone())
                .await
                .unwrap_err();
            assert!(e.to_string().contains("bad expiry"), "{e}");
            assert_eq!(store.get("nonce:z", 0).await.unwrap(), None);
            assert_eq!(store.get("result:z", 0).await.unwrap(), None);
        }
    }
}
