//! The event queue: a binary heap of small keys over a slab of event payloads.
//!
//! Keeping only `(time, class, seq, slot)` in the heap makes every sift move 24 bytes instead of a whole message
//! envelope, and reusing slab slots avoids an allocation per message.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::time::Time;

/// `(time, class, seq)` packed into one integer so that every heap comparison is a single `u128` compare:
/// time in the high 64 bits, class in the next 8, seq in the low 56 (7·10¹⁶ events is beyond any run).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Key {
    packed: u128,
    slot: u32,
}

const SEQ_BITS: u32 = 56;

impl Key {
    fn new(time: Time, class: u8, seq: u64) -> Self {
        debug_assert!(seq < 1 << SEQ_BITS);
        Key { packed: (time as u128) << 64 | (class as u128) << SEQ_BITS | seq as u128, slot: 0 }
    }

    fn order(&self) -> (Time, u8, u64) {
        ((self.packed >> 64) as u64, (self.packed >> SEQ_BITS) as u8, (self.packed as u64) & ((1 << SEQ_BITS) - 1))
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Key {
    // Reversed: BinaryHeap is a max-heap and the earliest key must come out first.
    fn cmp(&self, o: &Self) -> Ordering {
        o.packed.cmp(&self.packed)
    }
}

/// Pending events ordered by `(time, class, seq)`.
#[derive(Clone, Debug)]
pub(crate) struct Queue<T> {
    heap: BinaryHeap<Key>,
    slab: Vec<Option<T>>,
    free: Vec<u32>,
}

impl<T> Default for Queue<T> {
    fn default() -> Self {
        Queue { heap: BinaryHeap::new(), slab: Vec::new(), free: Vec::new() }
    }
}

impl<T> Queue<T> {
    pub fn push(&mut self, time: Time, class: u8, seq: u64, item: T) {
        let slot = match self.free.pop() {
            Some(s) => {
                self.slab[s as usize] = Some(item);
                s
            }
            None => {
                self.slab.push(Some(item));
                (self.slab.len() - 1) as u32
            }
        };
        self.heap.push(Key { slot, ..Key::new(time, class, seq) });
    }

    /// The key of the earliest event.
    pub fn peek(&self) -> Option<(Time, u8, u64)> {
        self.heap.peek().map(Key::order)
    }

    /// Removes the earliest event.
    pub fn pop(&mut self) -> Option<(Time, u8, u64, T)> {
        let k = self.heap.pop()?;
        let item = self.slab[k.slot as usize].take().expect("queued slot holds an event");
        self.free.push(k.slot);
        let (time, class, seq) = k.order();
        Some((time, class, seq, item))
    }

    /// Every pending event, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.heap.iter().filter_map(|k| self.slab[k.slot as usize].as_ref())
    }

    /// Every pending event with its `(time, class, seq)` key, in no particular order.
    pub fn iter_keyed(&self) -> impl Iterator<Item = ((Time, u8, u64), &T)> {
        self.heap.iter().filter_map(|k| self.slab[k.slot as usize].as_ref().map(|x| (k.order(), x)))
    }

    /// Removes the event with sequence number `seq` (exploration hooks), if it is pending.
    pub fn take_seq(&mut self, seq: u64) -> Option<(Time, u8, u64, T)> {
        let mut found = None;
        self.heap.retain(|k| {
            let hit = found.is_none() && k.order().2 == seq;
            if hit {
                found = Some(*k);
            }
            !hit
        });
        let k = found?;
        let item = self.slab[k.slot as usize].take().expect("queued slot holds an event");
        self.free.push(k.slot);
        let (time, class, seq) = k.order();
        Some((time, class, seq, item))
    }

    /// Removes the events `keep` rejects and returns them.
    pub fn remove_where(&mut self, mut remove: impl FnMut(&T) -> bool) -> Vec<T> {
        let slab = &self.slab;
        let mut gone = Vec::new();
        self.heap.retain(|k| {
            let r = slab[k.slot as usize].as_ref().is_some_and(&mut remove);
            if r {
                gone.push(k.slot);
            }
            !r
        });
        gone.sort_unstable(); // a stable order for the caller, whatever the heap's layout
        gone.into_iter()
            .map(|s| {
                self.free.push(s);
                self.slab[s as usize].take().expect("removed slot holds an event")
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_time_class_seq_order_and_reuses_slots() {
        let mut q = Queue::default();
        q.push(10, 2, 0, "timer");
        q.push(10, 1, 5, "late delivery");
        q.push(10, 1, 3, "early delivery");
        q.push(5, 2, 9, "first");
        q.push(10, 0, 7, "action");
        let order: Vec<&str> = std::iter::from_fn(|| q.pop().map(|e| e.3)).collect();
        assert_eq!(order, vec!["first", "action", "early delivery", "late delivery", "timer"]);
        q.push(1, 1, 1, "again");
        assert_eq!(q.slab.len(), 5, "slots are reused");
    }

    #[test]
    fn removal_keeps_the_rest_in_order() {
        let mut q = Queue::default();
        for i in 0..10u64 {
            q.push(i, 1, i, i);
        }
        let gone = q.remove_where(|x| x % 3 == 0);
        assert_eq!(gone, vec![0, 3, 6, 9]);
        let rest: Vec<u64> = std::iter::from_fn(|| q.pop().map(|e| e.3)).collect();
        assert_eq!(rest, vec![1, 2, 4, 5, 7, 8]);
    }
}
