//! A small reader over `serde_json::Value` that names the JSON path in every error and rejects unknown fields.
//!
//! serde's derive cannot do both (`deny_unknown_fields` does not combine with flattening, and its errors carry
//! line/column, not paths), and the format doc promises errors like `schedule[3].partition: unknown node "n9"`.

use super::ScenarioError;
use crate::protocol::{Cluster, NodeId};
use crate::vecmap::VecSet;
use serde_json::{Map, Value};

/// Builds an error at `path`.
pub fn err(path: &str, msg: impl Into<String>) -> ScenarioError {
    ScenarioError { path: path.to_string(), msg: msg.into() }
}

/// `path.key`, or `key` at the root.
pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// `path[i]`.
pub fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

/// Describes a JSON value's type for error messages.
pub fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// An object being read; every key must be consumed or [`Obj::finish`] reports it as unknown.
pub struct Obj<'a> {
    pub(crate) path: String,
    pub(crate) map: &'a Map<String, Value>,
    used: VecSet<&'a str>,
}

impl<'a> Obj<'a> {
    /// Reads `v` as an object.
    pub fn new(v: &'a Value, path: &str) -> Result<Self, ScenarioError> {
        match v {
            Value::Object(map) => Ok(Obj { path: path.to_string(), map, used: VecSet::new() }),
            other => Err(err(path, format!("expected an object, got {}", kind_of(other)))),
        }
    }

    /// Wraps an object map.
    pub fn from_map(map: &'a Map<String, Value>, path: &str) -> Self {
        Obj { path: path.to_string(), map, used: VecSet::new() }
    }

    /// The path of a key of this object.
    pub fn path_of(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// The value of an optional key (null counts as present).
    pub fn opt(&mut self, key: &str) -> Option<&'a Value> {
        let (k, v) = self.map.get_key_value(key)?;
        self.used.insert(k.as_str());
        Some(v)
    }

    /// The value of a required key.
    pub fn req(&mut self, key: &str) -> Result<&'a Value, ScenarioError> {
        self.opt(key).ok_or_else(|| err(&self.path_of(key), "is required"))
    }

    /// The keys of the object.
    pub fn keys(&self) -> impl Iterator<Item = &'a String> {
        self.map.keys()
    }

    /// Fails on the first key that was not read.
    pub fn finish(self) -> Result<(), ScenarioError> {
        for k in self.map.keys() {
            if !self.used.contains(k.as_str()) {
                return Err(err(&join(&self.path, k), "unknown field"));
            }
        }
        Ok(())
    }

    /// Required unsigned integer no larger than `max`.
    pub fn u64(&mut self, key: &str, max: u64) -> Result<u64, ScenarioError> {
        let p = self.path_of(key);
        as_u64(self.req(key)?, &p, max)
    }

    /// Optional unsigned integer no larger than `max`.
    pub fn opt_u64(&mut self, key: &str, max: u64) -> Result<Option<u64>, ScenarioError> {
        let p = self.path_of(key);
        self.opt(key).map(|v| as_u64(v, &p, max)).transpose()
    }

    /// Required signed integer within `±limit`.
    pub fn i64(&mut self, key: &str, limit: i64) -> Result<i64, ScenarioError> {
        let p = self.path_of(key);
        as_i64(self.req(key)?, &p, limit)
    }

    /// Optional signed integer within `±limit`.
    pub fn opt_i64(&mut self, key: &str, limit: i64) -> Result<Option<i64>, ScenarioError> {
        let p = self.path_of(key);
        self.opt(key).map(|v| as_i64(v, &p, limit)).transpose()
    }

    /// Required string of 1..=`max` characters.
    pub fn str(&mut self, key: &str, max: usize) -> Result<&'a str, ScenarioError> {
        let p = self.path_of(key);
        as_str(self.req(key)?, &p, max)
    }

    /// Optional string of 1..=`max` characters.
    pub fn opt_str(&mut self, key: &str, max: usize) -> Result<Option<&'a str>, ScenarioError> {
        let p = self.path_of(key);
        self.opt(key).map(|v| as_str(v, &p, max)).transpose()
    }

    /// Optional free text of at most `max` characters, where an empty string means none.
    pub fn opt_text(&mut self, key: &str, max: usize) -> Result<Option<&'a str>, ScenarioError> {
        let p = self.path_of(key);
        match self.opt(key) {
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(v) => as_str(v, &p, max).map(Some),
            None => Ok(None),
        }
    }

    /// Required node id of the cluster.
    pub fn node(&mut self, key: &str, c: &Cluster) -> Result<NodeId, ScenarioError> {
        let p = self.path_of(key);
        as_node(self.req(key)?, &p, c)
    }

    /// Optional probability in [0, 1].
    pub fn opt_prob(&mut self, key: &str) -> Result<Option<f64>, ScenarioError> {
        let p = self.path_of(key);
        self.opt(key).map(|v| as_prob(v, &p)).transpose()
    }
}

