//! Unit tests of `search`: how queries are read and in which order hits come.

use super::{fts_query, search_with};
use crate::store::{conversations, messages, users, Store};

#[test]
fn queries_are_quoted_and_prefixed() {
    assert_eq!(fts_query("learn spanish").as_deref(), Some("\"learn\" \"spanish\"*"));
    assert_eq!(fts_query("AND -x \"y").as_deref(), Some("\"AND\" \"x\" \"y\"*"));
    assert_eq!(fts_query("  ...  "), None);
}

#[test]
fn selective_queries_rank_by_relevance_and_broad_ones_by_recency() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in(dir.path()).unwrap();
    let now = chrono::Utc::now();
    let texts = [
        "spanish spanish spanish lesson",
        "a long note that mentions spanish once among many other words here",
        "spanish verbs",
        "something else entirely",
        "more spanish practice",
    ];
    store
        .write(|tx| {
            users::ensure_user(tx, "u", "", "UTC", now)?;
            conversations::insert_conversation(tx, "c", "u", now)?;
            for (i, t) in texts.iter().enumerate() {
                messages::append_message(tx, &format!("m{i}"), "c", "user", t, now)?;
            }
            Ok::<_, crate::store::StoreError>(())
        })
        .unwrap();
    let ids_for = |query: &str, selective| -> Vec<String> {
        store
            .read(|c| search_with(c, query, 10, ("[", "]"), selective))
            .unwrap()
            .into_iter()
            .map(|h| h.message_id)
            .collect()
    };
    let ranked = ids_for("spanish", 10);
    assert_eq!(ranked.len(), 4);
    assert_eq!(ranked[0], "m0", "the densest match first: {ranked:?}");
    assert_eq!(ranked[3], "m1", "the diluted match last: {ranked:?}");
    assert_eq!(ids_for("spanish", 2), vec!["m4", "m2", "m1", "m0"], "broad: newest first");
    // A word still being typed that is broad only as a prefix: newest first as well.
    assert_eq!(ids_for("spa", 2), vec!["m4", "m2", "m1", "m0"]);
    assert_eq!(ids_for("spa", 10)[0], "m0", "a selective prefix is ranked");
}

/// A store holding `texts` as messages m0, m1, … of one conversation, in that order.
fn store_with(texts: &[&str]) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in(dir.path()).unwrap();
    let now = chrono::Utc::now();
    store
        .write(|tx| {
            users::ensure_user(tx, "u", "", "UTC", now)?;
            conversations::insert_conversation(tx, "c", "u", now)?;
            for (i, t) in texts.iter().enumerate() {
                messages::append_message(tx, &format!("m{i}"), "c", "user", t, now)?;
            }
            Ok::<_, crate::store::StoreError>(())
        })
        .unwrap();
    (dir, store)
}

fn hits(store: &Store, query: &str, selective: i64) -> Vec<super::SearchHit> {
    store.read(|c| search_with(c, query, 10, ("[", "]"), selective)).unwrap()
}

fn ids(hits: &[super::SearchHit]) -> Vec<&str> {
    hits.iter().map(|h| h.message_id.as_str()).collect()
}

#[test]
fn a_selective_query_ranks_the_best_match_first_and_equal_ones_newest_first() {
    let (_dir, store) = store_with(&[
        "verbs in spanish",
        "spanish spanish spanish verbs",
        "verbs in spanish",
        "verbs in spanish",
    ]);
    let found = hits(&store, "spanish", 10);
    assert_eq!(ids(&found), ["m1", "m3", "m2", "m0"], "the densest first, then equal matches newest first");
    assert!(found[0].score < found[1].score, "{found:?}");
    assert_eq!(found[1].score, found[3].score, "identical messages score alike: {found:?}");
}

#[test]
fn a_broad_query_shows_the_newest_matches_first() {
    let (_dir, store) = store_with(&[
        "spanish spanish spanish spanish",
        "a long note that mentions spanish once among many other words here",
        "spanish verbs",
        "more spanish practice",
    ]);
    // Ranked, m0 would come first; as a broad query (more than 2 matches here) the newest does.
    let found = hits(&store, "spanish", 2);
    assert_eq!(ids(&found), ["m3", "m2", "m1", "m0"]);
    assert!(found.iter().all(|h| h.score == 0.0), "unranked: {found:?}");
    assert_eq!(found[1].snippet, "[spanish] verbs");
}

#[test]
fn a_common_word_filters_a_selective_query_without_weighing_it() {
    // "lesson" is common (in more than 2 messages), "verbs" selective: the matches of both are
    // ranked by "verbs" alone, so the message that says "verbs" most is first although "lesson"
    // weighs the same in both.
    let (_dir, store) = store_with(&[
        "lesson verbs verbs verbs",
        "lesson one",
        "lesson verbs and a few more words besides",
        "lesson two",
        "lesson three",
    ]);
    let found = hits(&store, "lesson verbs", 2);
    assert_eq!(ids(&found), ["m0", "m2"], "best first, and only messages with both words");
    assert!(found[0].score < found[1].score && found[1].score < 0.0, "{found:?}");
    assert!(found[1].snippet.contains("[lesson]") && found[1].snippet.contains("[verbs]"), "{found:?}");
}

#[test]
fn words_that_are_only_selective_together_come_newest_first() {
    let (_dir, store) = store_with(&[
        "lesson verbs verbs verbs lesson",
        "lesson",
        "verbs",
        "lesson and verbs",
        "verbs",
        "lesson",
    ]);
    // Each word is in 4 messages (broad at 3), both together in 2 (selective): nothing is rare
    // enough to weigh them, so they come newest first.
    let found = hits(&store, "lesson verbs", 3);
    assert_eq!(ids(&found), ["m3", "m0"]);
}
