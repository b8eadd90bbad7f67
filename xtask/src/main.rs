//! `cargo xtask`: set-up and task runner for netsplit. Standard library only, so it builds in seconds on a fresh
//! machine before anything else is installed.
//!
//! Every command first installs whatever is missing (idempotent; about a third of a second when nothing is),
//! printing one line per step with its duration, then does its work.

use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{exit, Command, Stdio};
use std::time::{Duration, Instant};

/// The trunk version the project is built with (newest that builds on rustc 1.95).
const TRUNK_VERSION: &str = "0.21.14";
/// Flags headless Chromium needs on these machines: no sandbox as root, and no background networking (the closed
/// network refuses it, which floods the logs).
const CHROMIUM_FLAGS: &[&str] = &[
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

fn main() {
    let args: Vec<String> = env::args().skip(1).collect();
    let Some(cmd) = args.first() else {
        usage();
        exit(2);
    };
    let rest = &args[1..];
    let code = match cmd.as_str() {
        "setup" => {
            setup(Needs::ALL);
            0
        }
        "serve" => serve(rest),
        "dist" => dist(rest),
        "test" => test(rest),
        "bench" => bench(rest),
        "-h" | "--help" | "help" => {
            usage();
            0
        }
        other => {
            eprintln!("xtask: unknown command `{other}`");
            usage();
            2
        }
    };
    exit(code);
}

fn usage() {
    eprintln!(
        "usage: cargo xtask <command>\n\
         \n  setup            install whatever is missing (rustup target, trunk, wasm-bindgen-cli, npm tools, Chromium)\
         \n  serve            set up, then serve the app on http://127.0.0.1:8080 (trunk serve)\
         \n  dist [--public-url URL]\
         \n                   set up, then build the static site into dist/ and print its gzipped size\
         \n  test [--no-browser]\
         \n                   set up, then run every test: fmt, clippy, native, wasm (headless Chromium), e2e\
         \n  bench            set up, then run every benchmark and print the figures"
    );
}

/// Which tools a command needs beyond the Rust/web build tools.
#[derive(Clone, Copy)]
struct Needs {
    browser: bool,
}

impl Needs {
    const ALL: Needs = Needs { browser: true };
    const BUILD: Needs = Needs { browser: false };
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

fn cargo_home() -> PathBuf {
    env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env::var_os("HOME").unwrap_or_default()).join(".cargo"))
}

/// PATH with the project's npm tools and cargo-installed binaries first, so trunk finds the pinned wasm-opt and
/// wasm-bindgen instead of downloading them.
fn tool_path() -> OsString {
    let mut dirs = vec![root().join("node_modules/.bin"), cargo_home().join("bin")];
    if let Some(p) = env::var_os("PATH") {
        dirs.extend(env::split_paths(&p));
    }
    env::join_paths(dirs).expect("PATH entries are valid")
}

fn cmd(program: &str) -> Command {
    let mut c = Command::new(program);
    c.current_dir(root()).env("PATH", tool_path());
    c
}

/// Runs a command with inherited output; true when it exits successfully.
fn run(c: &mut Command) -> bool {
    match c.status() {
        Ok(s) => s.success(),
        Err(e) => {
            eprintln!("xtask: could not start {:?}: {e}", c.get_program());
            false
        }
    }
}

/// The first line a tool prints for `--version`, or None when it is missing.
fn version_of(program: &str, arg: &str) -> Option<String> {
    let out = cmd(program).arg(arg).stdin(Stdio::null()).stderr(Stdio::null()).output().ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8(out.stdout).ok().map(|s| s.lines().next().unwrap_or("").trim().to_string())
}

