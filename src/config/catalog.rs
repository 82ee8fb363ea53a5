//! The intent catalogue (`config/intents.yaml`): turned into Deepgram function definitions, and
//! used to check the arguments the LLM sends before anything runs.

use super::intent_kind::IntentKind;
use super::ConfigError;
use serde::Deserialize;
use serde_json::{json, Map, Value};

pub const DEFAULT_CATALOGUE: &str = include_str!("../../config/intents.yaml");

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ParamType {
    String,
    Integer,
}

/// Unknown keys are refused: a key this type does not know would otherwise vanish on the way to
/// the LLM without a word.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamSpec {
    #[serde(rename = "type")]
    pub kind: ParamType,
    pub description: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub minimum: Option<i64>,
    #[serde(default)]
    pub maximum: Option<i64>,
    /// A JSON Schema `format` (`date-time`, `date`), passed on so the LLM writes the value in it.
    #[serde(default)]
    pub format: Option<String>,
}

#[derive(Debug, Clone)]
pub struct IntentSpec {
    pub name: String,
    /// Which handler runs it, parsed from `name`.
    pub kind: IntentKind,
    pub description: String,
    pub mutating: bool,
    /// In catalogue order, which is the order the LLM sees them.
    pub params: Vec<(String, ParamSpec)>,
}

/// The catalogue's intents are offered to the language model as these function definitions.
pub use crate::voice::FunctionDef;

#[derive(Debug, Clone)]
pub struct Catalog {
    pub intents: Vec<IntentSpec>,
}

#[derive(Deserialize)]
struct RawCatalog {
    intents: Vec<RawIntent>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIntent {
    name: String,
    description: String,
    #[serde(default)]
    mutating: bool,
    #[serde(default)]
    parameters: serde_yaml::Mapping,
}

impl Catalog {
    pub fn parse(yaml: &str) -> Result<Self, ConfigError> {
        let raw: RawCatalog =
            serde_yaml::from_str(yaml).map_err(|e| ConfigError::Catalog(super::yaml_error(&e)))?;
        let mut intents = Vec::with_capacity(raw.intents.len());
        for r in raw.intents {
            let kind = r.name.parse::<IntentKind>().map_err(|e| {
                let known: Vec<&str> = IntentKind::ALL.iter().map(|k| k.name()).collect();
                ConfigError::Catalog(format!("{e}; the app runs {}", known.join(", ")))
            })?;
            let mut params = Vec::with_capacity(r.parameters.len());
            for (k, v) in r.parameters {
                let name = k
                    .as_str()
                    .ok_or_else(|| {
                        ConfigError::Catalog(format!("{}: parameter names must be strings", r.name))
                    })?
                    .to_string();
                let spec: ParamSpec = serde_yaml::from_value(v)
                    .map_err(|e| ConfigError::Catalog(format!("{}.{name}: {e}", r.name)))?;
                params.push((name, spec));
            }
            intents.push(IntentSpec {
                name: r.name,
                kind,
                description: r.description,
                mutating: r.mutating,
                params,
            });
        }
        Ok(Catalog { intents })
    }

    pub fn builtin() -> Self {
        // Covered by a unit test; the file is compiled in.
        Catalog::parse(DEFAULT_CATALOGUE).expect("config/intents.yaml is valid")
    }

    pub fn get(&self, name: &str) -> Option<&IntentSpec> {
        self.intents.iter().find(|i| i.name == name)
    }

    pub fn function_defs(&self) -> Vec<FunctionDef> {
        self.intents.iter().map(IntentSpec::function_def).collect()
    }
}

impl IntentSpec {
    pub fn function_def(&self) -> FunctionDef {
        let mut properties = Map::new();
        let mut required = Vec::new();
        for (name, p) in &self.params {
            let mut prop = json!({
                "type": match p.kind { ParamType::String => "string", ParamType::Integer => "integer" },
                "description": p.description,
            });
            if let Some(min) = p.minimum {
                prop["minimum"] = json!(min);
            }
            if let Some(max) = p.maximum {
                prop["maximum"] = json!(max);
            }
            if let Some(format) = &p.format {
                prop["format"] = json!(format);
            }
            properties.insert(name.clone(), prop);
            if p.required {
                required.push(Value::from(name.as_str()));
            }
        }
        let mut parameters = json!({ "type": "object", "properties": properties });
        // An empty `required` array is exactly the kind of empty field the agent API rejects.
        if !required.is_empty() {
            parameters["required"] = Value::Array(required);
        }
        FunctionDef {
            name: self.name.clone(),
            description: self.description.clone(),
            parameters,
            defer_until_eot: self.mutating.then_some(true),
        }
    }

