//! Q-Regular (safety), read inversions (informative) and Q-Convergence (liveness).
//!
//! The checker follows the App's observations: when a write is acknowledged it raises the key's acknowledged
//! floor; when a read starts it remembers the floor of that moment (and the newest version any *returned* read
//! had shown, for inversions); when the read returns it compares. Work per event is a few map operations.

use super::{parse, Quorum, QuorumMsg, QuorumObs, QuorumParams, APP};
use crate::check::{Checker, Found, InvariantInfo, Liveness};
use crate::protocol::{EffectRef, NodeId};
use crate::sim::World;
use crate::time::Time;
use crate::vecmap::VecMap;
use serde_json::{json, Map, Value};

/// Most entries kept in each `app` list of the report.
const MAX_ENTRIES: usize = 10_000;

/// A version together with who produced it and when.
#[derive(Clone, Debug)]
struct Mark {
    version: u64,
    client: String,
    at: Time,
}

#[derive(Clone, Debug)]
struct OpenRead {
    started: Time,
    /// Newest version acknowledged before the read started.
    acked: Option<Mark>,
    /// Newest version returned by a read that had returned before this one started.
    seen: Option<Mark>,
}

/// Checks Q-Regular, lists read inversions and records what the report's `app` shows.
#[derive(Clone, Debug, Default)]
pub struct QuorumChecker {
    primary: Option<String>,
    acked: VecMap<String, Mark>,
    returned: VecMap<String, Mark>,
    open: VecMap<u64, OpenRead>,
    started_writes: VecMap<u64, Time>,
    /// Newest version sent in a WRITE, per key (convergence target).
    sent: VecMap<String, u64>,
    reads: Vec<ReadEntry>,
    writes: Vec<WriteEntry>,
    inversions: Vec<Value>,
}

/// A returned read, as the report lists it.
#[derive(Clone, Debug)]
struct ReadEntry {
    client: String,
    at: Time,
    value: String,
    version: u64,
}

/// A write's outcome, as the report lists it.
#[derive(Clone, Debug)]
struct WriteEntry {
    client: String,
    key: String,
    value: String,
    version: u64,
    started: Option<Time>,
    at: Time,
    ok: bool,
}

fn push_capped<T>(v: &mut Vec<T>, x: T) {
    if v.len() < MAX_ENTRIES {
        v.push(x);
    }
}

impl QuorumChecker {
    /// The key whose value and version the report shows per replica: the first key the scenario used (`r1` in the
    /// hotel example), or `r1` when there was none.
    pub fn primary_key(&self) -> &str {
        self.primary.as_deref().unwrap_or("r1")
    }

    fn note_key(&mut self, key: &str) {
        if self.primary.is_none() {
            self.primary = Some(key.to_string());
        }
    }

    /// The report's `app` object: `reads` (`{client, at, value, version}`, `at` = when the read returned; a read
    /// still waiting for `R` responses is not listed), `writes` (`{client, key, value, version, started, at, ok}`, `at` =
    /// when it was acknowledged or failed) and `readInversions` (a later read returning an older version).
    pub fn report(&self, _w: &World<'_, Quorum>) -> Map<String, Value> {
        let mut m = Map::new();
        let reads = self
            .reads
            .iter()
            .map(|r| json!({"client": r.client, "at": r.at, "value": parse(&r.value), "version": r.version}));
        let writes = self.writes.iter().map(|w| {
            json!({
                "client": w.client, "key": w.key, "value": parse(&w.value), "version": w.version,
                "started": w.started, "at": w.at, "ok": w.ok,
            })
        });
        m.insert("reads".into(), Value::Array(reads.collect()));
        m.insert("writes".into(), Value::Array(writes.collect()));
        m.insert("readInversions".into(), Value::Array(self.inversions.clone()));
        m
    }

