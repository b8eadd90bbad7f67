//! Leases and fencing tokens (DDIA ch. 8 "The truth is defined by the majority"; protocols.md §5.3).
//!
//! A lock service `LS` hands out **leases**: a lock that is held only for `TTL` ms, so that a holder that crashes
//! or disappears does not block everyone forever. A client holding a lease may write to a storage service `St`.
//! The trouble is that a lease is a promise about *time*, and nobody in a distributed system agrees on time:
//!
//! * the lock service judges expiry by its own clock, the client by its own, and they drift, skew and jump apart;
//! * worse, a client can check "my lease is still valid" and then stop for a while (a GC pause, a page fault, a
//!   descheduled VM) *between the check and the write*. When it resumes it writes as if no time had passed. No
//!   check on the client can close that window, because the pause can always fall just after the check.
//!
//! DDIA's remedy is the **fencing token**: every grant carries a number that increases with every grant (`LS`
//! keeps the counter in stable storage, starting from `firstToken`), every write carries the writer's token, and
//! the storage remembers the highest token it has accepted (`maxToken`, stable) and rejects anything older. A
//! client that slept through the end of its lease and wakes up after a newer holder has written is turned away
//! with `REJECT(stale token)`, however convinced it is that its lease is valid.
//!
//! **The roles.** Nodes are `[LS, client…, St]`.
//!
//! * `LS` on `ACQUIRE`: if no lease is held, or the current one has expired *by LS's clock*, grant
//!   `token := ++counter` until `expiry := now + TTL`, persisting the grant before replying `GRANT{token, ttl}`;
//!   otherwise reply `BUSY`, to the current holder too. There is no renewal and no release: a lease ends by
//!   expiring.
//! * A **client** keeps `(token, localExpiry)` with `localExpiry = MC at the moment ACQUIRE was sent + ttl`, on its
//!   **monotonic** clock: the lease cannot have started before the request left, so this is conservative, and the
//!   monotonic clock is immune to skew and jumps. Its lease is valid while `MC < localExpiry`; a timer on the same
//!   clock marks the end of the lease on screen. Actions: `acquire`; `write {data}` checks the lease and writes
//!   now (a client without a valid lease **refuses locally**: nothing is sent, and the refusal is reported in
//!   `app.refused`); `prepareWrite {data, delay}` checks the lease now and sends the write `delay` ms later **without
//!   checking again**, because the check already passed: that gap is where a pause does its damage.
//! * `St` in fenced mode (`fenced: true`, the default) accepts a write iff `token ≥ maxToken`, then sets
//!   `maxToken := token` (persisted before the `ACK`), and otherwise replies `REJECT`. In unfenced mode it accepts
//!   everything (and still records the highest token it has seen, to show what it could have known).
//!
//! **Which clock does LS use?** Its **physical (wall) clock**. The grant is durable state: after a crash `LS` must
//! still know until when the current holder is protected, otherwise it would hand the lock to someone else the
//! moment it restarts. An expiry written to stable storage has to be an absolute time that means the same thing
//! after a restart, and only the wall clock offers that (a real monotonic clock starts again at every boot). So the
//! lock service compares `PC_LS(now)` with the stored `expiry`, as lock services that keep lease expiries in a
//! database or a key-value store do. The price is exactly the hazard of DDIA ch. 8: an NTP step *forwards* ends a
//! lease early, and `LS` grants the lock to a second client while the first still rightly believes, by its own
//! monotonic clock, that it holds it (scenario FEN-jump); a step *backwards* stretches the lease and blocks everyone
//! for longer (FEN-jump-back, safe but unavailable). Drift of `LS`'s clock shifts every expiry the same way.
//!
//! **Invariants.**
//!
//! * **FT-1** (fenced mode only): no write is accepted with `token < maxToken` at acceptance time. This is the
//!   storage's own rule, checked against the checker's independent record of every accepted token.
//! * **FT-2** (lock safety as seen by the storage, both modes): no write is accepted from a client whose lease had
//!   expired by `LS`'s clock when the write was accepted. The checker keeps every grant's expiry and reads `LS`'s
//!   clock at the moment `St` accepts. An unfenced storage breaks it in CLK-3 (the woken client overwrites the
//!   next holder's data). Fencing stops that case, but not all of them: a late write that reaches the storage
//!   *before* anything newer passes `token ≥ maxToken` and is accepted, expired lease and all (FEN-late). Fencing
//!   orders the writes; only the lock service knows that a lease is over. Such writes are also listed in
//!   `app.lateWrites`.
//!
//! **Limits worth knowing.** Fencing needs a storage that checks tokens; a plain disk or a third-party API that
//! ignores them gets no protection. And it protects writes only: a stale holder can still *read* and act on what
//! it read. There is no liveness property: a client may legitimately be told `BUSY` forever.

