//! The first words of a conversation, as the session list shows them: the start of the first
//! thing the user said, cut at a word boundary.

/// About how many characters the list shows of the first user message.
pub const FIRST_WORDS_CHARS: usize = 60;

/// `text` with its whitespace folded, cut at the last word boundary within `max` characters with
/// "…" after it (a single word longer than `max` is cut inside it). `None` when it holds no words.
pub fn cut(text: &str, max: usize) -> Option<String> {
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.is_empty() {
        return None;
    }
    if folded.chars().count() <= max {
        return Some(folded);
    }
    let head: String = folded.chars().take(max).collect();
    // Cut before the word the limit fell into, unless that leaves nothing.
    let next_is_space = folded.chars().nth(max) == Some(' ');
    let kept = if next_is_space {
        head.as_str()
    } else {
        match head.rfind(' ') {
            Some(at) if at > 0 => &head[..at],
            _ => head.as_str(),
        }
    };
    let kept = kept.trim_end_matches(|c: char| c.is_whitespace() || ",;:.-–—".contains(c));
    Some(format!("{kept}…"))
}

#[cfg(test)]
mod tests {
    use super::cut;

    #[test]
    fn short_text_is_kept_whole_and_long_text_ends_at_a_word() {
        assert_eq!(cut("  Remind me   to call mum ", 60).as_deref(), Some("Remind me to call mum"));
        let long =
            "Can you help me plan a trip to Lisbon next spring, with a day in Sintra and a cooking class";
        let got = cut(long, 60).unwrap();
        assert_eq!(got, "Can you help me plan a trip to Lisbon next spring, with a…");
        assert!(got.chars().count() <= 61);
        // The limit falling right after a word keeps that word.
        assert_eq!(cut("abc def ghi", 7).as_deref(), Some("abc def…"));
        assert_eq!(cut("abc def, ghi", 8).as_deref(), Some("abc def…"), "no dangling comma");
    }

    #[test]
    fn no_words_is_none_and_one_huge_word_is_cut_inside() {
        assert_eq!(cut("", 60), None);
        assert_eq!(cut(" \n\t ", 60), None);
        assert_eq!(cut(&"x".repeat(100), 10).as_deref(), Some("xxxxxxxxxx…"));
        assert_eq!(
            cut("ñandú über café straße", 12).as_deref(),
            Some("ñandú über…"),
            "counts characters, not bytes"
        );
    }
}
