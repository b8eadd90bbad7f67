//! What 2PC and 3PC share: decisions, the bank-transfer application and the atomic-commitment bookkeeping.
//!
//! **The application.** Alice (account at bank `K`) pays Bob (account at bank `S`) 1 000 won (protocols.md §2.1).
//! Every participant gets one operation from the coordinator: `"debit <account> <amount>"`, `"credit <account>
//! <amount>"`, or any other text, which is a generic update with no effect on money. A participant is willing to
//! vote YES when its `votes` parameter says YES and it can apply its operation (a debit needs enough money); it then
//! holds a lock on the account until the decision. A balance changes only on COMMIT, in the same stable record as
//! the decision, so a crash can never separate the two. Initial balances: Alice 50 000, Bob 20 000 (`balances`).
//!
//! **Decisions.** `dec(x)` is the sequence of decisions process `x` has taken, across crashes: a decision record
//! persisted, or (when the coordinator does not log its decision, a teaching toggle) a decision acted on without a
//! record. [`DecisionBook`] keeps those sequences and checks AC-Agreement, AC-Irrevocability and AC-Validity as each
//! decision is taken; [`conservation`] checks APP-Conservation over everyone's stable state.

use crate::protocol::{Cluster, NodeId};
use crate::rng::Rng;
use crate::scenario::read::{as_i64, as_str, err, kind_of};
use crate::scenario::{Action, ParamReader, Scenario, ScenarioError};
use crate::time::Time;
use crate::vecmap::{VecMap, VecSet};
use serde_json::{json, Map, Value};

/// Initial balances of the bank-transfer example (protocols.md §2.1).
pub const DEFAULT_BALANCES: [(&str, i64); 2] = [("Alice", 50_000), ("Bob", 20_000)];

/// Largest balance or amount accepted (one trillion won).
pub const MAX_MONEY: i64 = 1_000_000_000_000;

/// The outcome of a transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Decision {
    /// Every participant applies its operation.
    Commit,
    /// Nobody does.
    Abort,
}

impl Decision {
    /// `"COMMIT"` or `"ABORT"` (decision records, messages, reports).
    pub fn name(self) -> &'static str {
        match self {
            Decision::Commit => "COMMIT",
            Decision::Abort => "ABORT",
        }
    }

    /// The decided state: `"COMMITTED"` or `"ABORTED"`.
    pub fn state(self) -> &'static str {
        match self {
            Decision::Commit => "COMMITTED",
            Decision::Abort => "ABORTED",
        }
    }

    /// The styling class of the decided state.
    pub fn class(self) -> &'static str {
        match self {
            Decision::Commit => "committed",
            Decision::Abort => "aborted",
        }
    }
}

/// A change of one account's balance, applied atomically with a COMMIT record.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Posting {
    /// Account name (`"Alice"`).
    pub account: String,
    /// Signed amount (`-1000` for a debit).
    pub delta: i64,
}

/// Parses an operation: `"debit Alice 1000"` and `"credit Bob 1000"` move money; anything else is a generic update.
pub fn parse_op(op: &str) -> Option<Posting> {
    let words: Vec<&str> = op.split_whitespace().collect();
    let [verb, account, amount] = words.as_slice() else {
        return None;
    };
    let amount: i64 = amount.parse().ok().filter(|a| (0..=MAX_MONEY).contains(a))?;
    let sign = match verb.to_ascii_lowercase().as_str() {
        "debit" => -1,
        "credit" => 1,
        _ => return None,
    };
    Some(Posting { account: account.to_string(), delta: sign * amount })
}

/// Application parameters shared by 2PC and 3PC.
#[derive(Clone, Debug)]
pub struct AppParams {
    /// Initial balance of every account mentioned (accounts not listed start at 0).
    pub balances: VecMap<String, i64>,
    /// True when `balances` was given explicitly (then every listed account is reported).
    pub explicit_balances: bool,
    /// Per node: the participant is willing to vote YES (`votes`).
    pub votes: Vec<bool>,
}

