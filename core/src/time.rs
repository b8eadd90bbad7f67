//! Simulated time and the clocks every node carries (protocols.md §1.5).
//!
//! True time is an integer number of milliseconds that only the simulator sees. A node sees three clocks instead:
//!
//! * a **physical (wall) clock** `PC(t) = BASE + t + offset + floor(t·drift/10⁶)`, which skew, drift and jumps
//!   distort and which only application-level timestamps read;
//! * a **monotonic clock** `MC(t) = t + floor(t·drift/10⁶)`, immune to skew and jumps, which drives timers;
//! * logical clocks (Lamport and vector), maintained by the kernel for every protocol as ground truth.
//!
//! Drift is exact integer arithmetic: the drift term is accumulated in ppm·ms so that changing the drift at run
//! time (`setClock`) continues the clock from its current reading instead of re-scaling its whole past.

use serde::Serialize;

/// True simulated time in milliseconds.
pub type Time = u64;

/// The physical clock reads `BASE` at true time 0 (with no offset), so readings stay positive.
pub const BASE: i64 = 10_000;

/// Largest number of nodes a scenario may have; vector clocks are sized for it.
pub const MAX_NODES: usize = 16;

/// One node's physical and monotonic clocks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NodeClock {
    /// Skew of the physical clock in ms (changed by `clockJump` and `setClock`).
    pub offset: i64,
    /// Drift in parts per million: +2000 runs 2 ms fast per second.
    pub drift: i64,
    /// True time at which the current drift started to apply.
    anchor_t: Time,
    /// Drift accumulated before `anchor_t`, in ppm·ms.
    anchor_acc: i128,
}

impl NodeClock {
    /// A clock with the given skew (ms) and drift (ppm) from true time 0.
    pub fn new(offset: i64, drift: i64) -> Self {
        NodeClock { offset, drift, anchor_t: 0, anchor_acc: 0 }
    }

    fn acc(&self, t: Time) -> i128 {
        let dt = t.saturating_sub(self.anchor_t) as i128;
        self.anchor_acc + dt * self.drift as i128
    }

    /// Drift contribution in whole ms at true time `t`: `floor(acc / 10⁶)`.
    fn drift_ms(&self, t: Time) -> i64 {
        if self.drift == 0 && self.anchor_acc == 0 {
            return 0; // the common case, without 128-bit division
        }
        self.acc(t).div_euclid(1_000_000) as i64
    }

    /// Physical (wall) clock reading at true time `t`.
    pub fn pc(&self, t: Time) -> i64 {
        BASE + t as i64 + self.offset + self.drift_ms(t)
    }

    /// Monotonic clock reading at true time `t`. Skew and jumps do not affect it.
    pub fn mc(&self, t: Time) -> i64 {
        t as i64 + self.drift_ms(t)
    }

    /// Steps the physical clock by `delta` ms at any time (an NTP step; negative goes backwards).
    pub fn jump(&mut self, delta: i64) {
        self.offset = self.offset.saturating_add(delta);
    }

    /// Sets skew and drift from true time `t` on; the drift accumulated so far is kept.
    pub fn set(&mut self, t: Time, offset: i64, drift: i64) {
        self.anchor_acc = self.acc(t);
        self.anchor_t = t;
        self.offset = offset;
        self.drift = drift;
    }

    /// The smallest true time `t1 ≥ t0` at which the monotonic clock has advanced by at least `d` ms since `t0`:
    /// when a timer of duration `d` armed at `t0` fires.
    pub fn timer_deadline(&self, t0: Time, d: u64) -> Time {
        self.first_time_mc_reaches(t0, self.mc(t0).saturating_add(d as i64))
    }

    /// The smallest true time `t ≥ from` with `MC(t) ≥ target`.
    pub fn first_time_mc_reaches(&self, from: Time, target: i64) -> Time {
        let start = self.mc(from);
        if start >= target {
            return from;
        }
        if self.drift == 0 {
            // The monotonic clock advances exactly one ms per ms.
            return from.saturating_add((target - start) as u64);
        }
        // MC grows by (1 + drift/10⁶) per ms; start from the linear estimate and correct by whole steps, since
        // the floor makes the estimate off by at most a couple of ms.
        let need = (target - start) as i128;
        let rate = 1_000_000i128 + self.drift as i128;
        let est = if rate > 0 { (need * 1_000_000 / rate).max(1) } else { need };
        let mut t = from.saturating_add(est.min(u64::MAX as i128 / 2) as u64);
        while t > from && self.mc(t - 1) >= target {
            t -= 1;
        }
        while self.mc(t) < target {
            t += 1;
        }
        t
    }
}