mod checker;

pub use checker::FencingChecker;

use crate::protocol::{Cluster, Ctx, Message, NodeId, Observation, Protocol, Record, TimerName};
use crate::rng::Rng;
use crate::scenario::{read::err, Action, ParamReader, Scenario, ScenarioError};
use crate::sim::World;
use crate::time::Time;
use crate::vecmap::VecMap;
use crate::view::{fields, node_json, node_name, Field, LogLine, ProtoView};
use serde_json::{json, Map, Value};
use std::collections::VecDeque;

/// How many recent grants or accepted writes a node keeps for its view.
const RECENT: usize = 8;

/// Parameters.
#[derive(Clone, Debug)]
pub struct FencingParams {
    /// The first token the lock service grants (`firstToken`, default 1).
    pub first_token: u64,
    /// Lease length in ms (`TTL`, default 100); `None` = leases never expire.
    pub ttl: Option<u64>,
    /// The storage checks tokens (`fenced`, default true).
    pub fenced: bool,
    /// Index of the storage (the last node).
    pub storage: NodeId,
    /// Node ids, for views.
    pub ids: Vec<String>,
}

impl FencingParams {
    /// The lock service is always the first node.
    pub const LOCK_SERVICE: NodeId = 0;

    /// True for a client node.
    pub fn is_client(&self, i: NodeId) -> bool {
        i != Self::LOCK_SERVICE && i != self.storage
    }
}

/// Messages.
#[derive(Clone, Debug, Hash)]
pub enum FencingMsg {
    /// Client → LS: may I have the lock? `req` numbers the client's requests.
    Acquire {
        /// Request number (echoed in the reply).
        req: u64,
    },
    /// LS → client: the lock is yours until `ttl` ms after you asked, with this token.
    Grant {
        /// The request answered.
        req: u64,
        /// Fencing token.
        token: u64,
        /// Lease length (ms); `None` = forever.
        ttl: Option<u64>,
    },
    /// LS → client: someone else holds an unexpired lease.
    Busy {
        /// The request answered.
        req: u64,
        /// The current holder.
        holder: NodeId,
    },
    /// Client → St: write `data` under lease `token`.
    Write {
        /// Data written.
        data: String,
        /// The writer's fencing token.
        token: u64,
    },
    /// St → client: write accepted.
    Ack {
        /// The token of the accepted write.
        token: u64,
    },
    /// St → client: stale token, write refused.
    Reject {
        /// The token of the refused write.
        token: u64,
        /// The storage's `maxToken`.
        max_token: u64,
    },
}

impl Message for FencingMsg {
    fn kind(&self) -> &'static str {
        match self {
            FencingMsg::Acquire { .. } => "ACQUIRE",
            FencingMsg::Grant { .. } => "GRANT",
            FencingMsg::Busy { .. } => "BUSY",
            FencingMsg::Write { .. } => "WRITE",
            FencingMsg::Ack { .. } => "ACK",
            FencingMsg::Reject { .. } => "REJECT",
        }
    }
    fn is_response(&self) -> bool {
        !matches!(self, FencingMsg::Acquire { .. } | FencingMsg::Write { .. })
    }
    fn label(&self) -> String {
        match self {
            FencingMsg::Acquire { .. } => "ACQUIRE".into(),
            FencingMsg::Grant { token, .. } => format!("GRANT #{token}"),
            FencingMsg::Busy { .. } => "BUSY".into(),
            FencingMsg::Write { token, data } => format!("WRITE #{token} {data}"),
            FencingMsg::Ack { token } => format!("ACK #{token}"),
            FencingMsg::Reject { token, .. } => format!("REJECT #{token}"),
        }
    }
    fn fields(&self, ids: &[String]) -> Value {
        match self {
            FencingMsg::Acquire { req } => fields([("req", json!(req))]),
            FencingMsg::Grant { req, token, ttl } => {
                fields([("req", json!(req)), ("token", json!(token)), ("ttl", json!(ttl))])
            }
            FencingMsg::Busy { req, holder } => fields([("req", json!(req)), ("holder", node_json(ids, *holder))]),
            FencingMsg::Write { data, token } => fields([("data", json!(data)), ("token", json!(token))]),
            FencingMsg::Ack { token } => fields([("token", json!(token))]),
            FencingMsg::Reject { token, max_token } => {
                fields([("token", json!(token)), ("maxToken", json!(max_token)), ("reason", json!("stale token"))])
            }
        }
    }
}

