//! The verification queue: decoded presentations wait in a bounded queue; one verifier
//! thread per core takes what is waiting (up to the batch size) and verifies it in one
//! batch (`presentation::verify_batch`: the BBS proofs of the whole batch in one
//! `bbs::core_batch_proof_verify`, every other check per presentation), then answers each
//! caller. A batch of one is `presentation::verify`. Each caller gets exactly the result
//! its presentation gets alone; the nonce is consumed by the caller, after this, and only on
//! acceptance.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use healthpass::presentation::{
    self, BatchEntry, Error as PError, Presentation, VerifiedPresentation,
};
use tokio::sync::{mpsc, oneshot};

use super::api::{now, OpenRequest};
use super::config::Config;

/// The most presentations waiting for a verifier per unit of batch size (the queue holds
/// `QUEUE_PER_BATCH * batch * verifiers`); a caller finding it full waits its turn.
const QUEUE_PER_BATCH: usize = 4;

/// The outcome a caller gets: `presentation::verify`'s.
pub type Outcome = Result<VerifiedPresentation, PError>;

/// A presentation waiting to be verified, with the request it answers, the configuration
/// in force when it arrived, and where its result goes.
struct Job {
    request: Arc<OpenRequest>,
    presentation: Presentation,
    config: Arc<Config>,
    reply: oneshot::Sender<Outcome>,
}

/// The queue and its verifier threads.
pub struct Verifier {
    queue: mpsc::Sender<Job>,
    stats: Arc<BatchStats>,
}

/// How many batches ran and how many presentations they held (for `/metrics`).
#[derive(Default)]
pub struct BatchStats {
    /// Batches verified.
    pub batches: AtomicU64,
    /// Presentations in them.
    pub presentations: AtomicU64,
}

impl Verifier {
    /// Starts `verifiers` threads that verify up to `batch` waiting presentations at once
    /// (`batch` 1: one at a time, `presentation::verify`).
    pub fn start(batch: usize, verifiers: usize) -> Self {
        let batch = batch.max(1);
        let verifiers = verifiers.max(1);
        let (queue, rx) = mpsc::channel(QUEUE_PER_BATCH * batch * verifiers);
        let rx = Arc::new(Mutex::new(rx));
        let stats = Arc::new(BatchStats::default());
        for _ in 0..verifiers {
            let (rx, stats) = (rx.clone(), stats.clone());
            std::thread::spawn(move || work(&rx, batch, &stats));
        }
        Self { queue, stats }
    }

    /// Batches verified and the presentations they held.
    pub fn stats(&self) -> (u64, u64) {
        (
            self.stats.batches.load(Ordering::Relaxed),
            self.stats.presentations.load(Ordering::Relaxed),
        )
    }

    /// Verifies `presentation` against `request` and `config`'s trust list, in a batch with
    /// whatever else is waiting. `None` when no verifier answered (it failed).
    pub async fn verify(
        &self,
        request: Arc<OpenRequest>,
        presentation: Presentation,
        config: Arc<Config>,
    ) -> Option<Outcome> {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            request,
            presentation,
            config,
            reply,
        };
        self.queue.send(job).await.ok()?;
        answer.await.ok()
    }
}

/// A verifier thread: takes the first waiting job and whatever else waits (up to `batch`),
/// verifies them together, answers each; ends when the queue closes.
fn work(rx: &Mutex<mpsc::Receiver<Job>>, batch: usize, stats: &BatchStats) {
    loop {
        let jobs = {
            let mut rx = rx.lock().unwrap_or_else(PoisonError::into_inner);
            let Some(first) = rx.blocking_recv() else {
                return;
            };
            let mut jobs = vec![first];
            while jobs.len() < batch {
                match rx.try_recv() {
                    Ok(job) => jobs.push(job),
                    Err(_) => break,
                }
            }
            jobs
        };
        // A caller that gave up (its handler timed out) is not verified for.
        let jobs: Vec<Job> = jobs.into_iter().filter(|j| !j.reply.is_closed()).collect();
        if jobs.is_empty() {
            continue;
        }
        stats.batches.fetch_add(1, Ordering::Relaxed);
        stats
            .presentations
            .fetch_add(jobs.len() as u64, Ordering::Relaxed);
        // A panic (none is expected) fails this batch's callers, not the thread.
        let outcomes = std::panic::catch_unwind(AssertUnwindSafe(|| verify_jobs(&jobs)));
        if let Ok(outcomes) = outcomes {
            for (job, outcome) in jobs.into_iter().zip(outcomes) {
                let _ = job.reply.send(outcome);
            }
        }
    }
}

fn verify_jobs(jobs: &[Job]) -> Vec<Outcome> {
    let t = now();
    if let [job] = jobs {
        return vec![presentation::verify(
            &job.request.request,
            &job.presentation,
            &job.config.trust,
            t,
        )];
    }
    let entries: Vec<BatchEntry<'_>> = jobs
        .iter()
        .map(|j| BatchEntry {
            request: &j.request.request,
            presentation: &j.presentation,
            trust: &j.config.trust,
            now: t,
        })
        .collect();
    presentation::verify_batch(&entries)
}
