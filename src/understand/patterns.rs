//! The small pattern language the rules are written in, so a table line reads like what people
//! say: `"remind me [to|about]"`. Words are separated by spaces; `a|b` is a choice, `[a|b]` an
//! optional choice, `_` joins the words of one choice (`to_do`), `#` is any number. A match is
//! always the longest one.

use super::words::Word;

fn fits(word: &Word, want: &str) -> bool {
    if want == "#" {
        word.num.is_some()
    } else {
        word.norm == want
    }
}

/// The longest match of `pattern` from `words[at]`, as the index it ends at. The pattern is read
/// as it is matched, without building anything: the rules run many patterns on every turn.
fn longest(words: &[Word], pattern: &str, at: usize) -> Option<usize> {
    let pattern = pattern.trim_start();
    if pattern.is_empty() {
        return Some(at);
    }
    let (elem, rest) = pattern.split_once(' ').unwrap_or((pattern, ""));
    let (optional, body) = match elem.strip_prefix('[').and_then(|b| b.strip_suffix(']')) {
        Some(b) => (true, b),
        None => (false, elem),
    };
    let mut best = None;
    for alt in body.split('|') {
        let mut k = at;
        let matched = alt.split('_').all(|want| {
            let fit = words.get(k).is_some_and(|w| fits(w, want));
            k += 1;
            fit
        });
        if matched {
            best = best.max(longest(words, rest, k));
        }
    }
    if optional {
        best = best.max(longest(words, rest, at));
    }
    best
}

/// How many words at the start of `words` the pattern takes, if it matches there.
pub(crate) fn prefix(words: &[Word], pattern: &str) -> Option<usize> {
    longest(words, pattern, 0)
}

/// The longest match at the start among several patterns.
pub(crate) fn prefix_any(words: &[Word], patterns: &[&str]) -> Option<usize> {
    patterns.iter().filter_map(|p| prefix(words, p)).max()
}

/// Whether the pattern takes all of `words`.
pub(crate) fn whole(words: &[Word], pattern: &str) -> bool {
    prefix(words, pattern) == Some(words.len())
}

pub(crate) fn whole_any(words: &[Word], patterns: &[&str]) -> bool {
    patterns.iter().any(|p| whole(words, p))
}

/// Where the longest match that ends `words` starts.
pub(crate) fn suffix(words: &[Word], pattern: &str) -> Option<usize> {
    (0..words.len()).find(|&k| longest(&words[k..], pattern, 0) == Some(words.len() - k))
}

/// The first place the pattern matches at least one word: (start, length).
pub(crate) fn find(words: &[Word], pattern: &str) -> Option<(usize, usize)> {
    (0..words.len()).find_map(|k| longest(&words[k..], pattern, 0).filter(|n| *n > 0).map(|n| (k, n)))
}

/// Whether every word is one of `allowed`.
pub(crate) fn only(words: &[Word], allowed: &[&str]) -> bool {
    words.iter().all(|w| w.is_any(allowed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::understand::words::split;

    #[test]
    fn choices_options_and_numbers() {
        let w = split("add a new task to buy milk");
        assert_eq!(prefix(&w, "add [a|an] [new] task|todo [to|for]"), Some(5));
        assert_eq!(prefix(&w, "add task"), None);
        assert_eq!(prefix(&split("add a to do"), "add [a] todo|to_do"), Some(4));
        assert_eq!(prefix(&split("in 5 minutes"), "in # minutes"), Some(3));
        assert!(whole(&split("never mind"), "never mind|nevermind"));
        assert_eq!(suffix(&split("mark milk as done"), "[as] done|complete"), Some(2));
        assert_eq!(find(&split("call mom on my list"), "on my list"), Some((2, 3)));
        assert!(only(&split("ok thanks"), &["ok", "thanks"]));
        assert_eq!(prefix(&[], "[a]"), Some(0));
    }
}
