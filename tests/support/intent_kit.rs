#![allow(dead_code)] // shared by several test binaries, each using a part
//! Intents against a real store in a temporary data dir, for one user in Madrid, at a fixed time
//! (Monday 23 November 2026, 10:00 in Madrid).

use chrono::{TimeZone, Utc};
use companion::config::catalog::Catalog;
use companion::intents::{self, Actor, IntentCall};
use companion::store::{tasks, users, Store, UserRow};
use companion::time::Clock;
use serde_json::Value;

pub struct Fixture {
    pub _dir: tempfile::TempDir,
    pub store: Store,
    pub catalog: Catalog,
    pub user: UserRow,
    pub clock: Clock,
}

impl Fixture {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let clock = Clock::manual(Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap());
        let user =
            store.write(|tx| users::ensure_user(tx, "u1", "Ana", "Europe/Madrid", clock.now())).unwrap();
        Fixture { _dir: dir, store, catalog: Catalog::builtin(), user, clock }
    }

    pub fn call(&self, id: &str, name: &str, args: Value) -> intents::IntentOutcome {
        let actor = Actor { user: &self.user, tz: Actor::tz_of(&self.user), clock: &self.clock };
        let call = IntentCall { call_id: id, conversation_id: None, name, arguments: &args };
        intents::execute(&self.store, &self.catalog, &actor, &call).unwrap()
    }

    pub fn tasks(&self) -> Vec<companion::store::TaskRow> {
        self.store.read(tasks::all_tasks).unwrap()
    }
}
