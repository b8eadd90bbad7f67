//! FT-1 and FT-2, judged from the observations of the lock service and the storage.
//!
//! The checker keeps its own record of every grant (token → holder, expiry on `LS`'s wall clock) and of the
//! highest token the storage has accepted, independently of the nodes' state, so that a storage that broke its own
//! rule would be caught. Every check is a map lookup: work per event does not grow with the run.

use super::{Fencing, FencingObs, FencingParams};
use crate::check::{Checker, Found, InvariantInfo};
use crate::protocol::{EffectRef, NodeId};
use crate::sim::World;
use crate::time::Time;
use crate::vecmap::VecMap;
use serde_json::{json, Map, Value};

/// Most entries kept in each `app` list of the report (counts stay exact).
const MAX_ENTRIES: usize = 10_000;

#[derive(Clone, Debug)]
struct Grant {
    client: NodeId,
    expiry: Option<i64>,
    at: Time,
}

#[derive(Clone, Debug)]
struct WriteEntry {
    client: NodeId,
    token: u64,
    at: Time,
    accepted: bool,
}

#[derive(Clone, Debug)]
struct Newest {
    token: u64,
    client: NodeId,
    at: Time,
}

/// Checks FT-1 and FT-2, and records what the report's `app` shows.
#[derive(Clone, Debug, Default)]
pub struct FencingChecker {
    grants: VecMap<u64, Grant>,
    newest: Option<Newest>,
    writes: Vec<WriteEntry>,
    writes_total: u64,
    late: Vec<WriteEntry>,
    refused: Vec<(NodeId, Time, String)>,
}

fn push_capped<T>(v: &mut Vec<T>, x: T) {
    if v.len() < MAX_ENTRIES {
        v.push(x);
    }
}

impl FencingChecker {
    /// Whether the lease of `token` had expired by `LS`'s clock at this instant, and how (§5.3, FT-2).
    fn expired(&self, w: &World<'_, Fencing>, token: u64) -> Option<String> {
        let pc = w.wall(FencingParams::LOCK_SERVICE);
        let g = self.grants.get(&token)?;
        let e = g.expiry.filter(|&e| pc >= e)?;
        Some(format!("lease {token} expired at {e} by {}'s clock (now {pc})", w.id(FencingParams::LOCK_SERVICE)))
    }

    fn accepted(&mut self, w: &World<'_, Fencing>, node: NodeId, client: NodeId, token: u64, out: &mut Found) {
        let now = w.now();
        if let Some(n) = self.newest.as_ref().filter(|n| token < n.token && w.params().fenced) {
            out.report_nodes(
                "FT-1",
                Some(node),
                vec![node, client],
                format!(
                    "{} accepted {}'s write with token {token} although maxToken was {} (accepted from {} at t={})",
                    w.id(node),
                    w.id(client),
                    n.token,
                    w.id(n.client),
                    n.at
                ),
            );
        }
        let entry = WriteEntry { client, token, at: now, accepted: true };
        if let Some(why) = self.expired(w, token) {
            // Fenced or not: fencing orders the writes the storage accepts, but a late write that arrives before
            // any newer one still passes `token ≥ maxToken` (FEN-late).
            let mut involved = vec![node, client];
            if let Some((_, g)) = self.grants.range(token + 1..).next() {
                involved.push(g.client);
            }
            out.report_nodes(
                "FT-2",
                Some(node),
                involved,
                format!("{} accepted {}'s write with token {token} at t={now}: {why}", w.id(node), w.id(client)),
            );
            push_capped(&mut self.late, entry.clone());
        }
        push_capped(&mut self.writes, entry);
        self.writes_total += 1;
        if self.newest.as_ref().is_none_or(|n| token >= n.token) {
            self.newest = Some(Newest { token, client, at: now });
        }
    }

    /// The report's `app` object: `writes` (as the storage handled them), `grants`, `lateWrites` (accepted while
    /// their lease was over by the lock service's clock) and `refused` (writes a client declined to send).
    pub fn report(&self, w: &World<'_, Fencing>) -> Map<String, Value> {
        let entry =
            |e: &WriteEntry| json!({"client": w.id(e.client), "token": e.token, "at": e.at, "accepted": e.accepted});
        let mut m = Map::new();
        m.insert("writes".into(), Value::Array(self.writes.iter().map(entry).collect()));
        m.insert(
            "grants".into(),
            Value::Array(
                self.grants
                    .iter()
                    .take(MAX_ENTRIES)
                    .map(|(t, g)| json!({"client": w.id(g.client), "token": t, "at": g.at, "expiry": g.expiry}))
                    .collect(),
            ),
        );
        m.insert(
            "lateWrites".into(),
            Value::Array(
                self.late.iter().map(|e| json!({"client": w.id(e.client), "token": e.token, "at": e.at})).collect(),
            ),
        );
        m.insert(
            "refused".into(),
            Value::Array(
                self.refused.iter().map(|(c, at, data)| json!({"client": w.id(*c), "at": at, "data": data})).collect(),
            ),
        );
        if self.writes_total > self.writes.len() as u64 {
            m.insert("writesTotal".into(), json!(self.writes_total));
        }
        m
    }
}

impl Checker<Fencing> for FencingChecker {
    fn new(_w: &World<'_, Fencing>) -> Self {
        FencingChecker::default()
    }

    fn invariants(p: &FencingParams) -> Vec<InvariantInfo> {
        let mut v = Vec::new();
        if p.fenced {
            v.push(InvariantInfo { id: "FT-1", summary: "the storage never accepts a token below its maxToken" });
        }
        v.push(InvariantInfo {
            id: "FT-2",
            summary: "the storage never accepts a write whose lease had expired by the lock service's clock",
        });
        v
    }

    fn on_effect(&mut self, w: &World<'_, Fencing>, node: NodeId, e: &EffectRef<'_, Fencing>, out: &mut Found) {
        let EffectRef::Observe(o) = e else { return };
        match o {
            FencingObs::Granted { client, token, expiry, .. } => {
                self.grants.insert(*token, Grant { client: *client, expiry: *expiry, at: w.now() });
            }
            FencingObs::Accepted { client, token, .. } => self.accepted(w, node, *client, *token, out),
            FencingObs::Rejected { client, token, .. } => {
                push_capped(
                    &mut self.writes,
                    WriteEntry { client: *client, token: *token, at: w.now(), accepted: false },
                );
                self.writes_total += 1;
            }
            FencingObs::Refused { data, .. } => push_capped(&mut self.refused, (node, w.now(), data.clone())),
            _ => {}
        }
    }

    fn after_event(&mut self, _w: &World<'_, Fencing>, _out: &mut Found) {}
}
