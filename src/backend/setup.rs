//! What a new conversation starts with: the persona prompt with the user's tasks for today (in
//! their timezone), the functions, the models and the greeting.

use crate::config::catalog::Catalog;
use crate::config::{prompt, Settings};
use crate::intents::Actor;
use crate::store::{tasks, StoreError, UserRow};
use crate::voice::ConversationSetup;
use chrono::{DateTime, Duration, TimeZone, Utc};

/// Reads the user's tasks of today inside the caller's transaction, so the prompt matches the
/// conversation being created.
pub(super) fn conversation_setup(
    tx: &rusqlite::Connection,
    settings: &Settings,
    catalog: &Catalog,
    template: &str,
    user: &UserRow,
    now: DateTime<Utc>,
) -> Result<ConversationSetup, StoreError> {
    let tz = Actor::tz_of(user);
    let day = now.with_timezone(&tz).date_naive();
    let start = tz
        .from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
        .earliest()
        .map(|d| d.to_utc())
        .unwrap_or(now);
    let today = tasks::tasks_between(tx, &user.id, start, start + Duration::days(1))?;
    let greeting = settings.agent.greeting.trim();
    Ok(ConversationSetup {
        system_prompt: prompt::render(template, user, tz, now, &today),
        functions: catalog.function_defs(),
        voice_model: settings.agent.voice_model.clone(),
        listen_model: settings.agent.listen_model.clone(),
        llm_provider: settings.agent.llm_provider.clone(),
        llm_model: settings.agent.llm_model.clone(),
        greeting: (!greeting.is_empty()).then(|| greeting.to_string()),
    })
}