    fn read_done(&mut self, w: &World<'_, Quorum>, op: u64, obs: &QuorumObs, out: &mut Found) {
        let QuorumObs::ReadDone { client, key, result: r, from, .. } = obs else { return };
        let now = w.now();
        let entry = ReadEntry { client: client.clone(), at: now, value: r.value.clone(), version: r.version };
        push_capped(&mut self.reads, entry);
        let Some(open) = self.open.remove(&op) else { return };
        if let Some(a) = open.acked.as_ref().filter(|a| r.version < a.version) {
            let used: Vec<&str> = from.iter().map(|&n| w.id(n)).collect();
            let mut nodes = vec![APP];
            nodes.extend(from.iter().copied());
            out.report_nodes(
                "Q-Regular",
                Some(APP),
                nodes,
                format!(
                    "{client}'s read of {key} started at t={} after v{} ({}'s write) was acknowledged at t={}, but \
                     returned v{} ({}) from {}",
                    open.started,
                    a.version,
                    a.client,
                    a.at,
                    r.version,
                    r.value,
                    used.join(", ")
                ),
            );
        }
        if let Some(s) = open.seen.as_ref().filter(|s| r.version < s.version) {
            push_capped(
                &mut self.inversions,
                json!({
                    "key": key,
                    "earlier": s.client, "earlierVersion": s.version, "earlierAt": s.at,
                    "later": client, "laterVersion": r.version, "laterStarted": open.started, "at": now,
                }),
            );
        }
        let newer = self.returned.get(key.as_str()).is_none_or(|m| r.version > m.version);
        if newer {
            self.returned.insert(key.clone(), Mark { version: r.version, client: client.clone(), at: now });
        }
    }
}

impl Checker<Quorum> for QuorumChecker {
    fn new(_w: &World<'_, Quorum>) -> Self {
        QuorumChecker::default()
    }

    fn invariants(_p: &QuorumParams) -> Vec<InvariantInfo> {
        vec![InvariantInfo {
            id: "Q-Regular",
            summary: "a read that starts after a write was acknowledged returns that version or a newer one",
        }]
    }

    fn on_effect(&mut self, w: &World<'_, Quorum>, _node: NodeId, e: &EffectRef<'_, Quorum>, out: &mut Found) {
        match e {
            EffectRef::Send { msg: QuorumMsg::Write { key, version, .. }, .. } => {
                let v = self.sent.entry(key.clone()).or_default();
                *v = (*v).max(*version);
            }
            EffectRef::Observe(o) => match o {
                QuorumObs::WriteStarted { op, key, .. } => {
                    self.note_key(key);
                    self.started_writes.insert(*op, w.now());
                }
                QuorumObs::WriteDone { op, client, key, value, version, ok } => {
                    let started = self.started_writes.remove(op);
                    push_capped(
                        &mut self.writes,
                        WriteEntry {
                            client: client.clone(),
                            key: key.clone(),
                            value: value.clone(),
                            version: *version,
                            started,
                            at: w.now(),
                            ok: *ok,
                        },
                    );
                    if *ok && self.acked.get(key).is_none_or(|m| *version > m.version) {
                        self.acked.insert(key.clone(), Mark { version: *version, client: client.clone(), at: w.now() });
                    }
                }
                QuorumObs::ReadStarted { op, key, .. } => {
                    self.note_key(key);
                    self.open.insert(
                        *op,
                        OpenRead {
                            started: w.now(),
                            acked: self.acked.get(key).cloned(),
                            seen: self.returned.get(key).cloned(),
                        },
                    );
                }
                QuorumObs::ReadDone { op, .. } => self.read_done(w, *op, o, out),
                QuorumObs::Repair { .. } | QuorumObs::Stored { .. } => {}
            },
            _ => {}
        }
    }

    fn on_crash(&mut self, _w: &World<'_, Quorum>, node: NodeId, up: bool, _out: &mut Found) {
        if node == APP && !up {
            // The App's open operations die with it: they will never return.
            self.open.clear();
            self.started_writes.clear();
        }
    }

    fn after_event(&mut self, _w: &World<'_, Quorum>, _out: &mut Found) {}

    fn liveness(&self, w: &World<'_, Quorum>) -> Vec<Liveness> {
        let p = w.params();
        let mut behind = Vec::new();
        for (key, &v) in &self.sent {
            for i in 1..w.n() {
                let held = w.durable(i).get(key, p).version;
                if held != v {
                    behind.push(format!("{} has {key} v{held} (newest v{v})", w.id(i)));
                }
            }
        }
        let holds = behind.is_empty();
        let detail = if holds {
            format!("every replica holds the newest version of all {} keys written", self.sent.len())
        } else {
            let n = behind.len();
            behind.truncate(5);
            format!("{n} stale: {}", behind.join(", "))
        };
        vec![Liveness { property: "Q-Convergence", holds, detail }]
    }
}