/// Timers (clients only).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FencingTimer {
    /// The client's lease ends by its own monotonic clock.
    Lease,
    /// The deferred write of a `prepareWrite` (numbered per client).
    Deferred(u64),
}

impl TimerName for FencingTimer {
    fn name(&self) -> String {
        match self {
            FencingTimer::Lease => "lease".into(),
            FencingTimer::Deferred(n) => format!("write:{n}"),
        }
    }
}

/// Stable records.
#[derive(Clone, Debug, Hash)]
pub enum FencingRecord {
    /// LS: a lease granted (this also advances the counter to `token`).
    Granted {
        /// Fencing token.
        token: u64,
        /// The client.
        holder: NodeId,
        /// Expiry on LS's wall clock; `None` = never.
        expiry: Option<i64>,
    },
    /// St: a write accepted (this also raises `maxToken`).
    Accepted {
        /// Token of the write.
        token: u64,
        /// Data written.
        data: String,
        /// The writer.
        client: NodeId,
    },
}

impl Record for FencingRecord {
    fn name(&self) -> &'static str {
        match self {
            FencingRecord::Granted { .. } => "GRANTED",
            FencingRecord::Accepted { .. } => "ACCEPTED",
        }
    }
    fn describe(&self, ids: &[String]) -> String {
        match self {
            FencingRecord::Granted { token, holder, expiry } => match expiry {
                Some(e) => format!("GRANTED #{token} to {} until {e}", node_name(ids, *holder)),
                None => format!("GRANTED #{token} to {} forever", node_name(ids, *holder)),
            },
            FencingRecord::Accepted { token, data, client } => {
                format!("ACCEPTED #{token} {data:?} from {}", node_name(ids, *client))
            }
        }
    }
}

/// A lease as the lock service records it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Lease {
    /// The holder.
    pub holder: NodeId,
    /// Its token.
    pub token: u64,
    /// Expiry on LS's wall clock; `None` = never.
    pub expiry: Option<i64>,
}

impl Lease {
    /// Expired at wall-clock reading `pc`.
    pub fn expired_at(&self, pc: i64) -> bool {
        self.expiry.is_some_and(|e| pc >= e)
    }
}

/// An accepted write as the storage records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    /// Token of the write.
    pub token: u64,
    /// Data.
    pub data: String,
    /// Writer.
    pub client: NodeId,
}

/// Stable state (lock service: the counter and the current lease; storage: `maxToken` and the data).
#[derive(Clone, Debug, Default)]
pub struct FencingDurable {
    /// LS: the last token granted (`None` before the first grant).
    pub counter: Option<u64>,
    /// LS: the latest lease.
    pub lease: Option<Lease>,
    /// LS: the most recent grants, for the view.
    pub grants: VecDeque<Lease>,
    /// St: highest token accepted.
    pub max_token: u64,
    /// St: the last accepted write.
    pub last: Option<Stored>,
    /// St: number of writes accepted.
    pub accepted: u64,
    /// St: the most recent accepted writes, for the view.
    pub recent: VecDeque<Stored>,
}

impl FencingDurable {
    /// The counter as the lock service reads it: the last token granted, or `firstToken - 1`.
    pub fn counter_or(&self, p: &FencingParams) -> u64 {
        self.counter.unwrap_or(p.first_token - 1)
    }
}

fn push_recent<T>(q: &mut VecDeque<T>, x: T) {
    if q.len() == RECENT {
        q.pop_front();
    }
    q.push_back(x);
}

/// Observations.
#[derive(Clone, Debug, Hash)]
pub enum FencingObs {
    /// LS granted a lease.
    Granted {
        /// The client.
        client: NodeId,
        /// Its id.
        name: String,
        /// Token.
        token: u64,
        /// Expiry on LS's wall clock.
        expiry: Option<i64>,
    },
    /// LS answered BUSY.
    Busy {
        /// The client turned away.
        client: NodeId,
        /// Id of the holder.
        holder: String,
    },
    /// A client obtained a lease.
    LeaseStart {
        /// Token.
        token: u64,
        /// Expiry on the client's monotonic clock.
        local_expiry: Option<i64>,
    },
    /// A client's lease ran out by its own clock.
    LeaseEnd {
        /// Token.
        token: u64,
    },
    /// A client checked its lease and scheduled a write.
    Prepared {
        /// Token.
        token: u64,
        /// Data.
        data: String,
        /// Delay before the write (ms).
        delay: u64,
    },
    /// A client sent a write.
    WriteSent {
        /// Token.
        token: u64,
        /// Data.
        data: String,
        /// Sent by a `prepareWrite` after its delay (no fresh check).
        deferred: bool,
    },
    /// A client refused to write because it holds no valid lease.
    Refused {
        /// Data.
        data: String,
        /// Why.
        why: String,
    },
    /// A client learned the storage's verdict.
    Outcome {
        /// Token.
        token: u64,
        /// Accepted or rejected.
        accepted: bool,
    },
    /// St accepted a write.
    Accepted {
        /// Writer.
        client: NodeId,
        /// Its id.
        name: String,
        /// Token.
        token: u64,
        /// Data.
        data: String,
    },
    /// St rejected a write (stale token).
    Rejected {
        /// Writer.
        client: NodeId,
        /// Its id.
        name: String,
        /// Token.
        token: u64,
        /// Data.
        data: String,
        /// `maxToken` at the time.
        max_token: u64,
    },
}