/// Times one step and prints `==> name ... ok (1.2 s)`.
fn step(name: &str, f: impl FnOnce() -> Result<String, String>) -> bool {
    let start = Instant::now();
    let r = f();
    let secs = start.elapsed().as_secs_f64();
    match r {
        Ok(detail) => {
            let detail = if detail.is_empty() { String::new() } else { format!(" {detail}") };
            println!("==> {name}: ok{detail} ({secs:.1} s)");
            true
        }
        Err(why) => {
            println!("==> {name}: FAILED: {why} ({secs:.1} s)");
            false
        }
    }
}

fn must(ok: bool) {
    if !ok {
        exit(1);
    }
}

/// The wasm-bindgen version pinned in Cargo.lock: the CLI must match it exactly.
fn locked_wasm_bindgen() -> Result<String, String> {
    let lock = fs::read_to_string(root().join("Cargo.lock")).map_err(|e| format!("reading Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(l) = lines.next() {
        if l.trim() == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|v| v.trim().strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen entry".into())
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

fn cargo_install(krate: &str, version: &str, extra_env: &[(&str, &str)]) -> bool {
    let attempt = |locked: bool| {
        let mut c = cmd("cargo");
        c.args(["install", krate, "--version", version]);
        if locked {
            c.arg("--locked");
        }
        for (k, v) in extra_env {
            c.env(k, v);
        }
        run(&mut c)
    };
    // --locked is preferred for reproducibility, but some lock files name crates the registry no longer serves
    // (wasm-bindgen-cli 0.2.130 pins a yanked webpki-roots), so fall back to a fresh resolution.
    attempt(true) || attempt(false)
}

fn setup(needs: Needs) {
    let start = Instant::now();
    must(step("rustup target wasm32-unknown-unknown", || {
        let out = Command::new("rustup").args(["target", "list", "--installed"]).output();
        let installed = out.map(|o| String::from_utf8_lossy(&o.stdout).contains("wasm32-unknown-unknown"));
        if installed.unwrap_or(false) {
            return Ok("present".into());
        }
        if run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"])) {
            Ok("installed".into())
        } else {
            Err("`rustup target add wasm32-unknown-unknown` failed".into())
        }
    }));
    // Optional: without rust-src the release build keeps the prebuilt std (see `size_std_env`), so set-up goes on.
    step("rustup component rust-src", || {
        if rust_src_present() {
            return Ok("present".into());
        }
        let mut c = Command::new("rustup");
        c.args(["component", "add", "rust-src"]);
        match run_for(&mut c, Duration::from_secs(300)) {
            Ok(()) if rust_src_present() => Ok("installed".into()),
            Ok(()) => {
                Ok("not installed (rustup succeeded but left no sources): release builds use the prebuilt std".into())
            }
            Err(why) => Ok(format!("not installed ({why}): release builds use the prebuilt std")),
        }
    });
    must(step("wasm-bindgen-cli", || {
        let want = locked_wasm_bindgen()?;
        let have = version_of("wasm-bindgen", "--version");
        if have.as_deref() == Some(&format!("wasm-bindgen {want}"))
            && version_of("wasm-bindgen-test-runner", "--version").is_some()
        {
            return Ok(format!("{want} present"));
        }
        println!("    installing wasm-bindgen-cli {want} (found {:?}); this takes a few minutes", have);
        if cargo_install("wasm-bindgen-cli", &want, &[]) {
            Ok(format!("{want} installed"))
        } else {
            Err(format!("cargo install wasm-bindgen-cli --version {want} failed"))
        }
    }));
    must(step("trunk", || {
        let have = version_of("trunk", "--version");
        if have.as_deref() == Some(&format!("trunk {TRUNK_VERSION}")) {
            return Ok(format!("{TRUNK_VERSION} present"));
        }
        println!("    installing trunk {TRUNK_VERSION} (found {:?}); this takes about ten minutes", have);
        // Thin, parallel codegen: the tool's speed does not matter, its build time on two cores does.
        let env = [("CARGO_PROFILE_RELEASE_LTO", "off"), ("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")];
        if cargo_install("trunk", TRUNK_VERSION, &env) {
            Ok(format!("{TRUNK_VERSION} installed"))
        } else {
            Err(format!("cargo install trunk --version {TRUNK_VERSION} --locked failed"))
        }
    }));
    must(step("npm tools (binaryen, playwright-core)", || {
        if version_of("node", "--version").is_none() || version_of("npm", "--version").is_none() {
            return Err(if is_root() {
                "node/npm missing: run `apt-get install -y nodejs npm`".into()
            } else {
                "node/npm missing: run `sudo apt-get install -y nodejs npm`".into()
            });
        }
        let r = root();
        let stamp = r.join("node_modules/.package-lock.json");
        let fresh = match (fs::metadata(&stamp), fs::metadata(r.join("package-lock.json"))) {
            (Ok(s), Ok(l)) => s.modified().ok() >= l.modified().ok(),
            _ => false,
        };
        if fresh && r.join("node_modules/.bin/wasm-opt").exists() && r.join("node_modules/playwright-core").exists() {
            return Ok("present".into());
        }
        if run(cmd("npm").args(["ci", "--no-audit", "--no-fund"])) {
            Ok("installed".into())
        } else {
            Err("`npm ci` failed".into())
        }
    }));
    if needs.browser {
        must(step("chromium + chromedriver + CJK fonts", || {
            // fonts-noto-cjk: the Korean UI must render in the end-to-end screenshots, not as empty boxes.
            let have = |p: &str| Path::new(p).exists();
            let fonts = Path::new("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc").exists();
            if have("/usr/bin/chromium") && have("/usr/bin/chromedriver") && fonts {
                return Ok("present".into());
            }
            if !is_root() {
                return Err(
                    "not root: run `sudo apt-get install -y chromium chromium-driver fonts-noto-cjk`, then retry"
                        .into(),
                );
            }
            let install = || {
                run(Command::new("apt-get").args(["install", "-y", "chromium", "chromium-driver", "fonts-noto-cjk"]))
            };
            if install() || (run(Command::new("apt-get").arg("update")) && install()) {
                Ok("installed".into())
            } else {
                Err("`apt-get install -y chromium chromium-driver fonts-noto-cjk` failed".into())
            }
        }));
    }
    println!("==> setup done ({:.1} s)", start.elapsed().as_secs_f64());
}

fn serve(rest: &[String]) -> i32 {
    setup(Needs::BUILD);
    must(step("cargo fetch", || if run(cmd("cargo").arg("fetch")) { Ok(String::new()) } else { Err("failed".into()) }));
    println!("==> serving on http://127.0.0.1:8080/ (Ctrl-C stops)");
    let ok = run(cmd("trunk").args(["serve", "--address", "127.0.0.1", "--port", "8080"]).args(rest));
    i32::from(!ok)
}

fn trunk_release(extra: &[String]) -> Result<String, String> {
    if !run(cmd("cargo").arg("fetch")) {
        return Err("cargo fetch failed".into());
    }
    let trunk = || {
        let mut c = cmd("trunk");
        c.args(["build", "--release"]).args(extra);
        c
    };
    // trunk builds offline (Trunk.toml), so std's own dependencies (dlmalloc, hashbrown...) must be fetched first:
    // a plain `cargo fetch` leaves them out.
    let size_std = size_std_env().and_then(|vars| {
        let mut fetch = cmd("cargo");
        fetch.args(["fetch", "--target", "wasm32-unknown-unknown"]).envs(vars);
        if run(&mut fetch) {
            Ok(vars)
        } else {
            Err("fetching std's dependencies failed".into())
        }
    });
    let why = match size_std {
        Ok(vars) => {
            if run(trunk().envs(vars)) {
                return Ok("(std rebuilt for size, panics abort at once)".into());
            }
            println!("    the build with std rebuilt for size failed; building again with the prebuilt std");
            "the build with std rebuilt failed".to_string()
        }
        Err(why) => why,
    };
    let how = format!("(prebuilt std: {why})");
    if run(&mut trunk()) {
        Ok(how)
    } else {
        Err(format!("trunk build --release failed {how}"))
    }
}

/// True when the active toolchain has the standard library's sources (the `rust-src` component).
fn rust_src_present() -> bool {
    let Ok(out) = cmd("rustc").args(["--print", "sysroot"]).output() else { return false };
    let sysroot = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    sysroot.join("lib/rustlib/src/rust/library/std/src/lib.rs").is_file()
}

/// Runs a command with inherited output, killing it when it outlasts `limit` (a download that stalls must not
/// stall the set-up).
fn run_for(c: &mut Command, limit: Duration) -> Result<(), String> {
    let mut child = c.spawn().map_err(|e| format!("could not start {:?}: {e}", c.get_program()))?;
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(format!("exited with {status}")),
            Ok(None) if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("still running after {} s, stopped", limit.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(200)),
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(e.to_string());
            }
        }
    }
}

