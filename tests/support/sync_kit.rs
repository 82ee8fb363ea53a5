//! A second Flux Companion (`companion serve`) as the hosted plane, local history written
//! through the library, `companion sync` runs, and the end-state check every sync test shares:
//! the plane holds exactly the local conversations, in order, once.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use companion::backend::schemas::{IntentRequest, SaveMessageRequest};
use companion::backend::Service;
use companion::launch::{open_dir, Role};
use rusqlite::{Connection, OpenFlags};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};

use super::fake_grant;

pub const PLANE_TOKEN: &str = "plane-bearer-token-7f3a9c41d2";

/// Settings that let tests create many sessions quickly (the plane's and this computer's).
pub const GENEROUS: &str = "limits:\n  sessions_per_10_minutes: 10000\n  sessions_per_day: 10000\n\
sync:\n  sessions_per_10_minutes: 10000\n  sessions_per_day: 10000\n";

pub struct Plane {
    pub dir: tempfile::TempDir,
    pub url: String,
    pub addr: std::net::SocketAddr,
    pub grant: fake_grant::FakeGrant,
    child: tokio::process::Child,
}

impl Plane {
    /// `extra`: more `companion serve` arguments (e.g. the switch that ignores idempotency keys).
    pub async fn start(extra: &[&str]) -> Plane {
        Self::start_with(extra, GENEROUS).await
    }

    pub async fn start_with(extra: &[&str], settings: &str) -> Plane {
        let grant = fake_grant::start("plane-minted-deepgram-token", 200).await;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("settings.yaml"), settings).unwrap();
        let env = [
            ("COMPANION_API_TOKEN", PLANE_TOKEN),
            ("DEEPGRAM_API_KEY", fake_grant::KEY),
            ("COMPANION_DEEPGRAM_API_URL", grant.url.as_str()),
        ];
        let (url, child) = serve(dir.path(), extra, &env).await;
        let addr = url.trim_start_matches("http://").parse().unwrap();
        Plane { dir, url, addr, grant, child }
    }

    /// Opens a session for `local` directly on the plane (another client of the same user);
    /// returns its id.
    pub async fn create_session(&self) -> String {
        let created: serde_json::Value = reqwest::Client::new()
            .post(format!("{}/api/v1/voice/session", self.url))
            .header("authorization", format!("Bearer {PLANE_TOKEN}"))
            .json(&json!({"user_id": "local"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        created["session_id"].as_str().unwrap_or_else(|| panic!("no session: {created}")).to_string()
    }

    pub fn db(&self) -> Connection {
        Connection::open_with_flags(self.dir.path().join("companion.db"), OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap()
    }

    pub async fn stop(mut self) {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
    }
}

/// `companion serve --port 0` on `dir` with `env`; returns its URL once it listens.
pub async fn serve(dir: &Path, extra: &[&str], env: &[(&str, &str)]) -> (String, tokio::process::Child) {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_companion"));
    cmd.args(["serve", "--port", "0"])
        .args(extra)
        .env("COMPANION_DATA_DIR", dir)
        .env_remove("COMPANION_SYNC_URL")
        .env_remove("COMPANION_SYNC_TOKEN")
        .env_remove("DEEPGRAM_API_KEY")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .kill_on_drop(true);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("companion serve did not start");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(url) = line.strip_prefix("Listening on ") {
                return url.trim().to_string();
            }
        }
        panic!("companion serve exited before listening")
    })
    .await
    .expect("companion serve did not listen");
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (url, child)
}

/// A data dir for "this computer", with generous limits.
pub fn local_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("settings.yaml"), GENEROUS).unwrap();
    dir
}

pub fn open_local(dir: &Path) -> Service {
    open_dir(dir, companion::backend::token::env_key_source(), Role::Reader).unwrap().service
}

/// `conversations` closed conversations of `messages` turns each, with a task created in every
/// one and, every third, a goal: what a week of talking leaves behind.
pub fn write_history(service: &Service, conversations: usize, messages: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for c in 0..conversations {
        let (id, _) = service.open_conversation("local", None).unwrap();
        for m in 0..messages {
            let role = if m % 2 == 0 { "user" } else { "assistant" };
            let content = format!("conversation {c} turn {m}: {}", "words ".repeat(1 + m % 4));
            save(service, &id, role, &content);
            if m == messages / 2 {
                intent(
                    service,
                    &id,
                    &format!("call-{c}-task"),
                    "create_task",
                    json!({"title": format!("Task {c}"), "scheduled_at": "2026-12-01T09:00:00Z"}),
                );
            }
        }
        if c % 3 == 0 {
            intent(
                service,
                &id,
                &format!("call-{c}-goal"),
                "submit_goal_intent",
                json!({"goal_statement": format!("Goal {c}"), "timeline": "3 months"}),
            );
        }
        service.close_session(&id).unwrap();
        ids.push(id);
    }
    ids
}

