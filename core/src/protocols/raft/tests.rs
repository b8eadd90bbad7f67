//! Raft tests, named after the sections of the paper (Ongaro & Ousterhout, extended version), of Ongaro's thesis
//! and of protocols.md §4 they check. Reference times are those of protocols.md §8.

use super::*;
use crate::check::{Checker, Found};
use crate::presets;
use crate::protocol::Effect;
use crate::scenario::Scenario;
use crate::sim::Simulation;
use crate::trace::TraceKind;

fn doc(nodes: &[&str], params: &str, schedule: &str, faults: &str, until: u64) -> Scenario {
    let nodes: Vec<String> = nodes.iter().map(|n| format!("{n:?}")).collect();
    let text = format!(
        r#"{{"format":1,"id":"t","protocol":"raft","nodes":[{}],"params":{{{params}}},
            "schedule":[{schedule}],"faults":[{faults}],"runUntil":{until}}}"#,
        nodes.join(",")
    );
    Scenario::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

const N5: [&str; 5] = ["n1", "n2", "n3", "n4", "n5"];
const PINNED5: &str = r#""electionTimeout":{"n1":[150],"n2":[200],"n3":[250],"n4":[300],"n5":[350]}"#;

fn preset(id: &str) -> Scenario {
    let (_, text) = presets::ALL.iter().find(|(f, _)| *f == id).unwrap_or_else(|| panic!("no scenario {id}"));
    Scenario::parse(text).unwrap()
}

fn sim(s: &Scenario) -> Simulation<Raft> {
    Simulation::<Raft>::new(s).unwrap()
}

/// Processes every event at or before `t`.
fn upto(sim: &mut Simulation<Raft>, t: u64) {
    sim.advance_to(t + 1);
}

fn node(sim: &Simulation<Raft>, i: NodeId) -> &Raft {
    sim.world().node(i).expect("node is up")
}

fn log_of(r: &Raft) -> Vec<String> {
    r.log.iter().map(|e| e.to_string()).collect()
}

fn violations(sim: &Simulation<Raft>) -> Vec<(&'static str, u64)> {
    sim.first_violations().iter().map(|v| (v.invariant, v.at)).collect()
}