/// The rustc whose unstable size options [`size_std_env`] relies on.
const SIZE_STD_RUSTC: &str = "rustc 1.95.";

/// Environment for a release build that compiles the standard library together with the app (`-Zbuild-std`), so
/// that LTO and `opt-level = "z"` reach into it, and with `-Cpanic=immediate-abort`, which drops the panic
/// machinery (messages, locations and the formatting they pull in). Together about 38 KB of gzipped wasm
/// (BENCHMARKS.md). Both options are unstable. rustc 1.95, the one toolchain these machines have, accepts them
/// under `RUSTC_BOOTSTRAP=1`, and they were checked on exactly that version, so another version, or a toolchain
/// without its `rust-src` component, keeps the prebuilt std and the build says why. Debug builds (`serve`, the
/// wasm tests) never use this, so their panics still print a message.
fn size_std_env() -> Result<[(&'static str, &'static str); 3], String> {
    let version = version_of("rustc", "--version").ok_or("rustc --version failed")?;
    if !version.starts_with(SIZE_STD_RUSTC) {
        return Err(format!("{version} is not the {SIZE_STD_RUSTC}x these options were checked on"));
    }
    if !rust_src_present() {
        return Err("the toolchain has no rust-src component".into());
    }
    Ok([
        ("RUSTC_BOOTSTRAP", "1"),
        ("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort"),
        ("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS", "-Zunstable-options -Cpanic=immediate-abort"),
    ])
}

