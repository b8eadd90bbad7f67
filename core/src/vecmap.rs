//! Ordered maps and sets kept in a sorted vector.
//!
//! The protocols' states and checkers hold many small ordered collections: the votes a candidate has, the
//! participants that answered, a node's sessions, the grants a checker has seen. With `BTreeMap` each key and value
//! type brought its own copy of the tree's insertion, removal, rebalancing, cloning and dropping code, 2-5 KB of
//! WebAssembly per type; forty-odd types made the B-tree the largest part of the standard library in the web build.
//! A sorted vector needs only a binary search and `Vec`'s insert and remove for each type.
//!
//! These collections hold a handful to a few hundred entries, and keys mostly arrive in increasing order (ids and
//! terms grow), so inserting into a vector is as fast as into a tree, and cloning one (every snapshot and every
//! branch of the counterexample search clones the whole state) is a single copy. The large, churning collections
//! (the event queue, the explorer's visited states) stay in B-trees.
//!
//! Iteration is in key order, `Debug` prints what `BTreeMap`'s and `BTreeSet`'s print, and `Hash` feeds the hasher
//! what theirs feed it, so state digests and traces are unchanged by the switch.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::{Bound, RangeBounds};

/// An ordered map in a vector of pairs sorted by key, with the subset of `BTreeMap`'s interface the core uses.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct VecMap<K, V> {
    entries: Vec<(K, V)>,
}

/// An iterator over a map's pairs in key order. (A named type rather than a `map` over a function pointer, which
/// the size-optimised web build would call indirectly for every pair.)
#[derive(Clone)]
pub struct Iter<'a, K, V>(std::slice::Iter<'a, (K, V)>);

impl<'a, K, V> Iterator for Iter<'a, K, V> {
    type Item = (&'a K, &'a V);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(pair_ref)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<K, V> DoubleEndedIterator for Iter<'_, K, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(pair_ref)
    }
}

impl<K, V> ExactSizeIterator for Iter<'_, K, V> {}

fn pair_ref<K, V>(e: &(K, V)) -> (&K, &V) {
    (&e.0, &e.1)
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K, V> VecMap<K, V> {
    /// An empty map.
    pub const fn new() -> Self {
        VecMap { entries: Vec::new() }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The pairs in key order.
    pub fn iter(&self) -> Iter<'_, K, V> {
        Iter(self.entries.iter())
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator + Clone {
        self.entries.iter().map(|e| &e.0)
    }

    /// The values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator + Clone {
        self.entries.iter().map(|e| &e.1)
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

impl<K: Ord, V> VecMap<K, V> {
    /// Where `key` is (`Ok`) or would go (`Err`).
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|e| e.0.borrow().cmp(key))
    }

    /// The value for `key`.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    /// The value for `key`, mutable.
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }

    /// True when `key` has a value.
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Sets the value for `key`, returning the one it replaces.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        // Keys mostly arrive in increasing order: check the end before searching.
        match self.entries.last() {
            None => {}
            Some(last) if last.0 < key => {}
            _ => match self.find(&key) {
                Ok(i) => return Some(std::mem::replace(&mut self.entries[i].1, value)),
                Err(i) => {
                    self.entries.insert(i, (key, value));
                    return None;
                }
            },
        }
        self.entries.push((key, value));
        None
    }

    /// Removes the value for `key` and returns it.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.entries.remove(i).1)
    }

    /// The place for `key`, to read or fill.
    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        let at = self.find(&key);
        Entry { map: self, key, at }
    }

    /// The pairs whose keys are in `range`, in key order.
    pub fn range<Q: Ord + ?Sized, R: RangeBounds<Q>>(&self, range: R) -> Iter<'_, K, V>
    where
        K: Borrow<Q>,
    {
        let start = match range.start_bound() {
            Bound::Included(b) => self.entries.partition_point(|e| e.0.borrow() < b),
            Bound::Excluded(b) => self.entries.partition_point(|e| e.0.borrow() <= b),
            Bound::Unbounded => 0,
        };
        let end = match range.end_bound() {
            Bound::Included(b) => self.entries.partition_point(|e| e.0.borrow() <= b),
            Bound::Excluded(b) => self.entries.partition_point(|e| e.0.borrow() < b),
            Bound::Unbounded => self.entries.len(),
        };
        Iter(self.entries[start..end.max(start)].iter())
    }
}

