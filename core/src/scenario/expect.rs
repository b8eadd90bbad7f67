//! `expect` blocks: their shape is validated with the scenario; they are matched against the report.

use super::read::{as_list, as_node, err, index, join, kind_of, Obj};
use super::ScenarioError;
use crate::protocol::Cluster;
use serde_json::{Map, Value};

/// One way the report differs from the expectation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// Where (`nodes.n1.term`).
    pub path: String,
    /// What was expected and what was found.
    pub msg: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.msg)
    }
}

pub(super) fn validate(e: &Value, c: &Cluster) -> Result<(), ScenarioError> {
    let mut o = Obj::new(e, "expect")?;
    if let Some(v) = o.opt("violations") {
        for (i, x) in as_list(v, "expect.violations", 1000)?.iter().enumerate() {
            let p = index("expect.violations", i);
            let mut vo = Obj::new(x, &p)?;
            vo.str("invariant", 40)?;
            vo.opt_u64("at", u64::MAX)?;
            vo.finish()?;
        }
    }
    if let Some(v) = o.opt("nodes") {
        let no = Obj::new(v, "expect.nodes")?;
        for k in no.keys() {
            let p = join("expect.nodes", k);
            as_node(&Value::String(k.clone()), &p, c)?;
            Obj::new(&no.map[k], &p)?;
        }
    }
    if let Some(v) = o.opt("timeline") {
        for (i, x) in as_list(v, "expect.timeline", 10_000)?.iter().enumerate() {
            let p = index("expect.timeline", i);
            let to = Obj::new(x, &p)?;
            if let Some(n) = to.map.get("node") {
                as_node(n, &join(&p, "node"), c)?;
            }
        }
    }
    if let Some(v) = o.opt("app") {
        Obj::new(v, "expect.app")?;
    }
    if let Some(v) = o.opt("liveness") {
        for (i, x) in as_list(v, "expect.liveness", 100)?.iter().enumerate() {
            let p = index("expect.liveness", i);
            let mut lo = Obj::new(x, &p)?;
            lo.str("property", 60)?;
            let hp = lo.path_of("holds");
            let h = lo.req("holds")?;
            if !h.is_boolean() {
                return Err(err(&hp, format!("expected true or false, got {}", kind_of(h))));
            }
            lo.finish()?;
        }
    }
    o.finish()
}

fn show(v: &Value) -> String {
    v.to_string()
}

/// Compares numbers by value (so `1` equals `1.0`) and everything else structurally.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn subset(expected: &Map<String, Value>, actual: &Value) -> bool {
    expected.iter().all(|(k, v)| actual.get(k).is_some_and(|a| same(v, a)))
}

/// Matches an `expect` block against a report; empty when everything matches.
pub fn match_expect(expect: &Value, report: &Value) -> Vec<Mismatch> {
    let mut out = Vec::new();
    let mut miss = |path: String, msg: String| out.push(Mismatch { path, msg });
    if let Some(Value::Array(ev)) = expect.get("violations") {
        let got: Vec<&Value> = report["violations"].as_array().map(|a| a.iter().collect()).unwrap_or_default();
        let id_of = |v: &Value| v["invariant"].as_str().unwrap_or("").to_string();
        let mut want: Vec<String> = ev.iter().map(id_of).collect();
        let mut have: Vec<String> = got.iter().map(|v| id_of(v)).collect();
        crate::sort::sort(&mut want);
        want.dedup();
        crate::sort::sort(&mut have);
        have.dedup();
        if want != have {
            let fmt = |xs: &[String]| {
                if xs.is_empty() {
                    "none".to_string()
                } else {
                    xs.join(", ")
                }
            };
            miss("violations".into(), format!("expected {}, got {}", fmt(&want), fmt(&have)));
        }
        for e in ev {
            let (Some(id), Some(at)) = (e["invariant"].as_str(), e.get("at")) else {
                continue;
            };
            if let Some(g) = got.iter().find(|g| g["invariant"] == id) {
                if !same(&g["at"], at) {
                    miss(format!("violations.{id}.at"), format!("expected {}, got {}", show(at), show(&g["at"])));
                }
            }
        }
    }
    if let Some(Value::Object(nodes)) = expect.get("nodes") {
        for (id, fields) in nodes {
            let Some(actual) = report["nodes"].get(id) else {
                miss(format!("nodes.{id}"), "no such node in the report".into());
                continue;
            };
            if let Value::Object(fields) = fields {
                for (k, v) in fields {
                    match actual.get(k) {
                        Some(a) if same(a, v) => {}
                        Some(a) => miss(format!("nodes.{id}.{k}"), format!("expected {}, got {}", show(v), show(a))),
                        None => miss(
                            format!("nodes.{id}.{k}"),
                            format!("expected {}, but the report has no such field", show(v)),
                        ),
                    }
                }
            }
        }
    }
    if let Some(Value::Array(tl)) = expect.get("timeline") {
        let entries = report["timeline"].as_array().cloned().unwrap_or_default();
        for (i, e) in tl.iter().enumerate() {
            if let Value::Object(want) = e {
                if !entries.iter().any(|a| subset(want, a)) {
                    miss(format!("timeline[{i}]"), format!("no timeline entry matches {}", show(e)));
                }
            }
        }
    }
    if let Some(Value::Object(app)) = expect.get("app") {
        for (k, v) in app {
            match report["app"].get(k) {
                Some(a) if same(a, v) => {}
                Some(a) => miss(format!("app.{k}"), format!("expected {}, got {}", show(v), show(a))),
                None => miss(format!("app.{k}"), format!("expected {}, but the report has no such field", show(v))),
            }
        }
    }
    if let Some(Value::Array(lv)) = expect.get("liveness") {
        let got = report["liveness"].as_array().cloned().unwrap_or_default();
        for e in lv {
            let prop = e["property"].as_str().unwrap_or("");
            match got.iter().find(|g| g["property"] == prop) {
                Some(g) if g["holds"] == e["holds"] => {}
                Some(g) => miss(
                    format!("liveness.{prop}"),
                    format!(
                        "expected holds={}, got holds={} ({})",
                        e["holds"],
                        g["holds"],
                        g["detail"].as_str().unwrap_or("")
                    ),
                ),
                None => miss(format!("liveness.{prop}"), "the report does not evaluate this property".into()),
            }
        }
    }
    out
}