/// Unsigned integer no larger than `max`.
pub fn as_u64(v: &Value, path: &str, max: u64) -> Result<u64, ScenarioError> {
    match v {
        Value::Number(n) => match n.as_u64() {
            Some(x) if x <= max => Ok(x),
            Some(x) => Err(err(path, format!("{x} is out of range (at most {max})"))),
            None if n.as_i64().is_some() => Err(err(path, format!("must not be negative, got {n}"))),
            None => Err(err(path, format!("expected a whole number, got {n}"))),
        },
        other => Err(err(path, format!("expected a whole number, got {}", kind_of(other)))),
    }
}

/// Signed integer within `±limit`.
pub fn as_i64(v: &Value, path: &str, limit: i64) -> Result<i64, ScenarioError> {
    match v {
        Value::Number(n) => match n.as_i64() {
            // `unsigned_abs`: `abs` of i64::MIN overflows (and would wrap to a negative that passes).
            Some(x) if x.unsigned_abs() <= limit.unsigned_abs() => Ok(x),
            Some(x) => Err(err(path, format!("{x} is out of range (±{limit})"))),
            None => Err(err(path, format!("expected a whole number within ±{limit}, got {n}"))),
        },
        other => Err(err(path, format!("expected a whole number, got {}", kind_of(other)))),
    }
}

/// String of 1..=`max` characters.
pub fn as_str<'a>(v: &'a Value, path: &str, max: usize) -> Result<&'a str, ScenarioError> {
    match v {
        Value::String(s) if s.is_empty() => Err(err(path, "must not be empty")),
        Value::String(s) if s.chars().count() > max => Err(err(path, format!("is longer than {max} characters"))),
        Value::String(s) => Ok(s),
        other => Err(err(path, format!("expected a string, got {}", kind_of(other)))),
    }
}

/// Boolean.
pub fn as_bool(v: &Value, path: &str) -> Result<bool, ScenarioError> {
    v.as_bool().ok_or_else(|| err(path, format!("expected true or false, got {}", kind_of(v))))
}

/// Probability in [0, 1].
pub fn as_prob(v: &Value, path: &str) -> Result<f64, ScenarioError> {
    match v.as_f64() {
        Some(p) if (0.0..=1.0).contains(&p) => Ok(p),
        Some(p) => Err(err(path, format!("{p} is not a probability between 0 and 1"))),
        None => Err(err(path, format!("expected a probability between 0 and 1, got {}", kind_of(v)))),
    }
}

/// A node id of the cluster.
pub fn as_node(v: &Value, path: &str, c: &Cluster) -> Result<NodeId, ScenarioError> {
    match v {
        Value::String(s) => c.index(s).ok_or_else(|| err(path, format!("unknown node {s:?}"))),
        other => Err(err(path, format!("expected a node id, got {}", kind_of(other)))),
    }
}

/// A list.
pub fn as_list<'a>(v: &'a Value, path: &str, max: usize) -> Result<&'a Vec<Value>, ScenarioError> {
    match v {
        Value::Array(a) if a.len() > max => Err(err(path, format!("has {} entries, at most {max} allowed", a.len()))),
        Value::Array(a) => Ok(a),
        other => Err(err(path, format!("expected a list, got {}", kind_of(other)))),
    }
}

/// One node id or a list of them.
pub fn as_nodes(v: &Value, path: &str, c: &Cluster) -> Result<Vec<NodeId>, ScenarioError> {
    match v {
        Value::Array(a) => {
            if a.is_empty() {
                return Err(err(path, "must name at least one node"));
            }
            a.iter().enumerate().map(|(i, x)| as_node(x, &index(path, i), c)).collect()
        }
        other => Ok(vec![as_node(other, path, c)?]),
    }
}

/// One string or a list of them.
pub fn as_strs(v: &Value, path: &str, max: usize) -> Result<Vec<String>, ScenarioError> {
    match v {
        Value::Array(a) => {
            if a.is_empty() {
                return Err(err(path, "must not be an empty list"));
            }
            a.iter().enumerate().map(|(i, x)| as_str(x, &index(path, i), max).map(str::to_string)).collect()
        }
        other => Ok(vec![as_str(other, path, max)?.to_string()]),
    }
}
