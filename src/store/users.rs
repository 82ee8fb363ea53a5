use super::{db, read_error, Result};
use crate::time::format_utc;
use chrono::{DateTime, Utc};
use rusqlite::types::Type;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UserRow {
    pub id: String,
    pub display_name: String,
    pub timezone: String,
}

/// Returns the user, creating it with the given defaults the first time it is seen.
pub fn ensure_user(
    conn: &Connection,
    id: &str,
    display_name: &str,
    timezone: &str,
    now: DateTime<Utc>,
) -> Result<UserRow> {
    let ts = format_utc(now);
    conn.execute(
        "INSERT INTO users (id, display_name, timezone, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (id) DO NOTHING",
        params![id, display_name, timezone, ts],
    )
    .map_err(db)?;
    Ok(get_user(conn, id)?.unwrap_or(UserRow {
        id: id.to_string(),
        display_name: display_name.to_string(),
        timezone: timezone.to_string(),
    }))
}

/// A stored timezone that is not an IANA name is a corrupt row: read as UTC, it would move every
/// time the user says by their offset without a word.
pub fn get_user(conn: &Connection, id: &str) -> Result<Option<UserRow>> {
    conn.query_row("SELECT id, display_name, timezone FROM users WHERE id = ?1", [id], |r| {
        let timezone: String = r.get(2)?;
        if timezone.parse::<chrono_tz::Tz>().is_err() {
            let why = format!("{timezone:?} is not an IANA timezone");
            return Err(rusqlite::Error::FromSqlConversionFailure(2, Type::Text, why.into()));
        }
        Ok(UserRow { id: r.get(0)?, display_name: r.get(1)?, timezone })
    })
    .optional()
    .map_err(read_error("users"))
}

/// Creates or updates the user with this profile: for the local user, whose name and timezone
/// live in the settings and may have changed since the row was written.
pub fn upsert_profile(
    conn: &Connection,
    id: &str,
    display_name: &str,
    timezone: &str,
    now: DateTime<Utc>,
) -> Result<UserRow> {
    conn.execute(
        "INSERT INTO users (id, display_name, timezone, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?4)
         ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name,
           timezone = excluded.timezone, updated_at = excluded.updated_at
         WHERE display_name != excluded.display_name OR timezone != excluded.timezone",
        params![id, display_name, timezone, format_utc(now)],
    )
    .map_err(db)?;
    Ok(UserRow { id: id.to_string(), display_name: display_name.to_string(), timezone: timezone.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, StoreError};

    #[test]
    fn a_stored_timezone_that_is_not_one_is_a_corrupt_row() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let now = crate::time::Clock::System.now();
        store.write(|tx| ensure_user(tx, "u", "", "Europe/Madrid", now)).unwrap();
        assert_eq!(store.read(|c| get_user(c, "u")).unwrap().unwrap().timezone, "Europe/Madrid");
        store.write(|tx| tx.execute("UPDATE users SET timezone = 'Mars/Olympus'", []).map_err(db)).unwrap();
        let err = store.read(|c| get_user(c, "u")).unwrap_err();
        assert!(
            matches!(&err, StoreError::Corrupt { table: "users", detail } if detail.contains("Mars/Olympus")),
            "{err:?}"
        );
    }
}
