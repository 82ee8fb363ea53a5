//! What people say around a request and that changes nothing: "um", "please", "hey Flux", "can
//! you", "for me", "thanks". Removed before the rules look for an intent, so "um, hey Flux, could
//! you please remind me to…" reads as "remind me to…".

use super::patterns::{prefix_any, suffix};
use super::words::Word;

/// Noises and politeness, dropped wherever they are.
const ANYWHERE: &[&str] =
    &["um", "umm", "uh", "uhh", "uhm", "er", "erm", "ah", "hmm", "mm", "please", "pls", "kindly"];

/// Openings, dropped from the start one after the other ("ok so hey flux can you …").
const OPENINGS: &[&str] = &[
    "hey|hi|hello|ok|okay|yo [there] flux",
    "flux",
    "hey|hi|hello|ok|okay|alright|all_right|so|well|oh|yeah|yes|right|and|also|now|just|actually|quickly|then|wait",
    "can|could|would|will [you|u] [please] [quickly|just]",
    "can|could|may [we|i] [please]",
    "would you mind",
    "i want|need you to",
    "id|i_would like you to",
    "i was wondering if you could|can",
    "do you think you could|can",
    "go ahead and",
    "tell|let me [know]",
];

/// Closings, dropped from the end one after the other ("… for me, thanks Flux").
const CLOSINGS: &[&str] =
    &["for me", "thanks|thank_you|thx|cheers [flux]", "flux", "ok|okay", "if you can|could"];

/// "I want to", "I'd like to": a request before a command ("I want to add a task") but part of a
/// goal ("I want to run a marathon"), so the rules try the turn both with and without it.
pub(crate) const REQUEST: &[&str] = &[
    "i [really|just] want|wanna|need [to]",
    "id|i_would [really] like|love to",
    "i [would] like to",
    "lets|let_us",
];

/// The turn without noises, openings and closings.
pub(crate) fn strip(words: &[Word]) -> Vec<Word> {
    let mut w: Vec<Word> = words.iter().filter(|w| !w.is_any(ANYWHERE)).cloned().collect();
    while let Some(n) = prefix_any(&w, OPENINGS).filter(|n| *n > 0) {
        w.drain(..n);
    }
    while let Some(k) = CLOSINGS.iter().filter_map(|p| suffix(&w, p)).min().filter(|k| *k < w.len()) {
        w.truncate(k);
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::understand::words::{split, surface};

    fn stripped(text: &str) -> String {
        surface(&strip(&split(text)))
    }

    #[test]
    fn fillers_go() {
        assert_eq!(stripped("Um, hey Flux, could you please remind me to call mom"), "remind me to call mom");
        assert_eq!(stripped("ok so can you uh add a task for me thanks"), "add a task");
        assert_eq!(stripped("Tell me what's on my list"), "what's on my list");
        assert_eq!(stripped("I'd like you to move the dentist, thank you Flux"), "move the dentist");
        assert_eq!(stripped("um"), "");
        assert_eq!(stripped("I want to learn Spanish"), "I want to learn Spanish");
    }
}
