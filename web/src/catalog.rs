//! What the UI knows about each protocol: its name, node bounds, how a fresh sandbox looks, and which actions a
//! node's menu offers. Everything else comes from the simulator's generic snapshot.

use netsplit_core::scenario::{Action, Scenario};
use serde_json::{json, Value};

/// One protocol as the picker lists it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ProtocolInfo {
    /// Name in scenarios.
    pub id: &'static str,
    /// i18n key of the display name.
    pub name_key: &'static str,
    /// Fewest nodes.
    pub min_nodes: usize,
    /// Most nodes the UI offers.
    pub max_nodes: usize,
    /// Nodes in a fresh sandbox.
    pub default_nodes: usize,
}

/// Most nodes any protocol runs on: the scenario format's limit. The drawing shrinks nodes past nine.
const MAX: usize = netsplit_core::time::MAX_NODES;

/// Every protocol, in picker order.
pub const PROTOCOLS: &[ProtocolInfo] = &[
    ProtocolInfo { id: "raft", name_key: "proto.raft", min_nodes: 1, max_nodes: MAX, default_nodes: 5 },
    ProtocolInfo { id: "2pc", name_key: "proto.2pc", min_nodes: 2, max_nodes: MAX, default_nodes: 3 },
    ProtocolInfo { id: "3pc", name_key: "proto.3pc", min_nodes: 2, max_nodes: MAX, default_nodes: 4 },
    ProtocolInfo { id: "lamport", name_key: "proto.lamport", min_nodes: 1, max_nodes: MAX, default_nodes: 3 },
    ProtocolInfo {
        id: "lamport-mutex",
        name_key: "proto.lamport-mutex",
        min_nodes: 2,
        max_nodes: MAX,
        default_nodes: 3,
    },
    ProtocolInfo { id: "lww", name_key: "proto.lww", min_nodes: 1, max_nodes: MAX, default_nodes: 3 },
    ProtocolInfo { id: "quorum", name_key: "proto.quorum", min_nodes: 2, max_nodes: MAX, default_nodes: 4 },
    ProtocolInfo { id: "fencing", name_key: "proto.fencing", min_nodes: 3, max_nodes: MAX, default_nodes: 4 },
    ProtocolInfo { id: "link", name_key: "proto.link", min_nodes: 2, max_nodes: 2, default_nodes: 2 },
    ProtocolInfo { id: "generals", name_key: "proto.generals", min_nodes: 2, max_nodes: 2, default_nodes: 2 },
];

/// Looks a protocol up by name.
pub fn info(id: &str) -> Option<&'static ProtocolInfo> {
    PROTOCOLS.iter().find(|p| p.id == id)
}

/// True when this build can run the protocol.
pub fn available(id: &str) -> bool {
    sandbox(id, 2.max(info(id).map_or(2, |p| p.min_nodes)), 1).is_ok()
}

/// Length of a sandbox run: ten minutes of simulated time.
pub const SANDBOX_UNTIL: u64 = 600_000;

/// Node ids for a protocol with `n` nodes (roles by position, as the format says).
pub fn node_ids(protocol: &str, n: usize) -> Vec<String> {
    match protocol {
        "2pc" | "3pc" => {
            let coord = if protocol == "2pc" { "TC" } else { "C" };
            let mut v = vec![coord.to_string()];
            if protocol == "2pc" && n == 3 {
                v.extend(["K".to_string(), "S".to_string()]);
            } else {
                v.extend((1..n).map(|i| format!("P{i}")));
            }
            v
        }
        "lamport" | "lamport-mutex" => (1..=n).map(|i| format!("P{i}")).collect(),
        "quorum" => std::iter::once("App".to_string()).chain((1..n).map(|i| format!("db{i}"))).collect(),
        "fencing" => {
            let mut v = vec!["LS".to_string()];
            v.extend((1..n - 1).map(|i| format!("C{i}")));
            v.push("St".to_string());
            v
        }
        "link" => vec!["A".into(), "B".into()],
        "generals" => vec!["A".into(), "B".into()],
        _ => (1..=n).map(|i| format!("n{i}")).collect(),
    }
}

