//! The HTTP route's message writes, committed in groups. Requests queue for one writer thread,
//! which writes everything queued in one transaction (a savepoint each, so a refused message
//! fails alone) and answers each only after that transaction committed. A lone request commits
//! at once; under load one commit, the costly part of a write, serves many requests. The search
//! index's work (indexing the messages these commits saved, merging its segments) and the end of
//! each checkpoint round are left out of these commits and done by the same thread whenever no
//! request is queued, a small step at a time, so a request waits at most for one step.

use super::idempotency::{self, Claim, Keyed};
use super::messages::{check_message, write_message};
use super::schemas::{MessageSaved, SaveMessageRequest};
use super::{ApiError, Service};
use crate::store::idempotency::{self as records, Recorded, PURGE_BATCH};
use std::sync::mpsc;
use tokio::sync::oneshot;

/// Most messages in one transaction: bounds how long the writer holds the database.
const MOST_PER_COMMIT: usize = 256;

/// What became of a queued message.
#[derive(Debug)]
pub enum Written {
    Saved(MessageSaved),
    /// Its key was answered before: the caller replays that answer (or refuses a reused key).
    Recorded(Keyed, Recorded),
}

struct Job {
    req: SaveMessageRequest,
    /// Held until the write is done, even if the client has gone away by then.
    claim: Option<Claim>,
    reply: oneshot::Sender<Result<Written, ApiError>>,
}

/// The queue to the writer thread; the thread ends when the last clone is dropped.
#[derive(Clone)]
pub struct MessageQueue {
    service: Service,
    jobs: Option<mpsc::Sender<Job>>,
}

impl MessageQueue {
    pub fn start(service: Service) -> Self {
        let (jobs, queued) = mpsc::channel();
        let svc = service.clone();
        let started =
            std::thread::Builder::new().name("message-writer".into()).spawn(move || run(&svc, queued));
        let jobs = match started {
            Ok(_) => Some(jobs),
            Err(e) => {
                // Each message then commits alone on the blocking pool: slower, still correct.
                tracing::warn!("could not start the message writer thread ({e}); messages commit one by one");
                None
            }
        };
        MessageQueue { service, jobs }
    }

    /// Saves a message once everything queued before it is written; answers after the commit.
    pub async fn save(&self, req: SaveMessageRequest, claim: Option<Claim>) -> Result<Written, ApiError> {
        let (reply, answer) = oneshot::channel();
        let job = Job { req, claim, reply };
        let job = match &self.jobs {
            Some(jobs) => match jobs.send(job) {
                Ok(()) => None,
                Err(mpsc::SendError(job)) => Some(job),
            },
            None => Some(job),
        };
        if let Some(job) = job {
            let svc = self.service.clone();
            // No idle writer here to index later: this commit indexes its message itself.
            tokio::task::spawn_blocking(move || answer_all(&svc, vec![job], Deferring::No));
        }
        answer.await.map_err(|_| ApiError::Storage("The message writer stopped; nothing was saved".into()))?
    }
}

fn run(service: &Service, queued: mpsc::Receiver<Job>) {
    let mut tidy = true;
    loop {
        let first = match queued.try_recv() {
            Ok(job) => job,
            Err(mpsc::TryRecvError::Disconnected) => break,
            Err(mpsc::TryRecvError::Empty) if tidy => {
                tidy = service.store().tidy_index();
                continue;
            }
            Err(mpsc::TryRecvError::Empty) => match queued.recv() {
                Ok(job) => job,
                Err(_) => break,
            },
        };
        tidy = true;
        let mut batch = vec![first];
        while batch.len() < MOST_PER_COMMIT {
            match queued.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        answer_all(service, batch, Deferring::Yes);
    }
    // Stopping: what is still queued for the search index is indexed now rather than at the
    // next start.
    while service.store().index_queued() {}
}

/// Whether a commit leaves its messages' search indexing to the writer's idle moments.
#[derive(Clone, Copy, PartialEq)]
enum Deferring {
    Yes,
    No,
}

fn answer_all(service: &Service, batch: Vec<Job>, deferring: Deferring) {
    let outcomes = commit(service, &batch, deferring);
    for (job, outcome) in batch.into_iter().zip(outcomes) {
        // The key is free before the answer leaves: a client that retries the moment it has its
        // answer (after an error, say) must not find its own key still held (409).
        let Job { reply, claim, .. } = job;
        drop(claim);
        // A requester that went away needs no answer; its message is saved all the same.
        let _ = reply.send(outcome);
    }
}

/// One transaction for the whole batch. If the commit fails, every message in it gets that
/// error (none of them was saved).
fn commit(service: &Service, batch: &[Job], deferring: Deferring) -> Vec<Result<Written, ApiError>> {
    let write = |tx: &rusqlite::Transaction<'_>| {
        let keyed = batch.iter().filter(|j| j.claim.is_some()).count() as i64;
        if keyed > 0 {
            records::purge_expired(tx, service.clock().now(), keyed * PURGE_BATCH)?;
        }
        if let [job] = batch {
            // Alone, the message's failure is the transaction's: no savepoint needed.
            return one(tx, job, service).map(|w| vec![Ok(w)]);
        }
        let mut outcomes = Vec::with_capacity(batch.len());
        // Prepared once per connection, not parsed again for every message.
        let run =
            |sql: &str| tx.prepare_cached(sql).and_then(|mut st| st.execute([])).map_err(crate::store::db);
        for job in batch {
            run("SAVEPOINT message")?;
            let outcome = one(tx, job, service);
            if outcome.is_err() {
                run("ROLLBACK TO message")?;
            }
            run("RELEASE message")?;
            outcomes.push(outcome);
        }
        Ok::<_, ApiError>(outcomes)
    };
    let store = service.store();
    let written = if deferring == Deferring::Yes { store.write_lean(write) } else { store.write(write) };
    written.unwrap_or_else(|e| batch.iter().map(|_| Err(e.clone())).collect())
}

fn one(tx: &rusqlite::Connection, job: &Job, service: &Service) -> Result<Written, ApiError> {
    let keyed = job.claim.as_ref().map(Claim::keyed);
    if let Some(k) = keyed {
        if let Some(rec) = records::find(tx, k.key.as_str())? {
            return Ok(Written::Recorded(k.clone(), rec));
        }
    }
    check_message(&job.req)?;
    let now = service.clock().now();
    let saved = write_message(tx, &job.req, now)?;
    idempotency::record_unpurged(tx, keyed, &saved, now)?;
    Ok(Written::Saved(saved))
}
