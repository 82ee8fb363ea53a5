//! Matching a transcript against the emergency phrases: case, accents and apostrophes do not
//! matter, and a phrase only matches whole words.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// A phrase heard in the user's words: the category's id and the phrase as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafetyMatch {
    pub category: String,
    pub phrase: String,
}

/// The words of `text` as the matcher compares them: lowercased, without diacritics
/// ("corazón" → "corazon", "überdosis" → "uberdosis"), "ß" as "ss", apostrophes dropped so
/// "can't", "can’t" and "cant" are one word, and anything else that is not a letter or a digit
/// taken as a word boundary.
pub fn normalize(text: &str) -> Vec<String> {
    let mut folded = String::with_capacity(text.len());
    for c in text.nfd() {
        if is_combining_mark(c) || is_apostrophe(c) {
            continue;
        }
        match c {
            'ß' | 'ẞ' => folded.push_str("ss"),
            c if c.is_alphanumeric() => folded.extend(c.to_lowercase()),
            _ => folded.push(' '),
        }
    }
    folded.split_whitespace().map(str::to_string).collect()
}

/// Typewriter and typographic apostrophes, and the accents people type in their place.
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' | '\u{00B4}')
}

/// The configured phrases, normalised once.
#[derive(Debug, Clone)]
pub(super) struct Matcher {
    /// (category id, the phrase's words, the phrase as written).
    phrases: Vec<(String, Vec<String>, String)>,
}

impl Matcher {
    pub(super) fn new(phrases: impl IntoIterator<Item = (String, String)>) -> Self {
        let phrases = phrases
            .into_iter()
            .map(|(category, phrase)| {
                let words = normalize(&phrase);
                (category, words, phrase)
            })
            .filter(|(_, words, _)| !words.is_empty())
            .collect();
        Matcher { phrases }
    }

    /// The first configured phrase (in file order) whose words appear together, in order, in
    /// `text`.
    pub(super) fn check(&self, text: &str) -> Option<SafetyMatch> {
        let words = normalize(text);
        self.phrases
            .iter()
            .find(|(_, phrase, _)| contains(&words, phrase))
            .map(|(category, _, phrase)| SafetyMatch { category: category.clone(), phrase: phrase.clone() })
    }
}

fn contains(words: &[String], phrase: &[String]) -> bool {
    words.len() >= phrase.len() && words.windows(phrase.len()).any(|w| w == phrase)
}