impl Observation for FencingObs {
    fn timeline(&self) -> Option<(&'static str, Map<String, Value>)> {
        let mut m = Map::new();
        match self {
            FencingObs::Granted { token, .. } => {
                m.insert("token".into(), json!(token));
                Some(("grant", m))
            }
            FencingObs::Accepted { token, data, .. } => {
                m.insert("token".into(), json!(token));
                m.insert("data".into(), json!(data));
                m.insert("accepted".into(), json!(true));
                Some(("write", m))
            }
            FencingObs::Rejected { token, data, .. } => {
                m.insert("token".into(), json!(token));
                m.insert("data".into(), json!(data));
                m.insert("accepted".into(), json!(false));
                Some(("write", m))
            }
            _ => None,
        }
    }
    fn describe(&self) -> String {
        match self {
            FencingObs::Granted { name, token, expiry, .. } => match expiry {
                Some(e) => format!("grants token {token} to {name} until {e} (own wall clock)"),
                None => format!("grants token {token} to {name} forever"),
            },
            FencingObs::Busy { holder, .. } => format!("BUSY: {holder} holds an unexpired lease"),
            FencingObs::LeaseStart { token, local_expiry } => match local_expiry {
                Some(e) => format!("holds lease {token} until MC {e}"),
                None => format!("holds lease {token} forever"),
            },
            FencingObs::LeaseEnd { token } => format!("lease {token} ended by its own clock"),
            FencingObs::Prepared { token, data, delay } => {
                format!("lease {token} valid: will write {data:?} in {delay} ms without checking again")
            }
            FencingObs::WriteSent { token, data, deferred } => {
                format!("writes {data:?} with token {token}{}", if *deferred { " (deferred, unchecked)" } else { "" })
            }
            FencingObs::Refused { data, why } => format!("refuses to write {data:?}: {why}"),
            FencingObs::Outcome { token, accepted } => {
                format!("write with token {token} {}", if *accepted { "accepted" } else { "rejected" })
            }
            FencingObs::Accepted { name, token, data, .. } => {
                format!("accepts {data:?} from {name} with token {token}")
            }
            FencingObs::Rejected { name, token, data, max_token, .. } => {
                format!("rejects {data:?} from {name}: token {token} < maxToken {max_token}")
            }
        }
    }
}

/// A scripted fencing action, addressed to a client.
#[derive(Clone, Debug)]
pub enum FencingAction {
    /// Ask the lock service for the lock.
    Acquire,
    /// Check the lease now, write `data` after `delay` ms.
    PrepareWrite {
        /// Data.
        data: String,
        /// Delay (ms).
        delay: u64,
    },
    /// Check the lease and write `data` now.
    Write {
        /// Data.
        data: String,
    },
}

/// The lease a client believes it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientLease {
    /// Token.
    pub token: u64,
    /// End of the lease on the client's monotonic clock; `None` = never.
    pub local_expiry: Option<i64>,
    /// The lease timer has fired.
    pub ended: bool,
}

/// Volatile state of a client.
#[derive(Clone, Debug, Default)]
pub struct ClientState {
    next_req: u64,
    /// Outstanding ACQUIREs: request number → MC when sent.
    pending: VecMap<u64, i64>,
    lease: Option<ClientLease>,
    next_deferred: u64,
    /// Scheduled writes: number → (data, token checked).
    deferred: VecMap<u64, (String, u64)>,
    recent: VecDeque<String>,
}

impl ClientState {
    /// The lease, if the client holds one.
    pub fn lease(&self) -> Option<&ClientLease> {
        self.lease.as_ref()
    }

    /// The token of a lease valid at monotonic reading `mc` (`MC < localExpiry`).
    pub fn valid_token(&self, mc: i64) -> Option<u64> {
        self.lease.as_ref().filter(|l| l.local_expiry.is_none_or(|e| mc < e)).map(|l| l.token)
    }

