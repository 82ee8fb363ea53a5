//! `audio.echo`: what the microphone path does about Flux's own voice coming back from the
//! speakers.

use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum EchoSetting {
    /// Cancel the echo: talk over Flux on laptop speakers.
    #[default]
    Cancel,
    /// Mute the microphone while Flux speaks (interrupting then needs push-to-talk).
    HalfDuplex,
    /// Leave the microphone alone (headphones).
    Off,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_documented_ones() {
        for (name, v) in [
            ("cancel", EchoSetting::Cancel),
            ("half_duplex", EchoSetting::HalfDuplex),
            ("off", EchoSetting::Off),
        ] {
            assert_eq!(serde_yaml::from_str::<EchoSetting>(name).unwrap(), v);
        }
        assert!(serde_yaml::from_str::<EchoSetting>("loud").is_err());
    }
}
