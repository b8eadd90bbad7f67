//! The network: links, partitions, fault rules, and the decision procedure for every send (protocols.md §1.4).

use crate::protocol::NodeId;
use crate::rng::Rng;
use crate::scenario::{FaultRule, MsgMatch, NetChange, NetParams};
use crate::time::{Time, MAX_NODES};
use crate::trace::DropReason;

/// The fate of one send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Fate {
    /// Lost at send time.
    Dropped(DropReason),
    /// Arrives at `at`, with extra copies at the listed times.
    Arrives {
        /// Arrival time of the original.
        at: Time,
        /// Extra latency from delay rules.
        delayed: u64,
        /// Arrival times of copies made by the network.
        copies: Vec<Time>,
    },
}

/// Link state and fault rules. Part of the simulation state (rule counts are consumed as messages match).
#[derive(Clone, Debug)]
pub(crate) struct Network {
    pub params: NetParams,
    n: usize,
    /// `cut[src * MAX_NODES + dst]`.
    cut: [bool; MAX_NODES * MAX_NODES],
    /// Groups of the last `partition` (for drawing); cleared by `heal`.
    pub groups: Vec<Vec<NodeId>>,
    drops: Vec<(MsgMatch, Option<u64>)>,
    delays: Vec<(MsgMatch, u64, Option<u64>)>,
    dups: Vec<(MsgMatch, u32, u64, Option<u64>)>,
}

impl Network {
    pub fn new(n: usize, params: NetParams, faults: &[FaultRule]) -> Self {
        let mut net = Network {
            params,
            n,
            cut: [false; MAX_NODES * MAX_NODES],
            groups: Vec::new(),
            drops: Vec::new(),
            delays: Vec::new(),
            dups: Vec::new(),
        };
        for f in faults {
            match f {
                FaultRule::Drop(m) => net.drops.push((m.clone(), m.count)),
                FaultRule::Delay { m, extra } => net.delays.push((m.clone(), *extra, m.count)),
                FaultRule::Duplicate { m, copies, gap } => net.dups.push((m.clone(), *copies, *gap, m.count)),
                FaultRule::CrashOn(_) => {}
            }
        }
        net
    }

    /// True when the one-way link `src → dst` is down.
    pub fn is_cut(&self, src: NodeId, dst: NodeId) -> bool {
        self.cut[src * MAX_NODES + dst]
    }

    pub fn partition(&mut self, groups: &[Vec<NodeId>]) {
        let mut group_of = [usize::MAX; MAX_NODES];
        for (g, members) in groups.iter().enumerate() {
            for &m in members {
                group_of[m] = g;
            }
        }
        for a in 0..self.n {
            for b in 0..self.n {
                // Unlisted nodes (group usize::MAX) are isolated from everyone but themselves.
                let same = a == b || (group_of[a] != usize::MAX && group_of[a] == group_of[b]);
                self.cut[a * MAX_NODES + b] = !same;
            }
        }
        self.groups = groups.to_vec();
    }

    pub fn heal(&mut self) {
        self.cut = [false; MAX_NODES * MAX_NODES];
        self.groups.clear();
    }

    pub fn set_cut(&mut self, src: NodeId, dst: NodeId, cut: bool) {
        self.cut[src * MAX_NODES + dst] = cut;
    }

    /// The cut matrix as rows, for snapshots.
    pub fn matrix(&self) -> Vec<Vec<bool>> {
        (0..self.n).map(|a| (0..self.n).map(|b| self.is_cut(a, b)).collect()).collect()
    }

    pub fn change(&mut self, c: &NetChange) {
        if let Some(v) = c.latency {
            self.params.latency = v;
        }
        if let Some(v) = c.jitter {
            self.params.jitter = v;
        }
        if let Some(v) = c.loss {
            self.params.loss = v;
        }
        if let Some(v) = c.duplicate {
            self.params.duplicate = v;
        }
    }

    fn latency(&self, rng: &mut Rng) -> u64 {
        let p = &self.params;
        if p.jitter == 0 {
            p.latency
        } else {
            p.latency + rng.range(0, p.jitter + 1)
        }
    }

