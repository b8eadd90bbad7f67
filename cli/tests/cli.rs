//! The `netsplit` command line: exit codes, output formats and error messages.

use std::path::PathBuf;
use std::process::{Command, Output};

fn netsplit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_netsplit")).args(args).output().expect("runs")
}

fn scenarios() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/scenarios")
}

fn tmp(name: &str, content: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("netsplit-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

#[test]
fn check_passes_on_the_canonical_scenarios() {
    let out = netsplit(&["check", scenarios().to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.lines().any(|l| l == "ok NET-2"), "{stdout}");
    let last = stdout.lines().last().unwrap();
    assert!(last.ends_with("passed, 0 failed"), "{last}");
}

#[test]
fn run_prints_the_report_and_the_trace_on_request() {
    let f = scenarios().join("NET-2.json");
    let out = netsplit(&["run", f.to_str().unwrap(), "--trace"]);
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("report is JSON");
    assert_eq!(report["id"], "NET-2");
    assert_eq!(report["traceHash"].as_str().unwrap().len(), 16);
    assert_eq!(report["expect"]["ok"], true);
    let trace = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<serde_json::Value> = trace.lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect();
    assert!(lines.iter().any(|e| e["kind"] == "drop" && e["reason"] == "rule" && e["t"] == 0));
    assert!(lines.iter().any(|e| e["kind"] == "deliver" && e["node"] == "B" && e["t"] == 40));
}

/// The report's `traceHash` is the same whether the trace is written or not, also for scenarios whose schedule has
/// client requests and actions that are ignored (their descriptions exist only in the written trace).
#[test]
fn the_trace_hash_does_not_depend_on_writing_the_trace() {
    for id in ["RAFT-3", "3PC-3", "CLK-2-jump", "NET-2"] {
        let f = scenarios().join(format!("{id}.json"));
        let hash = |args: &[&str]| {
            let out = netsplit(&[&["run", f.to_str().unwrap()], args].concat());
            let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("report is JSON");
            report["traceHash"].as_str().unwrap().to_string()
        };
        let dest = std::env::temp_dir().join(format!("netsplit-hash-{}-{id}.jsonl", std::process::id()));
        let written = hash(&[&format!("--trace={}", dest.display())]);
        let trace = std::fs::read_to_string(&dest).unwrap();
        assert_eq!(hash(&[]), written, "{id}");
        if id == "RAFT-3" {
            assert!(trace.lines().any(|l| l.contains(r#""kind":"action""#)), "{id} has a described action");
        }
    }
}

#[test]
fn run_overrides_until_and_seed_and_writes_the_trace_to_a_file() {
    let f = scenarios().join("NET-2.json");
    let trace = std::env::temp_dir().join(format!("netsplit-trace-{}.jsonl", std::process::id()));
    let arg = format!("--trace={}", trace.display());
    let out = netsplit(&["run", f.to_str().unwrap(), "--until", "35", "--seed", "9", &arg]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["until"], 35);
    assert_eq!(report["seed"], 9);
    assert_eq!(out.status.code(), Some(1), "stopping at 35 ms misses the expected delivery at 40");
    let lines = std::fs::read_to_string(&trace).unwrap();
    assert!(lines.lines().count() >= 5);
}

#[test]
fn a_failed_expectation_exits_1_with_the_mismatch() {
    let text = std::fs::read_to_string(scenarios().join("NET-2.json")).unwrap();
    let wrong = text.replace(r#""at": 40"#, r#""at": 41"#);
    assert_ne!(text, wrong);
    let f = tmp("wrong.json", &wrong);
    let out = netsplit(&["check", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("FAIL NET-2: timeline[0]: no timeline entry matches"), "{stdout}");
    assert!(stdout.contains("0 passed, 1 failed"));
}

#[test]
fn invalid_input_exits_2_with_one_line_naming_the_problem() {
    let cases = [
        ("bad-json.json", "{ not json", "not valid JSON"),
        (
            "bad-node.json",
            r#"{"format":1,"id":"x","protocol":"link","nodes":["A","B"],"runUntil":9,"schedule":[{"at":1,"crash":"C"}]}"#,
            "schedule[0].crash: unknown node \"C\"",
        ),
    ];
    for (name, content, want) in cases {
        let f = tmp(name, content);
        for cmd in ["run", "check"] {
            let out = netsplit(&[cmd, f.to_str().unwrap()]);
            assert_eq!(out.status.code(), Some(2), "{cmd} {name}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(err.contains(name) && err.contains(want), "{err}");
            if cmd == "check" {
                // The summary counts it: one line per scenario, then `N passed, N failed` (scenario-format.md).
                let stdout = String::from_utf8_lossy(&out.stdout);
                let lines: Vec<&str> = stdout.lines().collect();
                assert!(
                    lines[0].starts_with("FAIL ") && lines[0].contains(name) && lines[0].contains(want),
                    "{stdout}"
                );
                assert_eq!(lines[1], "0 passed, 1 failed", "{stdout}");
            }
        }
    }
    let out = netsplit(&["run", "/no/such/file.json"]);
    assert_eq!(out.status.code(), Some(2));
    // check goes on past a path it cannot read, and counts it.
    let good = scenarios().join("NET-2.json");
    let out = netsplit(&["check", "/no/such/file.json", good.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("FAIL /no/such/file.json"), "{stdout}");
    assert_eq!(lines[1..], ["ok NET-2", "1 passed, 1 failed"], "{stdout}");
    let out = netsplit(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    let out = netsplit(&["run", scenarios().join("NET-2.json").to_str().unwrap(), "--until", "soon"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--until"));
}

fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn explore_finds_and_shrinks_a_counterexample_that_check_then_passes() {
    let f = scenarios().join("3PC-1.json");
    let args = ["explore", f.to_str().unwrap(), "--faults", "partition,crash,delay", "--invariants", "AC-Agreement"];
    let out = netsplit(&[&args[..], &["--runs", "2000", "--seed", "0"]].concat());
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("runs/s") && err.contains("explore: found AC-Agreement") && err.contains("shrink:"), "{err}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the counterexample is JSON");
    assert_eq!(doc["protocol"], "3pc");
    let expected = doc["expect"]["violations"].as_array().unwrap();
    assert!(expected.iter().any(|v| v["invariant"] == "AC-Agreement" && v["at"].is_u64()), "{doc}");
    assert!(doc["title"].as_str().unwrap().starts_with("AC-Agreement broken at t="));
    // The output is a valid scenario file whose expectation holds.
    let saved = tmp("cex.json", &String::from_utf8_lossy(&out.stdout));
    let check = netsplit(&["check", saved.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success(), "{stdout}");
    assert!(stdout.lines().any(|l| l == format!("ok {}", doc["id"].as_str().unwrap())), "{stdout}");
    // Same options, same counterexample.
    let again = netsplit(&[&args[..], &["--runs", "2000", "--seed", "0"]].concat());
    assert_eq!(again.stdout, out.stdout);
    // On two threads: the same counterexample.
    let threads = netsplit(&[&args[..], &["--runs", "2000", "--seed", "0", "--threads", "2"]].concat());
    assert_eq!(threads.stdout, out.stdout, "{}", stderr_of(&threads));
}

#[test]
fn explore_exits_0_when_nothing_breaks_within_the_budget() {
    let f = scenarios().join("2PC-1.json");
    let out = netsplit(&["explore", f.to_str().unwrap(), "--runs", "300"]);
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(out.stdout.is_empty());
    assert!(err.contains("explore: 300 runs") && err.contains("no violation of any invariant found"), "{err}");
    let out = netsplit(&["explore", f.to_str().unwrap(), "--exhaustive", "6", "--faults", "drop"]);
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("states") && err.contains("every interleaving up to that depth explored"), "{err}");
}

#[test]
fn explore_exhaustive_finds_the_reordering_that_breaks_mutual_exclusion() {
    let base = r#"{"format":1,"id":"mutex-2","protocol":"lamport-mutex","nodes":["P1","P2"],
        "schedule":[{"at":0,"request":"P1"},{"at":5,"request":"P2"},{"at":100,"release":"P2"},{"at":120,"release":"P1"}],
        "runUntil":300}"#;
    let f = tmp("mutex-2.json", base);
    let out = netsplit(&["explore", f.to_str().unwrap(), "--exhaustive", "6", "--invariants", "ME-Exclusion"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let faults = doc["faults"].as_array().unwrap();
    assert!(!faults.is_empty() && faults.iter().all(|f| f.get("delay").is_some()), "{doc}");
    assert!(doc["description"].as_str().unwrap().contains("exhaustive search"));
}

#[test]
fn explore_rejects_invalid_options_with_one_line_naming_the_problem() {
    let f = scenarios().join("2PC-1.json");
    let f = f.to_str().unwrap();
    let cases: [(&[&str], &str); 10] = [
        (&["explore", f, "--faults", "meteor"], "unknown fault kind \"meteor\""),
        (&["explore", f, "--invariants", "R-ES"], "unknown invariant \"R-ES\""),
        (&["explore", f, "--exhaustive", "0"], "--exhaustive"),
        (&["explore", f, "--runs", "0"], "--runs"),
        (&["explore", f, "--seconds", "-1"], "--seconds"),
        (&["explore", f, "--max-faults", "many"], "--max-faults"),
        (&["explore", f, "--threads", "0"], "--threads"),
        (&["explore", f, "--fast"], "unknown option \"--fast\""),
        (&["explore", "/no/such/file.json"], "/no/such/file.json"),
        (&["explore"], "explore needs a scenario file"),
    ];
    for (args, want) in cases {
        let out = netsplit(args);
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
        if !want.starts_with("unknown option") {
            assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        }
    }
}
