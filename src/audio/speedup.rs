//! How many times faster than real time a file-driven conversation runs. A WAV source and a
//! WAV sink keep to the same factor, so a load run can play hours of conversation in minutes
//! without the sink's queue growing. Microphones and speakers always run in real time.

use std::time::Duration;

use super::error::AudioError;

/// A whole factor from 1 (real time) to [`Speedup::MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Speedup(u32);

impl Speedup {
    pub const REAL_TIME: Speedup = Speedup(1);
    /// Beyond this a 10 ms block is due every 100 µs, finer than the sleeps pacing it.
    pub const MAX: u32 = 100;

    pub fn new(times: u32) -> Result<Self, AudioError> {
        if (1..=Self::MAX).contains(&times) {
            Ok(Speedup(times))
        } else {
            Err(AudioError::Speedup(times.to_string()))
        }
    }

    /// Parses a whole number such as `10`.
    pub fn parse(text: &str) -> Result<Self, AudioError> {
        text.trim().parse::<u32>().map_err(|_| AudioError::Speedup(text.to_string())).and_then(Self::new)
    }

    pub fn get(self) -> u32 {
        self.0
    }

    /// The wall time `audio` of sound takes at this pace.
    pub fn wall(self, audio: Duration) -> Duration {
        audio / self.0
    }
}

impl Default for Speedup {
    fn default() -> Self {
        Speedup::REAL_TIME
    }
}

impl std::fmt::Display for Speedup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_1_to_100_and_refuses_the_rest() {
        assert_eq!(Speedup::parse("10").unwrap().wall(Duration::from_millis(10)), Duration::from_millis(1));
        assert_eq!(Speedup::parse(" 1 ").unwrap(), Speedup::REAL_TIME);
        assert_eq!(Speedup::parse("100").unwrap().get(), 100);
        for bad in ["0", "101", "-1", "2.5", "", "ten", "99999999999"] {
            let e = Speedup::parse(bad).unwrap_err().to_string();
            assert!(e.contains("1 (real time) to 100"), "{bad}: {e}");
        }
    }
}