/// A map's place for one key, filled or not (`BTreeMap::entry`).
pub struct Entry<'a, K, V> {
    map: &'a mut VecMap<K, V>,
    key: K,
    at: Result<usize, usize>,
}

impl<'a, K, V> Entry<'a, K, V> {
    /// The value, inserting what `make` returns if there is none.
    pub fn or_insert_with(self, make: impl FnOnce() -> V) -> &'a mut V {
        let i = match self.at {
            Ok(i) => i,
            Err(i) => {
                self.map.entries.insert(i, (self.key, make()));
                i
            }
        };
        &mut self.map.entries[i].1
    }

    /// The value, inserting the default if there is none.
    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.or_insert_with(V::default)
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for VecMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Hash, V: Hash> Hash for VecMap<K, V> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // What `BTreeMap` feeds: the length, then each key and value.
        state.write_usize(self.entries.len());
        for (k, v) in &self.entries {
            k.hash(state);
            v.hash(state);
        }
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for VecMap<K, V> {
    /// Later values win over earlier ones for equal keys, as with `BTreeMap`.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(it: I) -> Self {
        let mut m = VecMap::new();
        m.extend(it);
        m
    }
}

impl<K: Ord, V> Extend<(K, V)> for VecMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, it: I) {
        for (k, v) in it {
            self.insert(k, v);
        }
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for VecMap<K, V> {
    fn from(pairs: [(K, V); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl<'a, K, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<K, V> IntoIterator for VecMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

/// An ordered set in a sorted vector, with the subset of `BTreeSet`'s interface the core uses.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct VecSet<T> {
    items: Vec<T>,
}

impl<T> Default for VecSet<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> VecSet<T> {
    /// An empty set.
    pub const fn new() -> Self {
        VecSet { items: Vec::new() }
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when the set is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The items in order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    /// The smallest item.
    pub fn first(&self) -> Option<&T> {
        self.items.first()
    }

    /// Removes and returns the smallest item.
    pub fn pop_first(&mut self) -> Option<T> {
        (!self.items.is_empty()).then(|| self.items.remove(0))
    }

    /// Removes every item.
    pub fn clear(&mut self) {
        self.items.clear();
    }

    /// Keeps the items for which `f` is true.
    pub fn retain(&mut self, f: impl FnMut(&T) -> bool) {
        self.items.retain(f);
    }
}

impl<T: Ord> VecSet<T> {
    fn find<Q: Ord + ?Sized>(&self, x: &Q) -> Result<usize, usize>
    where
        T: Borrow<Q>,
    {
        self.items.binary_search_by(|e| e.borrow().cmp(x))
    }

    /// True when `x` is in the set.
    pub fn contains<Q: Ord + ?Sized>(&self, x: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.find(x).is_ok()
    }

    /// Adds `x`; false if it was already there.
    pub fn insert(&mut self, x: T) -> bool {
        match self.items.last() {
            None => {}
            Some(last) if *last < x => {}
            _ => match self.find(&x) {
                Ok(_) => return false,
                Err(i) => {
                    self.items.insert(i, x);
                    return true;
                }
            },
        }
        self.items.push(x);
        true
    }

    /// Removes `x`; false if it was not there.
    pub fn remove<Q: Ord + ?Sized>(&mut self, x: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.find(x).map(|i| self.items.remove(i)).is_ok()
    }

    /// The items of either set, in order.
    pub fn union<'a>(&'a self, other: &'a VecSet<T>) -> impl Iterator<Item = &'a T> + 'a {
        let (mut a, mut b) = (self.items.iter().peekable(), other.items.iter().peekable());
        std::iter::from_fn(move || match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => match x.cmp(y) {
                std::cmp::Ordering::Less => a.next(),
                std::cmp::Ordering::Greater => b.next(),
                std::cmp::Ordering::Equal => {
                    b.next();
                    a.next()
                }
            },
            (Some(_), None) => a.next(),
            (None, _) => b.next(),
        })
    }
}

impl<T: fmt::Debug> fmt::Debug for VecSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.items.iter()).finish()
    }
}

impl<T: Hash> Hash for VecSet<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // What `BTreeSet` feeds: the length, then each item.
        state.write_usize(self.items.len());
        for x in &self.items {
            x.hash(state);
        }
    }
}