/// A fresh sandbox for a protocol: `n` nodes, default parameters, and for the commit protocols a transaction
/// submitted at t = 0 so there is something to watch.
pub fn sandbox(protocol: &str, n: usize, seed: u64) -> Result<Scenario, String> {
    let nodes = node_ids(protocol, n);
    let mut schedule = Vec::new();
    let mut params = json!({});
    match protocol {
        "2pc" | "3pc" => schedule.push(json!({"at": 0, "submit": {"node": nodes[0], "txid": "T1"}})),
        "link" => {
            schedule.push(json!({"at": 0, "send": {"node": "A", "to": "B", "payload": "credit Bob 1000"}}));
            params = json!({"loss": 0.3});
        }
        "generals" => params = json!({"K": 3, "dawn": 100}),
        _ => {}
    }
    let until = if protocol == "generals" { 300 } else { SANDBOX_UNTIL };
    let doc = json!({
        "format": 1, "id": format!("sandbox-{protocol}"), "title": "Sandbox", "protocol": protocol,
        "nodes": nodes, "seed": seed, "params": params, "schedule": schedule, "runUntil": until,
    });
    Scenario::from_value(&doc).map_err(|e| e.to_string())
}

/// An entry of a node's action menu.
#[derive(Clone, Debug, PartialEq)]
pub struct MenuItem {
    /// i18n key of the label.
    pub key: &'static str,
    /// What it asks for before acting.
    pub input: MenuInput,
}

/// The input a menu entry needs.
#[derive(Clone, Debug, PartialEq)]
pub enum MenuInput {
    /// Nothing: act at once.
    None,
    /// A line of text (a command, a value, an event name).
    Text(&'static str),
    /// Another node (a message destination).
    Node,
}

/// The protocol-specific actions a node's menu offers (kernel actions such as crash and pause are always there).
pub fn node_menu(protocol: &str, node: usize) -> Vec<MenuItem> {
    let item = |key, input| MenuItem { key, input };
    match protocol {
        "raft" => vec![item("act.client", MenuInput::Text("x=1")), item("act.timeout", MenuInput::None)],
        "2pc" | "3pc" if node == 0 => vec![item("act.submit", MenuInput::Text("T2"))],
        "lamport" => vec![item("act.local", MenuInput::Text("e")), item("act.send", MenuInput::Node)],
        "lamport-mutex" => vec![item("act.request", MenuInput::None), item("act.release", MenuInput::None)],
        "lww" => vec![item("act.write", MenuInput::Text("2")), item("act.read", MenuInput::None)],
        "quorum" if node == 0 => vec![item("act.write", MenuInput::Text("booked")), item("act.read", MenuInput::None)],
        "fencing" => vec![
            item("act.acquire", MenuInput::None),
            item("act.prepareWrite", MenuInput::Text("data")),
            item("act.fencedWrite", MenuInput::Text("data")),
        ],
        "link" => vec![item("act.linkSend", MenuInput::Text("credit Bob 1000"))],
        _ => vec![],
    }
}

fn text_value(s: &str) -> Value {
    serde_json::from_str::<Value>(s).unwrap_or_else(|_| Value::String(s.to_string()))
}

/// Builds the scenario action for a menu entry of `node`, given the text or node the viewer supplied.
pub fn menu_action(
    protocol: &str,
    key: &str,
    node: usize,
    text: &str,
    other: Option<usize>,
    n: usize,
) -> Option<Action> {
    let text = text.trim();
    let named = |fallback: &str| if text.is_empty() { fallback.to_string() } else { text.chars().take(200).collect() };
    Some(match (protocol, key) {
        ("raft", "act.client") => Action::Client { node, cmd: named("x=1") },
        ("raft", "act.timeout") => Action::Timeout(node),
        (_, "act.submit") => Action::Submit { node, txid: named("T2"), ops: None },
        ("lamport", "act.local") => Action::Local { node, name: named("e") },
        ("lamport", "act.send") => {
            Action::LamportSend { node, to: other.filter(|o| *o != node && *o < n)?, name: None, msg: None, recv: None }
        }
        (_, "act.request") => Action::Request(node),
        (_, "act.release") => Action::Release(node),
        ("lww", "act.write") => {
            Action::LwwWrite { client: "viewer".into(), node, key: "x".into(), value: text_value(text) }
        }
        ("lww", "act.read") => Action::LwwRead { client: "viewer".into(), node, key: "x".into() },
        ("quorum", "act.write") => {
            Action::QuorumWrite { client: "viewer".into(), key: "r1".into(), value: text_value(text) }
        }
        ("quorum", "act.read") => Action::QuorumRead { client: "viewer".into(), key: "r1".into() },
        (_, "act.acquire") => Action::Acquire(node),
        (_, "act.prepareWrite") => Action::PrepareWrite { client: node, data: named("data"), delay: 50 },
        (_, "act.fencedWrite") => Action::FencedWrite { client: node, data: named("data") },
        ("link", "act.linkSend") => Action::LinkSend { node, to: 1 - node.min(1), payload: named("credit Bob 1000") },
        _ => return None,
    })
}