#[test]
fn s5_2_a_candidate_wins_with_a_majority_at_the_reference_times() {
    let s = doc(&N5, PINNED5, r#"{"at":300,"client":{"node":"n1","cmd":"x=1"}}"#, "", 600);
    let mut sim = sim(&s);
    upto(&mut sim, 150);
    assert_eq!((node(&sim, 0).role, node(&sim, 0).term, node(&sim, 0).voted_for), (Role::Candidate, 1, Some(0)));
    upto(&mut sim, 160);
    for i in 1..5 {
        assert_eq!((node(&sim, i).term, node(&sim, i).voted_for), (1, Some(0)), "n{} granted", i + 1);
    }
    upto(&mut sim, 169);
    assert_eq!(node(&sim, 0).role, Role::Candidate);
    upto(&mut sim, 170);
    assert_eq!(node(&sim, 0).role, Role::Leader);
    assert_eq!(sim.world().timer_deadline(0, &RaftTimer::Heartbeat), Some(220));
    assert_eq!(sim.world().timer_deadline(0, &RaftTimer::Election), None, "a leader has no election timer");
}

#[test]
fn s5_2_the_election_timer_is_rearmed_only_on_a_granted_vote_or_a_current_append_entries() {
    // n1 and n3 both start term 1; n2 grants n1 (re-arms) and then refuses n3 (does not re-arm).
    let s = doc(
        &["n1", "n2", "n3"],
        r#""electionTimeout":{"n1":[1000],"n2":[200],"n3":[1000]}"#,
        r#"{"at":100,"timeout":"n1"},{"at":105,"timeout":"n3"}"#,
        r#"{"drop":{"src":"n1","dst":"n3"}},{"drop":{"src":"n3","dst":"n1"}}"#,
        400,
    );
    let mut sim = sim(&s);
    upto(&mut sim, 110);
    assert_eq!(sim.world().timer_deadline(1, &RaftTimer::Election), Some(310), "granting re-arms (110 + 200)");
    upto(&mut sim, 115);
    assert_eq!(node(&sim, 1).voted_for, Some(0));
    assert_eq!(sim.world().timer_deadline(1, &RaftTimer::Election), Some(310), "refusing n3 does not re-arm");
    upto(&mut sim, 130);
    // n1's initial AppendEntries (sent at 120) re-arms it.
    assert_eq!(sim.world().timer_deadline(1, &RaftTimer::Election), Some(330));
}

#[test]
fn s5_2_a_split_vote_resolves_in_the_next_term() {
    let mut sim = sim(&preset("RAFT-split-vote"));
    upto(&mut sim, 170);
    for i in 0..4 {
        let r = node(&sim, i);
        assert_eq!((r.role, r.term, r.voted_for), (Role::Candidate, 1, Some(i)), "everyone voted for itself");
    }
    upto(&mut sim, 330);
    assert_eq!((node(&sim, 0).role, node(&sim, 0).term), (Role::Leader, 2));
    assert_eq!(sim.checker().elections(), &[(330, 0, 2)]);
}

#[test]
fn s5_3_the_leader_commits_on_a_majority_and_followers_apply_with_the_next_heartbeat() {
    let mut sim = sim(&preset("RAFT-1"));
    upto(&mut sim, 319);
    assert_eq!(node(&sim, 0).commit, 0);
    assert_eq!(node(&sim, 1).log.len(), 1, "followers stored x=1 at 310");
    upto(&mut sim, 320);
    assert_eq!((node(&sim, 0).commit, node(&sim, 0).applied), (1, 1));
    assert_eq!(node(&sim, 1).commit, 0, "followers learn commitIndex from the next AppendEntries");
    upto(&mut sim, 330);
    for i in 1..5 {
        assert_eq!((node(&sim, i).commit, node(&sim, i).applied), (1, 1));
    }
}

/// The schedule of RAFT-truncate-on-match: an AppendEntries carrying only `a` arrives after the one carrying
/// `a, b`, which n2 already acknowledged.
fn reordered(truncate_on_match: bool, delay: u64, crash_at: u64) -> Scenario {
    doc(
        &["n1", "n2", "n3"],
        &format!(r#""electionTimeout":{{"n1":[100],"n2":[300],"n3":[400]}},"truncateOnMatch":{truncate_on_match}"#),
        &format!(
            r#"{{"at":221,"client":{{"node":"n1","cmd":"a"}}}},{{"at":222,"client":{{"node":"n1","cmd":"b"}}}},
               {{"at":{crash_at},"crash":"n1"}},{{"at":600,"client":{{"node":"n2","cmd":"c"}}}}"#
        ),
        &format!(
            r#"{{"delay":{{"src":"n1","dst":"n2","type":"AppendEntries","from":221,"to":222,"extra":{delay}}}}},
               {{"drop":{{"src":"n1","dst":"n3","type":"AppendEntries","from":200,"to":1000}}}}"#
        ),
        800,
    )
}

#[test]
fn s5_3_a_reordered_append_entries_never_truncates_matching_entries() {
    let mut sim = sim(&reordered(false, 20, 260));
    upto(&mut sim, 251);
    assert_eq!(log_of(node(&sim, 1)), ["1:a", "1:b"], "the stale AppendEntries is harmless");
    sim.run_to_end();
    assert_eq!(violations(&sim), [], "b is committed and survives: n2 is elected with it");
    assert_eq!(log_of(node(&sim, 1)), ["1:a", "1:b", "2:c"]);
}

#[test]
fn truncate_on_match_erases_acknowledged_entries_and_the_checker_sees_it() {
    let mut sim = sim(&reordered(true, 20, 260));
    upto(&mut sim, 251);
    assert_eq!(log_of(node(&sim, 1)), ["1:a"]);
    sim.run_to_end();
    assert_eq!(violations(&sim), [("R-CD", 251), ("R-LC", 571), ("R-SMS", 620)]);
    // Delayed longer, the stale message arrives after n2 learned commitIndex 2: its log shrinks below it.
    let mut sim2 = self::sim(&reordered(true, 60, 290));
    sim2.run_to_end();
    assert_eq!(violations(&sim2)[..2], [("R-CD", 291), ("R-CI", 291)]);
}

#[test]
fn s5_3_conflicting_entries_of_a_deposed_leader_are_overwritten() {
    let mut sim = sim(&preset("RAFT-3"));
    upto(&mut sim, 1009);
    assert_eq!(log_of(node(&sim, 0)), ["1:x=1", "1:x=2", "1:x=4"]);
    assert_eq!(node(&sim, 0).commit, 1, "the minority leader never committed x=2 or x=4");
    upto(&mut sim, 1010);
    for i in [0, 1] {
        let r = node(&sim, i);
        assert_eq!((r.role, r.term, log_of(r), r.commit), (Role::Follower, 2, vec!["1:x=1".into(), "2:x=3".into()], 2));
    }
}

#[test]
fn s5_4_1_a_voter_refuses_a_candidate_whose_log_is_less_up_to_date() {
    let mut sim = sim(&preset("RAFT-5a"));
    upto(&mut sim, 210);
    let n2 = node(&sim, 1);
    assert_eq!((n2.term, n2.voted_for), (3, None), "n2 moved to term 3 but refused n5 ((1,1) < (2,2))");
    assert_eq!(node(&sim, 2).voted_for, Some(4));
    assert!(up_to_date_check());
}

fn up_to_date_check() -> bool {
    use super::state::up_to_date;
    up_to_date(3, 2, 2, 2) && up_to_date(2, 3, 2, 2) && up_to_date(2, 2, 2, 2) && !up_to_date(1, 9, 2, 1)
}

#[test]
fn s5_4_2_a_leader_does_not_commit_an_earlier_term_entry_by_counting_replicas() {
    let mut sim = sim(&preset("RAFT-5a"));
    upto(&mut sim, 375);
    let n1 = node(&sim, 0);
    assert_eq!((n1.role, n1.term), (Role::Leader, 4));
    assert_eq!(n1.match_index[1..3], [2, 2], "2:b is on n1, n2 and n3, a majority");
    assert_eq!(n1.commit, 0, "but it is from term 2, not 4");
    sim.run_to_end();
    assert_eq!(violations(&sim), []);
}

#[test]
fn s5_4_2_the_buggy_rule_breaks_leader_completeness_and_state_machine_safety_at_the_reference_times() {
    let mut sim = sim(&preset("RAFT-5b"));
    upto(&mut sim, 360);
    assert_eq!(node(&sim, 0).commit, 2, "n1 commits 2:b by counting");
    sim.run_to_end();
    assert_eq!(violations(&sim), [("R-LC", 450), ("R-CD", 480), ("R-SMS", 490)]);
    let details: Vec<&str> = sim.first_violations().iter().map(|v| v.detail.as_str()).collect();
    assert_eq!(details[0], "leader n5 term 5 lacks committed idx 2 (2:b)");
}

#[test]
fn s5_5_a_recovered_server_forgets_what_was_committed_and_relearns_it() {
    let mut sim = sim(&preset("RAFT-leader-crash"));
    upto(&mut sim, 800);
    let n1 = node(&sim, 0);
    assert_eq!((n1.role, n1.term, n1.commit, n1.applied), (Role::Follower, 1, 0, 0));
    assert_eq!(log_of(n1), ["1:x=1"], "the log survived the crash");
    sim.run_to_end();
    let n1 = node(&sim, 0);
    assert_eq!((n1.term, n1.commit, log_of(n1)), (2, 2, vec!["1:x=1".into(), "2:x=2".into()]));
}

#[test]
fn s5_1_a_higher_term_in_a_response_deposes_the_leader() {
    let mut sim = sim(&preset("RAFT-6a"));
    upto(&mut sim, 1339);
    assert_eq!((node(&sim, 0).role, node(&sim, 0).term), (Role::Leader, 1));
    assert_eq!(node(&sim, 4).term, 3, "n5's term grew while it was cut off");
    upto(&mut sim, 1340);
    assert_eq!((node(&sim, 0).role, node(&sim, 0).term), (Role::Follower, 3));
    assert!(sim.world().timer_deadline(0, &RaftTimer::Election).is_some());
    assert_eq!(sim.world().timer_deadline(0, &RaftTimer::Heartbeat), None);
}

#[test]
fn s8_a_retried_command_is_executed_once_and_a_follower_gives_the_leader_hint() {
    let mut sim = sim(&preset("RAFT-dedup"));
    sim.run_to_end();
    let n2 = node(&sim, 1);
    assert_eq!(log_of(n2), ["1:x=1", "1:x=1", "1:x=2"]);
    let executed: Vec<&str> = n2.sm.executed().iter().map(|(_, c)| &**c).collect();
    assert_eq!(executed, ["x=1", "x=2"]);
    let c = sim.checker();
    assert_eq!(c.rejections().len(), 1);
    assert_eq!(c.rejections()[0].hint.as_deref(), Some("n1"));
    let cached: Vec<(u64, bool)> = c.acks().iter().map(|a| (a.result, a.cached)).collect();
    assert_eq!(cached, [(1, false), (1, false), (1, true), (3, false)], "every retry of seq 1 gets result 1");
}

#[test]
fn s8_the_state_machine_deduplicates_by_client_and_sequence_number() {
    let (cmd, tag) = ClientTag::parse("x=1@alice#7");
    assert_eq!((&*cmd, tag.as_ref().map(|t| (&*t.id, t.seq))), ("x=1", Some(("alice", 7))));
    assert!(ClientTag::parse("mail@example.com").1.is_none(), "not a tag: no '#seq'");
    assert!(ClientTag::parse("@a#1").1.is_none(), "a tag needs a command");
    let mut sm = client::StateMachine::default();
    let e = |seq, cmd: &str| Entry {
        term: 1,
        cmd: cmd.into(),
        client: ClientTag::parse(&format!("{cmd}@c#{seq}")).1,
        noop: false,
    };
    assert_eq!(sm.apply(1, &e(1, "a")), (true, 1));
    assert_eq!(sm.apply(2, &e(1, "a")), (false, 1), "a retry is not executed; the cached result comes back");
    assert_eq!(sm.apply(3, &e(2, "b")), (true, 3));
    assert_eq!(sm.apply(4, &Entry::noop(2)), (false, 4));
    let anon = Entry { term: 1, cmd: "a".into(), client: None, noop: false };
    assert_eq!(sm.apply(5, &anon), (true, 5), "anonymous commands are never deduplicated");
    assert_eq!(sm.apply(6, &anon), (true, 6));
}

#[test]
fn s8_a_noop_commits_the_previous_leaders_entries_at_once() {
    let mut sim = sim(&preset("RAFT-noop"));
    upto(&mut sim, 569);
    assert_eq!(
        (node(&sim, 1).role, node(&sim, 1).commit),
        (Role::Leader, 1),
        "only term 1's no-op was known committed"
    );
    upto(&mut sim, 570);
    assert_eq!(node(&sim, 1).commit, 3);
    assert_eq!(log_of(node(&sim, 1)), ["1:no-op", "1:x=1", "2:no-op"]);
}

#[test]
fn fig2_votes_terms_and_entries_are_persisted_before_the_messages_that_depend_on_them() {
    for id in ["RAFT-1", "RAFT-3", "RAFT-5a", "RAFT-leader-crash"] {
        let mut sim = sim(&preset(id));
        sim.set_recording(true);
        sim.run_to_end();
        let trace = sim.take_trace();
        let mut checked = 0;
        for (k, ev) in trace.iter().enumerate() {
            let TraceKind::Send { label, .. } = &ev.kind else { continue };
            let needs = if label.starts_with("vote yes") {
                "vote for"
            } else if label.starts_with("RequestVote") {
                "votedFor"
            } else {
                continue;
            };
            let before = trace[..k].iter().rev().take_while(|e| e.ev == ev.ev);
            let persisted =
                before.into_iter().any(|e| matches!(&e.kind, TraceKind::Persist { record } if record.contains(needs)));
            assert!(persisted, "{id}: {label} at {} without persisting first", ev.t);
            checked += 1;
        }
        assert!(checked > 0, "{id}");
        // Every successful AppendEntries response that stored entries follows the log record of the same event.
        for (k, ev) in trace.iter().enumerate() {
            let TraceKind::Deliver { msg: "AppendEntries", .. } = ev.kind else { continue };
            let same: Vec<_> = trace[k..].iter().take_while(|e| e.ev == ev.ev).collect();
            let persist =
                same.iter().position(|e| matches!(&e.kind, TraceKind::Persist { record } if record.starts_with("log")));
            let reply = same
                .iter()
                .position(|e| matches!(&e.kind, TraceKind::Send { label, .. } if label.starts_with("AE ok")));
            if let (Some(p), Some(r)) = (persist, reply) {
                assert!(p < r, "{id}: AE ok sent before the log was persisted at {}", ev.t);
            }
        }
    }
}

#[test]
fn thesis_9_6_prevote_keeps_a_partitioned_server_from_raising_its_term() {
    let mut sim = sim(&preset("RAFT-6b"));
    upto(&mut sim, 1299);
    let n5 = node(&sim, 4);
    assert_eq!((n5.role, n5.term), (Role::PreCandidate, 1));
    assert!(n5.k >= 2, "it ran several pre-vote rounds");
    sim.run_to_end();
    assert_eq!(sim.checker().elections().len(), 1, "n1 leads term 1 throughout");
    assert!((0..5).all(|i| node(&sim, i).term == 1));
}

#[test]
fn thesis_6_2_check_quorum_steps_down_a_leader_cut_off_in_a_minority() {
    let mut sim = sim(&preset("RAFT-3b"));
    upto(&mut sim, 639);
    assert_eq!(node(&sim, 0).role, Role::Leader);
    upto(&mut sim, 640);
    assert_eq!((node(&sim, 0).role, node(&sim, 0).term), (Role::Follower, 1), "same term, no leader");
    assert_eq!((node(&sim, 2).role, node(&sim, 2).term), (Role::Leader, 2));
    upto(&mut sim, 800);
    assert_eq!(sim.checker().rejections()[0].cmd.as_ref(), "x=4");
}

#[test]
fn thesis_4_2_3_a_server_in_lease_ignores_a_disruptive_request_vote() {
    let mut s = preset("RAFT-6a");
    s.params.insert("checkQuorum".into(), serde_json::json!(true));
    s.expect = None;
    let mut sim = sim(&s);
    sim.set_recording(true);
    upto(&mut sim, 1441);
    assert_eq!(node(&sim, 4).term, 4, "n5 asked for votes in term 4 at 1430");
    assert_eq!(node(&sim, 1).term, 1, "n2 heard from n1 at 1330, less than T ago: it ignored the RequestVote");
    let ignored = sim
        .take_trace()
        .iter()
        .any(|e| matches!(&e.kind, TraceKind::Observe { what, .. } if what.contains("in lease")));
    assert!(ignored);
}

#[test]
fn s4_1_pinned_timeouts_count_elections_across_crashes() {
    let s = doc(
        &["n1", "n2", "n3"],
        r#""electionTimeout":{"n1":[100,400],"n2":[1000],"n3":[1000]}"#,
        r#"{"at":200,"crash":"n1"},{"at":210,"recover":"n1"}"#,
        "",
        700,
    );
    let mut sim = sim(&s);
    upto(&mut sim, 0);
    assert_eq!(sim.world().timer_deadline(0, &RaftTimer::Election), Some(100), "k = 0: list[0]");
    upto(&mut sim, 100);
    assert_eq!(sim.world().timer_deadline(0, &RaftTimer::Election), Some(500), "k = 1: list[1]");
    upto(&mut sim, 210);
    assert_eq!(sim.world().timer_deadline(0, &RaftTimer::Election), Some(610), "k survived the crash");
}

#[test]
fn s4_1_random_timeouts_are_drawn_from_t_to_2t_per_node_and_seed() {
    let deadlines = |seed: u64| {
        let mut s = doc(&N5, r#""electionTimeoutMin":100"#, "", "", 10);
        s.seed = seed;
        let sim = sim(&s);
        (0..5).map(|i| sim.world().timer_deadline(i, &RaftTimer::Election).unwrap()).collect::<Vec<_>>()
    };
    let a = deadlines(1);
    assert!(a.iter().all(|d| (100..200).contains(d)), "{a:?}");
    assert_eq!(a, deadlines(1));
    assert_ne!(a, deadlines(2));
}

#[test]
fn the_raftscope_preset_sets_its_timeouts_heartbeat_and_latency_and_explicit_params_win() {
    let s = doc(&N5, r#""preset":"raftscope""#, "", "", 10);
    let sim1 = sim(&s);
    let p = &sim1.shared().params;
    assert_eq!((p.heartbeat, p.election_min, p.election_timeout[0].clone()), (50, 100, ElectionTimeout::Random));
    let net = sim1.snapshot().network;
    assert_eq!((net.latency, net.jitter), (10, 4), "latency uniform in [10, 15)");
    let s2 = doc(&N5, r#""preset":"raftscope","heartbeat":30,"jitter":0,"electionTimeoutMin":120"#, "", "", 10);
    let sim2 = sim(&s2);
    assert_eq!((sim2.shared().params.heartbeat, sim2.shared().params.election_min), (30, 120));
    assert_eq!(sim2.snapshot().network.jitter, 0);
}

#[test]
fn parameters_and_node_counts_are_validated() {
    let bad = |nodes: usize, params: &str| {
        let ids: Vec<String> = (1..=nodes).map(|i| format!("\"n{i}\"")).collect();
        let text = format!(
            r#"{{"format":1,"id":"t","protocol":"raft","nodes":[{}],"params":{{{params}}},"runUntil":10}}"#,
            ids.join(",")
        );
        Scenario::parse(&text).err().map(|e| e.to_string())
    };
    assert_eq!(bad(1, ""), None);
    assert_eq!(bad(9, ""), None);
    // The format's 16 nodes, with no Raft-specific limit (scenario-format.md).
    assert_eq!(bad(16, ""), None);
    assert!(bad(17, "").unwrap().contains("nodes"));
    assert!(bad(3, r#""electionTimeout":0"#).unwrap().contains("params.electionTimeout"));
    assert!(bad(3, r#""electionTimeout":{"n1":[150,"x"]}"#).unwrap().contains("params.electionTimeout.n1[1]"));
    assert!(bad(3, r#""preset":"etcd""#).unwrap().contains("params.preset"));
    assert!(bad(3, r#""heartbeat":0"#).unwrap().contains("params.heartbeat"));
    assert!(bad(3, r#""preVote":"yes""#).unwrap().contains("params.preVote"));
    assert!(bad(3, r#""clientNode":"n7""#).unwrap().contains("params.clientNode"));
    assert!(bad(3, r#""bogus":1"#).unwrap().contains("params.bogus"));
    assert_eq!(bad(3, r#""electionTimeout":{"n1":[150,null],"n2":null},"maxEntriesPerAppend":null"#), None);
}

#[test]
fn a_single_server_elects_itself_and_commits_alone() {
    let s = doc(&["n1"], r#""electionTimeout":[50]"#, r#"{"at":100,"client":{"node":"n1","cmd":"x=1"}}"#, "", 200);
    let mut sim = sim(&s);
    sim.run_to_end();
    let n1 = node(&sim, 0);
    assert_eq!((n1.role, n1.term, n1.commit, n1.applied), (Role::Leader, 1, 1, 1));
    assert_eq!(violations(&sim), []);
}

#[test]
fn the_modelled_client_follows_leader_hints_and_every_command_commits_once() {
    let s = doc(&N5, r#""preset":"raftscope","clientEvery":100,"clientNode":"n3""#, "", "", 3_000);
    let mut sim = sim(&s);
    sim.run_to_end();
    let c = sim.checker();
    assert!(c.ack_count() >= 27, "about one command per 100 ms once a leader exists: {}", c.ack_count());
    let leader = (0..5).find(|&i| node(&sim, i).role == Role::Leader).unwrap();
    let r = node(&sim, leader);
    let seqs: Vec<u64> = r.log.iter().filter_map(|e| e.client.as_ref().map(|t| t.seq)).collect();
    assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>(), "one entry per seq, in order");
    assert_eq!(violations(&sim), []);
}

// The checker: every invariant can fail. Effects are shown to it directly, as the kernel would.

fn feed(sim: &Simulation<Raft>, node: NodeId, e: Effect<Raft>) -> Vec<&'static str> {
    let mut c = sim.checker().clone();
    let mut out = Found::default();
    let w = sim.world();
    c.on_effect(&w, node, &e.as_ref(), &mut out);
    c.after_event(&w, &mut out);
    let mut ids: Vec<&'static str> = out.list.iter().map(|v| v.invariant).collect();
    ids.dedup();
    ids
}

fn entry(term: u64, cmd: &str) -> Entry {
    Entry { term, cmd: cmd.into(), client: None, noop: false }
}

#[test]
fn s4_11_the_checker_catches_every_invariant_it_is_shown_broken() {
    let mut sim = sim(&preset("RAFT-1"));
    upto(&mut sim, 330);
    let log = |from, es: Vec<Entry>| Effect::Persist(RaftRecord::Log { from, entries: es });
    assert_eq!(feed(&sim, 1, Effect::Persist(RaftRecord::Term { term: 0, voted_for: None })), ["R-TM"]);
    assert_eq!(feed(&sim, 1, Effect::Persist(RaftRecord::Vote { term: 1, voted_for: 2 })), ["R-V1"]);
    assert_eq!(feed(&sim, 1, log(2, vec![entry(5, "y")])), ["R-LT"], "term above currentTerm");
    assert_eq!(feed(&sim, 1, log(2, vec![entry(0, "y")])), ["R-LT"], "terms going down");
    assert_eq!(feed(&sim, 0, log(1, vec![entry(1, "y")])), ["R-LAO", "R-LM"], "the leader rewrote index 1");
    assert_eq!(feed(&sim, 1, log(1, vec![entry(1, "y")])), ["R-LM"]);
    assert_eq!(feed(&sim, 1, log(2, vec![entry(1, "y")])), Vec::<&str>::new(), "appending is fine");
    // Committed x=1 is on five logs; three truncations leave two, fewer than a majority.
    let mut c = sim.checker().clone();
    let mut out = Found::default();
    for i in 2..5 {
        c.on_effect(&sim.world(), i, &log(1, vec![]).as_ref(), &mut out);
    }
    assert_eq!(out.list.iter().map(|v| v.invariant).collect::<Vec<_>>(), ["R-CD"]);
    let apply = Effect::Observe(RaftObs::Apply { index: 1, entry: entry(1, "y"), executed: true });
    assert_eq!(feed(&sim, 2, apply), ["R-SMS"]);
    assert_eq!(feed(&sim, 2, Effect::Observe(RaftObs::Leader { term: 1 })), ["R-ES"]);
    let later = feed(&sim, 2, Effect::Observe(RaftObs::Leader { term: 2 }));
    assert!(later.is_empty(), "n3 holds x=1: {later:?}");
    // A later leader lacking the committed entry.
    let mut c = sim.checker().clone();
    let mut out = Found::default();
    c.on_effect(&sim.world(), 3, &log(1, vec![]).as_ref(), &mut out);
    c.on_effect(&sim.world(), 3, &Effect::Observe(RaftObs::Leader { term: 2 }).as_ref(), &mut out);
    c.after_event(&sim.world(), &mut out);
    assert_eq!(out.list.iter().map(|v| v.invariant).collect::<Vec<_>>(), ["R-LC"]);
}

#[test]
fn s4_12_liveness_holds_with_a_working_leader_and_fails_without_progress() {
    let mut ok = sim(&preset("RAFT-1"));
    ok.run_to_end();
    assert!(ok.liveness().iter().all(|l| l.holds));
    let mut stuck = sim(&preset("RAFT-oneway"));
    stuck.run_to_end();
    let l = stuck.liveness();
    assert!(l.iter().any(|l| l.property == "R-Progress" && !l.holds));
    let s = doc(&N5, PINNED5, r#"{"at":300,"partition":[["n1","n2"],["n3"],["n4"],["n5"]]}"#, "", 2000);
    let mut split = sim(&s);
    split.run_to_end();
    assert!(split.liveness().iter().all(|l| !l.holds), "no connected majority: no leader");
}

#[test]
fn views_show_roles_logs_and_the_leaders_replication_state() {
    let mut sim = sim(&preset("RAFT-1"));
    upto(&mut sim, 330);
    let snap = sim.snapshot();
    let leader = &snap.nodes[0].proto;
    assert_eq!((leader.role.as_str(), leader.class), ("leader", "leader"));
    let field =
        |v: &crate::view::ProtoView, name: &str| v.fields.iter().find(|f| f.name == name).map(|f| f.value.clone());
    assert_eq!(field(leader, "nextIndex").as_deref(), Some("n2:2 n3:2 n4:2 n5:2"));
    assert_eq!(field(leader, "matchIndex").as_deref(), Some("n2:1 n3:1 n4:1 n5:1"));
    assert_eq!(field(leader, "term").as_deref(), Some("1"));
    assert_eq!(leader.log[0].text, "[1] 1:x=1");
    assert!(leader.log[0].committed);
    assert!(snap.nodes[1].timers.iter().any(|t| t.name == "election"), "the countdown ring");
    assert_eq!(field(&snap.nodes[1].proto, "votedFor").as_deref(), Some("n1"));
}

/// The largest cluster the format allows elects one leader, replicates a command to all sixteen and breaks nothing.
#[test]
fn sixteen_servers_elect_and_replicate() {
    let ids: Vec<String> = (1..=16).map(|i| format!("n{i}")).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let quiet = crate::run::run_scenario(&doc(&ids, "", "", "", 1500)).unwrap();
    let leaders: Vec<&String> =
        quiet["nodes"].as_object().unwrap().iter().filter(|(_, n)| n["role"] == "leader").map(|(id, _)| id).collect();
    assert_eq!(leaders.len(), 1, "{}", quiet["nodes"]);
    let request = format!(r#"{{"at":1500,"client":{{"node":"{}","cmd":"x=1"}}}}"#, leaders[0]);
    let r = crate::run::run_scenario(&doc(&ids, "", &request, "", 3000)).unwrap();
    assert_eq!(r["violations"], serde_json::json!([]));
    for (id, n) in r["nodes"].as_object().unwrap() {
        assert_eq!(n["applied"], serde_json::json!(["x=1"]), "{id}");
    }
}

#[test]
fn votes_and_message_fields_name_servers_by_their_ids_not_their_indexes() {
    // Servers whose ids are not "n" + index + 1: an index shown anywhere would not read as any of them.
    let mut sim = sim(&doc(&["alpha", "beta", "gamma"], "", "", "", 400));
    sim.set_recording(true);
    // Every RequestVote and AppendEntries in flight, millisecond by millisecond, names its sender.
    let mut named = Vec::new();
    for t in 0..400 {
        upto(&mut sim, t);
        let snap = sim.snapshot();
        for f in snap.messages.iter().filter_map(|m| sim.message_fields(m.id)) {
            named.extend(f.get("candidateId").or_else(|| f.get("leaderId")).cloned());
        }
    }
    assert!(!named.is_empty(), "no RequestVote or AppendEntries was ever in flight");
    assert!(named.iter().all(|v| ["alpha", "beta", "gamma"].contains(&v.as_str().unwrap_or(""))), "{named:?}");
    sim.run_to_end();
    let votes: Vec<String> = sim
        .take_trace()
        .into_iter()
        .filter_map(|e| match e.kind {
            TraceKind::Persist { record } if record.contains("vote") && !record.ends_with("null") => Some(record),
            _ => None,
        })
        .collect();
    assert!(!votes.is_empty());
    for v in &votes {
        assert!(!v.contains('#') && ["alpha", "beta", "gamma"].iter().any(|id| v.contains(id)), "{v}");
    }
}

#[test]
fn the_next_live_time_skips_cancelled_timers_but_never_a_real_event() {
    // Followers re-arm their election timers on every heartbeat; the old deadlines stay in the queue.
    let mut sim = sim(&preset("RAFT-1"));
    let mut differed = 0;
    let end = preset("RAFT-1").run_until;
    while let Some(live) = sim.next_live_time().filter(|&t| t < end) {
        let next = sim.next_time().expect("a live event is a pending one");
        assert!(live >= next);
        if live > next {
            differed += 1;
            // Everything before `live` is a cancelled timer: consuming it processes no event.
            let before = sim.events();
            assert!(!sim.step_before(live));
            assert_eq!(sim.events(), before, "an event before the next live time at {next}");
        }
        if !sim.step() {
            break;
        }
    }
    assert!(differed > 0, "RAFT-1 leaves cancelled timers in the queue");
}
