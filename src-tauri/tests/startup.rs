//! Starting at login through the settings: saving `startup.at_login` writes the XDG autostart
//! entry that starts the app with the login argument, and turning it off removes it. The entry
//! goes under `$HOME`, so this file is its own test binary with a home of its own.

#[allow(dead_code)]
#[path = "support/shell.rs"]
mod shell;

use companion::config::AT_LOGIN_ARG;
use serde_json::json;

#[test]
fn the_login_entry_follows_the_setting() {
    let home = tempfile::tempdir().unwrap();
    std::env::set_var("HOME", home.path());
    let entry = home.path().join(".config/autostart/flux-companion.desktop");
    let s = shell::shell();

    let mut settings = s.call("get_settings", json!({})).unwrap();
    assert_eq!(settings["startup"], json!({"at_login": false, "hidden": false}));
    assert!(!entry.exists());

    settings["startup"] = json!({"at_login": true, "hidden": true});
    let saved = s.call("save_settings", json!({"settings": settings.clone()})).unwrap();
    assert_eq!(saved["startup"], json!({"at_login": true, "hidden": true}));
    let text = std::fs::read_to_string(&entry).expect("the autostart entry is written");
    let exec = text.lines().find_map(|l| l.strip_prefix("Exec=")).expect("an Exec line");
    assert!(exec.ends_with(&format!(" {AT_LOGIN_ARG}")), "{exec}");
    let program = exec.trim_end_matches(AT_LOGIN_ARG).trim();
    assert_eq!(std::path::Path::new(program), std::env::current_exe().unwrap());

    settings["startup"] = json!({"at_login": false, "hidden": true});
    s.call("save_settings", json!({"settings": settings})).unwrap();
    assert!(!entry.exists(), "turning it off removes the entry");
    assert_eq!(s.call("get_settings", json!({})).unwrap()["startup"]["at_login"], false);
}