    fn note(&mut self, s: String) {
        push_recent(&mut self.recent, s);
    }
}

/// A fencing node: the lock service, a client, or the storage.
#[derive(Clone, Debug)]
pub enum Fencing {
    /// The lock service (its state is all stable: counter and lease).
    LockService {
        /// Last token granted, or `firstToken - 1`.
        counter: u64,
        /// The latest lease.
        lease: Option<Lease>,
        /// Requests answered BUSY.
        busy: u64,
    },
    /// A client.
    Client(ClientState),
    /// The storage.
    Storage {
        /// Highest token accepted.
        max_token: u64,
        /// Writes rejected since boot.
        rejected: u64,
        /// Recent rejections (volatile, for the view).
        rejections: VecDeque<String>,
    },
}

impl Fencing {
    fn lock_acquire(&mut self, cx: &mut Ctx<'_, Self>, p: &FencingParams, from: NodeId, req: u64) {
        let Fencing::LockService { counter, lease, busy } = self else { return };
        let now = cx.wall();
        let free = lease.as_ref().is_none_or(|l| l.expired_at(now));
        if !free {
            *busy += 1;
            let holder = lease.as_ref().map_or(from, |l| l.holder);
            cx.send(from, FencingMsg::Busy { req, holder });
            cx.observe(FencingObs::Busy { client: from, holder: p.ids[holder].clone() });
            return;
        }
        let token = *counter + 1;
        let expiry = p.ttl.map(|t| now.saturating_add(t as i64));
        // Write-ahead: the grant is durable before the client hears of it, so a restarted LS honours it.
        cx.persist(FencingRecord::Granted { token, holder: from, expiry });
        *counter = token;
        *lease = Some(Lease { holder: from, token, expiry });
        cx.send(from, FencingMsg::Grant { req, token, ttl: p.ttl });
        cx.observe(FencingObs::Granted { client: from, name: p.ids[from].clone(), token, expiry });
    }

    fn storage_write(&mut self, cx: &mut Ctx<'_, Self>, p: &FencingParams, from: NodeId, data: String, token: u64) {
        let Fencing::Storage { max_token, rejected, rejections } = self else { return };
        if p.fenced && token < *max_token {
            *rejected += 1;
            push_recent(rejections, format!("rejected #{token} {data}"));
            cx.send(from, FencingMsg::Reject { token, max_token: *max_token });
            cx.observe(FencingObs::Rejected {
                client: from,
                name: p.ids[from].clone(),
                token,
                data,
                max_token: *max_token,
            });
            return;
        }
        cx.persist(FencingRecord::Accepted { token, data: data.clone(), client: from });
        *max_token = (*max_token).max(token);
        cx.send(from, FencingMsg::Ack { token });
        cx.observe(FencingObs::Accepted { client: from, name: p.ids[from].clone(), token, data });
    }

    fn client_message(c: &mut ClientState, cx: &mut Ctx<'_, Self>, m: FencingMsg) {
        match m {
            FencingMsg::Grant { req, token, ttl } => {
                // Duplicates and answers to forgotten requests (before a crash) carry no usable send time.
                let Some(sent) = c.pending.remove(&req) else { return };
                if c.lease.as_ref().is_some_and(|l| l.token >= token) {
                    return; // an older grant overtaken by a newer one
                }
                let local_expiry = ttl.map(|t| sent.saturating_add(t as i64));
                c.lease = Some(ClientLease { token, local_expiry, ended: false });
                match local_expiry {
                    Some(e) => cx.set_timer(FencingTimer::Lease, (e - cx.mono()).max(0) as u64),
                    None => cx.cancel_timer(FencingTimer::Lease),
                }
                c.note(format!("lease #{token}"));
                cx.observe(FencingObs::LeaseStart { token, local_expiry });
            }
            FencingMsg::Busy { req, holder } => {
                if c.pending.remove(&req).is_some() {
                    c.note(format!("BUSY ({} holds it)", cx.cluster().ids[holder]));
                }
            }
            FencingMsg::Ack { token } => {
                c.note(format!("#{token} accepted"));
                cx.observe(FencingObs::Outcome { token, accepted: true });
            }
            FencingMsg::Reject { token, .. } => {
                c.note(format!("#{token} rejected"));
                cx.observe(FencingObs::Outcome { token, accepted: false });
            }
            FencingMsg::Acquire { .. } | FencingMsg::Write { .. } => {}
        }
    }

