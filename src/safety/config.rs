//! Reading and checking `config/safety.yaml` (or the user's `safety.yaml` in the data dir).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::detect::{normalize, Matcher};
use super::SafetyError;

/// The phrases and numbers Flux ships with.
pub const DEFAULT_SAFETY: &str = include_str!("../../config/safety.yaml");
const BUILTIN_FILE: &str = "config/safety.yaml";

/// One kind of emergency and the phrases that point to it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// Stored with a flagged conversation (never the user's words).
    pub id: String,
    /// Shown to the user.
    pub label: String,
    pub phrases: Vec<String>,
}

/// Whom to call in one region.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CrisisLine {
    pub name: String,
    pub number: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub emergency: String,
    pub crisis_line: CrisisLine,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSafety {
    categories: Vec<Category>,
    regions: BTreeMap<String, Region>,
    #[serde(default)]
    timezones: BTreeMap<String, String>,
}

/// The checked configuration.
#[derive(Debug, Clone)]
pub struct SafetyConfig {
    /// Where it came from, for error messages.
    pub file: String,
    pub categories: Vec<Category>,
    pub regions: BTreeMap<String, Region>,
    timezones: BTreeMap<String, String>,
    pub(super) matcher: Matcher,
}

impl SafetyConfig {
    /// The built-in configuration.
    pub fn builtin() -> Self {
        // Covered by a unit test; the file is compiled in.
        Self::parse(DEFAULT_SAFETY, BUILTIN_FILE).expect("config/safety.yaml is valid")
    }

    /// The user's `safety.yaml` in `data_dir` if there is one, else the built-in configuration.
    pub fn load(data_dir: &Path) -> Result<Self, SafetyError> {
        let path = data_dir.join("safety.yaml");
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text, &path.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::builtin()),
            Err(source) => Err(SafetyError::Read { path, source }),
        }
    }

    /// Parses and checks `yaml`; `file` names it in errors, which also give the line.
    pub fn parse(yaml: &str, file: &str) -> Result<Self, SafetyError> {
        let invalid =
            |line: usize, detail: String| SafetyError::Invalid { file: file.to_string(), line, detail };
        let raw: RawSafety = serde_yaml::from_str(yaml).map_err(|e| {
            // Errors found after parsing (a wrong type for the whole document) belong to its start.
            invalid(e.location().map_or(1, |at| at.line()), e.to_string())
        })?;
        if raw.categories.is_empty() {
            return Err(invalid(line_of(yaml, "categories", 1), "no categories".into()));
        }
        let mut seen_ids = HashMap::new();
        let mut seen_phrases: HashMap<Vec<String>, usize> = HashMap::new();
        for c in &raw.categories {
            let ok_id = !c.id.is_empty() && c.id.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_');
            if !ok_id {
                let detail = format!("category id {:?} must be lowercase letters and _", c.id);
                return Err(invalid(line_of(yaml, &c.id, 1), detail));
            }
            let n = seen_ids.entry(c.id.as_str()).and_modify(|n| *n += 1).or_insert(1);
            if *n > 1 {
                return Err(invalid(line_of(yaml, &c.id, *n), format!("category {:?} appears twice", c.id)));
            }
            if c.label.trim().is_empty() || c.phrases.is_empty() {
                let detail = format!("category {:?} needs a label and at least one phrase", c.id);
                return Err(invalid(line_of(yaml, &c.id, 1), detail));
            }
            for phrase in &c.phrases {
                let words = normalize(phrase);
                if words.is_empty() {
                    let detail = format!("category {:?} has a phrase with no words", c.id);
                    return Err(invalid(line_of(yaml, &c.id, 1), detail));
                }
                let n = *seen_phrases.entry(words.clone()).and_modify(|n| *n += 1).or_insert(1);
                if n > 1 {
                    let detail = format!("the phrase {phrase:?} is listed twice");
                    return Err(invalid(line_of_phrase(yaml, &words, n), detail));
                }
            }
        }
        if !raw.regions.contains_key("default") {
            return Err(invalid(line_of(yaml, "regions", 1), "regions must include default".into()));
        }
        for (code, r) in &raw.regions {
            let ok_code =
                code == "default" || (code.len() == 2 && code.chars().all(|c| c.is_ascii_uppercase()));
            if !ok_code {
                let detail = format!("region {code:?} must be a two-letter code such as US, or default");
                return Err(invalid(line_of(yaml, &format!("{code}:"), 1), detail));
            }
            for number in [&r.emergency, &r.crisis_line.number] {
                if !is_phone_number(number) {
                    let detail = format!("region {code}: {number:?} is not a phone number");
                    return Err(invalid(line_of(yaml, &format!("{code}:"), 1), detail));
                }
            }
            if r.crisis_line.name.trim().is_empty() {
                let detail = format!("region {code}: the crisis line needs a name");
                return Err(invalid(line_of(yaml, &format!("{code}:"), 1), detail));
            }
        }
        for (zone, code) in &raw.timezones {
            if !raw.regions.contains_key(code) {
                let detail = format!("timezone {zone} points to {code:?}, which is not a region");
                return Err(invalid(line_of(yaml, &format!("{zone}:"), 1), detail));
            }
        }
        let matcher = Matcher::new(
            raw.categories.iter().flat_map(|c| c.phrases.iter().map(|p| (c.id.clone(), p.clone()))),
        );
        Ok(SafetyConfig {
            file: file.to_string(),
            categories: raw.categories,
            regions: raw.regions,
            timezones: raw.timezones,
            matcher,
        })
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// The region for an IANA timezone: an exact entry, then the longest `Prefix/*` entry,
    /// else `default`.
    pub fn region_for_timezone(&self, timezone: &str) -> &str {
        if let Some(code) = self.timezones.get(timezone) {
            return code;
        }
        self.timezones
            .iter()
            .filter_map(|(zone, code)| zone.strip_suffix('*').map(|prefix| (prefix, code)))
            .filter(|(prefix, _)| timezone.starts_with(prefix))
            .max_by_key(|(prefix, _)| prefix.len())
            .map_or("default", |(_, code)| code.as_str())
    }
}

/// Digits, with spaces or dashes between groups.
fn is_phone_number(s: &str) -> bool {
    let s = s.trim();
    s.chars().any(|c| c.is_ascii_digit()) && s.chars().all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
}

/// The 1-based line of the `nth` line containing `needle`; line 1 if there is none.
fn line_of(yaml: &str, needle: &str, nth: usize) -> usize {
    yaml.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with('#') && l.contains(needle))
        .nth(nth.saturating_sub(1))
        .map_or(1, |(i, _)| i + 1)
}

/// The 1-based line of the `nth` list item (`- …`) whose words are `words`; line 1 if none.
fn line_of_phrase(yaml: &str, words: &[String], nth: usize) -> usize {
    yaml.lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().strip_prefix("- ").is_some_and(|item| normalize(item) == words))
        .nth(nth.saturating_sub(1))
        .map_or(1, |(i, _)| i + 1)
}
