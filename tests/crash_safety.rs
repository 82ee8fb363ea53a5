//! `kill -9` of `companion talk` at moments spread over a conversation, several rounds in one
//! data dir: everything the process reported stored is still there, the killed conversation is
//! marked interrupted by the next run, the database passes its integrity check, and a new
//! conversation starts cleanly.

mod support;

use std::process::Stdio;
use std::time::Duration;

use serde_json::json;
use support::fake_agent::{FakeAgent, FakeConfig, Step};
use support::fake_grant::{self, KEY};
use support::session_kit::TOKEN;
use support::speech;
use tokio::io::AsyncReadExt;

fn script() -> Vec<Step> {
    let mut steps = Vec::new();
    for i in 0..6 {
        steps.push(Step::Typed);
        steps.push(Step::Call {
            id: format!("fc-{i}"),
            name: "create_task".into(),
            args: json!({"title": format!("Task {i}"), "scheduled_at": "2030-01-02T09:00:00"}),
            await_response: true,
        });
        steps.push(Step::AgentText(format!("Added task {i}.")));
        steps.push(Step::Reply { ms: 300 });
    }
    steps
}

/// What the killed process said it had stored: (conversation, messages, call ids).
fn reported(stderr: &str) -> (Option<String>, usize, Vec<String>) {
    let field = |line: &str, name: &str| {
        let start = line.find(&format!("{name}="))? + name.len() + 1;
        let rest = line[start..].trim_start_matches('"');
        Some(rest.split(['"', ' ']).next()?.to_string())
    };
    let mut session = None;
    let mut messages = 0;
    let mut calls = Vec::new();
    for line in stderr.lines() {
        if line.contains("message stored") {
            messages += 1;
            session = field(line, "session");
        } else if line.contains("function call stored") {
            calls.extend(field(line, "call_id"));
        }
    }
    (session, messages, calls)
}

fn db(data: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(data.join("companion.db")).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_loses_nothing_reported_stored() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let wav = speech::silent(dir.path(), 12.0);
    let grant = fake_grant::start(TOKEN, 200).await;
    let says: Vec<String> = (0..6).map(|i| format!("Add task {i} for Thursday")).collect();
    let mut killed = Vec::new();
    // Kill points spread over the conversation, from the greeting to the last turns; with the
    // clean run after them, the five conversations the rate limit allows in ten minutes.
    for delay_ms in [700u64, 1300, 2100, 3300] {
        let fake = FakeAgent::start(FakeConfig::new(TOKEN, script())).await;
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_companion"));
        cmd.args([
            "talk",
            "--input",
            wav.to_str().unwrap(),
            "--output",
            dir.path().join("out.wav").to_str().unwrap(),
        ]);
        for s in &says {
            cmd.args(["--say", s]);
        }
        cmd.env("COMPANION_DATA_DIR", &data)
            .env("DEEPGRAM_API_KEY", KEY)
            .env("COMPANION_DEEPGRAM_API_URL", &grant.url)
            .env("COMPANION_DEEPGRAM_AGENT_URL", fake.url())
            .env("RUST_LOG", "companion=debug")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = cmd.spawn().unwrap();
        let mut stderr = child.stderr.take().unwrap();
        let reader = tokio::spawn(async move {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text).await;
            text
        });
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        child.start_kill().unwrap(); // SIGKILL
        let _ = child.wait().await;
        let stderr = reader.await.unwrap();
        let (session, messages, calls) = reported(&stderr);
        if session.is_none() {
            eprintln!("round killed at {delay_ms} ms stored nothing; its log:\n{stderr}");
        }

        // Everything reported stored survived the kill.
        let conn = db(&data);
        let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(integrity, "ok");
        if let Some(session) = &session {
            let stored: usize = conn
                .query_row("SELECT COUNT(*) FROM messages WHERE conversation_id = ?1", [session], |r| {
                    r.get(0)
                })
                .unwrap();
            assert!(stored >= messages, "killed at {delay_ms} ms: {messages} reported, {stored} stored");
            killed.push(session.clone());
        }
        for call in &calls {
            let found: usize = conn
                .query_row("SELECT COUNT(*) FROM function_calls WHERE id = ?1", [call], |r| r.get(0))
                .unwrap();
            assert_eq!(found, 1, "call {call} was reported stored (killed at {delay_ms} ms)");
        }
    }
    assert!(killed.len() >= 3, "most rounds got as far as storing something: {killed:?}");

    // A clean run afterwards: it sweeps the killed conversations and completes its own.
    let fake = FakeAgent::start(FakeConfig::new(TOKEN, script()[..4].to_vec())).await;
    let short = speech::silent(dir.path(), 3.0);
    let run = tokio::process::Command::new(env!("CARGO_BIN_EXE_companion"))
        .args([
            "talk",
            "--input",
            short.to_str().unwrap(),
            "--output",
            dir.path().join("out.wav").to_str().unwrap(),
        ])
        .args(["--say", "Add task 0 for Thursday", "--json"])
        .env("COMPANION_DATA_DIR", &data)
        .env("DEEPGRAM_API_KEY", KEY)
        .env("COMPANION_DEEPGRAM_API_URL", &grant.url)
        .env("COMPANION_DEEPGRAM_AGENT_URL", fake.url())
        .env("RUST_LOG", "warn")
        .output()
        .await
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let conn = db(&data);
    for session in &killed {
        let status: String = conn
            .query_row("SELECT status FROM conversations WHERE id = ?1", [session], |r| r.get(0))
            .unwrap();
        assert_eq!(status, "interrupted", "{session}");
    }
    let open: usize =
        conn.query_row("SELECT COUNT(*) FROM conversations WHERE status = 'open'", [], |r| r.get(0)).unwrap();
    assert_eq!(open, 0);
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");
}
