//! The numbered SQL files in `migrations/`, embedded into the binary in order.

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

const STEPS: &[&str] = &[
    include_str!("../../migrations/0001_initial.sql"),
    include_str!("../../migrations/0002_metrics.sql"),
    include_str!("../../migrations/0003_sync.sql"),
    include_str!("../../migrations/0004_idempotency.sql"),
];

/// How many migrations this version knows (the newest schema's `user_version`).
pub(super) fn count() -> usize {
    STEPS.len()
}

pub(super) fn apply(conn: &mut Connection) -> Result<(), rusqlite_migration::Error> {
    let steps: Vec<M<'static>> = STEPS.iter().map(|sql| M::up(sql)).collect();
    Migrations::new(steps).to_latest(conn)
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_validate() {
        let steps: Vec<_> = super::STEPS.iter().map(|s| super::M::up(s)).collect();
        super::Migrations::new(steps).validate().unwrap();
    }
}
