//! The intent catalogue (`config/intents.yaml`): turned into Deepgram function definitions, and
//! used to check the arguments the LLM sends before anything runs.

use super::intent_kind::IntentKind;
use super::ConfigError;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

pub const DEFAULT_CATALOGUE: &str = include_str!("../../config/intents.yaml");

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ParamType {
    String,
    Integer,
    /// A list of objects whose fields are given by `items`.
    Array,
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
    /// For an array: the fields of each of its objects (strings and integers), by name.
    #[serde(default)]
    pub items: Option<BTreeMap<String, ParamSpec>>,
    /// For an array: how many objects it holds at least and at most.
    #[serde(default)]
    pub min_items: Option<usize>,
    #[serde(default)]
    pub max_items: Option<usize>,
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
                check_shape(&spec).map_err(|e| ConfigError::Catalog(format!("{}.{name}: {e}", r.name)))?;
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
            properties.insert(name.clone(), schema_of(p));
            if p.required {
                required.push(Value::from(name.as_str()));
            }
        }
        let parameters = object_schema(properties, required);
        FunctionDef {
            name: self.name.clone(),
            description: self.description.clone(),
            parameters,
            defer_until_eot: self.mutating.then_some(true),
        }
    }
}

/// What the schema can say: an array lists the fields of its objects (strings and integers, one
/// level deep); item counts and fields belong to arrays only.
fn check_shape(p: &ParamSpec) -> Result<(), String> {
    match (p.kind, &p.items) {
        (ParamType::Array, None) => Err("an array needs `items`, the fields of its objects".into()),
        (ParamType::Array, Some(fields)) => match fields.iter().find(|(_, f)| f.kind == ParamType::Array) {
            Some((n, _)) => Err(format!("item field {n}: arrays inside arrays are not supported")),
            None => fields.values().try_for_each(check_shape),
        },
        (_, Some(_)) => Err("`items` belongs to arrays only".into()),
        _ if p.min_items.is_some() || p.max_items.is_some() => {
            Err("`min_items` and `max_items` belong to arrays only".into())
        }
        _ => Ok(()),
    }
}

fn object_schema(properties: Map<String, Value>, required: Vec<Value>) -> Value {
    let mut schema = json!({ "type": "object", "properties": properties });
    // An empty `required` array is exactly the kind of empty field the agent API rejects.
    if !required.is_empty() {
        schema["required"] = Value::Array(required);
    }
    schema
}

fn schema_of(p: &ParamSpec) -> Value {
    let kind = match p.kind {
        ParamType::String => "string",
        ParamType::Integer => "integer",
        ParamType::Array => "array",
    };
    let mut prop = json!({ "type": kind, "description": p.description });
    if let Some(min) = p.minimum {
        prop["minimum"] = json!(min);
    }
    if let Some(max) = p.maximum {
        prop["maximum"] = json!(max);
    }
    if let Some(format) = &p.format {
        prop["format"] = json!(format);
    }
    if let Some(fields) = &p.items {
        let properties = fields.iter().map(|(n, f)| (n.clone(), schema_of(f))).collect();
        let required =
            fields.iter().filter(|(_, f)| f.required).map(|(n, _)| Value::from(n.as_str())).collect();
        prop["items"] = object_schema(properties, required);
    }
    if let Some(n) = p.min_items {
        prop["minItems"] = json!(n);
    }
    if let Some(n) = p.max_items {
        prop["maxItems"] = json!(n);
    }
    prop
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalogue_has_the_six_intents_with_their_parameters() {
        let c = Catalog::builtin();
        let names: Vec<_> = c.intents.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "submit_goal_intent",
                "create_task",
                "reschedule_task",
                "list_tasks",
                "complete_task",
                "plan_goal"
            ]
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
    fn an_array_of_objects_becomes_its_json_schema() {
        let defs = Catalog::builtin().function_defs();
        let plan = &defs[5].parameters;
        assert_eq!(plan["required"], json!(["goal", "milestones"]));
        let m = &plan["properties"]["milestones"];
        assert_eq!(
            (m["type"].clone(), m["minItems"].clone(), m["maxItems"].clone()),
            (json!("array"), json!(2), json!(12))
        );
        assert_eq!(m["items"]["type"], "object");
        assert_eq!(m["items"]["required"], json!(["title", "week"]));
        assert_eq!(m["items"]["properties"]["week"]["maximum"], 52);
    }

    #[test]
    fn array_shapes_the_app_cannot_check_are_refused_when_read() {
        let head = "intents:\n  - name: plan_goal\n    description: d\n    parameters:\n      m:\n";
        for (body, says) in [
            ("        type: array\n        description: d\n", "needs `items`"),
            ("        type: string\n        description: d\n        min_items: 2\n", "arrays only"),
            (
                "        type: string\n        description: d\n        items:\n          a:\n            type: string\n            description: d\n",
                "arrays only",
            ),
            (
                "        type: array\n        description: d\n        items:\n          a:\n            type: array\n            description: d\n",
                "arrays inside arrays",
            ),
        ] {
            let err = Catalog::parse(&format!("{head}{body}")).unwrap_err().to_string();
            assert!(err.contains("plan_goal.m") && err.contains(says), "{err}");
        }
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
}