impl AppParams {
    /// Reads `balances` and `votes`.
    pub fn read(r: &mut ParamReader<'_>) -> Result<Self, ScenarioError> {
        let mut balances = DEFAULT_BALANCES.iter().map(|(a, b)| (a.to_string(), *b)).collect::<VecMap<_, _>>();
        let path = r.path("balances");
        let explicit_balances = match r.raw("balances") {
            None => false,
            Some(Value::Object(m)) => {
                for (account, v) in m {
                    let p = format!("{path}.{account}");
                    if account.is_empty() || account.len() > 40 || account.contains(char::is_whitespace) {
                        return Err(err(&p, "an account name is 1-40 characters without spaces"));
                    }
                    let b = as_i64(v, &p, MAX_MONEY)?;
                    if b < 0 {
                        return Err(err(&p, "a balance cannot be negative"));
                    }
                    balances.insert(account.clone(), b);
                }
                true
            }
            Some(v) => return Err(err(&path, format!("expected an object of account balances, got {}", kind_of(v)))),
        };
        let votes = r.per_node("votes", true, |v, p| match as_str(v, p, 3)? {
            "YES" => Ok(true),
            "NO" => Ok(false),
            other => Err(err(p, format!("{other:?} is not YES or NO"))),
        })?;
        Ok(AppParams { balances, explicit_balances, votes })
    }

    /// Initial balance of an account.
    pub fn initial(&self, account: &str) -> i64 {
        self.balances.get(account).copied().unwrap_or(0)
    }
}

/// The participants (every node but the coordinator, node 0), in ascending id order.
pub fn participants(c: &Cluster) -> Vec<NodeId> {
    c.ascending.iter().copied().filter(|&i| i != 0).collect()
}

/// The operations of a transaction, one per participant in ascending id order: the submitted ones, and for the
/// others the bank-transfer defaults (Alice@K debit 1000 and Bob@S credit 1000, when both K and S exist) or a
/// generic update.
pub fn ops_for(given: Option<&VecMap<NodeId, String>>, c: &Cluster) -> Vec<(NodeId, String)> {
    let bank = c.index("K").is_some_and(|k| k != 0) && c.index("S").is_some_and(|s| s != 0);
    participants(c)
        .into_iter()
        .map(|p| {
            let op = given.and_then(|g| g.get(&p).cloned()).unwrap_or_else(|| match c.ids[p].as_str() {
                "K" if bank => "debit Alice 1000".to_string(),
                "S" if bank => "credit Bob 1000".to_string(),
                id => format!("update {id}"),
            });
            (p, op)
        })
        .collect()
}

/// Balance of `account` at one participant: the initial balance plus that participant's applied postings.
pub fn local_balance(app: &AppParams, account: &str, applied: &[Posting]) -> i64 {
    app.initial(account) + applied.iter().filter(|x| x.account == account).map(|x| x.delta).sum::<i64>()
}

/// Whether participant `me` may vote YES for `op`: `Ok(lock)` names the lock it takes, `Err(why)` says why it
/// votes NO.
pub fn willing(app: &AppParams, me: NodeId, op: &str, applied: &[Posting]) -> Result<String, String> {
    if !app.votes.get(me).copied().unwrap_or(true) {
        return Err("configured to vote NO".into());
    }
    match parse_op(op) {
        Some(p) => {
            let have = local_balance(app, &p.account, applied);
            if have + p.delta < 0 {
                Err(format!("{} has only {have}, cannot {op}", p.account))
            } else {
                Ok(p.account)
            }
        }
        None => Ok(op.to_string()),
    }
}

/// Scenario checks shared by 2PC and 3PC: at least one participant, and every `submit` addressed to the coordinator
/// with operations for participants only.
pub fn validate(s: &Scenario, protocol: &str) -> Result<(), ScenarioError> {
    if s.nodes.len() < 2 {
        return Err(err("nodes", format!("{protocol} needs a coordinator and at least one participant")));
    }
    for (i, e) in s.schedule.iter().enumerate() {
        if let Action::Submit { node, ops, .. } = &e.action {
            let p = format!("schedule[{i}].submit");
            if *node != 0 {
                return Err(err(
                    &format!("{p}.node"),
                    format!(
                        "{} is a participant; transactions are submitted at the coordinator {}",
                        s.nodes[*node], s.nodes[0]
                    ),
                ));
            }
            if ops.as_ref().is_some_and(|o| o.contains_key(&0)) {
                return Err(err(
                    &format!("{p}.ops"),
                    format!("{} is the coordinator and has no operation", s.nodes[0]),
                ));
            }
        }
    }
    Ok(())
}

/// A random `submit` at the coordinator (for soaks): a fresh transaction id and the default operations.
pub fn random_submit(rng: &mut Rng, _s: &Scenario, _t: Time) -> Option<Action> {
    Some(Action::Submit { node: 0, txid: format!("T{}", rng.range(2, 100)), ops: None })
}

