//! "Find a violation": the counterexample search of `netsplit_core::explore::session`, run in a Web Worker so the
//! page stays responsive.
//!
//! The worker runs the same wasm as the page (a second binary would not fit the bundle budget). The page posts its
//! own compiled `WebAssembly.Module` to a small module script made from a Blob; that script imports the app's JS by
//! absolute URL (from the `modulepreload` link, resolved against `document.baseURI`, so sub-path hosting works),
//! instantiates the module and calls [`explore_worker`], which drives the session in batches of about
//! [`BATCH_MS`] and posts a progress object after each one. Cancelling a search terminates the worker; cancelling a
//! shrink asks the worker to stop and keep the smallest counterexample so far.
//!
//! This module does not import Yew: the panel (`components::explore`) builds a [`Form`], starts a [`Search`] and
//! shows the [`Progress`] it reports.

use netsplit_core::explore::session::{options_json, Session};
use netsplit_core::scenario::Scenario;
use serde_json::{json, Value};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, ErrorEvent, MessageChannel, MessageEvent, MessagePort, Worker};

/// Wall time a batch of runs should take in the worker: short enough for a prompt stop, long enough that the
/// per-batch overhead (a progress message, a task switch) stays under a percent.
pub const BATCH_MS: f64 = 50.0;

/// Runs in the first batch of a phase, before its rate is known.
const FIRST_BATCH: u64 = 8;

/// Default number of seeds tried (the CLI's default too).
pub const DEFAULT_RUNS: u64 = 100_000;

/// What the panel offers for a scenario: the protocol's invariants, the fault kinds and the default budget.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// (id, summary) of every invariant of the protocol.
    pub invariants: Vec<(String, String)>,
    /// Fault kind names.
    pub faults: Vec<String>,
    /// Default most faults per schedule.
    pub max_faults: u64,
    /// Default end of the fault window (ms).
    pub to: u64,
    /// Default longest outage (ms).
    pub max_outage: u64,
    /// Cap on shrink runs.
    pub max_shrink_runs: u64,
}

impl Options {
    /// The options for a scenario (its protocol's invariants, defaults from its length).
    pub fn for_scenario(s: &Scenario) -> Result<Options, String> {
        let o = options_json(&s.to_json()).map_err(|e| e.to_string())?;
        let strs = |v: &Value| -> Vec<String> {
            v.as_array().into_iter().flatten().filter_map(|x| x.as_str().map(str::to_string)).collect()
        };
        let d = &o["defaults"];
        let num = |k: &str| d[k].as_u64().unwrap_or(0);
        Ok(Options {
            invariants: o["invariants"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|i| (i["id"].as_str().unwrap_or("").to_string(), i["summary"].as_str().unwrap_or("").to_string()))
                .collect(),
            faults: strs(&o["faults"]),
            max_faults: num("maxFaults"),
            to: num("to"),
            max_outage: num("maxOutage"),
            max_shrink_runs: num("maxShrinkRuns"),
        })
    }
}

/// The viewer's choices in the panel.
#[derive(Clone, Debug, PartialEq)]
pub struct Form {
    /// Sought invariants (ids).
    pub invariants: Vec<String>,
    /// Fault kinds allowed.
    pub faults: Vec<String>,
    /// Most faults per schedule.
    pub max_faults: u64,
    /// Faults start before this time (ms).
    pub to: u64,
    /// Longest crash, partition or pause (ms).
    pub max_outage: u64,
    /// First seed.
    pub seed: u64,
    /// How many seeds (runs) to try.
    pub runs: u64,
}

impl Form {
    /// Everything the options offer, with their default budget.
    pub fn defaults(o: &Options) -> Form {
        Form {
            invariants: o.invariants.iter().map(|(id, _)| id.clone()).collect(),
            faults: o.faults.clone(),
            max_faults: o.max_faults,
            to: o.to,
            max_outage: o.max_outage,
            seed: 0,
            runs: DEFAULT_RUNS,
        }
    }

