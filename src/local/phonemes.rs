//! Text to phonemes with the `espeak-ng` program, and phonemes to Piper's input ids.
//!
//! Piper voices are trained on espeak-ng's IPA with stress marks and without tie or separator
//! characters, which is what `espeak-ng -q --ipa` prints. espeak-ng runs as a separate process:
//! it is GPL-3.0, and a program called at arm's length keeps that licence off this binary.
//! The program prints one line per clause and drops the punctuation; Piper's training data keeps
//! each clause's mark (`,` `;` `:` `.` `!` `?`), which shapes its pauses and intonation, so the
//! marks are taken back from the text.

use std::collections::HashMap;
use std::io::Write;
use std::process::{Command, Stdio};

use super::error::LocalError;

/// Marks that end an espeak-ng clause when whitespace or the end of the text follows them.
const CLAUSE_MARKS: [char; 6] = [',', ';', ':', '.', '!', '?'];

pub struct Phonemizer {
    program: String,
    voice: String,
}

impl Phonemizer {
    /// Fails with a clear error when the program cannot be run.
    pub fn new(program: &str, voice: &str) -> Result<Phonemizer, LocalError> {
        let out = Command::new(program)
            .arg("--version")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| LocalError::Espeak(format!("cannot run `{program}`: {e}")))?;
        if !out.status.success() {
            return Err(LocalError::Espeak(format!("`{program} --version` failed ({})", out.status)));
        }
        Ok(Phonemizer { program: program.to_string(), voice: voice.to_string() })
    }

    /// The IPA phonemes of `text`, clauses joined as Piper was trained on them.
    pub fn phonemize(&self, text: &str) -> Result<String, LocalError> {
        let text: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        if text.trim().is_empty() {
            return Ok(String::new());
        }
        let mut child = Command::new(&self.program)
            .args(["-q", "--ipa", "-v", &self.voice])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| LocalError::Espeak(format!("cannot run `{}`: {e}", self.program)))?;
        // The text goes on stdin so that one starting with `-` is never read as an option.
        let written = child.stdin.take().map(|mut stdin| stdin.write_all(text.as_bytes()));
        let out = child.wait_with_output().map_err(|e| LocalError::Espeak(e.to_string()))?;
        if let Some(Err(e)) = written {
            return Err(LocalError::Espeak(format!("cannot write to `{}`: {e}", self.program)));
        }
        if !out.status.success() {
            let why = String::from_utf8_lossy(&out.stderr).trim().to_string();
            return Err(LocalError::Espeak(format!("`{}` failed ({}): {why}", self.program, out.status)));
        }
        let clauses: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(strip_language_switches)
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect();
        Ok(join_clauses(&clauses, &clause_marks(&text)))
    }
}

/// The clause marks of `text` in order, as espeak-ng splits clauses.
fn clause_marks(text: &str) -> Vec<char> {
    let chars: Vec<char> = text.trim_end().chars().collect();
    let mut marks = Vec::new();
    for (i, c) in chars.iter().enumerate() {
        let ends = chars.get(i + 1).is_none_or(|n| n.is_whitespace());
        if CLAUSE_MARKS.contains(c) && ends {
            marks.push(*c);
        }
    }
    marks
}

/// Each clause with its mark when the counts line up; otherwise (an abbreviation espeak-ng did
/// not split at, say) the clauses joined by spaces with the text's final mark.
fn join_clauses(clauses: &[String], marks: &[char]) -> String {
    if clauses.len() == marks.len() || clauses.len() == marks.len() + 1 {
        let mut out = String::new();
        for (i, clause) in clauses.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(clause);
            if let Some(mark) = marks.get(i) {
                out.push(*mark);
            }
        }
        return out;
    }
    let mut out = clauses.join(" ");
    if let Some(last) = marks.last().filter(|m| ['.', '!', '?'].contains(m)) {
        out.push(*last);
    }
    out
}

/// espeak-ng marks a word it reads with another language's rules as `(fr)…(en-us)`.
fn strip_language_switches(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('(') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find(')') {
            Some(close) if after[..close].chars().all(|c| c.is_ascii_alphanumeric() || c == '-') => {
                rest = &after[close + 1..];
            }
            _ => {
                out.push('(');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Piper's input: `^`, then each known phoneme's ids each followed by the pad `_`, then `$`.
/// Characters the voice has no id for are left out.
pub fn to_ids(phonemes: &str, map: &HashMap<char, Vec<i64>>) -> Vec<i64> {
    let id = |c: char, fallback: i64| map.get(&c).and_then(|v| v.first().copied()).unwrap_or(fallback);
    let (bos, pad, eos) = (id('^', 1), id('_', 0), id('$', 2));
    let mut ids = vec![bos, pad];
    for c in phonemes.chars() {
        if let Some(v) = map.get(&c).filter(|_| !['^', '_', '$'].contains(&c)) {
            for &i in v {
                ids.push(i);
                ids.push(pad);
            }
        }
    }
    ids.push(eos);
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clauses_get_their_marks_back() {
        let marks = clause_marks("Well, it's 5:30 today. Is it?");
        assert_eq!(marks, vec![',', '.', '?']);
        let clauses: Vec<String> = ["wˈɛl", "ɪts fˈaɪv θˈɜːɾi tədˈeɪ", "ɪz ɪt"].map(String::from).to_vec();
        assert_eq!(join_clauses(&clauses, &marks), "wˈɛl, ɪts fˈaɪv θˈɜːɾi tədˈeɪ. ɪz ɪt?");
        let two: Vec<String> = ["mˈɪstɚ", "smˈɪθ"].map(String::from).to_vec();
        assert_eq!(join_clauses(&two, &[]), "mˈɪstɚ smˈɪθ");
        assert_eq!(join_clauses(&two, &['.', ',', '!']), "mˈɪstɚ smˈɪθ!");
    }

    #[test]
    fn language_switches_are_dropped_and_other_brackets_kept() {
        assert_eq!(strip_language_switches("(fr)ʃɛ(en-us) wˈʌn"), "ʃɛ wˈʌn");
        assert_eq!(strip_language_switches("a (b c) d("), "a (b c) d(");
    }

    #[test]
    fn ids_are_padded_and_unknown_characters_skipped() {
        let map: HashMap<char, Vec<i64>> =
            [('_', 0), ('^', 1), ('$', 2), (' ', 3), ('a', 14), ('ˈ', 120)].map(|(c, i)| (c, vec![i])).into();
        assert_eq!(to_ids("ˈa a☃", &map), vec![1, 0, 120, 0, 14, 0, 3, 0, 14, 0, 2]);
        assert_eq!(to_ids("", &map), vec![1, 0, 2]);
    }

    #[test]
    fn a_missing_program_is_a_clear_error() {
        let err = Phonemizer::new("/nonexistent/espeak-ng", "en-us").err().expect("must fail");
        assert!(matches!(err, LocalError::Espeak(_)));
        assert!(err.to_string().contains("apt-get install espeak-ng"), "{err}");
    }
}
