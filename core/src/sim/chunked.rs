//! A list whose clones share their full chunks, so that taking a checkpoint of a long run does not copy its whole
//! history.
//!
//! The seeker keeps dozens of whole copies of a run. What grows with a run is history: Raft's logs (on every
//! server, in its stable storage and in the checker's mirror of it), the commands executed, the entries committed,
//! the report's timeline. Held in a `Vec`, every checkpoint copied all of it: a ten-minute RAFT-stress run took
//! about 370 MB in checkpoints. Here the items live in chunks (of [`DEFAULT_CHUNK`] items unless a list says
//! otherwise) behind `Arc`s plus an unshared tail, so a copy costs the tail and one pointer per chunk. Histories are
//! appended to almost always; the rare change to an old item (Raft truncating a conflicting suffix, the checker
//! re-recording a commit) copies the one chunk it touches first.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::{Index, IndexMut};
use std::sync::Arc;

/// Items per shared chunk unless a list says otherwise: small enough that the unshared tail stays cheap to copy,
/// large enough that the list of chunks stays short.
pub const DEFAULT_CHUNK: usize = 64;

/// A growable list with cheap clones (see the module documentation). Its `Debug` text and `Hash` input are a
/// `Vec`'s, so state digests do not depend on the representation.
#[derive(Clone)]
pub struct ChunkedVec<T, const CHUNK: usize = DEFAULT_CHUNK> {
    /// Full chunks, each exactly `CHUNK` items.
    sealed: Vec<Arc<Vec<T>>>,
    /// The last, partial chunk: always fewer than `CHUNK` items.
    tail: Vec<T>,
}

impl<T, const CHUNK: usize> Default for ChunkedVec<T, CHUNK> {
    fn default() -> Self {
        ChunkedVec { sealed: Vec::new(), tail: Vec::new() }
    }
}

impl<T, const CHUNK: usize> ChunkedVec<T, CHUNK> {
    /// Number of items.
    pub fn len(&self) -> usize {
        self.sealed.len() * CHUNK + self.tail.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.sealed.is_empty() && self.tail.is_empty()
    }

    /// The item at `i`.
    pub fn get(&self, i: usize) -> Option<&T> {
        match self.sealed.get(i / CHUNK) {
            Some(c) => c.get(i % CHUNK),
            None => self.tail.get(i - self.sealed.len() * CHUNK),
        }
    }

    /// The last item.
    pub fn last(&self) -> Option<&T> {
        self.tail.last().or_else(|| self.sealed.last().and_then(|c| c.last()))
    }

    /// Items in order.
    pub fn iter(&self) -> Iter<'_, T> {
        self.iter_from(0)
    }

    /// Items from index `start` on, in order (empty when `start` is past the end).
    pub fn iter_from(&self, start: usize) -> Iter<'_, T> {
        let sealed_len = self.sealed.len() * CHUNK;
        if start >= sealed_len {
            let rest = self.tail.get(start - sealed_len..).unwrap_or(&[]);
            return Iter { chunks: [].iter(), cur: rest.iter(), tail: [].iter() };
        }
        let first = &self.sealed[start / CHUNK][start % CHUNK..];
        Iter { chunks: self.sealed[start / CHUNK + 1..].iter(), cur: first.iter(), tail: self.tail.iter() }
    }
}

impl<T: Clone, const CHUNK: usize> ChunkedVec<T, CHUNK> {
    /// Appends an item.
    pub fn push(&mut self, x: T) {
        if self.tail.capacity() == 0 {
            self.tail.reserve_exact(CHUNK);
        }
        self.tail.push(x);
        if self.tail.len() == CHUNK {
            let full = std::mem::replace(&mut self.tail, Vec::with_capacity(CHUNK));
            self.sealed.push(Arc::new(full));
        }
    }

    /// The item at `i`, for changing it (its chunk is copied first if a clone shares it).
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        let sealed_len = self.sealed.len() * CHUNK;
        if i < sealed_len {
            Arc::make_mut(&mut self.sealed[i / CHUNK]).get_mut(i % CHUNK)
        } else {
            self.tail.get_mut(i - sealed_len)
        }
    }

    /// Keeps the first `len` items.
    pub fn truncate(&mut self, len: usize) {
        let sealed_len = self.sealed.len() * CHUNK;
        if len >= sealed_len {
            self.tail.truncate(len - sealed_len);
            return;
        }
        // The cut falls inside a shared chunk: its kept part becomes the tail.
        let mut tail = Vec::with_capacity(CHUNK);
        tail.extend_from_slice(&self.sealed[len / CHUNK][..len % CHUNK]);
        self.sealed.truncate(len / CHUNK);
        self.tail = tail;
    }

    /// The items from `start` to `end` (exclusive), copied.
    pub fn to_vec(&self, start: usize, end: usize) -> Vec<T> {
        self.iter_from(start).take(end.saturating_sub(start)).cloned().collect()
    }
}

impl<T: Clone, const CHUNK: usize> Extend<T> for ChunkedVec<T, CHUNK> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        for x in items {
            self.push(x);
        }
    }
}

impl<T: Clone, const CHUNK: usize> FromIterator<T> for ChunkedVec<T, CHUNK> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut v = ChunkedVec::default();
        v.extend(items);
        v
    }
}

