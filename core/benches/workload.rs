//! The kernel-only workload shared by the kernel benchmarks: the link protocol on five nodes, every node sending
//! to every other every `every` ms, with jitter, 5 % loss and retransmission.

use netsplit_core::scenario::Scenario;

/// Five nodes, all-to-all traffic, jitter 5 ms, loss 5 %, RTO 30 ms, running for `until` ms.
pub fn link_all_to_all(every: u64, until: u64) -> Scenario {
    let doc = format!(
        r#"{{"format":1,"id":"kernel-bench","protocol":"link","nodes":["A","B"],"seed":42,
            "params":{{"RTO":30,"sendEvery":{every},"jitter":5,"loss":0.05}},"runUntil":{until}}}"#
    );
    let mut s = Scenario::parse(&doc).expect("valid workload");
    // The scenario format allows two link endpoints; the kernel does not care, and the benchmark wants five.
    s.nodes = ["n1", "n2", "n3", "n4", "n5"].iter().map(|x| x.to_string()).collect();
    s
}
