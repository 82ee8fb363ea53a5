//! The pieces a reply is synthesised in. Sentences, cut further so that the first sound comes
//! early (a long first sentence is cut after its first clause: "Task created:") and so that no
//! piece is long: synthesis holds working memory in proportion to its input, and a listing of
//! ten tasks in one go took over 200 MB more than a sentence.

use super::split_sentences;

/// The longest piece synthesised at once, in words.
const MAX_WORDS: usize = 12;
/// Neither side of a cut is shorter than this, in words.
const MIN_WORDS: usize = 2;

pub fn speech_pieces(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, sentence) in split_sentences(text).into_iter().enumerate() {
        let mut rest = sentence;
        if i == 0 && rest.split_whitespace().count() >= 8 {
            let first_cut = clause_cuts(&rest).next();
            if let Some(cut) = first_cut {
                out.push(rest[..cut].trim().to_string());
                rest = rest[cut..].trim().to_string();
            }
        }
        bounded(&rest, &mut out);
    }
    out
}

/// Byte offsets just after a clause mark that a cut may use. Only a mark followed by a space
/// ends a clause: "17:00" and "1,000" are not cut.
fn clause_cuts(s: &str) -> impl Iterator<Item = usize> + '_ {
    s.match_indices([':', ',', ';']).map(|(i, _)| i + 1).filter(|&i| {
        s[i..].starts_with(' ')
            && s[..i].split_whitespace().count() >= MIN_WORDS
            && s[i..].split_whitespace().count() >= MIN_WORDS
    })
}

/// `s` in pieces of at most [`MAX_WORDS`] words: at the last clause mark that fits, else after
/// the word limit.
fn bounded(s: &str, out: &mut Vec<String>) {
    let mut rest = s.trim();
    while rest.split_whitespace().count() > MAX_WORDS {
        let limit = rest.split_whitespace().take(MAX_WORDS).map(|w| w.len() + 1).sum::<usize>();
        let cut =
            clause_cuts(rest).filter(|&c| c <= limit).last().unwrap_or_else(|| word_end(rest, MAX_WORDS));
        out.push(rest[..cut].trim().to_string());
        rest = rest[cut..].trim();
    }
    if !rest.is_empty() {
        out.push(rest.to_string());
    }
}

/// The byte offset after the `n`th word.
fn word_end(s: &str, n: usize) -> usize {
    let mut seen = 0;
    let mut in_word = false;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            if in_word {
                seen += 1;
                if seen == n {
                    return i;
                }
            }
            in_word = false;
        } else {
            in_word = true;
        }
    }
    s.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_first_sentence_is_cut_after_its_first_clause() {
        let pieces =
            speech_pieces("Task created: call the dentist on Sunday 29 November at 17:00. Anything else?");
        assert_eq!(
            pieces,
            ["Task created:", "call the dentist on Sunday 29 November at 17:00.", "Anything else?"]
        );
        assert_eq!(speech_pieces("Marked milk as done. Nice work!"), ["Marked milk as done.", "Nice work!"]);
        assert_eq!(speech_pieces("Hi: there"), ["Hi: there"]);
        let moved = "Rescheduled call the dentist to Sunday 29 November at 17:00.";
        assert_eq!(speech_pieces(moved), [moved]);
    }

    #[test]
    fn a_long_listing_is_cut_at_its_commas_and_nothing_is_too_long() {
        let listing = "You have 8 tasks tomorrow: 9 AM yoga, 10 AM call the dentist about the bill, \
            noon lunch with Sam at the new place, 2 PM pick up the kids from school, 3 PM write the \
            report, 5 PM gym, 7 PM dinner, 9 PM read.";
        let pieces = speech_pieces(listing);
        assert_eq!(pieces[0], "You have 8 tasks tomorrow:");
        for p in &pieces {
            assert!(p.split_whitespace().count() <= MAX_WORDS, "{p}");
            assert!(p.ends_with([',', '.', ':']), "cut at a clause: {p}");
        }
        let words = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        assert_eq!(words(&pieces.join(" ")), words(listing), "nothing lost or repeated");
        let run_on = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen";
        assert_eq!(speech_pieces(run_on).len(), 2);
        assert_eq!(words(&speech_pieces(run_on).join(" ")), words(run_on));
    }
}