    /// The session configuration (see `netsplit_core::explore::session`) searching from `base`.
    pub fn config(&self, base: &Scenario) -> Value {
        let mut s = base.to_json();
        // The base's expected outcome is not what the search is about; the shrunk result gets its own.
        if let Some(o) = s.as_object_mut() {
            o.remove("expect");
        }
        json!({
            "scenario": s,
            "invariants": self.invariants,
            "faults": self.faults,
            "maxFaults": self.max_faults,
            "to": self.to,
            "maxOutage": self.max_outage,
            "seed": self.seed,
            "seeds": self.runs,
        })
    }
}

/// Checks a configuration exactly as the worker will read it; the error names the field.
pub fn check(config: &Value) -> Result<(), String> {
    Session::from_json(config).map(drop).map_err(|e| e.to_string())
}

/// Where the search is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Trying schedules.
    Search,
    /// Reducing the counterexample found.
    Shrink,
    /// Nothing more to do.
    Done,
}

/// A broken invariant.
#[derive(Clone, Debug, PartialEq)]
pub struct Broken {
    /// Invariant id.
    pub invariant: String,
    /// When it broke (ms).
    pub at: u64,
    /// The node it broke on, if one.
    pub node: Option<String>,
    /// What went wrong.
    pub detail: String,
}

impl Broken {
    fn parse(v: &Value) -> Broken {
        Broken {
            invariant: v["invariant"].as_str().unwrap_or("").to_string(),
            at: v["at"].as_u64().unwrap_or(0),
            node: v["node"].as_str().map(str::to_string),
            detail: v["detail"].as_str().unwrap_or("").to_string(),
        }
    }
}

/// The shrunk counterexample.
#[derive(Clone, Debug, PartialEq)]
pub struct Counterexample {
    /// The scenario to load (with an `expect` block).
    pub scenario: Rc<Scenario>,
    /// The violation it ends in.
    pub violation: Broken,
    /// Schedule entries plus fault rules, after the shrink.
    pub size: u64,
    /// The same, as found.
    pub original_size: u64,
}

/// A progress report from the worker.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    /// Phase.
    pub phase: Phase,
    /// Schedules tried.
    pub runs: u64,
    /// Shrink runs done.
    pub shrink_runs: u64,
    /// Current size of the counterexample being shrunk, and its size as found.
    pub shrink_size: Option<(u64, u64)>,
    /// Runs per second, search and shrink together, measured in the worker.
    pub rate: f64,
    /// Milliseconds since the search started.
    pub elapsed: f64,
    /// The violation found (before shrinking).
    pub found: Option<Broken>,
    /// The shrunk counterexample.
    pub result: Option<Counterexample>,
}

impl Progress {
    /// Reads a progress object (the session's, plus the worker's `rate` and `elapsed`).
    pub fn parse(v: &Value) -> Result<Progress, String> {
        let phase = match v["phase"].as_str() {
            Some("search") => Phase::Search,
            Some("shrink") => Phase::Shrink,
            Some("done") => Phase::Done,
            other => return Err(format!("progress: unknown phase {other:?}")),
        };
        let sh = &v["shrink"];
        let result = match &v["result"] {
            Value::Null => None,
            r => Some(Counterexample {
                scenario: Rc::new(Scenario::from_value(&r["scenario"]).map_err(|e| format!("result: {e}"))?),
                violation: Broken::parse(&r["violation"]),
                size: r["size"].as_u64().unwrap_or(0),
                original_size: r["originalSize"].as_u64().unwrap_or(0),
            }),
        };
        Ok(Progress {
            phase,
            runs: v["runs"].as_u64().unwrap_or(0),
            shrink_runs: sh["runs"].as_u64().unwrap_or(0),
            shrink_size: sh["size"].as_u64().zip(sh["originalSize"].as_u64()),
            rate: v["rate"].as_f64().unwrap_or(0.0),
            elapsed: v["elapsed"].as_f64().unwrap_or(0.0),
            found: (!v["found"].is_null()).then(|| Broken::parse(&v["found"]["violation"])),
            result,
        })
    }
}

