//! `netsplit`: run, check and explore scenarios headlessly.
//!
//! ```text
//! netsplit run FILE [--until MS] [--seed N] [--trace | --trace=PATH]
//! netsplit check FILE|DIR...
//! ```
//!
//! Exit codes: 0 ok, 1 an expectation failed, 2 invalid input (the message on stderr names the problem).

use netsplit_core::run::load;
use netsplit_core::scenario::{parse_u64_arg, Scenario, MAX_DOCUMENT_BYTES, MAX_TIME};
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage:
  netsplit run FILE [--until MS] [--seed N] [--trace | --trace=PATH]
      run a scenario and print its report (JSON) on stdout; --trace writes the full trace as JSON lines
      to stderr (or to PATH)
  netsplit check FILE|DIR...
      run every scenario that has an `expect` block and compare; one line per scenario, then a summary

exit codes: 0 ok, 1 an expectation failed, 2 invalid input";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("check") => check(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(0)
        }
        Some(other) => Err(format!("unknown command {other:?}\n{USAGE}")),
        None => Err(USAGE.to_string()),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(msg) => {
            eprintln!("netsplit: {msg}");
            ExitCode::from(2)
        }
    }
}

/// Reads and parses a scenario file; the error names the file and the problem.
fn read_scenario(path: &Path) -> Result<Scenario, String> {
    let meta = fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.len() > MAX_DOCUMENT_BYTES as u64 {
        return Err(format!("{}: file is {} bytes, larger than the 1 MiB limit", path.display(), meta.len()));
    }
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Scenario::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn run(args: &[String]) -> Result<u8, String> {
    let mut file = None;
    let mut until = None;
    let mut seed = None;
    let mut trace: Option<Option<PathBuf>> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--until" => {
                let v = it.next().ok_or("--until needs a value (ms)")?;
                let t = parse_u64_arg(v, "--until").map_err(|e| e.to_string())?;
                if t > MAX_TIME {
                    return Err(format!("--until: {t} is out of range (at most {MAX_TIME})"));
                }
                until = Some(t);
            }
            "--seed" => {
                let v = it.next().ok_or("--seed needs a value")?;
                seed = Some(parse_u64_arg(v, "--seed").map_err(|e| e.to_string())?);
            }
            "--trace" => trace = Some(None),
            s if s.starts_with("--trace=") => trace = Some(Some(PathBuf::from(&s["--trace=".len()..]))),
            s if s.starts_with('-') => return Err(format!("unknown option {s:?}\n{USAGE}")),
            s => {
                if file.replace(PathBuf::from(s)).is_some() {
                    return Err("run takes one scenario file".into());
                }
            }
        }
    }
    let file = file.ok_or("run needs a scenario file")?;
    let mut sc = read_scenario(&file)?;
    if let Some(t) = until {
        sc.run_until = t;
    }
    if let Some(s) = seed {
        sc.seed = s;
    }
    let mut sim = load(&sc).map_err(|e| format!("{}: {e}", file.display()))?;
    let cluster = sc.cluster();
    match &trace {
        None => sim.run_to_end(),
        Some(dest) => {
            sim.set_recording(true);
            let mut out: Box<dyn Write> = match dest {
                None => Box::new(BufWriter::new(std::io::stderr().lock())),
                Some(p) => Box::new(BufWriter::new(fs::File::create(p).map_err(|e| format!("{}: {e}", p.display()))?)),
            };
            let end = sc.run_until + 1;
            loop {
                let more = sim.next_time().is_some_and(|t| t < end);
                if more {
                    sim.step();
                }
                for ev in sim.take_trace() {
                    writeln!(out, "{}", ev.to_json(&cluster)).map_err(|e| format!("writing the trace: {e}"))?;
                }
                if !more {
                    break;
                }
            }
            sim.run_to_end();
            out.flush().map_err(|e| format!("writing the trace: {e}"))?;
        }
    }
    let report = sim.report();
    println!("{}", serde_json::to_string_pretty(&report).expect("reports serialise"));
    let ok = report.get("expect").is_none_or(|e| e["ok"] == true);
    Ok(if ok { 0 } else { 1 })
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let meta = fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = fs::read_dir(path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir() || p.extension().is_some_and(|x| x == "json"))
            .collect();
        entries.sort();
        for e in entries {
            collect(&e, out)?;
        }
    } else {
        out.push(path.to_path_buf());
    }
    Ok(())
}

fn check(args: &[String]) -> Result<u8, String> {
    if args.is_empty() {
        return Err("check needs at least one file or directory".into());
    }
    let mut files = Vec::new();
    for a in args {
        if a.starts_with('-') {
            return Err(format!("unknown option {a:?}\n{USAGE}"));
        }
        collect(Path::new(a), &mut files)?;
    }
    let (mut passed, mut failed, mut invalid) = (0, 0, 0);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for f in &files {
        let sc = match read_scenario(f) {
            Ok(s) => s,
            Err(e) => {
                invalid += 1;
                eprintln!("netsplit: {e}");
                continue;
            }
        };
        if sc.expect.is_none() {
            continue;
        }
        let mut sim = match load(&sc) {
            Ok(s) => s,
            Err(e) => {
                invalid += 1;
                eprintln!("netsplit: {}: {e}", f.display());
                continue;
            }
        };
        sim.run_to_end();
        let report = sim.report();
        let mismatches: Vec<String> = report["expect"]["mismatches"]
            .as_array()
            .map(|a| a.iter().filter_map(|m| m.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        if mismatches.is_empty() {
            passed += 1;
            let _ = writeln!(out, "ok {}", sc.id);
        } else {
            failed += 1;
            let _ = writeln!(out, "FAIL {}: {}", sc.id, mismatches.join("; "));
        }
    }
    let _ = writeln!(out, "{passed} passed, {failed} failed");
    Ok(if invalid > 0 {
        2
    } else if failed > 0 {
        1
    } else {
        0
    })
}
