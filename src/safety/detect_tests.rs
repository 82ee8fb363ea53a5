//! Table tests of the detector and the configuration's checks.

use std::sync::Arc;

use super::*;

fn guard() -> SafetyGuard {
    SafetyGuard::builtin_default()
}

fn category_of(text: &str) -> Option<String> {
    guard().check(text).map(|m| m.category)
}

#[test]
fn emergency_phrases_match_with_any_case_and_apostrophe() {
    let table = [
        ("I think I'm having a HEART ATTACK", "chest_pain"),
        ("my chest pains are back", "chest_pain"),
        ("I have chest pain.", "chest_pain"),
        ("I can't breathe", "breathing"),
        ("i can’t breathe", "breathing"),
        ("I cant breathe", "breathing"),
        ("sometimes I want to kill myself", "self_harm"),
        ("I've been thinking about suicide", "self_harm"),
        ("I took too many pills", "overdose"),
        ("my dad's face is drooping", "stroke"),
        ("it won't stop bleeding", "bleeding"),
        ("my friend is unconscious", "unconscious"),
    ];
    for (text, want) in table {
        assert_eq!(category_of(text).as_deref(), Some(want), "{text:?}");
    }
}

#[test]
fn near_misses_do_not_match() {
    let table = [
        "I love chest painting classes",
        "the painter painted a chest",
        "we watched a heart attacked by critics",
        "I can breathe fine now",
        "a stroke of luck",
        "my swimming strokes are getting better",
        "that joke killed me",
        "the app is not responding",
        "I learned about unconscious bias",
        "food poisoning is no fun",
        "let's cut the cake",
        "",
        "   ",
    ];
    for text in table {
        assert_eq!(guard().check(text), None, "{text:?}");
    }
}

#[test]
fn other_languages_match_with_and_without_accents() {
    let table = [
        ("Tengo dolor en el pecho", "chest_pain"),
        ("creo que es un ataque al corazón", "chest_pain"),
        ("creo que es un ataque al corazon", "chest_pain"),
        ("NO PUEDO RESPIRAR", "breathing"),
        ("J'ai une douleur à la poitrine", "chest_pain"),
        ("j ai une douleur a la poitrine", "chest_pain"),
        ("je fais une crise cardiaque", "chest_pain"),
        ("Je n’arrive pas à respirer", "breathing"),
        ("Überdosis", "overdose"),
        ("ich habe eine uberdosis genommen", "overdose"),
        ("Ich kann nicht atmen", "breathing"),
        ("ich habe Brustschmerzen", "chest_pain"),
        ("quiero morirme", "self_harm"),
    ];
    for (text, want) in table {
        assert_eq!(category_of(text).as_deref(), Some(want), "{text:?}");
    }
    // Close words in those languages that are not emergencies.
    for text in ["el pecho de pollo", "je respire bien", "die Brust des Huhns", "mourir de rire"] {
        assert_eq!(guard().check(text), None, "{text:?}");
    }
}

#[test]
fn normalize_folds_case_accents_apostrophes_and_eszett() {
    assert_eq!(normalize("Can’t  BREATHE!"), ["cant", "breathe"]);
    assert_eq!(normalize("corazón, Überdosis; Straße"), ["corazon", "uberdosis", "strasse"]);
    assert_eq!(normalize("chest-pain"), ["chest", "pain"]);
    assert!(normalize("?!… ").is_empty());
}

#[test]
fn a_match_names_the_phrase_and_the_notice_carries_the_numbers() {
    let config = Arc::new(SafetyConfig::builtin());
    let us = SafetyGuard::new(config.clone(), "us", "UTC").unwrap();
    let found = us.check("I think I'm having a heart attack").unwrap();
    assert_eq!(found, SafetyMatch { category: "chest_pain".into(), phrase: "heart attack".into() });
    let notice = us.notice(&found);
    assert_eq!((notice.emergency_number.as_str(), notice.crisis_line.number.as_str()), ("911", "988"));
    assert!(notice.instruction().contains("911") && notice.instruction().contains("988"));
    assert!(notice.spoken_reply().contains("911"));
    assert!(!notice.instruction().contains("I think"), "the user's words are not repeated");
}

