//! Application shell: title, protocol picker and a cluster preview.
use netsplit_core::layout;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Protocols in the order the picker lists them, and whether they are built yet.
pub const PROTOCOLS: &[(&str, &str, bool)] = &[
    ("raft", "Raft", false),
    ("2pc", "Two-Phase Commit", false),
    ("3pc", "Three-Phase Commit", false),
    ("lamport", "Lamport clocks", false),
    ("lamport-mutex", "Lamport mutual exclusion", false),
    ("lww", "Last-write-wins", false),
    ("quorum", "Quorum reads", false),
    ("fencing", "Fencing tokens", false),
    ("link", "Reliable links", false),
    ("generals", "Two generals", false),
];

/// The root component.
#[component]
pub fn App() -> Html {
    let protocol = use_state(|| "raft".to_string());
    let nodes = use_state(|| 5usize);
    let on_protocol = {
        let protocol = protocol.clone();
        Callback::from(move |e: Event| {
            let sel: HtmlSelectElement = e.target_unchecked_into();
            protocol.set(sel.value());
        })
    };
    let on_nodes = {
        let nodes = nodes.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(n) = input.value().parse::<usize>() {
                nodes.set(n.clamp(1, 9));
            }
        })
    };
    let pts = layout::circle(*nodes, 150.0, 150.0, 110.0);
    html! {
        <main class="shell">
            <header><h1>{"netsplit"}</h1><p class="tagline">{"A laboratory for distributed protocols"}</p></header>
            <section class="controls">
                <label>{"Protocol "}
                    <select id="protocol" onchange={on_protocol} aria-label="Protocol">
                        for (id, name, built) in PROTOCOLS.iter().copied() {
                            <option value={id} selected={*protocol == id} disabled={!built}>{name}</option>
                        }
                    </select>
                </label>
                <label>{"Nodes "}
                    <input id="node-count" type="number" min="1" max="9" value={nodes.to_string()} onchange={on_nodes}/>
                </label>
            </section>
            <svg id="cluster" viewBox="0 0 300 300" role="img" aria-label="Cluster">
                for (i, p) in pts.iter().enumerate() {
                    <circle class="node" cx={p.x.to_string()} cy={p.y.to_string()} r="18" data-node={i.to_string()}/>
                }
            </svg>
        </main>
    }
}
