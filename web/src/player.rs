//! The player: owns the simulation (through a [`Seeker`]) and the playback state. It is the only place that
//! mutates the simulation; components read immutable snapshots and send [`Msg`]s.
//!
//! Time: the playhead `t` is true time in (fractional) milliseconds. The simulation is kept at `floor(t) + 1`:
//! every event up to and including the current millisecond has happened, so a message disappears exactly when it
//! reaches its destination, and a viewer action taken now lands at the next millisecond of the scenario, where a
//! replay puts it too.

use netsplit_core::check::{InvariantInfo, Liveness, Violation};
use netsplit_core::run::{load, Run};
use netsplit_core::scenario::{Action, Scenario};
use netsplit_core::seek::Seeker;
use netsplit_core::spacetime::Diagram;
use netsplit_core::trace::{TraceEvent, TraceKind};
use netsplit_core::view::Snapshot;
use std::cell::RefCell;
use std::rc::Rc;
use yew::Reducible;

/// An `Rc` compared by pointer, so that props holding big immutable values compare in O(1).
#[derive(Debug)]
pub struct Shared<T>(pub Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.0, &o.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Shared<T> {
    /// Wraps a value.
    pub fn new(v: T) -> Self {
        Shared(Rc::new(v))
    }
}

/// What is selected, in every view at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Selection {
    /// Nothing.
    #[default]
    None,
    /// A node.
    Node(usize),
    /// A message, by trace id.
    Message(u64),
    /// A trace record, by its index in the trace.
    Event(u64),
}

/// Slowest playback speed (simulated ms per wall ms).
pub const MIN_SPEED: f64 = 0.001;
/// Fastest playback speed: real time.
pub const MAX_SPEED: f64 = 1.0;
/// RaftScope's default.
pub const DEFAULT_SPEED: f64 = 0.01;
/// While nothing is in flight, time runs at least fast enough to cover the stretch to the next event in this many
/// wall ms (a time constant: the playhead eases into the next event rather than jumping to it). At RaftScope's
/// 1/100 the 150 ms before Raft's first election timeout would otherwise be 15 s of nothing moving.
const QUIET_MS: f64 = 400.0;
/// Longest wall-clock step a frame may take (a backgrounded tab must not jump minutes ahead).
const MAX_FRAME_MS: f64 = 100.0;
/// Most events one frame may process before the playhead waits for the simulation.
const MAX_EVENTS_PER_FRAME: u64 = 50_000;