fn dist(rest: &[String]) -> i32 {
    setup(Needs::BUILD);
    if !step("trunk build --release", || trunk_release(rest)) {
        return 1;
    }
    match bundle_size(&dist_dir(rest)) {
        Ok(report) => {
            println!("{report}");
            0
        }
        Err(e) => {
            eprintln!("xtask: {e}");
            1
        }
    }
}

/// The output folder of a trunk build with these extra arguments: `--dist DIR`, `--dist=DIR` or `-d DIR`, else
/// `TRUNK_BUILD_DIST`, else dist/ (as Trunk.toml says). Relative folders are relative to the project root, where
/// trunk runs.
fn dist_dir(args: &[String]) -> PathBuf {
    let given = args.iter().enumerate().find_map(|(i, a)| {
        if a == "-d" {
            return args.get(i + 1).cloned();
        }
        match a.strip_prefix("--dist") {
            Some("") => args.get(i + 1).cloned(),
            Some(v) => v.strip_prefix('=').map(str::to_string),
            None => None,
        }
    });
    let given = given.or_else(|| env::var("TRUNK_BUILD_DIST").ok().filter(|d| !d.is_empty()));
    given.map_or_else(|| root().join("dist"), |d| root().join(d))
}

/// Sums the gzipped sizes of the wasm, js and css in a built site.
fn bundle_size(dir: &Path) -> Result<String, String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("reading {}: {e}", dir.display()))?;
    let mut lines = Vec::new();
    let (mut raw, mut gz) = (0u64, 0u64);
    let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    for f in files {
        let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "wasm" | "js" | "css") {
            continue;
        }
        let size = fs::metadata(&f).map_err(|e| e.to_string())?.len();
        let out = Command::new("gzip").args(["-9", "-c"]).arg(&f).output().map_err(|e| format!("gzip: {e}"))?;
        let g = out.stdout.len() as u64;
        raw += size;
        gz += g;
        lines.push(format!("    {:<48} {:>9} B raw {:>9} B gzip", f.file_name().unwrap().to_string_lossy(), size, g));
    }
    lines.push(format!(
        "==> bundle: {:.1} KB raw, {:.1} KB gzipped (wasm + js + css)",
        raw as f64 / 1024.0,
        gz as f64 / 1024.0
    ));
    Ok(lines.join("\n"))
}