#[test]
fn auto_region_follows_the_timezone() {
    let config = Arc::new(SafetyConfig::builtin());
    let region = |tz: &str| SafetyGuard::new(config.clone(), "auto", tz).unwrap().region_code().to_string();
    assert_eq!(region("America/Chicago"), "US");
    assert_eq!(region("Europe/London"), "GB");
    assert_eq!(region("Europe/Madrid"), "ES");
    assert_eq!(region("Europe/Berlin"), "DE");
    assert_eq!(region("Europe/Vienna"), "EU");
    assert_eq!(region("Asia/Tokyo"), "default");
    assert_eq!(region("UTC"), "default");
    let gb = SafetyGuard::new(config.clone(), "GB", "America/Chicago").unwrap();
    assert_eq!(gb.notice(&gb.check("suicidal").unwrap()).crisis_line.number, "116 123");
    let err = SafetyGuard::new(config, "XX", "UTC").unwrap_err().to_string();
    assert!(err.contains("\"XX\"") && err.contains("US") && err.contains("config/safety.yaml"), "{err}");
}

fn parse_err(yaml: &str) -> String {
    SafetyConfig::parse(yaml, "safety.yaml").unwrap_err().to_string()
}

const REGIONS: &str =
    "regions:\n  default:\n    emergency: \"112\"\n    crisis_line: { name: L, number: \"112\" }\n";

#[test]
fn bad_files_are_clear_errors_with_file_and_line() {
    // Not YAML of the right shape: serde's own location.
    let err = parse_err("categories:\n  - id: a\n    label: A\n    phrases: [x]\n    colour: red\n");
    assert!(err.starts_with("safety.yaml, line 5") && err.contains("colour"), "{err}");
    // A phrase listed twice: the line of the second one, even in another spelling.
    let twice = format!(
        "categories:\n  - id: a\n    label: A\n    phrases:\n      - can't breathe\n      - cant breathe\n{REGIONS}"
    );
    let err = parse_err(&twice);
    assert!(err.starts_with("safety.yaml, line 6") && err.contains("twice"), "{err}");
    let no_default = "categories:\n  - id: a\n    label: A\n    phrases: [x]\nregions:\n  US:\n    emergency: \"911\"\n    crisis_line: { name: L, number: \"988\" }\n";
    let err = parse_err(no_default);
    assert!(err.contains("line 5") && err.contains("default"), "{err}");
    let bad_number = REGIONS.replace("emergency: \"112\"", "emergency: call someone");
    let err = parse_err(&format!("categories:\n  - id: a\n    label: A\n    phrases: [x]\n{bad_number}"));
    assert!(err.contains("line 6") && err.contains("not a phone number"), "{err}");
    let bad_id = format!("categories:\n  - id: Chest Pain\n    label: A\n    phrases: [x]\n{REGIONS}");
    assert!(parse_err(&bad_id).contains("line 2"), "{}", parse_err(&bad_id));
    let bad_zone = format!(
        "categories:\n  - id: a\n    label: A\n    phrases: [x]\n{REGIONS}timezones:\n  Europe/Paris: FR\n"
    );
    let err = parse_err(&bad_zone);
    assert!(err.contains("line 10") && err.contains("FR"), "{err}");
    assert!(parse_err("").contains("line 1"), "{}", parse_err(""));
}

#[test]
fn builtin_file_is_valid_and_a_users_copy_replaces_it() {
    let builtin = SafetyConfig::builtin();
    assert!(builtin.categories.len() >= 6 && builtin.regions.contains_key("default"));
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(SafetyConfig::load(dir.path()).unwrap().categories.len(), builtin.categories.len());
    let mine =
        format!("categories:\n  - id: custom\n    label: Custom\n    phrases: [help me now]\n{REGIONS}");
    std::fs::write(dir.path().join("safety.yaml"), mine).unwrap();
    let loaded = Arc::new(SafetyConfig::load(dir.path()).unwrap());
    let guard = SafetyGuard::new(loaded, "auto", "UTC").unwrap();
    assert_eq!(guard.check("please help me now").unwrap().category, "custom");
    assert_eq!(guard.check("chest pain"), None);
    std::fs::write(dir.path().join("safety.yaml"), "categories: 3\n").unwrap();
    let err = SafetyConfig::load(dir.path()).unwrap_err().to_string();
    assert!(err.contains("safety.yaml, line 1"), "{err}");
}