    fn client_action(c: &mut ClientState, cx: &mut Ctx<'_, Self>, p: &FencingParams, a: FencingAction) {
        let mc = cx.mono();
        let refuse = |c: &mut ClientState, cx: &mut Ctx<'_, Self>, data: String| {
            let why = match &c.lease {
                None => "no lease".to_string(),
                Some(l) => format!("lease #{} expired at MC {}", l.token, l.local_expiry.unwrap_or(0)),
            };
            c.note(format!("refused {data}"));
            cx.observe(FencingObs::Refused { data, why });
        };
        match a {
            FencingAction::Acquire => {
                c.next_req += 1;
                c.pending.insert(c.next_req, mc);
                cx.send(FencingParams::LOCK_SERVICE, FencingMsg::Acquire { req: c.next_req });
            }
            FencingAction::Write { data } => match c.valid_token(mc) {
                Some(token) => {
                    cx.send(p.storage, FencingMsg::Write { data: data.clone(), token });
                    cx.observe(FencingObs::WriteSent { token, data, deferred: false });
                }
                None => refuse(c, cx, data),
            },
            FencingAction::PrepareWrite { data, delay } => match c.valid_token(mc) {
                Some(token) => {
                    c.next_deferred += 1;
                    c.deferred.insert(c.next_deferred, (data.clone(), token));
                    cx.set_timer(FencingTimer::Deferred(c.next_deferred), delay);
                    cx.observe(FencingObs::Prepared { token, data, delay });
                }
                None => refuse(c, cx, data),
            },
        }
    }
}