/// Playback state.
#[derive(Clone)]
pub struct Player {
    seeker: Rc<RefCell<Seeker>>,
    /// The scenario as loaded (before viewer actions).
    pub base: Shared<Scenario>,
    /// Everything on screen at the playhead.
    pub snap: Shared<Snapshot>,
    /// Playhead: true time in ms.
    pub t: f64,
    /// End of the run.
    pub end: u64,
    /// Playing or paused.
    pub playing: bool,
    /// Simulated ms per wall ms.
    pub speed: f64,
    /// Whether quiet stretches (nothing in flight) are fast-forwarded ([`QUIET_MS`]).
    pub skip_quiet: bool,
    /// Whether the last frame fast-forwarded a quiet stretch (for the controls to say so).
    pub quieting: bool,
    /// The current selection.
    pub selected: Selection,
    /// The protocol's invariants.
    pub invariants: Shared<Vec<InvariantInfo>>,
    /// First violation of each invariant at the playhead.
    pub violations: Shared<Vec<Violation>>,
    /// Liveness at the playhead (evaluated when paused).
    pub liveness: Shared<Vec<Liveness>>,
    /// Nodes to highlight (those involved in the violation jumped to).
    pub highlight: Shared<Vec<usize>>,
    /// A message for the viewer (bad input, ignored action).
    pub notice: Option<String>,
    /// Playback stops here (embeds with an `end`), or at the end of the run.
    pub stop_at: Option<f64>,
    /// Changes on every change of the simulation, and is never the same for two runs, so views can memoise on it.
    pub version: u64,
    /// The space-time diagram of the run computed so far (grows with the trace).
    pub diagram: Rc<RefCell<Diagram>>,
    /// Bumped when the diagram is rebuilt (a fork, or a trimmed trace) rather than extended.
    pub diagram_gen: u64,
    /// The first violation of each invariant in the run computed so far, `(t, invariant)`: marks on the scrubber.
    pub marks: Shared<Vec<(u64, &'static str)>>,
    /// Trace records already scanned for `marks` (kept in step with the diagram, never rescanned per frame).
    marks_upto: u64,
    events: u64,
}

thread_local! {
    static VERSIONS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// A version number not handed out before in this page. Versions are unique across players, not counted per run:
/// views memoised on a version (the event log, the message list, the diagram) must not take a freshly loaded run
/// that has moved as often as the previous one for that one.
fn next_version() -> u64 {
    VERSIONS.with(|v| {
        v.set(v.get() + 1);
        v.get()
    })
}

impl PartialEq for Player {
    fn eq(&self, o: &Self) -> bool {
        self.version == o.version
            && self.t == o.t
            && self.playing == o.playing
            && self.speed == o.speed
            && self.skip_quiet == o.skip_quiet
            && self.quieting == o.quieting
            && self.selected == o.selected
            && self.notice == o.notice
            && self.highlight == o.highlight
    }
}

/// Something the viewer (or the clock) asks of the player.
#[derive(Clone, Debug)]
pub enum Msg {
    /// Load a scenario (replacing the run).
    Load(Box<Scenario>),
    /// An animation frame: `ms` of wall time passed.
    Frame(f64),
    /// Start playing.
    Play,
    /// Pause.
    Pause,
    /// Play or pause.
    Toggle,
    /// Process exactly the next event.
    StepForward,
    /// Go back exactly one event.
    StepBack,
    /// Move the playhead to a true time.
    Seek(f64),
    /// Move the playhead to just after event number `n`.
    SeekEvent(u64),
    /// Change speed.
    Speed(f64),
    /// Fast-forward quiet stretches, or not.
    SkipQuiet(bool),
    /// Select something.
    Select(Selection),
    /// The viewer acts: the action is scheduled at the playhead (forking the run if in the past).
    Act(Box<Action>),
    /// Jump to the first violation of an invariant.
    JumpToViolation(&'static str),
    /// Stop playback at this time (embeds).
    StopAt(Option<f64>),
    /// Show a notice.
    Notice(String),
    /// Hide the notice.
    DismissNotice,
}

impl Player {
    /// A player for a scenario, paused at t = 0.
    pub fn new(s: Scenario) -> Result<Self, String> {
        let run = load(&s).map_err(|e| e.to_string())?;
        let invariants = run.invariants();
        let end = s.run_until;
        let seeker = Seeker::new(run);
        let n = s.nodes.len();
        let mut p = Player {
            diagram: Rc::new(RefCell::new(Diagram::new(n))),
            diagram_gen: 0,
            marks: Shared::new(Vec::new()),
            marks_upto: 0,
            snap: Shared::new(seeker.run().snapshot()),
            seeker: Rc::new(RefCell::new(seeker)),
            base: Shared::new(s),
            t: 0.0,
            end,
            playing: false,
            speed: DEFAULT_SPEED,
            skip_quiet: true,
            quieting: false,
            selected: Selection::None,
            invariants: Shared::new(invariants),
            violations: Shared::new(Vec::new()),
            liveness: Shared::new(Vec::new()),
            highlight: Shared::new(Vec::new()),
            notice: None,
            stop_at: None,
            version: next_version(),
            events: 0,
        };
        p.sync_to(0.0);
        Ok(p)
    }

    /// Read access to the simulation at the playhead.
    pub fn with_run<R>(&self, f: impl FnOnce(&dyn Run) -> R) -> R {
        f(self.seeker.borrow().run())
    }

    /// Read access to the recorded trace (up to the furthest point computed).
    pub fn with_trace<R>(&self, f: impl FnOnce(&[TraceEvent]) -> R) -> R {
        f(self.seeker.borrow().trace())
    }

    /// Events processed at the playhead.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// The scenario including the viewer's actions: what a share link or a download contains.
    pub fn scenario(&self) -> Scenario {
        self.seeker.borrow().scenario()
    }

    /// Refreshes the derived state after the simulation moved.
    fn refresh(&mut self) {
        let seeker = self.seeker.clone();
        let s = seeker.borrow();
        self.update_diagram(s.trace());
        let r = s.run();
        if r.events() != self.events || r.now() != self.snap.t {
            self.events = r.events();
            self.snap = Shared::new(r.snapshot());
            if r.first_violations().len() != self.violations.len() {
                self.violations = Shared::new(r.first_violations().to_vec());
            }
            self.version = next_version();
        }
        if !self.playing {
            self.liveness = Shared::new(r.liveness());
        }
    }

    /// Extends the diagram with new trace records, or rebuilds it when the run forked or the trace was trimmed.
    fn update_diagram(&mut self, trace: &[TraceEvent]) {
        let mut d = self.diagram.borrow_mut();
        let last = trace.last().map_or(0, |e| e.i + 1);
        let first = trace.first().map_or(0, |e| e.i);
        let stale = d.consumed > last || d.points.first().is_some_and(|p| p.trace < first) && d.points.len() > 200_000;
        if stale {
            *d = Diagram::build(trace, d.n);
            self.diagram_gen += 1;
        } else if d.consumed < last {
            d.extend(trace);
        }
        drop(d);
        self.update_marks(trace, stale);
    }

    /// Adds the violations of the trace records not seen yet to `marks` (all of them again after a rebuild).
    fn update_marks(&mut self, trace: &[TraceEvent], rebuild: bool) {
        let known: &[(u64, &'static str)] = if rebuild { &[] } else { &self.marks };
        let from = if rebuild { 0 } else { trace.partition_point(|e| e.i < self.marks_upto) };
        let mut new: Vec<(u64, &'static str)> = Vec::new();
        for e in &trace[from..] {
            if let TraceKind::Violation { invariant, .. } = &e.kind {
                if !known.iter().chain(&new).any(|(_, x)| x == invariant) {
                    new.push((e.t, *invariant));
                }
            }
        }
        self.marks_upto = trace.last().map_or(0, |e| e.i + 1);
        if rebuild || !new.is_empty() {
            let mut marks = known.to_vec();
            marks.extend(new);
            self.marks = Shared::new(marks);
        }
    }

    /// Brings the simulation to the playhead `t`: every event up to `floor(t)` processed.
    fn sync_to(&mut self, t: f64) {
        self.move_to(t);
        self.refresh();
    }

    fn move_to(&mut self, t: f64) {
        let target = t.max(0.0).floor() as u64 + 1;
        self.seeker.borrow_mut().seek(target.min(self.end + 1));
        self.t = t.clamp(0.0, self.end as f64);
    }

    fn frame(&mut self, wall_ms: f64) {
        if !self.playing {
            return;
        }
        let stop = self.stop_at.unwrap_or(self.end as f64).min(self.end as f64);
        let mut s = self.seeker.borrow_mut();
        let mut speed = self.speed;
        self.quieting = false;
        if self.skip_quiet && self.snap.messages.is_empty() {
            // Cancelled timers still in the queue do not count; with nothing left to happen, the rest of the run
            // up to the stop is quiet too.
            let next = s.run().next_live_time().map_or(stop, |n| (n as f64).min(stop));
            let quick = (next - self.t) / QUIET_MS;
            if quick > speed {
                speed = quick;
                self.quieting = true;
            }
        }
        // A frame covers at most MAX_FRAME_MS / QUIET_MS (a quarter) of a quiet stretch, so it never passes the
        // next event.
        const _: () = assert!(MAX_FRAME_MS < QUIET_MS);
        let want = (self.t + wall_ms.clamp(0.0, MAX_FRAME_MS) * speed).min(stop);
        let target = want.floor() as u64 + 1;
        let start = s.events();
        // Bounded work per frame: if the simulation cannot keep up, the playhead waits for it.
        let mut behind = false;
        loop {
            if s.events() - start >= MAX_EVENTS_PER_FRAME {
                behind = s.run().next_time().is_some_and(|n| n < target);
                break;
            }
            if !s.step_before(target) {
                break;
            }
        }
        let t = if behind { s.now() as f64 } else { want };
        drop(s);
        if behind {
            self.t = t;
        } else {
            self.move_to(t);
        }
        if self.t >= stop {
            self.playing = false;
        }
        self.refresh();
    }

    fn act(&mut self, a: Action) {
        let at = self.seeker.borrow_mut().inject(a);
        // Process the action (it lands at the next millisecond), so its effect is on screen at once.
        self.seeker.borrow_mut().seek(at + 1);
        self.t = self.t.max(at as f64);
        self.refresh();
    }

    fn jump_to(&mut self, id: &'static str) {
        let found = self.with_trace(|tr| {
            tr.iter().find_map(|e| match &e.kind {
                TraceKind::Violation { invariant, .. } if *invariant == id => Some((e.ev, e.t)),
                _ => None,
            })
        });
        let Some((ev, t)) = found else {
            self.notice = Some(format!("{id}: no violation in the part of the run computed so far"));
            return;
        };
        self.playing = false;
        self.seeker.borrow_mut().seek_events(ev);
        self.t = t as f64;
        self.refresh();
        let nodes = self.violations.iter().find(|v| v.invariant == id).map(|v| v.nodes.clone()).unwrap_or_default();
        self.highlight = Shared::new(nodes);
    }
}

impl Reducible for Player {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut p = (*self).clone();
        match msg {
            Msg::Load(s) => match Player::new(*s) {
                Ok(mut fresh) => {
                    fresh.speed = p.speed;
                    fresh.skip_quiet = p.skip_quiet;
                    return Rc::new(fresh);
                }
                Err(e) => p.notice = Some(e),
            },
            Msg::Frame(ms) => {
                if !p.playing {
                    return self;
                }
                p.frame(ms);
            }
            Msg::Play => {
                if p.t >= p.stop_at.unwrap_or(p.end as f64).min(p.end as f64) {
                    p.sync_to(0.0);
                }
                p.playing = true;
            }
            Msg::Pause => {
                p.playing = false;
                p.refresh();
            }
            Msg::Toggle => {
                return Player::reduce(self, if p.playing { Msg::Pause } else { Msg::Play });
            }
            Msg::StepForward => {
                p.playing = false;
                let stepped = {
                    let mut s = p.seeker.borrow_mut();
                    let ok = s.step_before(p.end + 1);
                    ok.then(|| s.now())
                };
                if let Some(now) = stepped {
                    p.t = now as f64;
                }
                p.refresh();
            }
            Msg::StepBack => {
                p.playing = false;
                let ev = p.events.saturating_sub(1);
                p.seeker.borrow_mut().seek_events(ev);
                p.t = p.seeker.borrow().now() as f64;
                p.refresh();
            }
            Msg::Seek(t) => p.sync_to(t),
            Msg::SeekEvent(ev) => {
                p.playing = false;
                p.seeker.borrow_mut().seek_events(ev);
                p.t = p.seeker.borrow().now() as f64;
                p.refresh();
            }
            Msg::Speed(s) => p.speed = s.clamp(MIN_SPEED, MAX_SPEED),
            Msg::SkipQuiet(on) => {
                p.skip_quiet = on;
                p.quieting = false;
            }
            Msg::Select(s) => {
                p.selected = s;
                p.highlight = Shared::new(Vec::new());
            }
            Msg::Act(a) => p.act(*a),
            Msg::JumpToViolation(id) => p.jump_to(id),
            Msg::StopAt(t) => p.stop_at = t,
            Msg::Notice(n) => p.notice = Some(n),
            Msg::DismissNotice => p.notice = None,
        }
        Rc::new(p)
    }
}
