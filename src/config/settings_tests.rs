//! Reading, validating and saving settings.yaml.

use super::*;

#[test]
fn defaults_parse_and_validate() {
    let s = Settings::default();
    assert_eq!(s.agent.voice_model, "aura-2-thalia-en");
    assert_eq!(s.agent.greeting, "Hey! What can I help you with today?");
    s.validate().unwrap();
    let documented: Settings = serde_yaml::from_str(DEFAULTS).unwrap();
    assert_eq!(documented, s, "config/settings.yaml and Settings::default() disagree");
}

#[test]
fn partial_file_keeps_defaults() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("settings.yaml"), "agent:\n  llm_model: gpt-4.1-mini\n").unwrap();
    let s = Settings::load(dir.path()).unwrap();
    assert_eq!(s.agent.llm_model, "gpt-4.1-mini");
    assert_eq!(s.agent.listen_model, "nova-3");
    assert_eq!(s.limits.sessions_per_day, 20);
}

#[test]
fn provider_choice_reads_as_a_word() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("settings.yaml"), "agent:\n  provider: openai\nopenai:\n  voice: cedar\n")
        .unwrap();
    let s = Settings::load(dir.path()).unwrap();
    assert_eq!(s.agent.provider, ProviderChoice::Openai);
    assert_eq!((s.openai.voice.as_str(), s.openai.model.as_str()), ("cedar", "gpt-realtime"));
    std::fs::write(dir.path().join("settings.yaml"), "agent:\n  provider: watson\n").unwrap();
    assert!(Settings::load(dir.path()).is_err());
}

#[test]
fn safety_region_defaults_to_auto_and_refuses_nonsense() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(Settings::load(dir.path()).unwrap().safety.region, "auto");
    std::fs::write(dir.path().join("settings.yaml"), "safety:\n  region: GB\n").unwrap();
    assert_eq!(Settings::load(dir.path()).unwrap().safety.region, "GB");
    std::fs::write(dir.path().join("settings.yaml"), "safety:\n  region: \"9 1 1\"\n").unwrap();
    let err = Settings::load(dir.path()).unwrap_err().to_string();
    assert!(err.contains("safety.region") && err.contains("9 1 1"), "{err}");
}

#[test]
fn bad_timezone_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("settings.yaml"), "user:\n  timezone: Mars/Base\n").unwrap();
    let err = Settings::load(dir.path()).unwrap_err().to_string();
    assert!(err.contains("Mars/Base"), "{err}");
}

#[test]
fn save_then_load_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Settings::default();
    s.user.display_name = "Ana".into();
    s.save(dir.path()).unwrap();
    assert_eq!(Settings::load(dir.path()).unwrap().user.display_name, "Ana");
}
