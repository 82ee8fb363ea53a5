//! Checking the arguments the language model sends against an intent's parameters, before
//! anything runs: what is wrong comes back as a sentence the agent can say.

use super::catalog::{IntentSpec, ParamSpec, ParamType};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

impl IntentSpec {
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

/// Each object of an array argument, checked field by field like the arguments themselves.
fn coerce_items(name: &str, spec: &ParamSpec, v: &Value) -> Result<Value, String> {
    let Value::Array(items) = v else { return Err(format!("'{name}' must be a list.")) };
    let (min, max) = (spec.min_items.unwrap_or(0), spec.max_items.unwrap_or(usize::MAX));
    if items.len() < min || items.len() > max {
        return Err(format!("'{name}' must hold between {min} and {max} items, not {}.", items.len()));
    }
    let empty = BTreeMap::new();
    let fields = spec.items.as_ref().unwrap_or(&empty);
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Value::Object(obj) = item else {
            return Err(format!("each of '{name}' must be an object; item {} is not.", i + 1));
        };
        if let Some(unknown) = obj.keys().find(|k| !fields.contains_key(*k)) {
            let known: Vec<&str> = fields.keys().map(String::as_str).collect();
            return Err(format!("'{name}' items have no field '{unknown}'; they take {}.", known.join(", ")));
        }
        let mut checked = Map::new();
        for (field, f) in fields {
            match obj.get(field) {
                None | Some(Value::Null) if f.required => {
                    return Err(format!("item {} of '{name}' needs '{field}'.", i + 1));
                }
                None | Some(Value::Null) => {}
                Some(v) => {
                    checked.insert(field.clone(), coerce(field, f, v)?);
                }
            }
        }
        out.push(Value::Object(checked));
    }
    Ok(Value::Array(out))
}

fn coerce(name: &str, spec: &ParamSpec, v: &Value) -> Result<Value, String> {
    match spec.kind {
        ParamType::Array => coerce_items(name, spec, v),
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
    use super::super::catalog::Catalog;
    use serde_json::json;

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
