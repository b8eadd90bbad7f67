//! A node's armed timers: a map from timer to entry kept as a sorted vector.
//!
//! A node has a handful of timers at a time (Raft: an election or heartbeat timer and a few retries), so a sorted
//! vector beats a B-tree in speed, and in size by more: the kernel is compiled once per protocol, and each
//! `BTreeMap<P::Timer, _>` brought its own insertion, removal, rebalancing, cloning and dropping code, about 5 KB of
//! WebAssembly per protocol. Iteration is in key order, as the B-tree's was, so traces and digests are unchanged.

/// Armed timers of one node, in timer order.
#[derive(Clone, Debug)]
pub struct Timers<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for Timers<K, V> {
    fn default() -> Self {
        Timers { entries: Vec::new() }
    }
}

impl<K: Ord, V> Timers<K, V> {
    fn find(&self, k: &K) -> Result<usize, usize> {
        self.entries.binary_search_by(|(x, _)| x.cmp(k))
    }

    /// The entry of timer `k`.
    pub fn get(&self, k: &K) -> Option<&V> {
        self.find(k).ok().map(|i| &self.entries[i].1)
    }

    /// The entry of timer `k`, to change.
    pub fn get_mut(&mut self, k: &K) -> Option<&mut V> {
        self.find(k).ok().map(move |i| &mut self.entries[i].1)
    }

    /// Arms timer `k`; returns the entry it replaces if it was armed.
    pub fn insert(&mut self, k: K, v: V) -> Option<V> {
        match self.find(&k) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, v)),
            Err(i) => {
                self.entries.insert(i, (k, v));
                None
            }
        }
    }

    /// Disarms timer `k`; returns its entry if it was armed.
    pub fn remove(&mut self, k: &K) -> Option<V> {
        self.find(k).ok().map(|i| self.entries.remove(i).1)
    }

    /// Disarms every timer.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Timers and entries in timer order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn behaves_like_an_ordered_map() {
        let mut t = Timers::default();
        let mut m = BTreeMap::new();
        let mut rng = crate::rng::Rng::stream(3, 0);
        for _ in 0..2000 {
            let k = rng.range(0, 12);
            match rng.range(0, 4) {
                0 | 1 => {
                    let v = rng.next_u64();
                    assert_eq!(t.insert(k, v), m.insert(k, v));
                }
                2 => {
                    assert_eq!(t.remove(&k), m.remove(&k));
                }
                _ => {
                    if let Some(v) = t.get_mut(&k) {
                        *v += 1;
                    }
                    if let Some(v) = m.get_mut(&k) {
                        *v += 1;
                    }
                }
            }
            assert_eq!(t.get(&k), m.get(&k));
            assert!(t.iter().eq(m.iter()));
        }
        t.clear();
        assert_eq!(t.iter().count(), 0);
    }
}