impl Protocol for Fencing {
    const NAME: &'static str = "fencing";
    const MESSAGE_TYPES: &'static [&'static str] = &["ACQUIRE", "GRANT", "BUSY", "WRITE", "ACK", "REJECT"];
    const RECORDS: &'static [&'static str] = &["GRANTED", "ACCEPTED"];
    type Params = FencingParams;
    type Msg = FencingMsg;
    type Timer = FencingTimer;
    type Record = FencingRecord;
    type Durable = FencingDurable;
    type Action = (NodeId, FencingAction);
    type Obs = FencingObs;
    type Checker = FencingChecker;

    fn params(r: &mut ParamReader<'_>, c: &Cluster) -> Result<FencingParams, ScenarioError> {
        let first_token = r.u64("firstToken", 1, u64::MAX / 2)?;
        if first_token == 0 {
            return Err(err(&r.path("firstToken"), "tokens start at 1 or more (the storage starts at maxToken 0)"));
        }
        let ttl = r.duration("TTL", Some(100))?;
        if ttl == Some(0) {
            return Err(err(&r.path("TTL"), "must be at least 1 ms (null means leases never expire)"));
        }
        let fenced = r.bool("fenced", true)?;
        Ok(FencingParams { first_token, ttl, fenced, storage: c.len().saturating_sub(1), ids: c.ids.clone() })
    }

    fn validate(s: &Scenario, p: &FencingParams) -> Result<(), ScenarioError> {
        if s.nodes.len() < 3 {
            return Err(err(
                "nodes",
                format!("fencing needs [lockService, client..., storage]: at least 3 nodes, got {}", s.nodes.len()),
            ));
        }
        for (i, e) in s.schedule.iter().enumerate() {
            let (key, client) = match &e.action {
                Action::Acquire(c) => ("acquire", *c),
                Action::PrepareWrite { client, .. } => ("prepareWrite", *client),
                Action::FencedWrite { client, .. } => ("write", *client),
                _ => continue,
            };
            if !p.is_client(client) {
                let what = if client == 0 { "the lock service" } else { "the storage" };
                return Err(err(
                    &format!("schedule[{i}].{key}.client"),
                    format!("{:?} is {what}, not a client", s.nodes[client]),
                ));
            }
        }
        Ok(())
    }

    fn action(a: &Action, _p: &Self::Params) -> Option<(NodeId, FencingAction)> {
        match a {
            Action::Acquire(c) => Some((*c, FencingAction::Acquire)),
            Action::PrepareWrite { client, data, delay } => {
                Some((*client, FencingAction::PrepareWrite { data: data.clone(), delay: *delay }))
            }
            Action::FencedWrite { client, data } => Some((*client, FencingAction::Write { data: data.clone() })),
            _ => None,
        }
    }

    fn random_action(rng: &mut Rng, s: &Scenario, t: Time) -> Option<Action> {
        let n = s.nodes.len();
        if n < 3 {
            return None;
        }
        let client = rng.range(1, n as u64 - 1) as NodeId;
        let data = format!("{}@{t}", s.nodes[client]);
        Some(match rng.range(0, 10) {
            0..=3 => Action::Acquire(client),
            4..=6 => Action::PrepareWrite { client, data, delay: rng.range(0, 250) },
            _ => Action::FencedWrite { client, data },
        })
    }

    fn action_node(a: &(NodeId, FencingAction), _p: &FencingParams) -> NodeId {
        a.0
    }

    fn empty_durable(_p: &Self::Params) -> Self::Durable {
        Default::default()
    }

    fn apply(d: &mut FencingDurable, r: &FencingRecord) {
        match r {
            FencingRecord::Granted { token, holder, expiry } => {
                d.counter = Some(*token);
                let lease = Lease { holder: *holder, token: *token, expiry: *expiry };
                push_recent(&mut d.grants, lease.clone());
                d.lease = Some(lease);
            }
            FencingRecord::Accepted { token, data, client } => {
                d.max_token = d.max_token.max(*token);
                d.accepted += 1;
                let s = Stored { token: *token, data: data.clone(), client: *client };
                push_recent(&mut d.recent, s.clone());
                d.last = Some(s);
            }
        }
    }

    fn boot(cx: &mut Ctx<'_, Self>, p: &FencingParams, d: &FencingDurable, _recovering: bool) -> Fencing {
        // Recovery is simply reloading: LS keeps its counter and honours the stored lease (its expiry is on the
        // wall clock, which kept running while LS was down); St keeps maxToken; a client forgets its lease and its
        // scheduled writes, which is safe (it has to acquire again).
        match cx.me() {
            FencingParams::LOCK_SERVICE => {
                Fencing::LockService { counter: d.counter_or(p), lease: d.lease.clone(), busy: 0 }
            }
            i if i == p.storage => {
                Fencing::Storage { max_token: d.max_token, rejected: 0, rejections: VecDeque::new() }
            }
            _ => Fencing::Client(ClientState::default()),
        }
    }

    fn on_message(&mut self, cx: &mut Ctx<'_, Self>, p: &FencingParams, from: NodeId, m: FencingMsg) {
        match m {
            FencingMsg::Acquire { req } if p.is_client(from) && matches!(self, Fencing::LockService { .. }) => {
                self.lock_acquire(cx, p, from, req)
            }
            FencingMsg::Write { data, token } if p.is_client(from) && matches!(self, Fencing::Storage { .. }) => {
                self.storage_write(cx, p, from, data, token)
            }
            m => {
                if let Fencing::Client(c) = self {
                    Self::client_message(c, cx, m)
                }
            }
        }
    }

    fn on_timer(&mut self, cx: &mut Ctx<'_, Self>, p: &FencingParams, t: FencingTimer) {
        let Fencing::Client(c) = self else { return };
        match t {
            FencingTimer::Lease => {
                if let Some(l) = c.lease.as_mut() {
                    if !l.ended && l.local_expiry.is_some_and(|e| cx.mono() >= e) {
                        l.ended = true;
                        let token = l.token;
                        c.note(format!("lease #{token} ended"));
                        cx.observe(FencingObs::LeaseEnd { token });
                    }
                }
            }
            FencingTimer::Deferred(n) => {
                // The check passed when the write was prepared; whatever happened since (a pause, the lease
                // running out), the write goes out now with the token checked then.
                if let Some((data, token)) = c.deferred.remove(&n) {
                    cx.send(p.storage, FencingMsg::Write { data: data.clone(), token });
                    cx.observe(FencingObs::WriteSent { token, data, deferred: true });
                }
            }
        }
    }

    fn on_action(&mut self, cx: &mut Ctx<'_, Self>, p: &FencingParams, (_, a): (NodeId, FencingAction)) {
        if let Fencing::Client(c) = self {
            Self::client_action(c, cx, p, a);
        }
    }

    fn view(&self, p: &FencingParams, d: &FencingDurable) -> ProtoView {
        match self {
            Fencing::LockService { busy, .. } => {
                let mut v = lock_view(p, d);
                v.role = match &d.lease {
                    None => "lock service: free".into(),
                    Some(l) => format!("lock service: #{} granted to {}", l.token, p.ids[l.holder]),
                };
                v.class = if d.lease.is_some() { "leader" } else { "idle" };
                v.fields.push(Field::volatile("BUSY replies", busy));
                v
            }
            Fencing::Storage { rejected, rejections, .. } => {
                let mut v = storage_view(p, d);
                v.role = if p.fenced { "storage (fenced)" } else { "storage (unfenced)" }.into();
                v.class = "idle";
                v.fields.push(Field::volatile("rejected", rejected));
                v.log.extend(rejections.iter().map(|r| LogLine { text: r.clone(), committed: false, term: 0 }));
                v
            }
            Fencing::Client(c) => {
                let (role, class) = match &c.lease {
                    None if !c.pending.is_empty() => ("acquiring".to_string(), "waiting"),
                    None => ("no lease".to_string(), "idle"),
                    Some(l) if l.ended => (format!("lease #{} over (own clock)", l.token), "aborted"),
                    Some(l) => (format!("holds lease #{}", l.token), "leader"),
                };
                let lease = c.lease.as_ref();
                ProtoView {
                    role,
                    class,
                    fields: vec![
                        Field::volatile("token", lease.map_or("-".into(), |l| l.token.to_string())),
                        Field::volatile(
                            "localExpiry (MC)",
                            lease.map_or("-".into(), |l| l.local_expiry.map_or("never".into(), |e| e.to_string())),
                        ),
                        Field::volatile("scheduled writes", c.deferred.len()),
                        Field::volatile("ACQUIREs pending", c.pending.len()),
                    ],
                    log: c.recent.iter().map(|s| LogLine { text: s.clone(), committed: false, term: 0 }).collect(),
                    blocked_since: None,
                }
            }
        }
    }

    fn view_down(p: &FencingParams, d: &FencingDurable) -> ProtoView {
        // The view of a crashed node does not say which node it is: tell by the stable state (a client has none;
        // a lock service or storage that never granted or accepted anything shows nothing either).
        if d.counter.is_some() {
            lock_view(p, d)
        } else if d.accepted > 0 {
            storage_view(p, d)
        } else {
            ProtoView { role: "down".into(), class: "down", ..Default::default() }
        }
    }

    fn report_node(w: &World<'_, Self>, i: NodeId, _c: &FencingChecker) -> Map<String, Value> {
        let p = w.params();
        let d = w.durable(i);
        let mut m = Map::new();
        if i == FencingParams::LOCK_SERVICE {
            m.insert("counter".into(), json!(d.counter_or(p)));
            m.insert("holder".into(), json!(d.lease.as_ref().map(|l| w.id(l.holder))));
            m.insert("leaseExpiry".into(), json!(d.lease.as_ref().and_then(|l| l.expiry)));
        } else if i == p.storage {
            m.insert("data".into(), json!(d.last.as_ref().map(|s| s.data.clone())));
            m.insert("maxToken".into(), json!(d.max_token));
            m.insert("writer".into(), json!(d.last.as_ref().map(|s| w.id(s.client))));
            m.insert("accepted".into(), json!(d.accepted));
        } else {
            let c = match w.node(i) {
                Some(Fencing::Client(c)) => Some(c),
                _ => None,
            };
            let mc = w.clock(i).mc(w.now());
            m.insert("token".into(), json!(c.and_then(|c| c.lease()).map(|l| l.token)));
            m.insert("leaseValid".into(), json!(c.and_then(|c| c.valid_token(mc)).is_some()));
        }
        m
    }

    fn report_app(w: &World<'_, Self>, c: &FencingChecker) -> Map<String, Value> {
        c.report(w)
    }
}