    /// Decides what happens to a message `src → dst` of type `kind` sent at `t`. Random draws happen in a fixed
    /// order (loss, latency jitter, duplication) and only when the corresponding parameter is non-zero.
    pub fn route(&mut self, src: NodeId, dst: NodeId, kind: &str, t: Time, rng: &mut Rng) -> Fate {
        if self.is_cut(src, dst) {
            return Fate::Dropped(DropReason::PartitionAtSend);
        }
        // Only the first matching drop rule is consumed.
        if let Some((_, left)) =
            self.drops.iter_mut().find(|(m, left)| left != &Some(0) && m.matches(src, dst, kind, t))
        {
            if let Some(l) = left {
                *l -= 1;
            }
            return Fate::Dropped(DropReason::Rule);
        }
        if rng.chance(self.params.loss) {
            return Fate::Dropped(DropReason::Loss);
        }
        let mut delayed = 0;
        for (m, extra, left) in self.delays.iter_mut() {
            if left != &Some(0) && m.matches(src, dst, kind, t) {
                if let Some(l) = left {
                    *l -= 1;
                }
                delayed += *extra;
            }
        }
        let at = t + self.latency(rng) + delayed;
        let mut copies = Vec::new();
        for (m, n, gap, left) in self.dups.iter_mut() {
            if left != &Some(0) && m.matches(src, dst, kind, t) {
                if let Some(l) = left {
                    *l -= 1;
                }
                copies.extend((1..=*n as u64).map(|k| at + k * *gap));
            }
        }
        if rng.chance(self.params.duplicate) {
            copies.push(t + self.latency(rng) + delayed);
        }
        Fate::Arrives { at, delayed, copies }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(n: usize, faults: &[FaultRule]) -> Network {
        Network::new(n, NetParams::default(), faults)
    }

    #[test]
    fn partitions_cut_both_directions_and_isolate_unlisted_nodes() {
        let mut nw = net(5, &[]);
        nw.partition(&[vec![0, 1], vec![2, 3]]);
        for (a, b, cut) in [(0, 1, false), (1, 0, false), (2, 3, false), (0, 2, true), (2, 0, true), (1, 3, true)] {
            assert_eq!(nw.is_cut(a, b), cut, "{a}->{b}");
        }
        for other in 0..4 {
            assert!(nw.is_cut(4, other) && nw.is_cut(other, 4), "node 4 is isolated");
        }
        assert!(!nw.is_cut(4, 4));
        nw.heal();
        assert!(!nw.is_cut(0, 2) && !nw.is_cut(4, 0));
    }

    #[test]
    fn one_way_cuts_leave_the_other_direction_up() {
        let mut nw = net(3, &[]);
        nw.set_cut(0, 1, true);
        assert!(nw.is_cut(0, 1));
        assert!(!nw.is_cut(1, 0));
        let mut rng = Rng::stream(0, 0);
        assert_eq!(nw.route(0, 1, "X", 5, &mut rng), Fate::Dropped(DropReason::PartitionAtSend));
        assert!(matches!(nw.route(1, 0, "X", 5, &mut rng), Fate::Arrives { at: 15, .. }));
        nw.set_cut(0, 1, false);
        assert!(!nw.is_cut(0, 1));
    }

    #[test]
    fn drop_rules_respect_window_type_and_count() {
        let m =
            MsgMatch { types: Some(vec!["DATA".into()]), from: 10, to: Some(20), count: Some(1), ..Default::default() };
        let mut nw = net(2, &[FaultRule::Drop(m)]);
        let mut rng = Rng::stream(0, 0);
        assert!(matches!(nw.route(0, 1, "DATA", 5, &mut rng), Fate::Arrives { .. }), "before the window");
        assert!(matches!(nw.route(0, 1, "ACK", 12, &mut rng), Fate::Arrives { .. }), "other type");
        assert_eq!(nw.route(0, 1, "DATA", 12, &mut rng), Fate::Dropped(DropReason::Rule));
        assert!(matches!(nw.route(0, 1, "DATA", 13, &mut rng), Fate::Arrives { .. }), "count used up");
    }

    #[test]
    fn delays_add_up_and_duplicates_follow_at_gaps() {
        let m = MsgMatch::default();
        let faults = [
            FaultRule::Delay { m: m.clone(), extra: 5 },
            FaultRule::Delay { m: m.clone(), extra: 7 },
            FaultRule::Duplicate { m, copies: 2, gap: 3 },
        ];
        let mut nw = net(2, &faults);
        let mut rng = Rng::stream(0, 0);
        assert_eq!(nw.route(0, 1, "X", 100, &mut rng), Fate::Arrives { at: 122, delayed: 12, copies: vec![125, 128] });
    }

    #[test]
    fn jitter_stays_within_bounds() {
        let mut nw = Network::new(2, NetParams { latency: 10, jitter: 4, loss: 0.0, duplicate: 0.0 }, &[]);
        let mut rng = Rng::stream(9, 0);
        let mut seen = crate::vecmap::VecSet::new();
        for _ in 0..200 {
            if let Fate::Arrives { at, .. } = nw.route(0, 1, "X", 0, &mut rng) {
                assert!((10..=14).contains(&at));
                seen.insert(at);
            }
        }
        assert_eq!(seen.len(), 5);
    }
}