/// The decisions every process has taken, with the AC-Agreement / AC-Irrevocability / AC-Validity checks.
#[derive(Clone, Debug, Default)]
pub struct DecisionBook {
    /// `dec(x)` per node, with the time of each decision.
    pub taken: Vec<Vec<(Decision, Time)>>,
    /// Participants that have sent `VOTE{YES}` at least once.
    pub yes_sent: VecSet<NodeId>,
    committers: VecSet<NodeId>,
    aborters: VecSet<NodeId>,
    agreement_reported: bool,
    validity_reported: bool,
    irrevocability_reported: VecSet<NodeId>,
}

/// What a new decision broke.
pub struct Broken {
    /// Invariant id.
    pub id: &'static str,
    /// Node most involved.
    pub node: NodeId,
    /// Every node involved.
    pub nodes: Vec<NodeId>,
    /// Explanation.
    pub detail: String,
}

impl DecisionBook {
    /// An empty book for `n` nodes.
    pub fn new(n: usize) -> Self {
        DecisionBook { taken: vec![Vec::new(); n], ..Default::default() }
    }

    /// True when some process has decided COMMIT.
    pub fn any_commit(&self) -> bool {
        !self.committers.is_empty()
    }

    /// Records that `node` decided `d` at `at`; returns the invariants this breaks (each reported once).
    pub fn decide(&mut self, node: NodeId, d: Decision, at: Time, parts: &[NodeId], ids: &[String]) -> Vec<Broken> {
        let mut out = Vec::new();
        if let Some(&(first, when)) = self.taken[node].iter().find(|(x, _)| *x != d) {
            if self.irrevocability_reported.insert(node) {
                out.push(Broken {
                    id: "AC-Irrevocability",
                    node,
                    nodes: vec![node],
                    detail: format!("{} decided {} at {when} and now {}", ids[node], first.name(), d.name()),
                });
            }
        }
        self.taken[node].push((d, at));
        match d {
            Decision::Commit => self.committers.insert(node),
            Decision::Abort => self.aborters.insert(node),
        };
        if !self.agreement_reported && !self.committers.is_empty() && !self.aborters.is_empty() {
            self.agreement_reported = true;
            let list = |s: &VecSet<NodeId>| s.iter().map(|&i| ids[i].as_str()).collect::<Vec<_>>().join(", ");
            out.push(Broken {
                id: "AC-Agreement",
                node,
                nodes: self.committers.union(&self.aborters).copied().collect(),
                detail: format!("{} committed while {} aborted", list(&self.committers), list(&self.aborters)),
            });
        }
        if d == Decision::Commit && !self.validity_reported {
            let missing: Vec<&str> =
                parts.iter().filter(|p| !self.yes_sent.contains(p)).map(|&p| ids[p].as_str()).collect();
            if !missing.is_empty() {
                self.validity_reported = true;
                out.push(Broken {
                    id: "AC-Validity",
                    node,
                    nodes: vec![node],
                    detail: format!("{} decided COMMIT but {} never voted YES", ids[node], missing.join(", ")),
                });
            }
        }
        out
    }

    /// `dec(x)` as the report's `decisions` list.
    pub fn names(&self, node: NodeId) -> Vec<&'static str> {
        self.taken[node].iter().map(|(d, _)| d.name()).collect()
    }
}

/// What one node's stable state says about the application, for [`conservation`] and the report.
pub struct Ledger<'a> {
    /// The node's decision record, if any.
    pub decision: Option<Decision>,
    /// Postings applied with its COMMIT record.
    pub applied: &'a [Posting],
}

