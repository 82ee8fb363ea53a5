//! Store figures: message insert rate (one transaction per message, as live sessions write),
//! reading a 500-message transcript, and full-text search over a large history.

use super::corpus::{Rng, Vocabulary};
use super::stats::percentiles;
use companion::store::{conversations, messages, search, users, Store};
use companion::time::Clock;
use std::time::{Duration, Instant};

pub fn run(total: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let store = Store::open_in(dir.path())?;
    let clock = Clock::System;
    store.write(|tx| users::ensure_user(tx, "u", "", "UTC", clock.now()).map(|_| ()))?;

    // Live writes: one message per transaction.
    store.write(|tx| conversations::insert_conversation(tx, "live", "u", clock.now()))?;
    let mut rng = Rng::new(7);
    let vocab = Vocabulary::new();
    let n = 2_000;
    let t = Instant::now();
    for i in 0..n {
        let text = vocab.sentence(&mut rng);
        store.write(|tx| {
            messages::append_message(tx, &format!("live-{i}"), "live", "user", &text, clock.now())
        })?;
    }
    let per_sec = n as f64 / t.elapsed().as_secs_f64();
    println!("store: single-message transactions: {per_sec:.0} messages/s");

    // History: `total` messages in conversations of 500, written in bulk.
    let t = Instant::now();
    let per_conv = 500;
    for c in 0..total.div_ceil(per_conv) {
        let cid = format!("c{c}");
        store.write(|tx| {
            conversations::insert_conversation(tx, &cid, "u", clock.now())?;
            for m in 0..per_conv.min(total - c * per_conv) {
                let role = if m % 2 == 0 { "user" } else { "assistant" };
                messages::append_message(
                    tx,
                    &format!("{cid}-{m}"),
                    &cid,
                    role,
                    &vocab.sentence(&mut rng),
                    clock.now(),
                )?;
            }
            Ok::<_, companion::store::StoreError>(())
        })?;
    }
    println!("store: built a history of {total} messages in {:.1} s", t.elapsed().as_secs_f64());

    let mut reads = Vec::new();
    for i in 0..200 {
        let cid = format!("c{}", i % total.div_ceil(per_conv));
        let t = Instant::now();
        let rows = store.read(|c| messages::list_messages(c, &cid))?;
        reads.push(t.elapsed());
        std::hint::black_box(rows);
    }
    let (p50, p99) = percentiles(reads);
    println!("store: read a 500-message transcript: p50 {p50:.2} ms, p99 {p99:.2} ms");

    // Typical queries are a couple of words, a name or a topic; "spanish" alone is the worst case
    // here (the most frequent word: it matches about a tenth of all messages).
    let typical =
        ["dentist appointment", "guitar practice", "holiday flight", "budg", "taxes", "birthday gift"];
    let typing = ["spa", "dent", "gui"];
    for (label, queries) in [
        ("typical queries", &typical[..]),
        ("most frequent word", &["spanish"][..]),
        ("words being typed (broad prefixes)", &typing[..]),
    ] {
        let mut times: Vec<Duration> = Vec::new();
        for _ in 0..20 {
            for q in queries {
                let t = Instant::now();
                let hits = store.read(|c| search::search_messages(c, q, 20, ("[", "]")))?;
                times.push(t.elapsed());
                if hits.is_empty() {
                    anyhow::bail!("search for {q:?} found nothing; the corpus is broken");
                }
            }
        }
        let (p50, p99) = percentiles(times);
        println!("store: search over {total} messages, {label} (top 20 with snippets): p50 {p50:.2} ms, p99 {p99:.2} ms (our target: p50 <= 5 ms)");
    }
    Ok(())
}
