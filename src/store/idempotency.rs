//! Recorded answers to requests that carried an `Idempotency-Key`. A row is written by the
//! transaction that made the write it answers, so a committed write always has its key and a key
//! never outlives a rolled-back write. Rows older than [`RETENTION`] are deleted a few at a time
//! whenever new ones are recorded.

use super::{db, read_error, StoreError};
use crate::time::format_utc;
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, ErrorCode, OptionalExtension};

/// How long a key is kept at least: a retrying client gets the first answer within this time.
pub const RETENTION: Duration = Duration::hours(24);

/// Expired rows deleted per recorded one: bounds the work one request does after a long pause,
/// while deleting faster than one request a time can add.
pub const PURGE_BATCH: i64 = 64;

#[derive(Debug, thiserror::Error)]
pub enum IdempotencyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Another writer recorded the same key first (the in-process guard makes this rare: only a
    /// second process on the same database can race).
    #[error("this Idempotency-Key has already been recorded")]
    Taken,
}

/// What is recorded with a key: the request it answered (route and body fingerprint) and the
/// answer (status and JSON body, secrets left out).
#[derive(Debug, Clone, PartialEq)]
pub struct NewRecord<'a> {
    pub key: &'a str,
    pub route: &'a str,
    pub fingerprint: &'a str,
    pub status: u16,
    pub body: &'a str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    pub route: String,
    pub fingerprint: String,
    pub status: u16,
    pub body: String,
    pub created_at: String,
}

/// The answer recorded with `key`, however old (a row is gone only once purged, so a key that
/// is found is never recorded a second time).
pub fn find(conn: &Connection, key: &str) -> Result<Option<Recorded>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT route, fingerprint, status, body, created_at FROM idempotency_keys WHERE key = ?1",
        )
        .map_err(db)?
        .query_row([key], |r| {
            Ok((r.get::<_, String>(0)?, r.get(1)?, r.get::<_, i64>(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()
        .map_err(read_error("idempotency_keys"))?;
    let Some((route, fingerprint, status, body, created_at)) = row else {
        return Ok(None);
    };
    let status = u16::try_from(status).map_err(|_| StoreError::Corrupt {
        table: "idempotency_keys",
        detail: format!("status {status} is not an HTTP status"),
    })?;
    Ok(Some(Recorded { route, fingerprint, status, body, created_at }))
}

/// Records an answer; call inside the writer's transaction that made the write it answers.
/// Deletes a batch of rows older than [`RETENTION`] first.
pub fn record(conn: &Connection, rec: &NewRecord<'_>, now: DateTime<Utc>) -> Result<(), IdempotencyError> {
    purge_expired(conn, now, PURGE_BATCH)?;
    insert(conn, rec, now)
}

/// Records an answer without purging: for a transaction that records many and purges once
/// (at least [`PURGE_BATCH`] rows per recorded one, so expired rows never pile up).
pub fn insert(conn: &Connection, rec: &NewRecord<'_>, now: DateTime<Utc>) -> Result<(), IdempotencyError> {
    let inserted = conn
        .prepare_cached(
            "INSERT INTO idempotency_keys (key, route, fingerprint, status, body, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .map_err(db)?
        .execute(params![rec.key, rec.route, rec.fingerprint, rec.status, rec.body, format_utc(now)]);
    match inserted {
        Ok(_) => Ok(()),
        Err(e) if e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation) => {
            Err(IdempotencyError::Taken)
        }
        Err(e) => Err(db(e).into()),
    }
}

/// Deletes up to `limit` rows older than [`RETENTION`]; returns how many went. The index on
/// `created_at` makes this one short index scan when nothing has expired.
pub fn purge_expired(conn: &Connection, now: DateTime<Utc>, limit: i64) -> Result<usize, StoreError> {
    conn.prepare_cached(
        "DELETE FROM idempotency_keys WHERE rowid IN
           (SELECT rowid FROM idempotency_keys WHERE created_at < ?1 ORDER BY created_at LIMIT ?2)",
    )
    .map_err(db)?
    .execute(params![format_utc(now - RETENTION), limit])
    .map_err(db)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use chrono::TimeZone;

    fn rec<'a>(key: &'a str, body: &'a str) -> NewRecord<'a> {
        NewRecord { key, route: "POST /x", fingerprint: "f", status: 200, body }
    }

    #[test]
    fn recorded_once_found_and_purged_after_retention() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
        store.write(|tx| record(tx, &rec("k1", "{\"a\":1}"), t0)).unwrap();
        let found = store.read(|c| find(c, "k1")).unwrap().unwrap();
        assert_eq!((found.status, found.body.as_str(), found.route.as_str()), (200, "{\"a\":1}", "POST /x"));
        assert_eq!(store.read(|c| find(c, "nope")).unwrap(), None);

        let again = store.write(|tx| record(tx, &rec("k1", "{}"), t0)).unwrap_err();
        assert!(matches!(again, IdempotencyError::Taken), "{again:?}");

        // Within the retention the key stays; past it, the next record deletes it.
        store.write(|tx| record(tx, &rec("k2", "{}"), t0 + Duration::hours(23))).unwrap();
        assert!(store.read(|c| find(c, "k1")).unwrap().is_some());
        store
            .write(|tx| record(tx, &rec("k3", "{}"), t0 + Duration::hours(24) + Duration::seconds(1)))
            .unwrap();
        assert_eq!(store.read(|c| find(c, "k1")).unwrap(), None);
        assert!(store.read(|c| find(c, "k2")).unwrap().is_some());
    }

    #[test]
    fn a_failed_transaction_keeps_no_key() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
        let err = store
            .write(|tx| {
                record(tx, &rec("k", "{}"), now)?;
                Err::<(), _>(IdempotencyError::Store(StoreError::DiskFull))
            })
            .unwrap_err();
        assert!(matches!(err, IdempotencyError::Store(StoreError::DiskFull)));
        assert_eq!(store.read(|c| find(c, "k")).unwrap(), None);
    }

    #[test]
    fn purge_works_in_batches() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
        store
            .write(|tx| {
                for i in 0..(PURGE_BATCH + 10) {
                    record(tx, &rec(&format!("k{i}"), "{}"), t0)?;
                }
                Ok::<_, IdempotencyError>(())
            })
            .unwrap();
        let later = t0 + Duration::days(2);
        let n = store.write(|tx| purge_expired(tx, later, PURGE_BATCH)).unwrap();
        assert_eq!(n as i64, PURGE_BATCH);
        assert_eq!(store.write(|tx| purge_expired(tx, later, PURGE_BATCH)).unwrap(), 10);
    }
}
