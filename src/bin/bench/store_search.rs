//! Full-text search figures over the history `store` built: top 20 with snippets, for selective
//! queries (rare words, alone and beside common ones), typical ones, the most frequent word of the
//! corpus, and words still being typed (prefixes).

use super::corpus::Vocabulary;
use super::stats::percentiles;
use companion::store::{search, Store};
use std::time::{Duration, Instant};

pub fn run(store: &Store, vocab: &Vocabulary, total: i64) -> anyhow::Result<()> {
    // Words of rank 1,500 and past are in a few hundred to about 1,000 of a million messages;
    // beside a common word they narrow it to a few hundred.
    let selective = [
        vocab.word(3900).to_string(),
        vocab.word(2500).to_string(),
        vocab.word(1700).to_string(),
        format!("dentist {}", vocab.word(1500)),
        format!("spanish {}", vocab.word(3000)),
        format!("{} {}", vocab.word(300), vocab.word(400)),
    ];
    let typical =
        ["dentist appointment", "guitar practice", "holiday flight", "budg", "taxes", "birthday gift"]
            .map(String::from);
    let frequent = [vocab.word(0).to_string()];
    // Prefixes of common words, up to the six characters the prefix indexes hold.
    let typing = ["s", "spa", "dent", "gui", "spani", "tomorr"].map(String::from);
    for (label, queries) in [
        ("selective queries", &selective[..]),
        ("typical queries", &typical[..]),
        ("the most frequent word", &frequent[..]),
        ("words being typed (broad prefixes)", &typing[..]),
    ] {
        let mut times: Vec<Duration> = Vec::new();
        let mut matches = Vec::new();
        for q in queries {
            matches.push(store.read(|c| count(c, q))?);
        }
        for _ in 0..20 {
            for q in queries {
                let t = Instant::now();
                let hits = store.read(|c| search::search_messages(c, q, 20, ("[", "]")))?;
                times.push(t.elapsed());
                anyhow::ensure!(!hits.is_empty(), "search for {q:?} found nothing; the corpus is broken");
            }
        }
        let (p50, p99) = percentiles(times);
        let (lo, hi) = (matches.iter().min().unwrap_or(&0), matches.iter().max().unwrap_or(&0));
        println!(
            "store: search over {total} messages, {label} ({lo} to {hi} matches; top 20 with snippets): \
             p50 {p50:.2} ms, p99 {p99:.2} ms (target: p50 <= 5 ms, p99 <= 20 ms)"
        );
    }
    Ok(())
}

/// How many messages the query matches (its last word as a prefix, as search reads it).
fn count(conn: &rusqlite::Connection, query: &str) -> companion::store::Result<i64> {
    let fts = search::fts_query(query).unwrap_or_default();
    Ok(conn.query_row("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?1", [fts], |r| r.get(0))?)
}
