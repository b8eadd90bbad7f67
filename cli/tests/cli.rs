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
        }
    }
    let out = netsplit(&["run", "/no/such/file.json"]);
    assert_eq!(out.status.code(), Some(2));
    let out = netsplit(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    let out = netsplit(&["run", scenarios().join("NET-2.json").to_str().unwrap(), "--until", "soon"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--until"));
}
