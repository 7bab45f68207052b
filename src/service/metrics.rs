//! `/metrics` in the Prometheus text format: verifications, rejections by reason, and a
//! histogram of verification latency. Counted with atomics; no values or presentations.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// The latency buckets' upper bounds, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// The service's counters.
#[derive(Default)]
pub struct Metrics {
    accepted: AtomicU64,
    rejected: Mutex<BTreeMap<&'static str, u64>>,
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
    http: Mutex<BTreeMap<(&'static str, u16), u64>>,
}

impl Metrics {
    /// One accepted presentation.
    pub fn accepted(&self) {
        self.accepted.fetch_add(1, Ordering::Relaxed);
    }

    /// One refused presentation, by its error code.
    pub fn rejected(&self, reason: &'static str) {
        *self
            .rejected
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(reason)
            .or_default() += 1;
    }

    /// The time one verification took.
    pub fn observe(&self, d: Duration) {
        let s = d.as_secs_f64();
        for (b, bound) in self.buckets.iter().zip(BUCKETS) {
            if s <= bound {
                b.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros
            .fetch_add(d.as_micros() as u64, Ordering::Relaxed);
    }

    /// One HTTP response, by route template and status.
    pub fn response(&self, route: &'static str, status: u16) {
        *self
            .http
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry((route, status))
            .or_default() += 1;
    }

    /// The text exposition.
    pub fn render(&self) -> String {
        let mut o = String::new();
        let accepted = self.accepted.load(Ordering::Relaxed);
        let rejected = self
            .rejected
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let _ = writeln!(
            o,
            "# HELP healthpass_verifications_total Presentations verified, by outcome."
        );
        let _ = writeln!(o, "# TYPE healthpass_verifications_total counter");
        let _ = writeln!(
            o,
            "healthpass_verifications_total{{outcome=\"accepted\"}} {accepted}"
        );
        let _ = writeln!(
            o,
            "healthpass_verifications_total{{outcome=\"rejected\"}} {}",
            rejected.values().sum::<u64>()
        );
        let _ = writeln!(
            o,
            "# HELP healthpass_rejections_total Refused presentations, by reason."
        );
        let _ = writeln!(o, "# TYPE healthpass_rejections_total counter");
        for (reason, n) in &rejected {
            let _ = writeln!(o, "healthpass_rejections_total{{reason=\"{reason}\"}} {n}");
        }
        let _ = writeln!(
            o,
            "# HELP healthpass_verification_seconds Time to decode and verify one presentation."
        );
        let _ = writeln!(o, "# TYPE healthpass_verification_seconds histogram");
        for (b, bound) in self.buckets.iter().zip(BUCKETS) {
            let _ = writeln!(
                o,
                "healthpass_verification_seconds_bucket{{le=\"{bound}\"}} {}",
                b.load(Ordering::Relaxed)
            );
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(
            o,
            "healthpass_verification_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let _ = writeln!(
            o,
            "healthpass_verification_seconds_sum {}",
            self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(o, "healthpass_verification_seconds_count {count}");
        let _ = writeln!(
            o,
            "# HELP healthpass_http_responses_total HTTP responses, by route and status."
        );
        let _ = writeln!(o, "# TYPE healthpass_http_responses_total counter");
        for ((route, status), n) in self
            .http
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
        {
            let _ = writeln!(
                o,
                "healthpass_http_responses_total{{route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exposition_counts() {
        let m = Metrics::default();
        m.accepted();
        m.rejected("replay");
        m.rejected("replay");
        m.observe(Duration::from_millis(3));
        let text = m.render();
        assert!(text.contains("healthpass_verifications_total{outcome=\"accepted\"} 1"));
        assert!(text.contains("healthpass_verifications_total{outcome=\"rejected\"} 2"));
        assert!(text.contains("healthpass_rejections_total{reason=\"replay\"} 2"));
        assert!(text.contains("healthpass_verification_seconds_bucket{le=\"0.0025\"} 0"));
        assert!(text.contains("healthpass_verification_seconds_bucket{le=\"0.005\"} 1"));
        assert!(text.contains("healthpass_verification_seconds_count 1"));
    }
}
