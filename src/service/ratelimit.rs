//! A per-client token bucket: each client address may make `rate` requests a second on
//! average, `burst` at once. Past that: `429 rate_limited`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

/// The most clients tracked; past it, the table is emptied (every client starts full).
const MAX_CLIENTS: usize = 65_536;

/// The limiter. A rate of zero turns it off.
pub struct RateLimiter {
    rate: f64,
    burst: f64,
    clients: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl RateLimiter {
    /// `rate` requests a second per client, bursts of `burst`.
    pub fn new(rate: u32, burst: u32) -> Self {
        Self {
            rate: f64::from(rate),
            burst: f64::from(burst.max(1)),
            clients: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `client`: `false` when it has none left.
    pub fn allow(&self, client: IpAddr, now: Instant) -> bool {
        if self.rate == 0.0 {
            return true;
        }
        let mut clients = self.clients.lock().unwrap_or_else(PoisonError::into_inner);
        if clients.len() >= MAX_CLIENTS && !clients.contains_key(&client) {
            clients.clear();
        }
        let (tokens, last) = clients.entry(client).or_insert((self.burst, now));
        let elapsed = now.saturating_duration_since(*last).as_secs_f64();
        *tokens = (*tokens + elapsed * self.rate).min(self.burst);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_client_is_limited_and_refilled_and_others_are_not() {
        let l = RateLimiter::new(10, 3);
        let (a, b) = ("127.0.0.1".parse().unwrap(), "127.0.0.2".parse().unwrap());
        let t = Instant::now();
        assert!(l.allow(a, t) && l.allow(a, t) && l.allow(a, t));
        assert!(!l.allow(a, t));
        assert!(l.allow(b, t));
        assert!(l.allow(a, t + Duration::from_millis(150)));
        assert!(!l.allow(a, t + Duration::from_millis(150)));
        assert!(RateLimiter::new(0, 0).allow(a, t));
    }
}