/// Accounts the report shows: every account given in `balances` when it was given, otherwise the accounts named by
/// the transaction's operations or touched by a posting.
pub fn accounts(app: &AppParams, ops: &[(NodeId, String)], ledgers: &[Ledger<'_>]) -> VecSet<String> {
    let mut a = if app.explicit_balances { app.balances.keys().cloned().collect() } else { VecSet::new() };
    a.extend(ops.iter().filter_map(|(_, op)| parse_op(op)).map(|p| p.account));
    a.extend(ledgers.iter().flat_map(|l| l.applied.iter().map(|p| p.account.clone())));
    a
}

/// Current balance of every account shown.
pub fn balances(app: &AppParams, ops: &[(NodeId, String)], ledgers: &[Ledger<'_>]) -> VecMap<String, i64> {
    accounts(app, ops, ledgers)
        .into_iter()
        .map(|acct| {
            let moved: i64 =
                ledgers.iter().flat_map(|l| l.applied.iter()).filter(|p| p.account == acct).map(|p| p.delta).sum();
            let b = app.initial(&acct) + moved;
            (acct, b)
        })
        .collect()
}

/// The report's `app` object: the balances.
pub fn app_report(app: &AppParams, ops: &[(NodeId, String)], ledgers: &[Ledger<'_>]) -> Map<String, Value> {
    crate::collect::object(balances(app, ops, ledgers).into_iter().map(|(k, v)| (k, json!(v))))
}

/// APP-Conservation: once every participant has decided, the money is where an atomic transfer would have left it:
/// the total equals its initial value (or, for operations that do not balance, the initial value plus their net
/// amount when every one of them was applied). Returns the explanation when it is broken. `ledgers` is indexed by
/// node; `ops` are the transaction's operations.
pub fn conservation(
    app: &AppParams,
    parts: &[NodeId],
    ops: &[(NodeId, String)],
    ledgers: &[Ledger<'_>],
    ids: &[String],
) -> Option<String> {
    if parts.iter().any(|&p| ledgers[p].decision.is_none()) {
        return None;
    }
    let postings: Vec<(NodeId, Posting)> = ops.iter().filter_map(|(n, op)| parse_op(op).map(|p| (*n, p))).collect();
    let moved: i64 = ledgers.iter().flat_map(|l| l.applied.iter()).map(|p| p.delta).sum();
    let all_applied = postings.iter().all(|(n, _)| !ledgers[*n].applied.is_empty());
    let net: i64 = postings.iter().map(|(_, p)| p.delta).sum();
    if moved == 0 || (all_applied && moved == net) {
        return None;
    }
    let bal = balances(app, ops, ledgers);
    let initial: i64 = bal.keys().map(|a| app.initial(a)).sum();
    let total: i64 = bal.values().sum();
    let terms: Vec<String> = bal.iter().map(|(a, b)| format!("{a} {b}")).collect();
    let who: Vec<String> = postings
        .iter()
        .map(|(n, p)| {
            let did = if ledgers[*n].applied.is_empty() { "did not apply" } else { "applied" };
            format!("{} {did} {} {}", ids[*n], p.account, p.delta)
        })
        .collect();
    Some(format!(
        "{} = {total} ≠ {} ({})",
        terms.join(" + "),
        if all_applied { initial + net } else { initial },
        who.join(", ")
    ))
}

/// What a crashed 2PC or 3PC node's stable log says, as drawn while it is down (the two protocols log the same
/// facts under different record names).
pub struct StableFacts<'a> {
    /// Node ids, to name the TC's participants.
    pub ids: &'a [String],
    /// Initial balances.
    pub app: &'a AppParams,
    /// Record names in the order written.
    pub records: &'a [&'static str],
    /// Transaction id.
    pub txid: Option<&'a str>,
    /// The TC's operations.
    pub ops: &'a [(NodeId, String)],
    /// A participant logged its YES vote.
    pub voted_yes: bool,
    /// A participant's operation.
    pub op: Option<&'a str>,
    /// Postings applied at COMMIT.
    pub applied: &'a [Posting],
    /// The logged decision.
    pub decision: Option<Decision>,
}

/// The view of a node that is down: only its stable state.
pub fn down_view(s: StableFacts<'_>) -> crate::view::ProtoView {
    use crate::view::{Field, LogLine, ProtoView};
    let mut fields = vec![];
    if let Some(t) = s.txid {
        fields.push(Field::durable("txid", t));
    }
    if !s.ops.is_empty() {
        let ops: Vec<String> = s.ops.iter().map(|(q, op)| format!("{}: {op}", s.ids[*q])).collect();
        fields.push(Field::durable("ops", ops.join("; ")));
    }
    if s.voted_yes {
        fields.push(Field::durable("vote", "YES"));
    }
    if let Some(op) = s.op {
        fields.push(Field::durable("op", op));
        if let Some(post) = parse_op(op) {
            let b = local_balance(s.app, &post.account, s.applied);
            fields.push(Field::durable("balance", format!("{} {b}", post.account)));
        }
    }
    fields.push(Field::durable("decision", s.decision.map_or("none", |x| x.name())));
    ProtoView {
        role: "down".into(),
        class: "down",
        fields,
        log: s.records.iter().map(|r| LogLine { text: r.to_string(), committed: true, term: 0 }).collect(),
        blocked_since: None,
    }
}
