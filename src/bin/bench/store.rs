//! Store figures: message insert rate (one transaction per message, as live sessions write),
//! reading the session list and a transcript, `companion sessions list` as a whole process,
//! full-text search over a large history (`store_search`) and retention's batches
//! (`store_retention`).

use super::corpus::{Rng, Vocabulary};
use super::stats::percentiles;
use chrono::{DateTime, TimeZone, Utc};
use companion::store::{conversations, messages, users, Store};
use companion::time::Clock;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Every 40th conversation is a long one (500 messages, the transcript the read figure uses); the
/// others hold 10 to 59, so a million messages make about 21,000 sessions, as a long real history
/// of short daily talks would.
const LONG_EVERY: usize = 40;
const LONG: usize = 500;

/// `keep`: build the history in this dir and leave it there; a later run with the same dir and
/// at least as many messages reuses it (and skips the write figures).
pub fn run(total: usize, keep: Option<&Path>) -> anyhow::Result<()> {
    let scratch = tempfile::tempdir()?;
    let dir: PathBuf = keep.map_or_else(|| scratch.path().to_path_buf(), Path::to_path_buf);
    let store = Store::open_in(&dir)?;
    let held: i64 = store.read(|c| Ok(c.query_row("SELECT count(*) FROM messages", [], |r| r.get(0))?))?;
    let vocab = Vocabulary::new();
    if held >= total as i64 {
        println!("store: reusing the history of {held} messages in {}", dir.display());
    } else {
        anyhow::ensure!(
            held == 0,
            "{} holds {held} messages, fewer than asked: use a new dir",
            dir.display()
        );
        build(&store, &vocab, total)?;
    }
    let long_ids: Vec<String> = store.read(|c| {
        let mut st = c.prepare("SELECT id FROM conversations WHERE message_count = ?1 LIMIT 200")?;
        let ids = st.query_map([LONG as i64], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    })?;
    anyhow::ensure!(!long_ids.is_empty(), "no {LONG}-message conversation in the history");
    let sessions: i64 =
        store.read(|c| Ok(c.query_row("SELECT count(*) FROM conversations", [], |r| r.get(0))?))?;

    let mut reads = Vec::new();
    for i in 0..200 {
        let t = Instant::now();
        let rows = store.read(|c| messages::list_messages(c, &long_ids[i % long_ids.len()]))?;
        reads.push(t.elapsed());
        anyhow::ensure!(rows.len() == LONG, "a transcript lost messages");
    }
    let (p50, p99) = percentiles(reads);
    println!(
        "store: read a {LONG}-message transcript: p50 {p50:.2} ms, p99 {p99:.2} ms (target: p99 <= 10 ms)"
    );

    let mut lists = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        let rows = store.read(|c| conversations::list_conversations(c, 50))?;
        lists.push(t.elapsed());
        anyhow::ensure!(rows.len() == 50, "the session list is short");
        // Each entry carries the first words the user said (every history conversation has some).
        anyhow::ensure!(rows.iter().all(|r| r.first_words.is_some()), "a session without its first words");
    }
    let (p50, p99) = percentiles(lists);
    println!("store: list the newest 50 of {sessions} sessions with their first words: p50 {p50:.2} ms, p99 {p99:.2} ms (target: p99 <= 10 ms)");

    sessions_list_process(&dir)?;
    super::store_search::run(&store, &vocab, held.max(total as i64))?;
    super::store_retention::run(&dir)
}

/// Conversations one hour apart from 2024-01-01, messages five seconds apart within each, so that
/// creation order, time order and rowid order agree as they do in a real history.
fn build(store: &Store, vocab: &Vocabulary, total: usize) -> anyhow::Result<()> {
    let mut rng = Rng::new(7);
    let start: DateTime<Utc> = Utc.with_ymd_and_hms(2024, 1, 1, 8, 0, 0).single().expect("a valid date");
    let before = start - chrono::Duration::days(1);
    store.write(|tx| users::ensure_user(tx, "u", "", "UTC", Clock::System.now()).map(|_| ()))?;

    // Live writes: one message per transaction.
    store.write(|tx| conversations::insert_conversation(tx, "live", "u", before))?;
    let n = 2_000;
    let t = Instant::now();
    for i in 0..n {
        let text = vocab.sentence(&mut rng);
        let at = before + chrono::Duration::milliseconds(i as i64);
        store.write(|tx| messages::append_message(tx, &format!("live-{i}"), "live", "user", &text, at))?;
    }
    let per_sec = n as f64 / t.elapsed().as_secs_f64();
    println!("store: single-message transactions: {per_sec:.0} messages/s");

    // History: `total - n` more messages, one transaction per conversation.
    let t = Instant::now();
    let (mut written, mut c) = (n, 0usize);
    while written < total {
        let len = if c % LONG_EVERY == 0 { LONG } else { 10 + (rng.next() % 50) as usize };
        let len = len.min(total - written);
        let cid = format!("c{c}");
        let began = start + chrono::Duration::hours(c as i64);
        store.write(|tx| {
            conversations::insert_conversation(tx, &cid, "u", began)?;
            for m in 0..len {
                let role = if m % 2 == 0 { "user" } else { "assistant" };
                let at = began + chrono::Duration::seconds(5 * m as i64);
                messages::append_message(
                    tx,
                    &format!("{cid}-{m}"),
                    &cid,
                    role,
                    &vocab.sentence(&mut rng),
                    at,
                )?;
            }
            let ended = began + chrono::Duration::seconds(5 * len as i64);
            conversations::end_conversation(
                tx,
                &cid,
                conversations::ConversationStatus::Closed,
                None,
                ended,
            )?;
            Ok::<_, companion::store::StoreError>(())
        })?;
        written += len;
        c += 1;
    }
    println!(
        "store: built a history of {total} messages in {c} sessions in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `companion sessions list` against this history, as a user runs it: a new process each time.
fn sessions_list_process(dir: &Path) -> anyhow::Result<()> {
    let exe = std::env::current_exe()?.with_file_name("companion");
    anyhow::ensure!(exe.exists(), "{} is missing: build the bins with --release", exe.display());
    let mut times: Vec<Duration> = Vec::new();
    for _ in 0..11 {
        let t = Instant::now();
        let status = Command::new(&exe)
            .args(["sessions", "list"])
            .env("COMPANION_DATA_DIR", dir)
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .status()?;
        times.push(t.elapsed());
        anyhow::ensure!(status.success(), "companion sessions list failed: {status}");
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "store: `companion sessions list` as a process: p50 {:.1} ms, max {:.1} ms over {} runs (target: <= 30 ms)",
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
        times.len()
    );
    Ok(())
}
