//! The database at start: a damaged file is kept aside and never written over, a file from a
//! newer version is left untouched, a place that cannot be written says so; each with a message
//! that tells the user what to do.

mod support;

use companion::store::{Store, StoreError};
use support::cli_kit::companion;

#[tokio::test]
async fn a_damaged_database_is_kept_aside_and_the_next_start_is_fresh() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("companion.db");
    let garbage: Vec<u8> = (0..8192u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(&db, &garbage).unwrap();

    let run = companion(dir.path(), &[], &["sessions", "list"]).await;
    assert_ne!(run.code, 0);
    let said = run.stderr.trim();
    assert!(said.contains("is damaged") && said.contains("kept as"), "{said}");
    assert_eq!(said.matches("is damaged").count(), 1, "said once: {said}");

    let kept: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("companion.db.damaged-"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(std::fs::read(&kept[0]).unwrap() == garbage, "kept byte for byte");
    assert!(said.contains(&kept[0].display().to_string()), "the message says where: {said}");

    let run = companion(dir.path(), &[], &["sessions", "list", "--json"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(std::fs::read(&kept[0]).unwrap() == garbage, "still untouched");
}

#[test]
fn a_database_from_a_newer_version_is_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("companion.db");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;").unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    match Store::open_in(dir.path()) {
        Err(StoreError::TooNew { found: 99, .. }) => {}
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("a newer database was opened"),
    }
    let message = Store::open_in(dir.path()).err().unwrap().to_string();
    assert!(message.contains("newer version") && message.contains("left untouched"), "{message}");
    assert!(std::fs::read(&db).unwrap() == before, "not a byte changed");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, 99);
}

#[tokio::test]
async fn a_data_dir_that_cannot_be_written_says_so() {
    // sysfs refuses new files even to root; elsewhere a read-only directory does.
    let ro = std::path::Path::new("/sys/kernel");
    let scratch = tempfile::tempdir().unwrap();
    let dir = if ro.is_dir() {
        ro.to_path_buf()
    } else {
        let d = scratch.path().join("ro");
        std::fs::create_dir(&d).unwrap();
        std::fs::set_permissions(&d, std::os::unix::fs::PermissionsExt::from_mode(0o555)).unwrap();
        d
    };
    let run = companion(&dir, &[], &["sessions", "list"]).await;
    assert_ne!(run.code, 0);
    let said = run.stderr.trim();
    assert!(said.contains("cannot open the database") && said.contains("writable"), "{said}");
}
