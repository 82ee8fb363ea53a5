//! Understanding without a language model: a transcribed turn becomes a call of the intent
//! catalogue, a question back, or a short reply.

mod days;
mod durations;
mod numbers;
mod patterns;
mod spoken_clock;
pub mod spoken_time;
mod time_parts;
mod words;

pub use spoken_time::resolve_time;
