//! What a search sees.

use crate::backend::{Service, ServiceParts};
use crate::config::catalog::Catalog;
use crate::config::Settings;
use crate::store::test_kit::store_with;
use crate::store::{messages, search};
use crate::time::Clock;
use std::sync::Arc;

#[test]
fn a_search_finds_a_message_whose_indexing_is_still_queued() {
    let (_dir, store) = store_with(&["c"]);
    let store = Arc::new(store);
    let service = Service::new(ServiceParts {
        store: store.clone(),
        settings: Settings::default(),
        catalog: Catalog::builtin(),
        prompt_template: String::new(),
        key: Arc::new(|| None),
        clock: Clock::System,
    });
    // Saved as the REST API's message writer saves it: indexing left for the writer's idle time.
    let now = Clock::System.now();
    store
        .write_lean(|tx| messages::append_message(tx, "m", "c", "user", "quince jam", now).map(drop))
        .unwrap();
    // Negative control: the index alone does not have it yet.
    let indexed = store.read(|c| search::search_messages(c, "quince", 10, ("[", "]"))).unwrap();
    assert!(indexed.is_empty(), "indexed before any idle step");
    let hits = service.search("quince", 10, ("[", "]")).unwrap();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].conversation_id, "c");
}