/// What the worker reports.
#[derive(Clone, Debug, PartialEq)]
pub enum Update {
    /// Progress after a batch (the last one has phase [`Phase::Done`]).
    Progress(Box<Progress>),
    /// The worker could not start or failed.
    Error(String),
}

/// The absolute URL of the app's JS module (trunk preloads it with a `modulepreload` link).
fn app_js_url() -> Result<String, String> {
    let doc = gloo::utils::document();
    let href = doc
        .query_selector("link[rel=modulepreload][href$='.js']")
        .ok()
        .flatten()
        .and_then(|l| l.get_attribute("href"))
        .ok_or("the page has no modulepreload link to the app's script")?;
    let base = doc.base_uri().ok().flatten().unwrap_or_default();
    web_sys::Url::new_with_base(&href, &base).map(|u| u.href()).map_err(|_| format!("bad script URL {href:?}"))
}

fn js_error(e: JsValue) -> String {
    e.dyn_ref::<js_sys::Error>().map_or_else(|| format!("{e:?}"), |e| String::from(e.message()))
}

/// A search running in a worker; dropping it terminates the worker.
pub struct Search {
    worker: Worker,
    url: String,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl Search {
    /// Starts a worker searching with `config`; `on_update` receives its reports.
    pub fn start(config: &Value, on_update: impl Fn(Update) + 'static) -> Result<Search, String> {
        let js = serde_json::to_string(&app_js_url()?).unwrap_or_default();
        // A failed import or instantiation would otherwise be an unhandled rejection the page never hears of.
        let src = format!(
            "import init, {{ explore_worker }} from {js};\n\
             onmessage = (e) => {{ onmessage = null;\n\
               init({{ module_or_path: e.data[0] }}).then(() => explore_worker(e.data[1]),\n\
                 (err) => postMessage(JSON.stringify({{ error: String(err) }}))); }};\n"
        );
        let opts = web_sys::BlobPropertyBag::new();
        opts.set_type("text/javascript");
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&js_sys::Array::of1(&src.into()), &opts)
            .map_err(js_error)?;
        let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(js_error)?;
        let wopts = web_sys::WorkerOptions::new();
        wopts.set_type(web_sys::WorkerType::Module);
        let worker = Worker::new_with_options(&url, &wopts).map_err(js_error)?;
        let on_update = Rc::new(on_update);
        let up = on_update.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let text = e.data().as_string().unwrap_or_default();
            let update = match serde_json::from_str::<Value>(&text) {
                Ok(v) if v["error"].is_string() => Update::Error(v["error"].as_str().unwrap_or("").to_string()),
                Ok(v) => match Progress::parse(&v) {
                    Ok(p) => Update::Progress(Box::new(p)),
                    Err(e) => Update::Error(e),
                },
                Err(e) => Update::Error(format!("worker message: {e}")),
            };
            up(update);
        });
        // A script that fails to load fires a plain Event, an exception in the worker an ErrorEvent.
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            e.prevent_default();
            let msg = e.dyn_ref::<ErrorEvent>().map(ErrorEvent::message).filter(|m| !m.is_empty());
            on_update(Update::Error(msg.unwrap_or_else(|| "the search worker failed to start".into())));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let search = Search { worker, url, _on_message: on_message, _on_error: on_error };
        // The page's own compiled module: the worker instantiates it without fetching or compiling the wasm again.
        let msg = js_sys::Array::of2(&wasm_bindgen::module(), &JsValue::from_str(&config.to_string()));
        search.worker.post_message(&msg).map_err(js_error)?;
        Ok(search)
    }

    /// Asks the worker to end the shrink now, keeping the smallest counterexample so far (it then reports
    /// [`Phase::Done`]).
    pub fn stop_shrinking(&self) {
        let _ = self.worker.post_message(&JsValue::from_str("stop"));
    }
}

