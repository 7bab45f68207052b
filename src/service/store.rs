//! The request and replay stores: open requests, consumed nonces and verdicts, shared by every
//! instance that uses the same store. Embedded ([`redb`], one file, survives a restart) or
//! Redis (shared by several instances; atomic `SET NX` with an expiry).
//!
//! Three kinds of entries, each with an expiry (seconds since the Unix epoch):
//! - `request:ID`: the open request (its record, see [`super::api`]);
//! - `nonce:HEX`: present once the request's nonce was consumed by an accepted presentation;
//!   written only with set-if-absent, so exactly one presentation per nonce is accepted;
//! - `result:ID`: the latest verdict for the request (an accepted one is never overwritten).

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
                    let tx = db.begin_write().map_err(err)?;
                    tx.open_table(ENTRIES)
                        .map_err(err)?
                        .insert(key.as_str(), value.as_slice())
                        .map_err(err)?;
                    tx.commit().map_err(err)
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

    /// Writes `key` only when it is absent (or expired): `true` when this call wrote it.
    /// Atomic across every instance sharing the store.
    pub async fn put_if_absent(
        &self,
        key: &str,
        data: &[u8],
        expires: i64,
        now: i64,
    ) -> Result<bool, StoreError> {
        match self {
            Store::Embedded(db) => {
                let (db, key, value) = (db.clone(), key.to_owned(), stamped(expires, data));
                blocking(move || {
                    // redb serialises write transactions: the read and the insert are one step.
                    let tx = db.begin_write().map_err(err)?;
                    let written = {
                        let mut table = tx.open_table(ENTRIES).map_err(err)?;
                        let taken = table
                            .get(key.as_str())
                            .map_err(err)?
                            .is_some_and(|v| live(v.value(), now).is_some());
                        if !taken {
                            table.insert(key.as_str(), value.as_slice()).map_err(err)?;
                        }
                        !taken
                    };
                    tx.commit().map_err(err)?;
                    Ok(written)
                })
                .await
            }
            Store::Redis(c) => {
                let mut c = c.clone();
                let reply: Option<String> = redis::cmd("SET")
                    .arg(key)
                    .arg(data)
                    .arg("NX")
                    .arg("EX")
                    .arg(ttl(expires, now))
                    .query_async(&mut c)
                    .await
                    .map_err(err)?;
                Ok(reply.is_some())
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
            let tx = db.begin_write().map_err(err)?;
            let removed = {
                let mut table = tx.open_table(ENTRIES).map_err(err)?;
                let before = table.len().map_err(err)?;
                table.retain(|_, v| live(v, now).is_some()).map_err(err)?;
                before - table.len().map_err(err)?
            };
            tx.commit().map_err(err)?;
            Ok(removed as usize)
        })
        .await
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(f).await.map_err(err)?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn embedded_set_if_absent_is_once_and_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.redb");
        let spec = path.to_str().unwrap();
        let store = Store::open(spec).await.unwrap();
        assert!(store
            .put_if_absent("nonce:a", b"1", 200, 100)
            .await
            .unwrap());
        assert!(!store
            .put_if_absent("nonce:a", b"1", 200, 100)
            .await
            .unwrap());
        assert!(store
            .put_if_absent("nonce:b", b"1", 200, 100)
            .await
            .unwrap());
        store.put("request:x", b"rec", 200, 100).await.unwrap();
        drop(store);
        let store = Store::open(spec).await.unwrap();
        assert!(!store
            .put_if_absent("nonce:a", b"1", 200, 150)
            .await
            .unwrap());
        assert_eq!(store.get("request:x", 150).await.unwrap().unwrap(), b"rec");
        // Expired entries are gone, and can be written again.
        assert_eq!(store.get("request:x", 200).await.unwrap(), None);
        assert!(store
            .put_if_absent("nonce:a", b"1", 400, 300)
            .await
            .unwrap());
        assert_eq!(store.purge(300).await.unwrap(), 2);
    }
}