fn lock_view(p: &FencingParams, d: &FencingDurable) -> ProtoView {
    let lease = d.lease.as_ref();
    ProtoView {
        role: "down".into(),
        class: "down",
        fields: vec![
            Field::durable("counter", d.counter_or(p)),
            Field::durable("holder", lease.map_or("-".into(), |l| p.ids[l.holder].clone())),
            Field::durable(
                "expiry (LS wall clock)",
                lease.map_or("-".into(), |l| l.expiry.map_or("never".into(), |e| e.to_string())),
            ),
        ],
        log: d
            .grants
            .iter()
            .map(|g| LogLine {
                text: match g.expiry {
                    Some(e) => format!("#{} → {} until {e}", g.token, p.ids[g.holder]),
                    None => format!("#{} → {} forever", g.token, p.ids[g.holder]),
                },
                committed: true,
                term: g.token,
            })
            .collect(),
        blocked_since: None,
    }
}

fn storage_view(p: &FencingParams, d: &FencingDurable) -> ProtoView {
    ProtoView {
        role: "down".into(),
        class: "down",
        fields: vec![
            Field::durable("maxToken", d.max_token),
            Field::durable("data", d.last.as_ref().map_or("-".into(), |s| s.data.clone())),
            Field::durable("accepted", d.accepted),
        ],
        log: d
            .recent
            .iter()
            .map(|s| LogLine {
                text: format!("#{} {} ({})", s.token, s.data, p.ids[s.client]),
                committed: true,
                term: s.token,
            })
            .collect(),
        blocked_since: None,
    }
}

#[cfg(test)]
mod tests;
