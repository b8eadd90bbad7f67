//! The LWW checker: LWW-CausalLoss against per-client vector clocks, LWW-Convergence at the end.

use super::{Cell, Lww, LwwObs, LwwParams, Ts, Wid};
use crate::check::{Checker, Found, InvariantInfo, Liveness};
use crate::protocol::{EffectRef, NodeId};
use crate::sim::World;
use crate::time::Time;
use crate::vecmap::{VecMap, VecSet};
use serde_json::{json, Map, Value};

/// Most acknowledgements and reads listed in the report (the counts are exact).
const MAX_LISTED: usize = 10_000;

/// A write as the omniscient observer knows it.
#[derive(Clone, Debug)]
struct WriteInfo {
    client: usize,
    /// The client's vector when it wrote, with the write's own tick: every write it had seen, and itself.
    v: Vec<u32>,
}

/// An acknowledged write, as listed in `app.acks` and `app.writes`.
#[derive(Clone, Debug)]
struct AckRec {
    client: String,
    node: NodeId,
    at: Time,
    key: String,
    cell: Cell,
    discarded: bool,
}

/// A read, as listed in `app.reads`.
#[derive(Clone, Debug)]
struct ReadRec {
    client: String,
    node: NodeId,
    at: Time,
    key: String,
    cell: Option<Cell>,
}

/// `a → b` for vectors that may differ in length (missing components are 0).
fn happened_before(a: &[u32], b: &[u32]) -> bool {
    let n = a.len().max(b.len());
    let get = |v: &[u32], i: usize| v.get(i).copied().unwrap_or(0);
    (0..n).all(|i| get(a, i) <= get(b, i)) && (0..n).any(|i| get(a, i) < get(b, i))
}

/// Checks LWW-CausalLoss; evaluates LWW-Convergence; keeps the acknowledgements and reads for the report.
#[derive(Clone, Debug, Default)]
pub struct LwwChecker {
    client_idx: VecMap<String, usize>,
    client_names: Vec<String>,
    /// Per client: how many writes of each client it has seen (its own included).
    cvec: Vec<Vec<u32>>,
    /// Per client: the largest timestamp it was told.
    client_max: Vec<Option<Ts>>,
    writes: VecMap<Wid, WriteInfo>,
    acks: Vec<AckRec>,
    ack_count: u64,
    reads: Vec<ReadRec>,
    read_count: u64,
    keys: VecSet<String>,
    main: String,
    losses: u64,
}

impl LwwChecker {
    /// The key whose register the report's `value`/`ts` show: the smallest key used (`x` when none was).
    pub fn main_key(&self) -> &str {
        if self.main.is_empty() {
            "x"
        } else {
            &self.main
        }
    }

    /// How many times a replica kept a write over a causally later one.
    pub fn losses(&self) -> u64 {
        self.losses
    }

    fn client(&mut self, name: &str) -> usize {
        if let Some(&i) = self.client_idx.get(name) {
            return i;
        }
        let i = self.client_names.len();
        self.client_idx.insert(name.to_string(), i);
        self.client_names.push(name.to_string());
        self.cvec.push(Vec::new());
        self.client_max.push(None);
        i
    }

    fn key(&mut self, k: &str) {
        if !self.keys.contains(k) {
            self.keys.insert(k.to_string());
            if self.main.is_empty() || k < self.main.as_str() {
                self.main = k.to_string();
            }
        }
    }

    fn tell(&mut self, c: usize, ts: Ts) {
        self.client_max[c] = Some(self.client_max[c].map_or(ts, |m| m.max(ts)));
    }

    fn describe(&self, p: &LwwParams, key: &str, c: &Cell) -> String {
        let who = self.writes.get(&c.wid).map_or("?", |w| self.client_names[w.client].as_str());
        format!("{who}'s {key}={} {}", c.value, c.ts.show(p))
    }

    /// A replica kept `winner` and dropped `loser` (discarded it, or overwrote it): a violation if the winner
    /// happened before the loser.
    fn judge(&mut self, w: &World<'_, Lww>, node: NodeId, key: &str, winner: &Cell, loser: &Cell, out: &mut Found) {
        if winner.wid == loser.wid {
            return; // the same write again (a duplicate REPL)
        }
        let (Some(a), Some(b)) = (self.writes.get(&winner.wid), self.writes.get(&loser.wid)) else { return };
        if !happened_before(&a.v, &b.v) {
            return; // concurrent: LWW's documented data loss, not a violation
        }
        self.losses += 1;
        let p = w.params();
        let later_client = &self.client_names[b.client];
        out.report(
            "LWW-CausalLoss",
            Some(node),
            format!(
                "{} kept {} over {}, although {later_client} had seen it before writing: a causally later write is lost",
                w.id(node),
                self.describe(p, key, winner),
                self.describe(p, key, loser),
            ),
        );
    }

