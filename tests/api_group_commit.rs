//! `POST /api/v1/voice/messages` under concurrency: requests share commits (group commit), a
//! refused message fails alone without leaving a gap in its session, a retried key is answered
//! from its record even inside the same group, and a commit that fails answers every request in
//! it with the error: a 200 always means the message is stored.

#[path = "api/harness.rs"]
mod harness;

use companion::store::messages;
use harness::*;
use serde_json::{json, Value};
use std::collections::HashSet;

const MESSAGES: &str = "/api/v1/voice/messages";

async fn post(http: reqwest::Client, base: String, key: Option<String>, body: Value) -> (u16, Value) {
    let mut req = http.post(format!("{base}{MESSAGES}")).bearer_auth(API_TOKEN).json(&body);
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    decode(req.send().await.unwrap()).await
}

async fn session(api: &Api) -> String {
    let (s, v) = api.create("ana").await;
    assert_eq!(s, 200, "{v}");
    v["session_id"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_messages_share_commits_and_a_refused_one_fails_alone() {
    let grant = fake_grant(200).await;
    let api = Api::start(&grant.url, Some(KEY)).await;
    let done = session(&api).await;
    assert_eq!(api.close(&done).await.0, 200);
    let open = session(&api).await;
    let commits = api.service.store().subscribe();
    let before = *commits.borrow();

    // 240 requests at once: 160 good ones (half with keys), and refusals of every kind mixed in.
    let mut sent = Vec::new();
    for i in 0..240usize {
        let (body, key, want) = match i % 6 {
            0 => (json!({"session_id": done, "role": "user", "content": format!("late {i}")}), None, 409),
            1 => (json!({"session_id": "nope", "role": "user", "content": format!("lost {i}")}), None, 404),
            2 if i % 4 == 2 => {
                (json!({"session_id": open, "role": "robot", "content": format!("x {i}")}), None, 422)
            }
            _ => {
                let key = (i % 2 == 1).then(|| format!("key-{i}"));
                (json!({"session_id": open, "role": "user", "content": format!("said {i}")}), key, 200)
            }
        };
        sent.push((body, key, want));
    }
    let tasks: Vec<_> = sent
        .iter()
        .cloned()
        .map(|(body, key, _)| tokio::spawn(post(api.http.clone(), api.base.clone(), key, body)))
        .collect();
    let mut saved = HashSet::new();
    for (task, (body, _, want)) in tasks.into_iter().zip(&sent) {
        let (status, v) = task.await.unwrap();
        assert_eq!(status, *want, "{body} -> {v}");
        if status == 200 {
            saved.insert(body["content"].as_str().unwrap().to_string());
        }
    }
    let commits_used = *commits.borrow() - before;
    assert!(
        commits_used < saved.len() as u64,
        "{} messages took {commits_used} commits: no request shared one",
        saved.len()
    );

    // Exactly the accepted messages, numbered 1..n without a gap (a refused one left nothing).
    let rows = api.service.store().read(|c| messages::list_messages(c, &open)).unwrap();
    let stored: HashSet<String> = rows.iter().map(|m| m.content.clone()).collect();
    assert_eq!(stored, saved);
    let seqs: Vec<i64> = rows.iter().map(|m| m.seq).collect();
    assert_eq!(seqs, (1..=rows.len() as i64).collect::<Vec<_>>());
    assert!(api.service.store().read(|c| messages::list_messages(c, &done)).unwrap().is_empty());

    // A keyed message sent again, twice at once: recorded answers, nothing written twice.
    let body = json!({"session_id": open, "role": "user", "content": "said 3"});
    let (first, v1) = post(api.http.clone(), api.base.clone(), Some("key-3".into()), body.clone()).await;
    assert_eq!(first, 200, "{v1}");
    let again = [0, 1]
        .map(|_| tokio::spawn(post(api.http.clone(), api.base.clone(), Some("key-3".into()), body.clone())));
    for t in again {
        let (s, v) = t.await.unwrap();
        // Answered from the record, or refused while the twin held the key: never a new row.
        assert!(s == 200 && v == v1 || s == 409, "{s} {v}");
    }
    let after = api.service.store().read(|c| messages::list_messages(c, &open)).unwrap();
    assert_eq!(after.len(), rows.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failed_commit_answers_every_request_in_it_and_a_200_is_always_stored() {
    let grant = fake_grant(200).await;
    let api = Api::start(&grant.url, Some(KEY)).await;
    let open = session(&api).await;
    // Room for a few 24 KiB messages, not for all 60.
    api.service.store().cap_growth(40).unwrap();
    let filler = "w".repeat(24 * 1024);
    let tasks: Vec<_> = (0..60)
        .map(|i| {
            let body = json!({"session_id": open, "role": "user", "content": format!("{i} {filler}")});
            let sent = post(api.http.clone(), api.base.clone(), None, body);
            tokio::spawn(async move { (i, sent.await) })
        })
        .collect();
    let (mut ok, mut full) = (HashSet::new(), 0);
    for t in tasks {
        let (i, (status, v)) = t.await.unwrap();
        match status {
            200 => {
                ok.insert(i);
            }
            507 => {
                full += 1;
                assert!(detail(&v).contains("disk is full"), "{v}");
            }
            other => panic!("{other}: {v}"),
        }
    }
    assert!(full > 0, "the cap was never reached");
    assert!(!ok.is_empty(), "nothing fitted under the cap");
    let rows = api.service.store().read(|c| messages::list_messages(c, &open)).unwrap();
    let stored: HashSet<i32> =
        rows.iter().map(|m| m.content.split(' ').next().unwrap().parse().unwrap()).collect();
    assert_eq!(stored, ok, "every 200 is stored, and only those");
}

/// The search index is merged by the message writer between requests, not inside their commits:
/// after a stream of one-message commits (each leaves a new index segment) and a pause, the index
/// is back to a few segments. Without the idle merging the lean commits would leave them to pile
/// up to FTS5's crisis merge (16 on one level).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_writer_merges_the_search_index_between_requests() {
    let grant = fake_grant(200).await;
    let api = Api::start(&grant.url, Some(KEY)).await;
    let open = session(&api).await;
    let segments = || {
        api.service
            .store()
            .read(
                |c| Ok(c.query_row("SELECT count(DISTINCT segid) FROM messages_fts_idx", [], |r| r.get(0))?),
            )
            .unwrap()
    };
    for i in 0..300 {
        let words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"];
        let body = json!({"session_id": open, "role": "user", "content": format!("{} {i}", words[i % 6])});
        let (s, v) = post(api.http.clone(), api.base.clone(), None, body).await;
        assert_eq!(s, 200, "{v}");
    }
    let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut left: i64 = segments();
    while left > 10 && std::time::Instant::now() < until {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        left = segments();
    }
    assert!(left <= 10, "{left} index segments after 300 commits and a pause");
    let rows = api.service.store().read(|c| messages::list_messages(c, &open)).unwrap();
    assert_eq!(rows.len(), 300);
}

/// A message saved through the API is stored when it is answered and searchable as soon as the
/// writer is idle: its indexing is left out of the request's commit, not lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_saved_message_becomes_searchable_when_the_writer_is_idle() {
    let grant = fake_grant(200).await;
    let api = Api::start(&grant.url, Some(KEY)).await;
    let open = session(&api).await;
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let body =
                json!({"session_id": open, "role": "user", "content": format!("marmalade number {i}")});
            tokio::spawn(post(api.http.clone(), api.base.clone(), None, body))
        })
        .collect();
    for t in tasks {
        let (s, v) = t.await.unwrap();
        assert_eq!(s, 200, "{v}");
    }
    let found = || {
        api.service
            .store()
            .read(|c| companion::store::search::search_messages(c, "marmalade", 100, ("[", "]")))
            .unwrap()
            .len()
    };
    let until = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while found() < 50 && std::time::Instant::now() < until {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(found(), 50);
    let queued: i64 = api
        .service
        .store()
        .read(|c| Ok(c.query_row("SELECT count(*) FROM search_backlog", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(queued, 0);
}