impl<T, const CHUNK: usize> Index<usize> for ChunkedVec<T, CHUNK> {
    type Output = T;

    fn index(&self, i: usize) -> &T {
        match self.get(i) {
            Some(x) => x,
            None => panic!("index {i} out of range for a list of {}", self.len()),
        }
    }
}

impl<T: Clone, const CHUNK: usize> IndexMut<usize> for ChunkedVec<T, CHUNK> {
    fn index_mut(&mut self, i: usize) -> &mut T {
        let len = self.len();
        match self.get_mut(i) {
            Some(x) => x,
            None => panic!("index {i} out of range for a list of {len}"),
        }
    }
}

impl<T: fmt::Debug, const CHUNK: usize> fmt::Debug for ChunkedVec<T, CHUNK> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Hash, const CHUNK: usize> Hash for ChunkedVec<T, CHUNK> {
    /// What hashing a `Vec` of the same items feeds the hasher: the length, then each item.
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_usize(self.len());
        for x in self.iter() {
            x.hash(state);
        }
    }
}

impl<T: PartialEq, const CHUNK: usize> PartialEq for ChunkedVec<T, CHUNK> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<T: Eq, const CHUNK: usize> Eq for ChunkedVec<T, CHUNK> {}

/// Iterator over a [`ChunkedVec`]'s items.
pub struct Iter<'a, T> {
    chunks: std::slice::Iter<'a, Arc<Vec<T>>>,
    cur: std::slice::Iter<'a, T>,
    tail: std::slice::Iter<'a, T>,
}

impl<'a, T> Iterator for Iter<'a, T> {
    type Item = &'a T;

    fn next(&mut self) -> Option<&'a T> {
        loop {
            if let Some(x) = self.cur.next() {
                return Some(x);
            }
            self.cur = match self.chunks.next() {
                Some(c) => c.iter(),
                None => std::mem::take(&mut self.tail),
            };
            if self.cur.len() == 0 {
                return None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::hash_map::DefaultHasher;

    fn digest<T: Hash>(x: &T) -> u64 {
        let mut h = DefaultHasher::new();
        x.hash(&mut h);
        h.finish()
    }

    #[test]
    fn clones_share_history_and_diverge_after() {
        let mut a: ChunkedVec<i32> = (0..1200).collect();
        let mut b = a.clone();
        a.push(-1);
        b.push(-2);
        assert_eq!(a.len(), 1201);
        assert_eq!(a.last(), Some(&-1));
        assert_eq!(b.last(), Some(&-2));
        assert_eq!(a.iter().take(1200).copied().collect::<Vec<_>>(), (0..1200).collect::<Vec<_>>());
        assert!(Arc::ptr_eq(&a.sealed[0], &b.sealed[0]));
    }

    /// Every operation agrees with a `Vec` doing the same, across chunk boundaries, with and without a clone
    /// sharing the chunks.
    #[test]
    fn behaves_like_a_vec() {
        let mut v: Vec<u64> = Vec::new();
        let mut c: ChunkedVec<u64> = ChunkedVec::default();
        let mut x: u64 = 7;
        let mut keep = Vec::new();
        let mut longest = 0;
        for step in 0..4000u64 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            match (x >> 33) % 10 {
                0 if v.len() > 3 * DEFAULT_CHUNK => {
                    // Cut up to 300 items off the end: often across a chunk boundary, into a shared chunk.
                    let len = v.len().saturating_sub(((x >> 40) as usize) % 300);
                    v.truncate(len);
                    c.truncate(len);
                }
                1 if !v.is_empty() => {
                    let i = ((x >> 40) as usize) % v.len();
                    v[i] = step;
                    c[i] = step;
                }
                2 => keep.push((v.clone(), c.clone())),
                _ => {
                    v.push(step);
                    c.push(step);
                }
            }
            assert_eq!(c.len(), v.len());
            assert_eq!(c.last(), v.last());
            longest = longest.max(v.len());
            let start = ((x >> 20) as usize) % (v.len() + 2);
            assert!(c.iter_from(start).eq(v.iter().skip(start)), "from {start} of {}", v.len());
            assert_eq!(c.to_vec(start, start + 300), v.iter().skip(start).take(300).copied().collect::<Vec<_>>());
        }
        assert!(longest > 3 * DEFAULT_CHUNK, "the run crossed chunk boundaries (at most {longest} items)");
        // Changes after a clone never show in it.
        for (v, c) in &keep {
            assert!(c.iter().eq(v.iter()));
            assert_eq!(c.get(v.len()), None);
        }
    }

    #[test]
    fn debug_text_and_hash_are_a_vecs() {
        let v: Vec<(u32, String)> = (0..700).map(|i| (i, format!("c{i}"))).collect();
        let c: ChunkedVec<(u32, String)> = v.iter().cloned().collect();
        assert_eq!(format!("{c:?}"), format!("{v:?}"));
        assert_eq!(digest(&c), digest(&v));
        assert_eq!(c, v.iter().cloned().collect::<ChunkedVec<_>>());
        assert_ne!(c, v[..699].iter().cloned().collect::<ChunkedVec<_>>());
    }
}