    /// The report's `app`: `acks`, `reads`, and what each client remembers (`clients`).
    pub fn report_app(&self, w: &World<'_, Lww>) -> Map<String, Value> {
        let p = w.params();
        // `acks` has exactly the fields of the format doc; `writes` lists the same writes with their key,
        // timestamp and whether the accepting replica discarded them ("acknowledged but discarded").
        let acks = self
            .acks
            .iter()
            .map(|a| json!({ "client": a.client, "node": w.id(a.node), "at": a.at, "value": a.cell.json_value() }))
            .collect();
        let writes = self
            .acks
            .iter()
            .map(|a| {
                json!({
                    "client": a.client, "node": w.id(a.node), "at": a.at, "value": a.cell.json_value(),
                    "key": a.key, "ts": a.cell.ts.to_json(p), "discarded": a.discarded,
                })
            })
            .collect();
        let reads = self
            .reads
            .iter()
            .map(|r| {
                let (value, ts) = match &r.cell {
                    Some(c) => (c.json_value(), c.ts.to_json(p)),
                    None => (Value::Null, json!([0, null])),
                };
                json!({ "client": r.client, "node": w.id(r.node), "at": r.at, "key": r.key, "value": value, "ts": ts })
            })
            .collect();
        let clients: Map<String, Value> = self
            .client_names
            .iter()
            .enumerate()
            .map(|(i, name)| (name.clone(), json!({ "maxTs": self.client_max[i].map(|t| t.to_json(p)) })))
            .collect();
        let mut m = Map::new();
        m.insert("acks".into(), Value::Array(acks));
        m.insert("writes".into(), Value::Array(writes));
        m.insert("ackCount".into(), json!(self.ack_count));
        m.insert("reads".into(), Value::Array(reads));
        m.insert("readCount".into(), json!(self.read_count));
        m.insert("clients".into(), Value::Object(clients));
        m.insert("causalLosses".into(), json!(self.losses));
        m
    }
}

impl Checker<Lww> for LwwChecker {
    fn new(_w: &World<'_, Lww>) -> Self {
        LwwChecker::default()
    }

    fn invariants(_p: &LwwParams) -> Vec<InvariantInfo> {
        vec![InvariantInfo {
            id: "LWW-CausalLoss",
            summary: "no replica keeps a write over a causally later one (fails in physical mode under skew)",
        }]
    }

    fn on_effect(&mut self, w: &World<'_, Lww>, node: NodeId, e: &EffectRef<'_, Lww>, out: &mut Found) {
        let EffectRef::Observe(o) = e else { return };
        match o {
            LwwObs::Stamped { client, key, cell, kept, against } => {
                self.key(key);
                let c = self.client(client);
                let v = &mut self.cvec[c];
                if v.len() <= c {
                    v.resize(c + 1, 0);
                }
                v[c] += 1;
                let v = v.clone();
                self.writes.insert(cell.wid, WriteInfo { client: c, v });
                if let Some(old) = against {
                    let (winner, loser) = if *kept { (cell, old) } else { (old, cell) };
                    self.judge(w, node, key, winner, loser, out);
                }
            }
            LwwObs::Ack { client, key, cell, discarded } => {
                let c = self.client(client);
                self.tell(c, cell.ts);
                self.ack_count += 1;
                if self.acks.len() < MAX_LISTED {
                    self.acks.push(AckRec {
                        client: client.clone(),
                        node,
                        at: w.now(),
                        key: key.clone(),
                        cell: cell.clone(),
                        discarded: *discarded,
                    });
                }
            }
            LwwObs::Merge { key, cell, kept, against } => {
                if let Some(old) = against {
                    let (winner, loser) = if *kept { (cell, old) } else { (old, cell) };
                    self.judge(w, node, key, winner, loser, out);
                }
            }
            LwwObs::Read { client, key, cell } => {
                self.key(key);
                let c = self.client(client);
                if let Some(cell) = cell {
                    self.tell(c, cell.ts);
                    if let Some(wi) = self.writes.get(&cell.wid) {
                        let seen = wi.v.clone();
                        let v = &mut self.cvec[c];
                        if v.len() < seen.len() {
                            v.resize(seen.len(), 0);
                        }
                        for (x, y) in v.iter_mut().zip(seen) {
                            *x = (*x).max(y);
                        }
                    }
                }
                self.read_count += 1;
                if self.reads.len() < MAX_LISTED {
                    self.reads.push(ReadRec {
                        client: client.clone(),
                        node,
                        at: w.now(),
                        key: key.clone(),
                        cell: cell.clone(),
                    });
                }
            }
        }
    }

    fn after_event(&mut self, _w: &World<'_, Lww>, _out: &mut Found) {}

    fn liveness(&self, w: &World<'_, Lww>) -> Vec<Liveness> {
        let p = w.params();
        let mut diverged = Vec::new();
        for k in &self.keys {
            let held: Vec<Option<&Cell>> = (0..w.n()).map(|i| w.durable(i).store.get(k)).collect();
            if held.windows(2).any(|x| x[0].map(|c| c.wid) != x[1].map(|c| c.wid)) {
                let each: Vec<String> = held
                    .iter()
                    .enumerate()
                    .map(|(i, c)| match c {
                        Some(c) => format!("{} {}={} {}", w.id(i), k, c.value, c.ts.show(p)),
                        None => format!("{} {k}=⊥", w.id(i)),
                    })
                    .collect();
                diverged.push(each.join(", "));
            }
        }
        let holds = diverged.is_empty();
        let detail = if holds {
            let all: Vec<String> = self
                .keys
                .iter()
                .map(|k| match w.durable(0).store.get(k) {
                    Some(c) => format!("{k}={} {}", c.value, c.ts.show(p)),
                    None => format!("{k}=⊥"),
                })
                .collect();
            format!("every replica holds {}", if all.is_empty() { "nothing".to_string() } else { all.join(", ") })
        } else {
            format!("replicas differ: {}", diverged.join("; "))
        };
        vec![Liveness { property: "LWW-Convergence", holds, detail }]
    }
}