    /// Checks arguments against the schema. Returns them with `null`s dropped, strings trimmed
    /// and integers given as text ("30") made numbers, or a sentence the agent can say.
    pub fn check_args(&self, args: &Value) -> Result<Map<String, Value>, String> {
        let obj = match args {
            Value::Object(m) => m,
            Value::Null => &Map::new(),
            _ => return Err(format!("{} needs its arguments as an object.", self.name)),
        };
        if let Some(unknown) = obj.keys().find(|k| !self.params.iter().any(|(n, _)| n == *k)) {
            let known: Vec<&str> = self.params.iter().map(|(n, _)| n.as_str()).collect();
            return Err(format!("{} has no argument '{unknown}'; it takes {}.", self.name, known.join(", ")));
        }
        let mut out = Map::new();
        for (name, spec) in &self.params {
            let value = match obj.get(name) {
                None | Some(Value::Null) => None,
                Some(v) => Some(coerce(name, spec, v)?),
            };
            match value {
                Some(v) => {
                    out.insert(name.clone(), v);
                }
                None if spec.required => return Err(format!("{} needs '{name}'.", self.name)),
                None => {}
            }
        }
        Ok(out)
    }
}

fn coerce(name: &str, spec: &ParamSpec, v: &Value) -> Result<Value, String> {
    match spec.kind {
        ParamType::String => match v {
            Value::String(s) if !s.trim().is_empty() => Ok(Value::from(s.trim())),
            Value::String(_) => Err(format!("'{name}' must not be empty.")),
            Value::Number(n) => Ok(Value::from(n.to_string())),
            _ => Err(format!("'{name}' must be text.")),
        },
        ParamType::Integer => {
            let n = match v {
                Value::Number(n) => {
                    n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
                }
                Value::String(s) => s.trim().parse::<i64>().ok(),
                _ => None,
            }
            .ok_or_else(|| format!("'{name}' must be a whole number."))?;
            if spec.minimum.is_some_and(|min| n < min) || spec.maximum.is_some_and(|max| n > max) {
                return Err(format!(
                    "'{name}' must be between {} and {}.",
                    spec.minimum.unwrap_or(i64::MIN),
                    spec.maximum.unwrap_or(i64::MAX)
                ));
            }
            Ok(Value::from(n))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalogue_has_the_five_intents_with_their_parameters() {
        let c = Catalog::builtin();
        let names: Vec<_> = c.intents.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(
            names,
            ["submit_goal_intent", "create_task", "reschedule_task", "list_tasks", "complete_task"]
        );
        let defs = c.function_defs();
        let goal = &defs[0];
        assert_eq!(goal.parameters["required"], json!(["goal_statement", "timeline"]));
        assert_eq!(goal.defer_until_eot, Some(true));
        let list = &defs[3];
        assert_eq!(list.defer_until_eot, None);
        assert!(list.parameters.get("required").is_none(), "no empty required array");
        let text = serde_json::to_string(&defs).unwrap();
        assert!(!text.contains("null") && !text.contains("{}") && !text.contains("[]"), "{text}");
    }

    #[test]
    fn formats_reach_the_function_definitions() {
        let defs = Catalog::builtin().function_defs();
        let props = |i: usize| defs[i].parameters["properties"].clone();
        assert_eq!(props(1)["scheduled_at"]["format"], "date-time");
        assert_eq!(props(2)["new_time"]["format"], "date-time");
        assert_eq!(props(3)["day"]["format"], "date");
        assert!(props(1)["title"].get("format").is_none(), "no format where the catalogue gives none");
        let typo = "intents:\n  - name: list_tasks\n    description: d\n    parameters:\n      a:\n        type: string\n        description: d\n        fromat: date\n";
        let err = Catalog::parse(typo).unwrap_err().to_string();
        assert!(err.contains("list_tasks.a") && err.contains("fromat"), "{err}");
    }

    #[test]
    fn an_entry_without_a_handler_is_refused_when_read() {
        let unknown = "intents:\n  - name: order_pizza\n    description: d\n";
        let err = Catalog::parse(unknown).unwrap_err().to_string();
        assert!(err.contains("order_pizza") && err.contains("create_task"), "{err}");
        assert!(Catalog::builtin().intents.iter().all(|i| i.kind.name() == i.name));
    }

    #[test]
    fn argument_checks() {
        let c = Catalog::builtin();
        let create = c.get("create_task").unwrap();
        let ok = create
            .check_args(&json!({"title": " Gym ", "scheduled_at": "2026-11-24T07:00:00", "duration_minutes": "45", "notes": null}))
            .unwrap();
        assert_eq!(ok["title"], "Gym");
        assert_eq!(ok["duration_minutes"], 45);
        assert!(!ok.contains_key("notes"));
        assert!(create.check_args(&json!({"title": "Gym"})).unwrap_err().contains("scheduled_at"));
        assert!(create.check_args(&json!({"title": "", "scheduled_at": "x"})).unwrap_err().contains("empty"));
        assert!(create
            .check_args(&json!({"title": "a", "scheduled_at": "x", "duration_minutes": 0}))
            .unwrap_err()
            .contains("between 1 and 1440"));
        assert!(create
            .check_args(&json!({"title": "a", "scheduled_at": "x", "when": 1}))
            .unwrap_err()
            .contains("'when'"));
        assert!(create.check_args(&json!([1])).unwrap_err().contains("object"));
        assert!(create
            .check_args(&json!({"title": {"a": 1}, "scheduled_at": "x"}))
            .unwrap_err()
            .contains("text"));
    }
}
