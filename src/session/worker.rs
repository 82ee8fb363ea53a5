//! The control-plane worker: one blocking thread that performs every store-touching call of a
//! session in order. The session loop only queues jobs, so a slow store never delays audio,
//! and FIFO order keeps the transcript in order, runs a cancel after the call it cancels, and
//! closes the conversation only after its last message was saved.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use super::events::{SessionEvent, SessionStats, TurnMetrics};
use super::saving::Saving;
use super::traits::{ControlError, ControlPlane};
use super::ErrorRecord;

/// The outcome of one client-side function call, handed back to the session loop.
#[derive(Debug, Clone, PartialEq)]
pub struct IntentDone {
    pub call_id: String,
    pub name: String,
    /// What the agent is told; on failure it says why.
    pub content: String,
    pub ok: bool,
}

/// How the conversation record ends.
#[derive(Debug, Clone, PartialEq)]
pub enum Finish {
    Close,
    Interrupted(String),
}

pub enum Job {
    SaveMessage {
        role: String,
        content: String,
    },
    RunIntent {
        call_id: String,
        name: String,
        arguments: String,
    },
    CancelIntent {
        call_id: String,
        name: String,
    },
    TurnMetrics(TurnMetrics),
    RequestId(String),
    /// A safety notice was shown for this category.
    FlagSafety(String),
    /// Records the counters and ends the conversation record; the last job.
    Finish {
        stats: SessionStats,
        finish: Finish,
        done: oneshot::Sender<Finished>,
    },
}

/// What the worker hands back at the end.
#[derive(Debug, Default)]
pub struct Finished {
    /// Failures of the final calls (already logged).
    pub errors: Vec<ControlError>,
    /// The storage notices sent during the conversation.
    pub notices: Vec<ErrorRecord>,
}

/// Handle used by the session loop; cheap to clone, never blocks.
#[derive(Clone)]
pub struct Worker {
    jobs: mpsc::UnboundedSender<Job>,
}

impl Worker {
    /// Starts the worker on tokio's blocking pool. Intent outcomes go to `results`; notices that
    /// the conversation stopped (or resumed) being saved go straight to `events`, so one raised
    /// by the last writes still comes before the session's end.
    pub fn spawn(
        control: Arc<dyn ControlPlane>,
        session_id: String,
        results: mpsc::UnboundedSender<IntentDone>,
        events: mpsc::UnboundedSender<SessionEvent>,
    ) -> Worker {
        let (jobs, rx) = mpsc::unbounded_channel();
        let saving = Saving::new(events);
        tokio::task::spawn_blocking(move || run(control, session_id, rx, results, saving));
        Worker { jobs }
    }

    pub fn push(&self, job: Job) {
        if self.jobs.send(job).is_err() {
            tracing::warn!("control-plane worker is gone; a store job was lost");
        }
    }

    /// Queues the final job and waits until everything before it was done.
    pub async fn finish(&self, stats: SessionStats, finish: Finish) -> Finished {
        let (done, wait) = oneshot::channel();
        self.push(Job::Finish { stats, finish, done });
        wait.await.unwrap_or_else(|_| Finished {
            errors: vec![ControlError::other("the control-plane worker stopped")],
            notices: Vec::new(),
        })
    }
}

fn run(
    control: Arc<dyn ControlPlane>,
    session_id: String,
    mut jobs: mpsc::UnboundedReceiver<Job>,
    results: mpsc::UnboundedSender<IntentDone>,
    mut saving: Saving,
) {
    let sid = session_id.as_str();
    while let Some(job) = jobs.blocking_recv() {
        match job {
            Job::SaveMessage { role, content } => match control.save_message(sid, &role, &content) {
                // Said only once the write committed, so a crash report can be checked against it.
                Ok(()) => {
                    tracing::debug!(session = sid, %role, "message stored");
                    saving.message_stored();
                }
                Err(e) => {
                    tracing::warn!(error = %e, %role, "could not save a message");
                    saving.message_failed(&e);
                }
            },
            Job::RunIntent { call_id, name, arguments } => {
                let (done, failure) = run_intent(control.as_ref(), sid, call_id, name, &arguments);
                if done.ok {
                    tracing::debug!(session = sid, call_id = %done.call_id, "function call stored");
                }
                if let Some(e) = failure {
                    saving.failed(&e);
                }
                let _ = results.send(done);
            }
            Job::CancelIntent { call_id, name } => {
                if let Err(e) = control.cancel_intent(sid, &call_id, &name) {
                    tracing::warn!(error = %e, %call_id, "could not cancel a function call");
                    saving.failed(&e);
                }
            }
            Job::RequestId(id) => {
                if let Err(e) = control.set_request_id(sid, &id) {
                    tracing::warn!(error = %e, "could not record the agent request id");
                }
            }
            Job::FlagSafety(category) => {
                if let Err(e) = control.flag_safety(sid, &category) {
                    tracing::warn!(error = %e, %category, "could not flag the conversation");
                    saving.failed(&e);
                }
            }
            Job::TurnMetrics(metrics) => {
                if let Err(e) = control.record_turn_metrics(sid, &metrics) {
                    tracing::warn!(error = %e, turn = metrics.turn, "could not record turn metrics");
                }
            }
            Job::Finish { stats, finish, done } => {
                let mut errors = Vec::new();
                if let Err(e) = control.record_session_stats(sid, &stats) {
                    tracing::warn!(error = %e, "could not record session stats");
                    errors.push(e);
                }
                // A record with messages missing is not a complete conversation: it ends as
                // interrupted, saying what is missing. If even that cannot be written, it stays
                // open and the next start sweeps it as interrupted.
                let ended = match (&finish, saving.gap()) {
                    (Finish::Close, None) => control.close_session(sid),
                    (Finish::Close, Some(gap)) => control.mark_interrupted(sid, &gap),
                    (Finish::Interrupted(reason), None) => control.mark_interrupted(sid, reason),
                    (Finish::Interrupted(reason), Some(gap)) => {
                        control.mark_interrupted(sid, &format!("{reason}; {gap}"))
                    }
                };
                if let Err(e) = ended {
                    tracing::warn!(error = %e, "could not end the conversation record");
                    errors.push(e);
                }
                let _ = done.send(Finished { errors, notices: saving.take_notices() });
                return;
            }
        }
    }
}

fn run_intent(
    control: &dyn ControlPlane,
    sid: &str,
    call_id: String,
    name: String,
    arguments: &str,
) -> (IntentDone, Option<ControlError>) {
    let parsed = if arguments.trim().is_empty() {
        Ok(serde_json::Value::Object(Default::default()))
    } else {
        serde_json::from_str::<serde_json::Value>(arguments)
    };
    let (content, ok, failure) = match parsed {
        Err(e) => (
            format!("I could not read the arguments of {name}: {e}. Please try again with valid JSON."),
            false,
            None,
        ),
        Ok(args) => match control.run_intent(sid, &call_id, &name, args) {
            Ok(result) => (result, true, None),
            Err(e) => (format!("{name} failed: {e}"), false, Some(e)),
        },
    };
    (IntentDone { call_id, name, content, ok }, failure)
}