fn webdriver_json() -> PathBuf {
    let p = root().join("target/webdriver.json");
    let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|f| format!("\"{f}\"")).collect();
    args.push("\"--headless=new\"".into());
    let json =
        format!("{{\"goog:chromeOptions\": {{\"binary\": \"/usr/bin/chromium\", \"args\": [{}]}}}}\n", args.join(", "));
    let _ = fs::create_dir_all(root().join("target"));
    fs::write(&p, json).expect("writing target/webdriver.json");
    p
}

struct Suites {
    passed: u32,
    failed: Vec<String>,
}

impl Suites {
    fn run(&mut self, name: &str, f: impl FnOnce() -> Result<String, String>) {
        if step(name, f) {
            self.passed += 1;
        } else {
            self.failed.push(name.to_string());
        }
    }
}

/// Runs a command, printing its standard output as it comes and keeping a copy; true when it exits successfully.
fn run_tee(c: &mut Command) -> (bool, String) {
    use std::io::{BufRead, BufReader};
    let mut child = match c.stdout(std::process::Stdio::piped()).spawn() {
        Ok(child) => child,
        Err(e) => {
            eprintln!("xtask: could not start {:?}: {e}", c.get_program());
            return (false, String::new());
        }
    };
    let mut kept = String::new();
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            println!("{line}");
            kept.push_str(&line);
            kept.push('\n');
        }
    }
    (child.wait().is_ok_and(|s| s.success()), kept)
}

/// The runs per second of the explorer benchmark's row for 2PC with every fault kind (the configuration the
/// browser benchmark repeats in its worker): the last column of `| 2PC, 3 nodes, every fault kind ... | rate |`.
fn explore_rate(line: &str) -> Option<f64> {
    if !line.starts_with("| 2PC, 3 nodes, every fault kind") {
        return None;
    }
    line.trim().trim_end_matches('|').rsplit('|').next()?.trim().parse::<f64>().ok().filter(|r| *r > 0.0)
}

fn status(c: &mut Command, what: &str) -> Result<String, String> {
    if run(c) {
        Ok(String::new())
    } else {
        Err(format!("{what} failed"))
    }
}

