//! Text as it should sound: the intents write times the way a screen shows them ("17:00"), which
//! a synthesiser reads as "seventeen hundred"; said aloud they become "5 PM".

/// Rewrites every `H:MM`/`HH:MM` time of day into its spoken twelve-hour form.
pub fn for_speech(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if let Some((spoken, used)) = time_at(&chars, i) {
            out.push_str(&spoken);
            i += used;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// A time of day starting at `i` (not inside a longer number), and how many chars it spans.
fn time_at(c: &[char], i: usize) -> Option<(String, usize)> {
    if i > 0 && c[i - 1].is_ascii_digit() {
        return None;
    }
    let digit = |k: usize| c.get(k).and_then(|ch| ch.to_digit(10));
    let (hour, colon) = match (digit(i), digit(i + 1)) {
        (Some(a), Some(b)) => (a * 10 + b, i + 2),
        (Some(a), None) => (a, i + 1),
        _ => return None,
    };
    if c.get(colon) != Some(&':') {
        return None;
    }
    let (m1, m2) = (digit(colon + 1)?, digit(colon + 2)?);
    if digit(colon + 3).is_some() || hour > 23 || m1 > 5 {
        return None;
    }
    let minute = m1 * 10 + m2;
    let spoken = match (hour, minute) {
        (0, 0) => "midnight".to_string(),
        (12, 0) => "noon".to_string(),
        _ => {
            let h12 = if hour % 12 == 0 { 12 } else { hour % 12 };
            let half = if hour < 12 { "AM" } else { "PM" };
            if minute == 0 {
                format!("{h12} {half}")
            } else {
                format!("{h12}:{minute:02} {half}")
            }
        }
    };
    Some((spoken, colon + 3 - i))
}

#[cfg(test)]
mod tests {
    use super::for_speech;

    #[test]
    fn times_of_day_are_said_in_twelve_hours() {
        assert_eq!(
            for_speech("Task created: dentist on Sunday 29 November at 17:00."),
            "Task created: dentist on Sunday 29 November at 5 PM."
        );
        assert_eq!(
            for_speech("09:30 yoga, 12:00 lunch, 0:00 and 23:45"),
            "9:30 AM yoga, noon lunch, midnight and 11:45 PM"
        );
        assert_eq!(
            for_speech("Ratio 3:1, 24:00, 123:45, 7:5, 10:600"),
            "Ratio 3:1, 24:00, 123:45, 7:5, 10:600"
        );
        assert_eq!(for_speech("ünïcode 8:05"), "ünïcode 8:05 AM");
    }
}