/// A vector clock over at most [`MAX_NODES`] nodes, indexed by node position in the scenario.
///
/// Fixed-size and `Copy` so that stamping every message costs no allocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct VClock {
    n: u8,
    c: [u32; MAX_NODES],
}

impl VClock {
    /// The zero vector for `n` nodes.
    pub fn new(n: usize) -> Self {
        VClock { n: n.min(MAX_NODES) as u8, c: [0; MAX_NODES] }
    }

    /// The components, one per node.
    pub fn as_slice(&self) -> &[u32] {
        &self.c[..self.n as usize]
    }

    /// Component of node `i`.
    pub fn get(&self, i: usize) -> u32 {
        self.c[i]
    }

    /// Counts one event of node `i`.
    pub fn tick(&mut self, i: usize) {
        self.c[i] = self.c[i].saturating_add(1);
    }

    /// Component-wise maximum with `other` (the receive rule, before the tick).
    pub fn merge(&mut self, other: &VClock) {
        for i in 0..self.n as usize {
            self.c[i] = self.c[i].max(other.c[i]);
        }
    }

    /// `self ≤ other` component-wise.
    pub fn le(&self, other: &VClock) -> bool {
        self.as_slice().iter().zip(other.as_slice()).all(|(a, b)| a <= b)
    }

    /// Happened-before: `self ≤ other` and `self ≠ other`.
    pub fn happened_before(&self, other: &VClock) -> bool {
        self.le(other) && self != other
    }

    /// Neither happened before the other.
    pub fn concurrent(&self, other: &VClock) -> bool {
        !self.le(other) && !other.le(self)
    }
}

impl Serialize for VClock {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.as_slice().serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn physical_clock_follows_the_formula() {
        let c = NodeClock::new(500, 0);
        assert_eq!(c.pc(5), 10_505);
        let d = NodeClock::new(-300, 2000);
        // 10000 + 1500 - 300 + floor(1500·2000/10⁶) = 11200 + 3
        assert_eq!(d.pc(1500), 11_203);
        assert_eq!(d.mc(1500), 1503);
    }

    #[test]
    fn negative_drift_floors_towards_minus_infinity() {
        let c = NodeClock::new(0, -1000);
        assert_eq!(c.mc(1), 0); // 1 + floor(-0.001) = 0
        assert_eq!(c.mc(1000), 999);
    }

    #[test]
    fn jumps_move_the_wall_clock_but_not_the_monotonic_one() {
        let mut c = NodeClock::new(0, 0);
        c.jump(-800);
        assert_eq!(c.pc(1000), 10_200);
        assert_eq!(c.mc(1000), 1000);
    }

    #[test]
    fn timers_fire_early_with_a_fast_clock_and_late_with_a_slow_one() {
        let fast = NodeClock::new(0, 100_000); // 10 % fast
        let slow = NodeClock::new(0, -100_000);
        assert_eq!(NodeClock::new(0, 0).timer_deadline(100, 50), 150);
        let f = fast.timer_deadline(0, 110);
        assert_eq!(f, 100, "110 ms of a 10 %-fast clock pass in 100 ms");
        let s = slow.timer_deadline(0, 90);
        assert_eq!(s, 100, "90 ms of a 10 %-slow clock take 100 ms");
        for (clk, t0, d) in [(fast.clone(), 7, 33), (slow.clone(), 13, 1), (slow, 0, 1000)] {
            let t1 = clk.timer_deadline(t0, d);
            assert!(clk.mc(t1) - clk.mc(t0) >= d as i64);
            assert!(t1 == t0 || clk.mc(t1 - 1) - clk.mc(t0) < d as i64, "deadline is the smallest such time");
        }
    }

    #[test]
    fn changing_drift_continues_from_the_current_reading() {
        let mut c = NodeClock::new(0, 1_000_000); // runs at double speed
        assert_eq!(c.mc(100), 200);
        c.set(100, 0, 0);
        assert_eq!(c.mc(100), 200);
        assert_eq!(c.mc(150), 250);
    }

    #[test]
    fn vector_clock_orders_events() {
        let mut a = VClock::new(3);
        a.tick(0);
        let mut b = VClock::new(3);
        b.tick(1);
        assert!(a.concurrent(&b));
        let mut r = b;
        r.merge(&a);
        r.tick(1);
        assert!(a.happened_before(&r) && b.happened_before(&r));
        assert!(!r.happened_before(&a));
        assert_eq!(r.as_slice(), &[1, 2, 0]);
    }
}