impl Drop for Search {
    fn drop(&mut self) {
        // Reports already queued must not reach the closures dropped with this value.
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
        let _ = web_sys::Url::revoke_object_url(&self.url);
    }
}

/// The worker's side: a session, stepped a batch at a time.
struct Driver {
    session: Session,
    scope: DedicatedWorkerGlobalScope,
    clock: web_sys::Performance,
    /// A port posted to after each batch: the next batch runs as a new task, so a "stop" message gets in between,
    /// without setTimeout's 4 ms clamp.
    next: MessagePort,
    started: f64,
    batch: u64,
    total: u64,
    shrinking: bool,
    over: bool,
}

impl Driver {
    fn post(&self, mut v: Value, now: f64) {
        let elapsed = now - self.started;
        v["elapsed"] = json!(elapsed);
        v["rate"] = json!(if elapsed > 0.0 { self.total as f64 * 1000.0 / elapsed } else { 0.0 });
        let _ = self.scope.post_message(&JsValue::from_str(&v.to_string()));
    }

    fn tick(&mut self) {
        if self.over {
            return;
        }
        let t0 = self.clock.now();
        let v = self.session.step(self.batch);
        let t1 = self.clock.now();
        let total = v["runs"].as_u64().unwrap_or(0) + v["shrink"]["runs"].as_u64().unwrap_or(0);
        let did = total.saturating_sub(self.total);
        self.total = total;
        let shrinking = v["phase"] == "shrink";
        if shrinking != self.shrinking {
            // A shrink run costs what a run of the counterexample costs, not what an average search run did:
            // measure afresh, so that the first shrink batch cannot outlast a cancel.
            self.shrinking = shrinking;
            self.batch = FIRST_BATCH;
        } else if did > 0 && t1 > t0 {
            // Grow gently (a batch that ended early, on a find, says little about the rate).
            let fit = (did as f64 * BATCH_MS / (t1 - t0)) as u64;
            self.batch = fit.clamp(1, self.batch.saturating_mul(4));
        }
        let done = v["phase"] == "done";
        self.post(v, t1);
        if done {
            self.over = true;
            self.scope.close();
        } else {
            let _ = self.next.post_message(&JsValue::NULL);
        }
    }

    fn stop(&mut self) {
        if self.over {
            return;
        }
        self.over = true;
        let v = self.session.stop_shrinking();
        self.post(v, self.clock.now());
        self.scope.close();
    }
}

/// Entry point of the search worker (called by the worker script with the configuration JSON): posts progress
/// JSON strings, or `{"error": ...}`, to the page.
#[wasm_bindgen]
pub fn explore_worker(config: String) {
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else { return };
    let fail = |msg: String| {
        let _ = scope.post_message(&JsValue::from_str(&json!({ "error": msg }).to_string()));
    };
    let session = match serde_json::from_str::<Value>(&config) {
        Ok(v) => match Session::from_json(&v) {
            Ok(s) => s,
            Err(e) => return fail(e.to_string()),
        },
        Err(e) => return fail(format!("configuration: {e}")),
    };
    let (Some(clock), Ok(channel)) = (scope.performance(), MessageChannel::new()) else {
        return fail("the worker has no performance clock or message channel".into());
    };
    let driver = Rc::new(RefCell::new(Driver {
        session,
        scope: scope.clone(),
        started: clock.now(),
        clock,
        next: channel.port2(),
        batch: FIRST_BATCH,
        total: 0,
        shrinking: false,
        over: false,
    }));
    let d = driver.clone();
    let on_tick = Closure::<dyn FnMut()>::new(move || d.borrow_mut().tick());
    channel.port1().set_onmessage(Some(on_tick.as_ref().unchecked_ref()));
    let d = driver.clone();
    let on_stop = Closure::<dyn FnMut()>::new(move || d.borrow_mut().stop());
    scope.set_onmessage(Some(on_stop.as_ref().unchecked_ref()));
    // Both live as long as the worker, which serves one search and is then closed or terminated.
    on_tick.forget();
    on_stop.forget();
    driver.borrow_mut().tick();
}