pub fn save(service: &Service, id: &str, role: &str, content: &str) {
    let req = SaveMessageRequest { session_id: id.into(), role: role.into(), content: content.into() };
    service.save_message(&req, None).unwrap();
}

pub fn intent(service: &Service, id: &str, call: &str, name: &str, input: serde_json::Value) {
    let req = IntentRequest {
        session_id: id.into(),
        function_call_id: call.into(),
        function_name: name.into(),
        input,
    };
    service.run_intent(&req, None).unwrap();
}

/// `companion sync ARGS` for the local data dir against `url`.
pub fn sync_command(local: &Path, url: &str, token: &str, args: &[&str]) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_companion"));
    cmd.arg("sync")
        .args(args)
        .env("COMPANION_DATA_DIR", local)
        .env("COMPANION_SYNC_URL", url)
        .env("COMPANION_SYNC_TOKEN", token)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

pub struct Done {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub async fn sync(local: &Path, url: &str, token: &str, args: &[&str]) -> Done {
    let out = tokio::time::timeout(Duration::from_secs(300), sync_command(local, url, token, args).output())
        .await
        .expect("companion sync hung")
        .unwrap();
    Done {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    }
}

fn local_db(dir: &Path) -> Connection {
    Connection::open_with_flags(dir.join("companion.db"), OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
}

/// What is still owed to the plane: the outbox's items and the messages not queued in it yet.
pub fn outbox_len(dir: &Path) -> i64 {
    let sql = "SELECT (SELECT count(*) FROM sync_outbox)
                    + (SELECT coalesce(sum(message_count - sync_queued), 0) FROM conversations)";
    local_db(dir).query_row(sql, [], |r| r.get(0)).unwrap()
}

fn strings(c: &Connection, sql: &str, arg: &str) -> Vec<String> {
    let mut st = c.prepare(sql).unwrap();
    st.query_map([arg], |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap).collect()
}

/// The invariant: every local conversation has exactly one session on the plane, closed, with
/// exactly its messages in its order (no duplicate, no gap) and each of its calls once; the
/// plane holds no other session; the outbox is empty.
pub fn assert_plane_holds_exactly(local: &Path, plane: &Plane) {
    let l = local_db(local);
    let p = plane.db();
    assert_eq!(outbox_len(local), 0, "the outbox must be empty");
    let convs = strings(&l, "SELECT id FROM conversations WHERE ?1 = ?1 ORDER BY started_at", "");
    let mut remotes = BTreeSet::new();
    for conv in &convs {
        let remote: String = l
            .query_row(
                "SELECT remote_id FROM sync_sessions WHERE conversation_id = ?1 AND state = 'closed'",
                [conv],
                |r| r.get(0),
            )
            .unwrap_or_else(|e| panic!("conversation {conv} has no closed session on the plane: {e}"));
        assert!(remotes.insert(remote.clone()), "two conversations share session {remote}");
        let ours = strings(
            &l,
            "SELECT role || ': ' || content FROM messages WHERE conversation_id = ?1 ORDER BY seq",
            conv,
        );
        let theirs = strings(
            &p,
            "SELECT role || ': ' || content FROM messages WHERE conversation_id = ?1 ORDER BY seq",
            &remote,
        );
        assert_eq!(theirs, ours, "the plane's copy of {conv} ({remote}) differs");
        let our_calls: BTreeSet<String> =
            strings(&l, "SELECT id FROM function_calls WHERE conversation_id = ?1", conv)
                .into_iter()
                .collect();
        let their_calls: BTreeSet<String> =
            strings(&p, "SELECT id FROM function_calls WHERE conversation_id = ?1", &remote)
                .into_iter()
                .collect();
        assert_eq!(their_calls, our_calls, "the plane's calls of {conv} differ");
        let status: String =
            p.query_row("SELECT status FROM conversations WHERE id = ?1", [&remote], |r| r.get(0)).unwrap();
        assert_eq!(status, "closed", "session {remote} was left {status} on the plane");
    }
    let on_plane: BTreeSet<String> =
        strings(&p, "SELECT id FROM conversations WHERE ?1 = ?1", "").into_iter().collect();
    let extra: Vec<_> = on_plane.difference(&remotes).collect();
    assert!(
        extra.is_empty(),
        "the plane holds sessions no local conversation owns (orphans or duplicates): {extra:?}"
    );
}

pub fn data_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_file() {
            out.push(e.path());
        }
    }
    out
}

/// Polls `ok` every 20 ms until it holds; fails the test, naming `what`, after `limit`.
/// Returns how long it took.
pub async fn wait_for(what: &str, limit: Duration, mut ok: impl FnMut() -> bool) -> Duration {
    let start = std::time::Instant::now();
    while !ok() {
        assert!(start.elapsed() < limit, "{what} did not happen within {limit:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    start.elapsed()
}
