//! Reading a protocol's `params` object: defaults, `null` as infinity, and per-node overrides.

use super::read::{as_bool, as_node, as_u64, err, kind_of, Obj};
use super::ScenarioError;
use crate::protocol::{Cluster, NodeId};
use serde_json::Value;

/// Longest duration a parameter may have (one day); `null` means infinity.
pub const MAX_DURATION: u64 = 86_400_000;

/// Reads the `params` object; every key must be consumed by the kernel or the protocol.
pub struct ParamReader<'a> {
    pub(crate) obj: Obj<'a>,
    /// The cluster, for per-node values.
    pub cluster: &'a Cluster,
    /// The scenario's protocol (what the type-erased kernel reads the parameters for).
    pub(crate) protocol: &'a str,
}

impl<'a> ParamReader<'a> {
    /// Path of a parameter, for errors.
    pub fn path(&self, key: &str) -> String {
        self.obj.path_of(key)
    }

    /// The raw value of a parameter.
    pub fn raw(&mut self, key: &str) -> Option<&'a Value> {
        self.obj.opt(key)
    }

    /// A whole number with a default.
    pub fn u64(&mut self, key: &str, default: u64, max: u64) -> Result<u64, ScenarioError> {
        let p = self.path(key);
        match self.obj.opt(key) {
            None => Ok(default),
            Some(v) => as_u64(v, &p, max),
        }
    }

    /// A duration in ms with a default; `null` means infinity (`None`).
    pub fn duration(&mut self, key: &str, default: Option<u64>) -> Result<Option<u64>, ScenarioError> {
        let p = self.path(key);
        match self.obj.opt(key) {
            None => Ok(default),
            Some(Value::Null) => Ok(None),
            Some(v) => as_u64(v, &p, MAX_DURATION).map(Some),
        }
    }

    /// A boolean with a default.
    pub fn bool(&mut self, key: &str, default: bool) -> Result<bool, ScenarioError> {
        let p = self.path(key);
        self.obj.opt(key).map_or(Ok(default), |v| as_bool(v, &p))
    }

    /// One of the given strings, with a default.
    pub fn choice(
        &mut self,
        key: &str,
        options: &[&'static str],
        default: &'static str,
    ) -> Result<&'static str, ScenarioError> {
        let p = self.path(key);
        match self.obj.opt(key) {
            None => Ok(default),
            Some(Value::String(s)) => options
                .iter()
                .copied()
                .find(|o| o == s)
                .ok_or_else(|| err(&p, format!("{s:?} is not one of {}", options.join(", ")))),
            Some(v) => Err(err(&p, format!("expected one of {}, got {}", options.join(", "), kind_of(v)))),
        }
    }

    /// A value that may be given once for every node or per node as `{ "<id>": value }` (nodes not listed keep
    /// the default). Returns one value per node.
    pub fn per_node<T: Clone>(
        &mut self,
        key: &str,
        default: T,
        mut one: impl FnMut(&Value, &str) -> Result<T, ScenarioError>,
    ) -> Result<Vec<T>, ScenarioError> {
        let p = self.path(key);
        let n = self.cluster.len();
        match self.obj.opt(key) {
            None => Ok(vec![default; n]),
            Some(Value::Object(m)) => {
                let mut out = vec![default; n];
                for (id, v) in m {
                    let sub = format!("{p}.{id}");
                    let node: NodeId = as_node(&Value::String(id.clone()), &sub, self.cluster)?;
                    out[node] = one(v, &sub)?;
                }
                Ok(out)
            }
            Some(v) => Ok(vec![one(v, &p)?; n]),
        }
    }

    /// A boolean toggle, global or per node.
    pub fn bool_per_node(&mut self, key: &str, default: bool) -> Result<Vec<bool>, ScenarioError> {
        self.per_node(key, default, as_bool)
    }
}