fn test(rest: &[String]) -> i32 {
    let browser = !rest.iter().any(|a| a == "--no-browser");
    let start = Instant::now();
    setup(Needs { browser });
    let mut s = Suites { passed: 0, failed: Vec::new() };
    s.run("cargo fmt --check", || status(cmd("cargo").args(["fmt", "--all", "--", "--check"]), "cargo fmt --check"));
    s.run("cargo clippy (native, all targets)", || {
        status(
            cmd("cargo").args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]),
            "cargo clippy --workspace --all-targets -- -D warnings",
        )
    });
    s.run("cargo clippy (web, wasm32)", || {
        status(
            cmd("cargo").args([
                "clippy",
                "-p",
                "netsplit-web",
                "--target",
                "wasm32-unknown-unknown",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]),
            "cargo clippy -p netsplit-web --target wasm32-unknown-unknown",
        )
    });
    s.run("native tests", || {
        status(
            cmd("cargo").args(["test", "--profile", "ci", "--workspace", "--exclude", "netsplit-web"]),
            "cargo test --workspace",
        )
    });
    if browser {
        let wd = webdriver_json();
        s.run("wasm tests in headless Chromium", || {
            status(
                cmd("cargo")
                    .args(["test", "-p", "netsplit-web", "--target", "wasm32-unknown-unknown"])
                    .env("CHROMEDRIVER", "/usr/bin/chromedriver")
                    .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", &wd)
                    .env("WASM_BINDGEN_TEST_TIMEOUT", "300"),
                "wasm-bindgen-test",
            )
        });
        let built = step("trunk build --release", || trunk_release(&[]));
        if built {
            s.passed += 1;
            if let Ok(r) = bundle_size(&root().join("dist")) {
                println!("{r}");
            }
            s.run("end-to-end (Playwright)", || status(cmd("node").args(["e2e/run.mjs"]), "e2e"));
        } else {
            s.failed.push("trunk build --release".into());
        }
    }
    println!(
        "==> {} passed, {} failed ({:.0} s){}",
        s.passed,
        s.failed.len(),
        start.elapsed().as_secs_f64(),
        if s.failed.is_empty() { String::new() } else { format!(": {}", s.failed.join(", ")) }
    );
    i32::from(!s.failed.is_empty())
}

fn bench(rest: &[String]) -> i32 {
    setup(Needs::ALL);
    let mut ok = true;
    // Native benchmarks (kernel, memory, protocols, explorer), then the browser ones on the release build: frame
    // cost, seek, bundle size, first render, explorer throughput in the worker. Extra arguments go to cargo bench.
    // The browser's explorer throughput is reported as a share of the native one, which is read from the native
    // benchmark's output on this machine (machines of this kind differ by half from one to the next).
    let mut native_explore = None;
    ok &= step("cargo bench -p netsplit-core", || {
        let mut c = cmd("cargo");
        c.args(["bench", "-p", "netsplit-core"]).args(rest);
        let (passed, out) = run_tee(&mut c);
        native_explore = out.lines().find_map(explore_rate);
        if passed {
            Ok(String::new())
        } else {
            Err("cargo bench failed".into())
        }
    });
    if step("trunk build --release", || trunk_release(&[])) {
        ok &= step("browser benchmarks (headless Chromium)", || {
            let mut c = cmd("node");
            c.arg("e2e/bench.mjs");
            if let Some(rate) = native_explore {
                c.env("NATIVE_EXPLORE_RUNS_PER_S", format!("{rate:.0}"));
            }
            status(&mut c, "e2e/bench.mjs")
        });
    } else {
        ok = false;
    }
    i32::from(!ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_native_explorer_rate_is_read_from_its_row() {
        let row = "| 2PC, 3 nodes, every fault kind (target ≥ 5,000 runs/s) | 50000 | 1234567 | 36512 |";
        assert_eq!(explore_rate(row), Some(36512.0));
        assert_eq!(explore_rate("| 3PC, 4 nodes, crashes | 50000 | 1 | 999 |"), None);
        assert_eq!(explore_rate("| 2PC, 3 nodes, every fault kind | 50000 | 1 | n/a |"), None);
    }

    #[test]
    fn the_size_is_read_from_the_folder_trunk_built() {
        assert_eq!(dist_dir(&args(&[])), root().join("dist"));
        assert_eq!(dist_dir(&args(&["--public-url", "/netsplit/"])), root().join("dist"));
        assert_eq!(dist_dir(&args(&["--dist", "/tmp/site"])), PathBuf::from("/tmp/site"));
        assert_eq!(dist_dir(&args(&["--dist=out/site"])), root().join("out/site"));
        assert_eq!(dist_dir(&args(&["-d", "site"])), root().join("site"));
        assert_eq!(dist_dir(&args(&["--distance"])), root().join("dist"));
    }
}
