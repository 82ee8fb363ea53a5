//! `startup`: whether Flux starts when the user logs in, and whether it then stays in the tray.

use serde::{Deserialize, Serialize};

/// The argument the system's login entry starts the app with, so a login start can be told from
/// the user opening the app.
pub const AT_LOGIN_ARG: &str = "--at-login";

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct StartupSettings {
    /// Start Flux when the user logs in (an entry in the system's autostart list).
    pub at_login: bool,
    /// When started at login, stay in the tray: no window until the user opens it.
    pub hidden: bool,
}

impl StartupSettings {
    /// Whether the main window opens at launch. Only a start at login stays hidden: a user who
    /// opens the app from the menu or a terminal wants to see it.
    pub fn show_window<S: AsRef<str>>(&self, args: impl IntoIterator<Item = S>) -> bool {
        let at_login = args.into_iter().any(|a| a.as_ref() == AT_LOGIN_ARG);
        !(at_login && self.at_login && self.hidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_start_at_login_with_hidden_on_stays_in_the_tray() {
        let hidden = StartupSettings { at_login: true, hidden: true };
        assert!(!hidden.show_window(["flux-companion", AT_LOGIN_ARG]));
        assert!(hidden.show_window(["flux-companion"]), "opened by the user");
        let shown = StartupSettings { at_login: true, hidden: false };
        assert!(shown.show_window(["flux-companion", AT_LOGIN_ARG]));
        // A stale login entry after the user turned starting at login off opens the window.
        let off = StartupSettings { at_login: false, hidden: true };
        assert!(off.show_window(["flux-companion", AT_LOGIN_ARG]));
        let parsed: StartupSettings = serde_yaml::from_str("at_login: true").unwrap();
        assert_eq!(parsed, StartupSettings { at_login: true, hidden: false });
        assert!(serde_yaml::from_str::<StartupSettings>("at_login: sometimes").is_err());
    }
}
