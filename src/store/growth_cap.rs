//! A full disk on demand, for tests (feature `test-support`).

use super::{db, lock, Result, Store};

/// SQLite's own ceiling on a database's pages, which `max_page_count` is at by default.
const UNCAPPED_PAGES: i64 = 0xffff_fffe;

/// A full disk on demand, for tests (feature `test-support`): a database that may not grow fails
/// exactly as on a full disk (SQLITE_FULL, so [`super::StoreError::DiskFull`]).
impl Store {
    /// Lets the database grow by at most `extra_pages` more pages (the writer's
    /// `max_page_count`); returns the cap. Pages freed inside the file can still be reused.
    pub fn cap_growth(&self, extra_pages: u32) -> Result<i64> {
        let w = lock(&self.writer);
        let pages: i64 = w.query_row("PRAGMA page_count", [], |r| r.get(0)).map_err(db)?;
        let cap = pages + i64::from(extra_pages);
        let set: i64 =
            w.query_row(&format!("PRAGMA max_page_count = {cap}"), [], |r| r.get(0)).map_err(db)?;
        Ok(set)
    }

    /// Lets the database grow again (space was freed).
    pub fn lift_growth_cap(&self) -> Result<()> {
        let w = lock(&self.writer);
        w.query_row(&format!("PRAGMA max_page_count = {UNCAPPED_PAGES}"), [], |r| r.get::<_, i64>(0))
            .map_err(db)?;
        Ok(())
    }
}
