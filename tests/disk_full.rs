//! The disk fills during a live conversation (a real store, service and control plane; the
//! database may no longer grow, so SQLite fails exactly as on a full disk). The conversation
//! goes on, the user is told once that it is no longer being saved and why, nothing stored
//! before is lost or half-written, and when space is freed saving resumes (told once too).

mod support;

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use companion::backend::{Service, ServiceParts};
use companion::config::catalog::Catalog;
use companion::config::Settings;
use companion::launch::ServiceControl;
use companion::session::memory::ScriptedSource;
use companion::session::saving::{STORAGE_FULL, STORAGE_RESUMED};
use companion::session::{SessionCommand, SessionEnd, SessionEvent, SessionOptions};
use companion::store::{calls, conversations, messages, tasks, ConversationStatus, Store};
use companion::time::Clock;
use companion::voice::scripted::{Cue, ScriptStep, ScriptedProvider};
use companion::voice::{FunctionCallRequest, VoiceEvent};
use serde_json::json;
use support::filling_disk::FillingDisk;
use support::session_kit::{run_with, silence, Outcome};

const GREETING: &str = "Hey! What can I help you with today?";

/// A turn's text: after the fill they are long, so each needs pages the database cannot add.
fn said(what: &str) -> String {
    format!("{what}{}", " and so on".repeat(800))
}

/// A message as the assertions show it: its start and length.
fn short((role, content): &(String, String)) -> String {
    format!("{role}: {}… ({} bytes)", content.chars().take(12).collect::<String>(), content.len())
}

fn shorts(lines: &[(String, String)]) -> Vec<String> {
    lines.iter().map(short).collect()
}

/// The typed turns, in order: the disk fills before the second is stored, a call is made while
/// it is full, and space may be freed before the fourth.
fn turns() -> [String; 4] {
    ["Plan my day".to_string(), said("Second"), said("Third"), said("Fourth")]
}

fn reply(n: usize) -> String {
    if n == 1 {
        "Sure, let's plan it.".into()
    } else {
        said(&format!("Reply {n}"))
    }
}

struct Run {
    out: Outcome,
    script: ScriptedProvider,
    service: Service,
    store: Arc<Store>,
    _dir: tempfile::TempDir,
}

impl Run {
    fn session_id(&self) -> &str {
        &self.out.report().session_id
    }
    fn stored(&self) -> Vec<(i64, String, String)> {
        let rows = self.store.read(|c| messages::list_messages(c, self.session_id())).unwrap();
        rows.into_iter().map(|m| (m.seq, m.role, m.content)).collect()
    }
    fn record(&self) -> conversations::ConversationRow {
        self.store.read(|c| conversations::get_conversation(c, self.session_id())).unwrap().unwrap()
    }
    fn integrity(&self) -> String {
        self.store.read(|c| Ok(c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?)).unwrap()
    }
    fn storage_notices(&self) -> Vec<(String, String)> {
        let notices = self.out.events.iter().filter_map(|e| match e {
            SessionEvent::Warning { code, description } if code.starts_with("STORAGE_") => {
                Some((code.clone(), description.clone()))
            }
            _ => None,
        });
        notices.collect()
    }
}

/// Four typed turns with the scripted agent; the third makes a call (a task with long notes).
async fn converse(fill: bool, free: bool) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open_in(dir.path()).unwrap());
    let service = Service::new(ServiceParts {
        store: store.clone(),
        settings: Settings::default(),
        catalog: Catalog::builtin(),
        prompt_template: companion::config::prompt::DEFAULT_TEMPLATE.to_string(),
        key: Arc::new(|| None::<companion::config::secret::Secret>),
        clock: Clock::manual(Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap()),
    });
    let turns = turns();
    let control = FillingDisk {
        inner: ServiceControl::without_credentials(service.clone(), tokio::runtime::Handle::current()),
        store: store.clone(),
        fill_at: fill.then(|| turns[1].clone()),
        free_at: free.then(|| turns[3].clone()),
    };
    let answer = |n: usize| {
        let mut events = vec![VoiceEvent::AgentTranscript { role: "assistant".into(), content: reply(n) }];
        events.extend(ScriptedProvider::reply(200, 24_000));
        events
    };
    let call = FunctionCallRequest {
        id: "fc-1".into(),
        name: "create_task".into(),
        arguments:
            json!({"title": "Call mum", "scheduled_at": "2030-01-02T09:00:00", "notes": said("Notes")})
                .to_string(),
        client_side: true,
    };
    let script = ScriptedProvider::new(vec![
        ScriptStep { cue: Cue::Typed, events: answer(1) },
        ScriptStep { cue: Cue::Typed, events: answer(2) },
        ScriptStep { cue: Cue::Typed, events: vec![VoiceEvent::FunctionCalls(vec![call])] },
        ScriptStep { cue: Cue::Answered("fc-1".into()), events: answer(3) },
        ScriptStep { cue: Cue::Typed, events: answer(4) },
    ]);
    let mut options = SessionOptions::new("local-user");
    options.settle = Duration::from_millis(600);
    options.reply_timeout = Duration::from_secs(4);
    let says = turns.iter().map(|t| (0, SessionCommand::Say(t.clone()))).collect();
    let source = ScriptedSource::new(16_000, &[silence(1000)], false);
    let out = run_with(Arc::new(control), Arc::new(script.clone()), source, options, says).await;
    Run { out, script, service, store, _dir: dir }
}

/// The whole conversation as the session saw it, in order.
fn everything_said() -> Vec<(String, String)> {
    let t = turns();
    let mut all = vec![("assistant".to_string(), GREETING.to_string())];
    for (n, turn) in t.iter().enumerate() {
        all.push(("user".into(), turn.clone()));
        all.push(("assistant".into(), reply(n + 1)));
    }
    all
}

