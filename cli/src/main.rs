//! `netsplit`: run, check and explore scenarios headlessly.
//!
//! ```text
//! netsplit run FILE [--until MS] [--seed N] [--trace | --trace=PATH]
//! netsplit check FILE|DIR...
//! netsplit explore FILE [--runs N] [--seconds S] [--faults K,...] [--invariants ID,...] [--seed N]
//!                       [--max-faults N] [--exhaustive DEPTH] [--shrink-runs N] [--threads N]
//! ```
//!
//! Exit codes: 0 ok (for `explore`: no violation found), 1 an expectation failed (for `explore`: a counterexample
//! was found and printed), 2 invalid input (the message on stderr names the problem).

use netsplit_core::explore::{search_parallel, Exhaustive, ExploreConfig, FaultKind, Shrinker};
use netsplit_core::run::load;
use netsplit_core::scenario::{parse_u64_arg, Scenario, MAX_DOCUMENT_BYTES, MAX_TIME};
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

const USAGE: &str = "usage:
  netsplit run FILE [--until MS] [--seed N] [--trace | --trace=PATH]
      run a scenario and print its report (JSON) on stdout; --trace writes the full trace as JSON lines
      to stderr (or to PATH)
  netsplit check FILE|DIR...
      run every scenario that has an `expect` block and compare; one line per scenario, then a summary
  netsplit explore FILE [--runs N] [--seconds S] [--faults KIND,...] [--invariants ID,...] [--seed N]
                        [--max-faults N] [--exhaustive DEPTH] [--shrink-runs N] [--threads N]
      search for a schedule that breaks an invariant: seeded random faults added to FILE (default: every
      fault kind, at most 6 faults in the first half of the run, 100000 runs or 60 s, every invariant);
      with --exhaustive, every order of message deliveries up to DEPTH decisions instead (--faults drop
      also tries losing each message). Progress goes to stderr; a counterexample, shrunk to a minimal
      scenario with an `expect` block, goes to stdout. --threads N searches N blocks of seeds at once
      (the counterexample is the same as with one thread).
      fault kinds: crash, partition, cut, pause, drop, delay, duplicate, clock, crashOn, client, isolate
      (isolate cuts off the node the protocol leans on when the fault comes due: Raft's leader)

exit codes: 0 ok (explore: nothing found), 1 an expectation failed (explore: counterexample found),
            2 invalid input";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("check") => check(&args[1..]),
        Some("explore") => explore(&args[1..]),
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
                let more = sim.step_before(end);
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
    if let Some(a) = args.iter().find(|a| a.starts_with('-')) {
        return Err(format!("unknown option {a:?}\n{USAGE}"));
    }
    let (mut passed, mut failed, mut invalid) = (0, 0, 0);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    // A path that cannot be read, or a file that is not a valid scenario, is named on stderr (like `run`) and
    // counted as a failure in the summary on stdout; the other paths are still checked.
    let refuse = |out: &mut std::io::StdoutLock<'_>, invalid: &mut u32, msg: String| {
        *invalid += 1;
        eprintln!("netsplit: {msg}");
        let _ = writeln!(out, "FAIL {msg}");
    };
    let mut files = Vec::new();
    for a in args {
        if let Err(e) = collect(Path::new(a), &mut files) {
            refuse(&mut out, &mut invalid, e);
        }
    }
    for f in &files {
        let sc = match read_scenario(f) {
            Ok(s) => s,
            Err(e) => {
                refuse(&mut out, &mut invalid, e);
                continue;
            }
        };
        if sc.expect.is_none() {
            continue;
        }
        let mut sim = match load(&sc) {
            Ok(s) => s,
            Err(e) => {
                refuse(&mut out, &mut invalid, format!("{}: {e}", f.display()));
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
    let _ = writeln!(out, "{passed} passed, {} failed", failed + invalid);
    Ok(if invalid > 0 {
        2
    } else if failed > 0 {
        1
    } else {
        0
    })
}

/// Options of `explore`.
struct ExploreArgs {
    file: PathBuf,
    runs: Option<u64>,
    seconds: Option<f64>,
    faults: Option<Vec<FaultKind>>,
    invariants: Vec<String>,
    seed: u64,
    max_faults: Option<usize>,
    exhaustive: Option<usize>,
    shrink_runs: u64,
    threads: usize,
}

fn list(v: &str) -> Vec<String> {
    v.split(',').map(str::trim).filter(|x| !x.is_empty()).map(str::to_string).collect()
}

fn parse_explore_args(args: &[String]) -> Result<ExploreArgs, String> {
    let mut file = None;
    let mut a = ExploreArgs {
        file: PathBuf::new(),
        runs: None,
        seconds: None,
        faults: None,
        invariants: Vec::new(),
        seed: 0,
        max_faults: None,
        exhaustive: None,
        shrink_runs: 5_000,
        threads: 1,
    };
    let mut it = args.iter();
    let whole = |opt: &str, v: Option<&String>| -> Result<u64, String> {
        let v = v.ok_or(format!("{opt} needs a value"))?;
        parse_u64_arg(v, opt).map_err(|e| e.to_string())
    };
    while let Some(x) = it.next() {
        match x.as_str() {
            "--runs" => {
                let n = whole("--runs", it.next())?;
                if n == 0 {
                    return Err("--runs: must be at least 1".into());
                }
                a.runs = Some(n);
            }
            "--seconds" => {
                let v = it.next().ok_or("--seconds needs a value")?;
                let s: f64 = v.parse().map_err(|_| format!("--seconds: {v:?} is not a number"))?;
                if !(s > 0.0 && s <= 86_400.0) {
                    return Err(format!("--seconds: {v} is out of range (more than 0, at most 86400)"));
                }
                a.seconds = Some(s);
            }
            "--faults" => {
                let v = it.next().ok_or("--faults needs a comma-separated list of fault kinds")?;
                let mut kinds = Vec::new();
                for k in list(v) {
                    let kind = FaultKind::parse(&k).ok_or_else(|| {
                        let names: Vec<&str> = FaultKind::ALL.iter().map(|k| k.name()).collect();
                        format!("--faults: unknown fault kind {k:?} (one of {})", names.join(", "))
                    })?;
                    kinds.push(kind);
                }
                if kinds.is_empty() {
                    return Err("--faults: the list is empty".into());
                }
                a.faults = Some(kinds);
            }
            "--invariants" => {
                let v = it.next().ok_or("--invariants needs a comma-separated list of invariant ids")?;
                a.invariants = list(v);
            }
            "--seed" => a.seed = whole("--seed", it.next())?,
            "--max-faults" => {
                let n = whole("--max-faults", it.next())?;
                if n == 0 || n > 1000 {
                    return Err(format!("--max-faults: {n} is out of range (1 to 1000)"));
                }
                a.max_faults = Some(n as usize);
            }
            "--exhaustive" => {
                let n = whole("--exhaustive", it.next())?;
                if n == 0 || n > netsplit_core::explore::search::MAX_DEPTH as u64 {
                    let max = netsplit_core::explore::search::MAX_DEPTH;
                    return Err(format!("--exhaustive: depth {n} is out of range (1 to {max})"));
                }
                a.exhaustive = Some(n as usize);
            }
            "--shrink-runs" => a.shrink_runs = whole("--shrink-runs", it.next())?,
            "--threads" => {
                let n = whole("--threads", it.next())?;
                if n == 0 || n > 64 {
                    return Err(format!("--threads: {n} is out of range (1 to 64)"));
                }
                a.threads = n as usize;
            }
            s if s.starts_with('-') => return Err(format!("unknown option {s:?}\n{USAGE}")),
            s => {
                if file.replace(PathBuf::from(s)).is_some() {
                    return Err("explore takes one scenario file".into());
                }
            }
        }
    }
    a.file = file.ok_or("explore needs a scenario file")?;
    Ok(a)
}

fn explore(args: &[String]) -> Result<u8, String> {
    let a = parse_explore_args(args)?;
    let base = read_scenario(&a.file)?;
    let mut cfg = ExploreConfig::new(base);
    if let Some(kinds) = &a.faults {
        cfg.budget.kinds = kinds.iter().copied().collect();
    }
    if let Some(n) = a.max_faults {
        cfg.budget.max_faults = n;
    }
    // Without --seconds and --runs: 100,000 runs or 60 s, whichever comes first.
    let (runs, seconds) = match (a.runs, a.seconds) {
        (None, None) => (100_000, Some(60.0)),
        (r, s) => (r.unwrap_or(u64::MAX), s),
    };
    cfg.seeds = a.seed..a.seed.saturating_add(runs);
    cfg.invariants = a.invariants.clone();
    if let Some(depth) = a.exhaustive {
        let drops = a.faults.as_ref().is_some_and(|k| k.contains(&FaultKind::Drop));
        cfg.exhaustive = Some(Exhaustive { depth, drops });
    }
    let sought = if cfg.invariants.is_empty() { "any invariant".to_string() } else { cfg.invariants.join(", ") };
    let deadline = seconds.map(Duration::from_secs_f64);
    let start = Instant::now();
    let mut last_report = start;
    let mut stderr = std::io::stderr();
    let progress_line = |p: &netsplit_core::explore::Progress, elapsed: Duration| {
        let rate = p.runs as f64 / elapsed.as_secs_f64().max(1e-9);
        let mut line = format!("explore: {} runs ({rate:.0} runs/s), {} events", p.runs, p.events);
        if a.exhaustive.is_some() {
            line.push_str(&format!(", {} states, {} repeats skipped", p.states, p.repeats));
        }
        line
    };
    let mut keep_going = |p: &netsplit_core::explore::Progress| {
        let now = Instant::now();
        if deadline.is_some_and(|d| now - start >= d) || p.runs >= runs {
            return false;
        }
        if now - last_report >= Duration::from_secs(1) {
            last_report = now;
            let _ = writeln!(std::io::stderr(), "{}", progress_line(p, now - start));
        }
        true
    };
    let block = if a.threads > 1 { 256 } else { 64 };
    let p =
        search_parallel(&cfg, a.threads, block, &mut keep_going).map_err(|e| format!("{}: {e}", a.file.display()))?;
    let elapsed = start.elapsed();
    let _ = writeln!(stderr, "{}", progress_line(&p, elapsed));
    let Some(cex) = p.found else {
        let why = if p.done && a.exhaustive.is_some() {
            "every interleaving up to that depth explored"
        } else if p.done || p.runs >= runs {
            "run budget spent"
        } else {
            "time budget spent"
        };
        let _ = writeln!(stderr, "explore: no violation of {sought} found ({why}, {:.1} s)", elapsed.as_secs_f64());
        return Ok(0);
    };
    let origin = cex.seed.map_or("exhaustive search".to_string(), |s| format!("seed {s}"));
    let _ = writeln!(
        stderr,
        "explore: found {} at t={} after {} runs ({origin}, {:.2} s); shrinking {} schedule entries and fault rules",
        cex.violation.invariant,
        cex.violation.at,
        cex.runs,
        elapsed.as_secs_f64(),
        cex.size()
    );
    let shrink_start = Instant::now();
    let mut sh = Shrinker::new(&cex, a.shrink_runs);
    let mut last_report = shrink_start;
    while !sh.run_batch(16) {
        if last_report.elapsed() >= Duration::from_secs(1) {
            last_report = Instant::now();
            let _ = writeln!(stderr, "shrink: {} runs, size {}", sh.runs(), sh.size());
        }
    }
    let shrunk = sh.finish();
    let _ = writeln!(
        stderr,
        "shrink: {} -> {} schedule entries and fault rules in {} runs ({:.2} s); {} breaks at t={}",
        shrunk.original_size,
        shrunk.size,
        shrunk.runs,
        shrink_start.elapsed().as_secs_f64(),
        shrunk.violation.invariant,
        shrunk.violation.at
    );
    let doc = serde_json::to_string_pretty(&shrunk.scenario.to_json()).expect("scenarios serialise");
    writeln!(std::io::stdout(), "{doc}").map_err(|e| format!("writing the counterexample: {e}"))?;
    Ok(1)
}
