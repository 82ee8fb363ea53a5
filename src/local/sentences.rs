//! Text split into sentences, so speech can start after the first one is synthesised.

/// Abbreviations whose full stop does not end a sentence (compared in lower case).
const ABBREVIATIONS: [&str; 12] =
    ["mr", "mrs", "ms", "dr", "prof", "st", "sr", "jr", "vs", "e.g", "i.e", "approx"];
/// A sentence longer than this is cut at its last clause mark before it, so one long sentence
/// does not hold back the start of speech.
const LONG: usize = 220;

/// The sentences of `text`, trimmed, none empty. A sentence ends at `.`, `!`, `?` or `…` (with
/// any closing quotes or brackets) followed by whitespace, and at every line break.
pub fn split_sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let chars: Vec<char> = line.chars().collect();
        let mut start = 0;
        let mut i = 0;
        while i < chars.len() {
            if matches!(chars[i], '.' | '!' | '?' | '…') {
                let mut end = i + 1;
                while end < chars.len()
                    && matches!(chars[end], '.' | '!' | '?' | '…' | '"' | '\'' | ')' | '”' | '’')
                {
                    end += 1;
                }
                let at_break = end == chars.len() || chars[end].is_whitespace();
                if at_break && !(chars[i] == '.' && end == i + 1 && is_abbreviation(&chars[start..i])) {
                    push(&mut out, &chars[start..end]);
                    start = end;
                }
                i = end;
            } else {
                i += 1;
            }
        }
        push(&mut out, &chars[start..]);
    }
    out
}

fn is_abbreviation(before: &[char]) -> bool {
    let word: String = before.iter().rev().take_while(|c| !c.is_whitespace()).collect();
    let word: String = word.chars().rev().collect();
    let word = word.trim_start_matches(|c: char| !c.is_alphanumeric());
    // A single capital is an initial ("J. R. Tolkien").
    let initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
    initial || ABBREVIATIONS.contains(&word.to_lowercase().as_str())
}

fn push(out: &mut Vec<String>, chars: &[char]) {
    let sentence: String = chars.iter().collect();
    let mut rest = sentence.trim();
    while rest.chars().count() > LONG {
        let head: String = rest.chars().take(LONG).collect();
        let Some(cut) = head.rfind([',', ';', ':']).filter(|&at| at > 0) else { break };
        out.push(rest[..=cut].trim().to_string());
        rest = rest[cut + 1..].trim_start();
    }
    if !rest.is_empty() {
        out.push(rest.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_end_at_marks_followed_by_space_and_at_line_breaks() {
        let text = "Added it. Call Dr. Smith at 5.30 pm! Is that okay?\"  Yes…\n- milk\n\n- eggs";
        let got = split_sentences(text);
        assert_eq!(
            got,
            vec!["Added it.", "Call Dr. Smith at 5.30 pm!", "Is that okay?\"", "Yes…", "- milk", "- eggs"]
        );
    }

    #[test]
    fn initials_stay_and_nothing_empty_comes_out() {
        assert_eq!(split_sentences("J. R. Tolkien wrote it. Done"), vec!["J. R. Tolkien wrote it.", "Done"]);
        assert!(split_sentences("  \n\n ").is_empty());
        assert_eq!(split_sentences("..."), vec!["..."]);
    }

    #[test]
    fn a_long_sentence_is_cut_at_a_clause_mark() {
        let long = format!("{}, and then {}.", "word ".repeat(40).trim(), "more ".repeat(20).trim());
        let got = split_sentences(&long);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].ends_with(','));
        assert!(got.iter().all(|s| s.chars().count() <= LONG));
    }
}