/// What every run has: the agent conversation went on to its end, whatever the disk did.
fn assert_conversation_went_on(run: &Run) {
    let report = run.out.report();
    assert_eq!(report.end, SessionEnd::Completed);
    let seen: Vec<(String, String)> =
        report.transcript.iter().map(|t| (t.role.clone(), t.content.clone())).collect();
    assert_eq!(shorts(&seen), shorts(&everything_said()), "every turn was said and answered");
    assert!(seen == everything_said(), "word for word");
    let log = run.script.log();
    assert!(log.script_done, "{log:?}");
    assert_eq!(log.closed_normally, 1);
    assert_eq!(log.answers.len(), 1, "the call was answered");
    assert_eq!(run.integrity(), "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_disk_fills_mid_conversation_it_goes_on_and_keeps_what_was_stored() {
    let run = converse(true, false).await;
    assert_conversation_went_on(&run);

    let notices = run.storage_notices();
    assert_eq!(notices.len(), 1, "told once: {notices:?}");
    let (code, description) = &notices[0];
    assert_eq!(code, STORAGE_FULL);
    assert!(description.contains("The disk is full"), "{description}");
    assert!(
        description.contains("goes on") && description.contains("no longer being saved"),
        "{description}"
    );
    assert!(description.contains("Free some space"), "{description}");
    let said_at = |pred: &dyn Fn(&SessionEvent) -> bool| run.out.events.iter().position(pred).unwrap();
    let warned = said_at(&|e| matches!(e, SessionEvent::Warning { code, .. } if code == STORAGE_FULL));
    let second =
        said_at(&|e| matches!(e, SessionEvent::Transcript { content, .. } if *content == turns()[1]));
    let ended = said_at(&|e| matches!(e, SessionEvent::Ended { .. }));
    assert!(second < warned && warned < ended, "after the turn that could not be saved, before the end");
    assert!(run.out.report().warnings.iter().any(|w| w.code == STORAGE_FULL));

    // Everything stored before the fill is intact and in order; nothing after it half-written.
    let stored = run.stored();
    assert_eq!(stored.iter().map(|(seq, _, _)| *seq).collect::<Vec<_>>(), vec![1, 2, 3]);
    let stored: Vec<(String, String)> = stored.into_iter().map(|(_, r, c)| (r, c)).collect();
    assert_eq!(shorts(&stored), shorts(&everything_said()[..3]));
    assert!(stored == everything_said()[..3], "word for word");
    assert_eq!(run.record().message_count, 3);
    let answered = &run.script.log().answers[0].2;
    assert!(answered.contains("disk is full"), "the agent is told why the call failed: {answered:.200}");
    assert!(run.store.read(|c| calls::calls_of_conversation(c, run.session_id())).unwrap().is_empty());
    assert!(run.store.read(tasks::all_tasks).unwrap().is_empty(), "no task from the failed call");

    // The record could not say the conversation ended as it did: at the next start (space
    // freed) it is interrupted, whether the session's last write got through or the sweep.
    assert_ne!(run.record().status, ConversationStatus::Closed);
    run.store.lift_growth_cap().unwrap();
    run.service.sweep_interrupted().unwrap();
    let record = run.record();
    assert_eq!(record.status, ConversationStatus::Interrupted);
    assert!(record.end_reason.is_some());
    assert_eq!(run.stored().len(), 3, "still all there");
    assert_eq!(run.integrity(), "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saving_resumes_once_space_is_freed() {
    let run = converse(true, true).await;
    assert_conversation_went_on(&run);

    let notices = run.storage_notices();
    let codes: Vec<&str> = notices.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes, vec![STORAGE_FULL, STORAGE_RESUMED], "each said once: {notices:?}");
    assert!(notices[1].1.contains("Saving resumed"), "{}", notices[1].1);
    assert!(notices[1].1.contains("4 messages"), "what is missing: {}", notices[1].1);

    let all = everything_said();
    let kept: Vec<(String, String)> = [0, 1, 2, 7, 8].iter().map(|&i| all[i].clone()).collect();
    let stored = run.stored();
    assert_eq!(stored.iter().map(|(s, _, _)| *s).collect::<Vec<_>>(), vec![1, 2, 3, 4, 5]);
    let stored: Vec<(String, String)> = stored.into_iter().map(|(_, r, c)| (r, c)).collect();
    assert_eq!(shorts(&stored), shorts(&kept));
    assert!(stored == kept, "word for word");

    // The record ends as interrupted, saying what is missing, rather than as a whole conversation.
    let record = run.record();
    assert_eq!(record.status, ConversationStatus::Interrupted);
    assert_eq!(record.end_reason.as_deref(), Some("4 messages were not saved (the disk was full)"));
    assert_eq!(record.message_count, 5);
    assert_eq!(run.integrity(), "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_full_disk_nothing_is_said_and_everything_is_stored() {
    let run = converse(false, false).await;
    assert_conversation_went_on(&run);
    assert!(run.storage_notices().is_empty(), "{:?}", run.storage_notices());
    assert!(run.out.report().warnings.is_empty());
    let stored: Vec<(String, String)> = run.stored().into_iter().map(|(_, r, c)| (r, c)).collect();
    assert_eq!(shorts(&stored), shorts(&everything_said()));
    assert!(stored == everything_said(), "word for word");
    assert_eq!(run.record().status, ConversationStatus::Closed);
    assert_eq!(run.store.read(|c| calls::calls_of_conversation(c, run.session_id())).unwrap().len(), 1);
    assert_eq!(run.store.read(tasks::all_tasks).unwrap().len(), 1);
}
