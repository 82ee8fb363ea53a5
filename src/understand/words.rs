//! A transcript split into words. Speech recognisers differ in case, punctuation and how they
//! write numbers and times ("5 p.m.", "5pm", "17:00", "3rd", "five"), so every word keeps what
//! was said (`surface`, for the titles the user will read) and a plain form the rules match on.

use super::{hearing, numbers};

/// Longer turns are cut: nobody says more than this in one breath, and it bounds the work.
const MAX_CHARS: usize = 600;

#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Word {
    /// Lower case, apostrophes dropped ("What's" → "whats"), numbers as digits ("five" → "5").
    pub norm: String,
    /// As transcribed ("Spanish"), with the punctuation around it dropped.
    pub surface: String,
    /// The value of a number said or written ("5", "five", "twenty-five", "3rd", "third").
    pub num: Option<u32>,
    /// "3rd", "third": a day of the month rather than a count or an hour.
    pub ordinal: bool,
    /// "17:00", "5.30": hours and minutes written as one word.
    pub clock: Option<(u32, u32)>,
}

impl Word {
    pub(crate) fn new(surface: &str) -> Word {
        let norm: String = surface.chars().filter(|c| *c != '\'').flat_map(char::to_lowercase).collect();
        let num = if !norm.is_empty() && norm.bytes().all(|b| b.is_ascii_digit()) {
            norm.parse().ok()
        } else {
            None
        };
        let clock = norm.split_once(':').and_then(|(h, m)| Some((h.parse().ok()?, m.parse().ok()?)));
        Word { norm, surface: surface.to_string(), num, ordinal: false, clock }
    }

    pub(crate) fn is(&self, norm: &str) -> bool {
        self.norm == norm
    }

    pub(crate) fn is_any(&self, norms: &[&str]) -> bool {
        norms.contains(&self.norm.as_str())
    }

    /// Whether the word is one of the space-separated `words` (for long lists of words).
    pub(crate) fn is_in(&self, words: &str) -> bool {
        words.split_whitespace().any(|w| w == self.norm)
    }

    /// A count or an hour: a number that is not an ordinal and not a written clock.
    pub(crate) fn cardinal(&self) -> Option<u32> {
        self.num.filter(|_| !self.ordinal)
    }
}

/// Splits `text` into words: letters and digits, with apostrophes inside a word kept ("don't"),
/// a clock kept whole ("17:00", "5.30"), and a change between digits and letters as a boundary
/// ("5pm" → "5", "pm"). Then "p.m." becomes "pm", "3rd" an ordinal 3 and "forty five" 45, and
/// what the recogniser split or misspelt is put right ("to-morrow", `hearing::mend`).
pub(crate) fn split(text: &str) -> Vec<Word> {
    let chars: Vec<char> = text.chars().take(MAX_CHARS).collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    let digit = |i: usize| chars.get(i).is_some_and(char::is_ascii_digit);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_alphanumeric() {
            let boundary =
                cur.chars().last().is_some_and(|p| p != ':' && p.is_ascii_digit() != c.is_ascii_digit());
            if boundary {
                flush(&mut cur, &mut out);
            }
            cur.push(c);
        } else if (c == '\'' || c == '’')
            && !cur.is_empty()
            && chars.get(i + 1).is_some_and(|n| n.is_alphabetic())
        {
            cur.push('\'');
        } else if (c == ':' || c == '.')
            && !cur.is_empty()
            && cur.len() <= 2
            && cur.bytes().all(|b| b.is_ascii_digit())
            && digit(i + 1)
            && digit(i + 2)
            && !digit(i + 3)
        {
            cur.push(':');
        } else {
            flush(&mut cur, &mut out);
        }
    }
    flush(&mut cur, &mut out);
    hearing::mend(numbers::merge(join_marks(out)))
}

fn flush(cur: &mut String, out: &mut Vec<Word>) {
    if !cur.is_empty() {
        out.push(Word::new(cur));
        cur.clear();
    }
}

/// "p", "m" after a time → "pm"; "5", "th" → ordinal 5; "o", "clock" → "oclock".
fn join_marks(words: Vec<Word>) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::with_capacity(words.len());
    let mut iter = words.into_iter().peekable();
    while let Some(w) = iter.next() {
        let after_time = out.last().is_some_and(|p| p.num.is_some() || p.clock.is_some());
        let next_is = |n: Option<&Word>, s: &str| n.is_some_and(|n| n.is(s));
        if after_time && (w.is("a") || w.is("p")) && next_is(iter.peek(), "m") {
            iter.next();
            let mut merged = Word::new(&format!("{}m", w.norm));
            merged.surface = format!("{}.m.", w.surface);
            out.push(merged);
        } else if after_time
            && w.is_any(&["st", "nd", "rd", "th"])
            && out.last().is_some_and(|p| p.clock.is_none())
        {
            if let Some(p) = out.last_mut() {
                p.ordinal = true;
                p.surface.push_str(&w.surface);
            }
        } else if w.is("o") && next_is(iter.peek(), "clock") {
            iter.next();
            out.push(Word::new("oclock"));
        } else {
            out.push(w);
        }
    }
    out
}

/// The words as said, joined by spaces: the text of a title or a goal.
pub(crate) fn surface(words: &[Word]) -> String {
    words.iter().map(|w| w.surface.as_str()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norms(text: &str) -> Vec<String> {
        split(text).into_iter().map(|w| w.norm).collect()
    }

    #[test]
    fn punctuation_case_and_numbers() {
        assert_eq!(norms("What's on at 5 p.m.?"), ["whats", "on", "at", "5", "pm"]);
        assert_eq!(norms("5pm, 17:00 and 9.30AM"), ["5", "pm", "17:00", "and", "9:30", "am"]);
        assert_eq!(norms("on December 3rd"), ["on", "december", "3"]);
        assert!(split("December 3rd")[1].ordinal);
        assert_eq!(norms("twenty-five past nine o'clock"), ["25", "past", "9", "oclock"]);
        assert_eq!(norms("nine o clock"), ["9", "oclock"]);
        assert_eq!(split("17:45")[0].clock, Some((17, 45)));
        assert_eq!(surface(&split("Learn   Spanish!")), "Learn Spanish");
        assert_eq!(norms("1.5 hours"), ["1", "5", "hours"]);
    }
}
