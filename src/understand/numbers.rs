//! Number words as digits, so the rules see "5" whether the recogniser wrote "five" or "5":
//! "twenty five" → 25, "third" → ordinal 3, "twenty-first" → ordinal 21, and "nine oh five"
//! → 9, "05" (minutes keep their leading zero so "oh five" reads as minutes, not an hour).

use super::words::Word;

const UNITS: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [(&str, u32); 9] = [
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fourty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
];
const ORDINALS: [&str; 20] = [
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
];
const TENS_ORDINALS: [(&str, u32); 2] = [("twentieth", 20), ("thirtieth", 30)];

fn unit(norm: &str) -> Option<u32> {
    UNITS.iter().position(|u| *u == norm).map(|i| i as u32)
}

fn ordinal(norm: &str) -> Option<u32> {
    ORDINALS.iter().position(|u| *u == norm).map(|i| i as u32).or_else(|| lookup(&TENS_ORDINALS, norm))
}

fn lookup(table: &[(&str, u32)], norm: &str) -> Option<u32> {
    table.iter().find(|(w, _)| *w == norm).map(|(_, n)| *n)
}

fn number(surface: String, value: u32, is_ordinal: bool) -> Word {
    Word { norm: value.to_string(), surface, num: Some(value), ordinal: is_ordinal, clock: None }
}

/// Replaces number words by numbers. Each input word is read once, so this is linear.
pub(crate) fn merge(words: Vec<Word>) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        let next = words.get(i + 1);
        let joined = |n: &Word| format!("{} {}", w.surface, n.surface);
        if let Some(tens) = lookup(&TENS, &w.norm) {
            // "twenty five", "twenty-first": a unit after a ten belongs to it.
            match next.map(|n| (unit(&n.norm), ordinal(&n.norm))) {
                Some((Some(u), _)) if (1..10).contains(&u) => {
                    out.push(number(joined(&words[i + 1]), tens + u, false));
                    i += 2;
                }
                Some((_, Some(o))) if (1..10).contains(&o) => {
                    out.push(number(joined(&words[i + 1]), tens + o, true));
                    i += 2;
                }
                _ => {
                    out.push(number(w.surface.clone(), tens, false));
                    i += 1;
                }
            }
            continue;
        }
        let after_number = out.last().is_some_and(|p| p.num.is_some() && !p.ordinal);
        if after_number && (w.is("oh") || w.is("o")) {
            // "nine oh five": the minutes of a spoken clock.
            if let Some(u) = next.and_then(|n| unit(&n.norm).or(n.num)).filter(|u| (1..10).contains(u)) {
                let mut minutes = number(joined(&words[i + 1]), u, false);
                minutes.norm = format!("0{u}");
                out.push(minutes);
                i += 2;
                continue;
            }
        }
        if let Some(u) = unit(&w.norm) {
            out.push(number(w.surface.clone(), u, false));
        } else if let Some(o) = ordinal(&w.norm) {
            out.push(number(w.surface.clone(), o, true));
        } else {
            out.push(w.clone());
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::understand::words::split;

    fn read(text: &str) -> Vec<(String, Option<u32>, bool)> {
        split(text).into_iter().map(|w| (w.norm, w.num, w.ordinal)).collect()
    }

    #[test]
    fn words_become_numbers() {
        assert_eq!(read("five"), [("5".into(), Some(5), false)]);
        assert_eq!(read("Forty-Five minutes")[0], ("45".into(), Some(45), false));
        assert_eq!(read("nine thirty")[1], ("30".into(), Some(30), false));
        assert_eq!(read("the twenty first")[1], ("21".into(), Some(21), true));
        assert_eq!(read("December third")[1], ("3".into(), Some(3), true));
        assert_eq!(read("nine oh five")[1], ("05".into(), Some(5), false));
        assert_eq!(read("twenty")[0], ("20".into(), Some(20), false));
        assert_eq!(read("ninety nine")[0], ("99".into(), Some(99), false));
        assert_eq!(read("oh no")[0].1, None);
        assert_eq!(split("twenty five")[0].surface, "twenty five");
    }
}