impl<T: Ord> FromIterator<T> for VecSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(it: I) -> Self {
        let mut s = VecSet::new();
        s.extend(it);
        s
    }
}

impl<T: Ord> Extend<T> for VecSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, it: I) {
        for x in it {
            self.insert(x);
        }
    }
}

impl<'a, T> IntoIterator for &'a VecSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<T> IntoIterator for VecSet<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<K: serde::Serialize, V: serde::Serialize> serde::Serialize for VecMap<K, V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;
    use std::collections::{BTreeMap, BTreeSet};
    use std::hash::DefaultHasher;

    fn hash_of<T: Hash>(x: &T) -> u64 {
        let mut h = DefaultHasher::new();
        x.hash(&mut h);
        h.finish()
    }

    /// Random inserts, removals, entries and clears on both, compared after every operation: contents, order,
    /// `Debug` text, hash, lookups, ranges and the answers of every call.
    #[test]
    fn map_behaves_like_a_btreemap() {
        let mut rng = Rng::stream(7, 0);
        for _ in 0..50 {
            let (mut v, mut b) = (VecMap::new(), BTreeMap::new());
            for step in 0..300u64 {
                let k = rng.range(0, 40);
                match rng.range(0, 6) {
                    0 | 1 => assert_eq!(v.insert(k, step), b.insert(k, step)),
                    2 => assert_eq!(v.remove(&k), b.remove(&k)),
                    3 => {
                        *v.entry(k).or_default() += 1;
                        *b.entry(k).or_default() += 1;
                    }
                    4 => {
                        *v.entry(k).or_insert_with(|| step) *= 2;
                        *b.entry(k).or_insert_with(|| step) *= 2;
                    }
                    _ if step % 50 == 49 => {
                        v.clear();
                        b.clear();
                    }
                    _ => {
                        if let (Some(x), Some(y)) = (v.get_mut(&k), b.get_mut(&k)) {
                            *x += 3;
                            *y += 3;
                        }
                    }
                }
                assert!(v.iter().eq(b.iter()));
                assert_eq!(format!("{v:?}"), format!("{b:?}"));
                assert_eq!(hash_of(&v), hash_of(&b));
                assert_eq!(v.get(&k), b.get(&k));
                assert!(v.range(k..).eq(b.range(k..)));
                assert!(v.range(k + 1..k + 9).eq(b.range(k + 1..k + 9)));
                assert!(v.range(..=k).eq(b.range(..=k)));
                assert_eq!(v.contains_key(&k), b.contains_key(&k));
                assert_eq!((v.len(), v.is_empty()), (b.len(), b.is_empty()));
                assert!(v.keys().eq(b.keys()) && v.values().eq(b.values()));
            }
        }
    }

    #[test]
    fn set_behaves_like_a_btreeset() {
        let mut rng = Rng::stream(11, 0);
        for _ in 0..50 {
            let (mut v, mut b) = (VecSet::new(), BTreeSet::new());
            let other: VecSet<u64> = (0..10).map(|_| rng.range(0, 30)).collect();
            let other_b: BTreeSet<u64> = other.iter().copied().collect();
            for _ in 0..300 {
                let x = rng.range(0, 30);
                match rng.range(0, 5) {
                    0 | 1 => assert_eq!(v.insert(x), b.insert(x)),
                    2 => assert_eq!(v.remove(&x), b.remove(&x)),
                    3 => assert_eq!(v.pop_first(), b.pop_first()),
                    _ => {
                        v.retain(|y| y % 5 != x % 5);
                        b.retain(|y| y % 5 != x % 5);
                    }
                }
                assert!(v.iter().eq(b.iter()));
                assert_eq!(format!("{v:?}"), format!("{b:?}"));
                assert_eq!(hash_of(&v), hash_of(&b));
                assert_eq!(v.contains(&x), b.contains(&x));
                assert!(v.union(&other).eq(b.union(&other_b)));
                assert_eq!(v.first(), b.first());
            }
        }
    }

    #[test]
    fn collecting_keeps_the_last_value_of_equal_keys() {
        let m: VecMap<u8, char> = [(2, 'a'), (1, 'b'), (2, 'c')].into_iter().collect();
        assert_eq!(m.into_iter().collect::<Vec<_>>(), vec![(1, 'b'), (2, 'c')]);
    }
}
