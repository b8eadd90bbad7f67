//! An append-only list whose clones share their full chunks, so that taking a checkpoint of a long run does not
//! copy its whole history.

use std::sync::Arc;

const CHUNK: usize = 512;

/// Append-only list with cheap clones.
#[derive(Clone, Debug)]
pub struct ChunkedLog<T> {
    sealed: Vec<Arc<Vec<T>>>,
    tail: Vec<T>,
}

impl<T> Default for ChunkedLog<T> {
    fn default() -> Self {
        ChunkedLog { sealed: Vec::new(), tail: Vec::new() }
    }
}

impl<T: Clone> ChunkedLog<T> {
    /// Appends an item.
    pub fn push(&mut self, x: T) {
        self.tail.push(x);
        if self.tail.len() == CHUNK {
            self.sealed.push(Arc::new(std::mem::take(&mut self.tail)));
        }
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.sealed.len() * CHUNK + self.tail.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Items in order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.sealed.iter().flat_map(|c| c.iter()).chain(self.tail.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_history_and_diverge_after() {
        let mut a = ChunkedLog::default();
        for i in 0..1200 {
            a.push(i);
        }
        let mut b = a.clone();
        a.push(-1);
        b.push(-2);
        assert_eq!(a.len(), 1201);
        assert_eq!(a.iter().last(), Some(&-1));
        assert_eq!(b.iter().last(), Some(&-2));
        assert_eq!(a.iter().take(1200).copied().collect::<Vec<_>>(), (0..1200).collect::<Vec<_>>());
        assert!(Arc::ptr_eq(&a.sealed[0], &b.sealed[0]));
    }
}
