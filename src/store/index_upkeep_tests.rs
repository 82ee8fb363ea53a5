use super::merge_step;
use crate::store::test_kit::{segments, store_with};
use crate::store::{configure, conversations, messages, migrations, users};
use crate::time::Clock;
use rusqlite::Connection;

/// Words are made of two syllables from here: 144 of them, as varied as a day's talk.
const SYLLABLES: &[&str] = &["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "de", "fu"];

/// Twelve words, one in four with a number: the next sentence of a seeded stream.
fn sentence(seed: &mut u64) -> String {
    let text: Vec<String> = (0..12)
        .map(|k| {
            *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let pick = |shift: u64| SYLLABLES[(*seed >> shift) as usize % SYLLABLES.len()];
            let word = format!("{}{}", pick(33), pick(45));
            if k % 4 == 0 {
                format!("{word}{}", (*seed >> 20) % 500)
            } else {
                word
            }
        })
        .collect();
    text.join(" ")
}

/// How a run keeps its index: FTS5's own automerge (the old way), or the upkeep step, or neither.
#[derive(Clone, Copy, PartialEq)]
enum Upkeep {
    Automerge,
    Step,
    Nothing,
}

/// Writes `commits` transactions of three messages each into a new database with the current
/// schema; returns the most pages one commit wrote and the index's segments at the end.
fn write(commits: usize, upkeep: Upkeep) -> (u64, i64) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut conn = Connection::open(&path).unwrap();
    configure(&conn).unwrap();
    migrations::apply(&mut conn).unwrap();
    // Pages written are read off the log's growth: nothing may copy it back.
    conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    if upkeep == Upkeep::Automerge {
        conn.execute("INSERT INTO messages_fts (messages_fts, rank) VALUES ('automerge', 4)", []).unwrap();
    }
    let now = Clock::System.now();
    users::ensure_user(&conn, "u", "", "UTC", now).unwrap();
    conversations::insert_conversation(&conn, "c", "u", now).unwrap();
    let wal = dir.path().join("t.db-wal");
    let (mut seed, mut most, mut before) = (7u64, 0u64, std::fs::metadata(&wal).unwrap().len());

    for i in 0..commits {
        let tx = conn.transaction().unwrap();
        for j in 0..3 {
            messages::append_message(&tx, &format!("m{i}-{j}"), "c", "user", &sentence(&mut seed), now)
                .unwrap();
        }
        if upkeep == Upkeep::Step {
            merge_step(&tx);
        }
        tx.commit().unwrap();
        let after = std::fs::metadata(&wal).unwrap().len();
        most = most.max((after - before) / (4096 + 24));
        before = after;
    }
    (most, segments(&conn))
}

#[test]
fn no_write_carries_a_burst_of_index_merging() {
    let (most, segments) = write(4000, Upkeep::Step);
    let (most_auto, _) = write(4000, Upkeep::Automerge);
    eprintln!("most pages in one commit: {most} with the upkeep step, {most_auto} with automerge");
    // A commit of three messages writes about 20 pages (the rows, their indexes, the outbox and
    // the index's new segment); the step adds at most a few dozen.
    assert!(most <= 100, "one commit wrote {most} pages");
    assert!(segments <= 10, "{segments} segments");
    // Negative control: with FTS5's automerge, some commit writes about 300.
    assert!(most_auto >= 200, "automerge's largest commit wrote {most_auto} pages");
}

#[test]
fn the_step_keeps_the_index_merged() {
    let (_, merged) = write(1500, Upkeep::Step);
    let (_, left) = write(1500, Upkeep::Nothing);
    eprintln!("segments: {merged} with the upkeep step, {left} without");
    assert!(merged <= 10, "{merged} segments");
    // Negative control: with automerge off and no step, segments pile up to FTS5's crisis
    // merge (16 on one level).
    assert!(left >= 14, "{left} segments without the step");
}

#[test]
fn lean_writes_leave_indexing_and_merging_to_the_idle_steps() {
    let (_dir, store) = store_with(&["c"]);
    assert!(!store.tidy_index(), "an empty index has nothing to merge: an idle writer must not spin");
    let now = Clock::System.now();
    let mut seed = 7u64;
    // 4,032 messages: 63 chunks of 64, one segment each, which FTS5's crisis merge (16 on a
    // level) leaves as 15 on the lowest level and 3 on the next.
    for i in 0..1344 {
        store
            .write_lean(|tx| {
                (0..3).try_for_each(|j| {
                    messages::append_message(tx, &format!("m{i}-{j}"), "c", "user", &sentence(&mut seed), now)
                        .map(drop)
                })
            })
            .unwrap();
    }
    // Lean writes queue their messages; indexed a chunk at a time with no merging, they make a
    // segment a chunk. Negative control: those pile up to the crisis merge.
    assert_eq!(store.read(|c| Ok(segments(c))).unwrap(), 0, "queued, not indexed");
    while store.index_queued() {}
    let piled = store.read(|c| Ok(segments(c))).unwrap();
    assert!(piled >= 14, "{piled} segments after indexing alone");

    let mut steps = 0;
    while store.tidy_index() {
        steps += 1;
        assert!(steps < 100_000, "the idle steps never run out of work");
    }
    let merged = store.read(|c| Ok(segments(c))).unwrap();
    eprintln!("segments: {piled} after indexing alone, {merged} after {steps} idle steps");
    assert!(merged <= 10, "{merged} segments after the idle steps");
    assert!(!store.tidy_index(), "a merged index has nothing left to do");
    let hits = store.read(|c| crate::store::search::search_messages(c, "ka", 5, ("[", "]"))).unwrap();
    assert!(!hits.is_empty(), "the merged index still answers");
}

#[test]
fn a_failing_merge_leaves_the_transaction_whole() {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE t (x); BEGIN; INSERT INTO t VALUES (1);").unwrap();
    // No search index here: the step fails, is undone alone, and the insert stays.
    merge_step(&conn);
    conn.execute_batch("COMMIT").unwrap();
    assert_eq!(conn.query_row("SELECT count(*) FROM t", [], |r| r.get::<_, i64>(0)).unwrap(), 1);
}
