//! Understanding without a language model, for the local voice provider: a transcribed turn
//! becomes a call of the intent catalogue (`config/intents.yaml`), a question back, or a short
//! reply. Rules, not guesses: when the intent or a required slot is unclear Flux asks, and
//! anything else gets a friendly "here is what I can do offline".
//!
//! The path of a turn: `words` (split, numbers as digits, and with `hearing` what the
//! recogniser split or misspelt put right) → `filler` (noises and politeness out) →
//! `rules`/`triggers` (which intent, or which small talk; a command verb the recogniser misheard
//! is put right by `hearing` when nothing else fits) → `slots` and `time_parts` + `spoken_time`
//! (titles, goals, times in the user's timezone) → `draft` (the call, or the slot still
//! missing) → `dialogue` (keeps a half-filled intent for the next turn, and has a time at night
//! confirmed first: `night`).

mod answers;
mod days;
mod dialogue;
mod draft;
mod durations;
mod filler;
mod hearing;
mod night;
mod numbers;
mod patterns;
mod phrases;
mod rules;
mod slots;
mod spoken_clock;
pub mod spoken_time;
mod time_parts;
mod triggers;
mod words;

pub use spoken_time::resolve_time;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// Turns what the user said into what Flux does.
pub trait Understanding: Send {
    /// One user turn (already transcribed text). `now` and `tz` resolve spoken times.
    fn turn(&mut self, text: &str, now: DateTime<Utc>, tz: Tz) -> Reply;
    /// What [`Understanding::turn`] would answer, without changing anything: turn taking uses
    /// it to tell a finished request from a speaker who is still going.
    fn preview(&self, text: &str, now: DateTime<Utc>, tz: Tz) -> Reply;
    /// Forget any half-filled intent (new conversation).
    fn reset(&mut self);
}

#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// Run this function of the catalogue; `arguments` is a JSON object matching its schema in
    /// config/intents.yaml. `scheduled_at`/`new_time` are ISO 8601 local times without offset
    /// (e.g. "2026-11-29T17:00:00"), read by `intents::when::parse_time` in the user's tz;
    /// `day`/`from`/`to` are YYYY-MM-DD.
    Call { name: String, arguments: serde_json::Value },
    /// A question back to the user; the half-filled intent is kept for the next turn.
    Ask(String),
    /// Anything else: a short friendly reply (e.g. what Flux can do offline), nothing executed.
    Say(String),
}

/// Keyword rules over the five intents, with a memory of one half-filled intent.
#[derive(Debug, Default)]
pub struct RuleUnderstanding {
    dialogue: dialogue::Dialogue,
}

impl RuleUnderstanding {
    pub fn new() -> Self {
        Self::default()
    }
}

impl Understanding for RuleUnderstanding {
    fn turn(&mut self, text: &str, now: DateTime<Utc>, tz: Tz) -> Reply {
        self.dialogue.turn(text, now, tz)
    }

    fn preview(&self, text: &str, now: DateTime<Utc>, tz: Tz) -> Reply {
        self.dialogue.clone().turn(text, now, tz)
    }

    fn reset(&mut self) {
        self.dialogue.reset();
    }
}
