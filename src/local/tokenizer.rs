//! Moonshine's vocabulary (`tokenizer.bin`): token ids back to text.
//!
//! The file is the byte strings of the tokens in id order, each prefixed by its length: one byte
//! below 128, else two bytes, `first - 128 + second * 128`. Ids 3..=258 are the raw bytes
//! 0x00..=0xFF (byte fallback), so a character outside the vocabulary comes out as its UTF-8
//! bytes across several tokens. Word starts are marked with U+2581 ("▁"), as in SentencePiece.

use std::path::Path;

use super::error::LocalError;

/// `<s>`: the first token the decoder is given.
pub const START: i64 = 1;
/// `</s>`: the decoder is done.
pub const END: i64 = 2;
const BYTE_FIRST: usize = 3;
const BYTE_LAST: usize = 258;
const WORD_START: &str = "\u{2581}";

pub struct Vocabulary {
    tokens: Vec<Vec<u8>>,
}

impl Vocabulary {
    pub fn load(path: &Path) -> Result<Vocabulary, LocalError> {
        let invalid = |detail: String| LocalError::Invalid { path: path.to_path_buf(), detail };
        let bytes = std::fs::read(path).map_err(|e| invalid(e.to_string()))?;
        let tokens = parse(&bytes).map_err(invalid)?;
        if tokens.len() <= BYTE_LAST {
            return Err(invalid(format!(
                "{} tokens, fewer than the {} byte tokens",
                tokens.len(),
                BYTE_LAST
            )));
        }
        Ok(Vocabulary { tokens })
    }

    /// The text of `ids`; control tokens and unknown ids are left out.
    pub fn decode(&self, ids: &[i64]) -> String {
        let mut bytes = Vec::new();
        for &id in ids {
            let Ok(i) = usize::try_from(id) else { continue };
            match self.tokens.get(i) {
                Some(_) if (BYTE_FIRST..=BYTE_LAST).contains(&i) => bytes.push((i - BYTE_FIRST) as u8),
                Some(t) if i < BYTE_FIRST || is_control(t) => {}
                Some(t) => bytes.extend_from_slice(t),
                None => {}
            }
        }
        String::from_utf8_lossy(&bytes).replace(WORD_START, " ").trim().to_string()
    }
}

/// `<unk>`, `<s>`, `</s>` and the reserved `<<ST_…>>` slots.
fn is_control(token: &[u8]) -> bool {
    token.starts_with(b"<") && token.ends_with(b">")
}

fn parse(bytes: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let mut tokens = Vec::new();
    let mut at = 0usize;
    while at < bytes.len() {
        let first = usize::from(bytes[at]);
        at += 1;
        let len = if first < 128 {
            first
        } else {
            let Some(&second) = bytes.get(at) else {
                return Err(format!("token {} has a cut length at byte {at}", tokens.len()));
            };
            at += 1;
            first - 128 + usize::from(second) * 128
        };
        let Some(token) = bytes.get(at..at + len) else {
            return Err(format!("token {} runs past the end of the file", tokens.len()));
        };
        tokens.push(token.to_vec());
        at += len;
    }
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab(extra: &[&[u8]]) -> Vocabulary {
        let mut tokens: Vec<Vec<u8>> = vec![b"<unk>".to_vec(), b"<s>".to_vec(), b"</s>".to_vec()];
        tokens.extend((0..=255u8).map(|b| vec![b]));
        tokens.extend(extra.iter().map(|t| t.to_vec()));
        Vocabulary { tokens }
    }

    #[test]
    fn word_starts_become_spaces_and_bytes_join_into_characters() {
        let v = vocab(&["\u{2581}call".as_bytes(), "\u{2581}the".as_bytes(), b"ist"]);
        // "é" is 0xC3 0xA9: two byte tokens.
        let ids = [START, 259, 260, 3 + 0xC3, 3 + 0xA9, 261, END];
        assert_eq!(v.decode(&ids), "call theéist");
    }

    #[test]
    fn lengths_of_one_and_two_bytes_parse_and_damage_is_an_error() {
        let long = vec![b'a'; 200];
        let mut file = vec![3u8, b'a', b'b', b'c', 200 - 128 + 128, 1];
        file.extend(&long);
        file.push(0);
        let tokens = parse(&file).unwrap();
        assert_eq!(tokens, vec![b"abc".to_vec(), long, Vec::new()]);
        assert!(parse(&[5, b'a']).is_err());
        assert!(parse(&[200]).is_err());
    }

    #[test]
    fn unknown_and_negative_ids_are_skipped() {
        let v = vocab(&[b"x"]);
        assert_eq!(v.decode(&[-1, 0, 99_999, 259]), "x");
    }
}
