//! The event queue: a calendar of time buckets, each holding one FIFO lane per event class.
//!
//! Every event gets its `seq` from a counter bumped on each scheduling, so events of one `(time, class)` are almost
//! always pushed in `seq` order: appending to a lane keeps it sorted, and popping the earliest event is a map
//! lookup of the first time plus a `pop_front`, instead of a binary-heap sift per event. Runs keep a few dozen
//! distinct times pending (latencies and timeouts are short), so the ordered map of times stays tiny. Emptied
//! buckets are recycled to keep their lanes' allocations.

use std::collections::{BTreeMap, VecDeque};

use crate::time::Time;

/// Event classes (protocols.md §1.1): scripted actions, deliveries, timers, observations.
const CLASSES: usize = 4;

#[derive(Clone, Debug)]
struct Bucket<T> {
    lanes: [VecDeque<(u64, T)>; CLASSES],
}

impl<T> Default for Bucket<T> {
    fn default() -> Self {
        Bucket { lanes: Default::default() }
    }
}

impl<T> Bucket<T> {
    fn is_empty(&self) -> bool {
        self.lanes.iter().all(VecDeque::is_empty)
    }
}

/// Pending events ordered by `(time, class, seq)`.
#[derive(Debug)]
pub(crate) struct Queue<T> {
    times: BTreeMap<Time, Bucket<T>>,
    /// Emptied buckets, kept for their capacity.
    spare: Vec<Bucket<T>>,
}

impl<T> Default for Queue<T> {
    fn default() -> Self {
        Queue { times: BTreeMap::new(), spare: Vec::new() }
    }
}

impl<T: Clone> Clone for Queue<T> {
    fn clone(&self) -> Self {
        Queue { times: self.times.clone(), spare: Vec::new() }
    }
}

impl<T> Queue<T> {
    pub fn push(&mut self, time: Time, class: u8, seq: u64, item: T) {
        let spare = &mut self.spare;
        let bucket = self.times.entry(time).or_insert_with(|| spare.pop().unwrap_or_default());
        let lane = &mut bucket.lanes[class as usize];
        match lane.back() {
            Some((last, _)) if *last > seq => {
                // Only a re-scheduled event (exploration delaying a message) keeps an older seq.
                let at = lane.partition_point(|(s, _)| *s < seq);
                lane.insert(at, (seq, item));
            }
            _ => lane.push_back((seq, item)),
        }
    }

    /// The key of the earliest event.
    pub fn peek(&self) -> Option<(Time, u8, u64)> {
        let (&time, bucket) = self.times.first_key_value()?;
        bucket.lanes.iter().enumerate().find_map(|(c, lane)| lane.front().map(|(seq, _)| (time, c as u8, *seq)))
    }

    /// Removes the earliest event.
    pub fn pop(&mut self) -> Option<(Time, u8, u64, T)> {
        let mut first = self.times.first_entry()?;
        let time = *first.key();
        let bucket = first.get_mut();
        let (class, (seq, item)) =
            bucket.lanes.iter_mut().enumerate().find_map(|(c, lane)| lane.pop_front().map(|x| (c, x)))?;
        if bucket.is_empty() {
            self.spare.push(first.remove());
        }
        Some((time, class as u8, seq, item))
    }

    /// Every pending event with its `(time, class, seq)` key, in order.
    pub fn iter_keyed(&self) -> impl Iterator<Item = ((Time, u8, u64), &T)> {
        self.times.iter().flat_map(|(&time, b)| {
            b.lanes
                .iter()
                .enumerate()
                .flat_map(move |(c, lane)| lane.iter().map(move |(s, x)| ((time, c as u8, *s), x)))
        })
    }

    /// Every pending event, in order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.iter_keyed().map(|(_, x)| x)
    }

    /// Removes the event with sequence number `seq` (exploration hooks), if it is pending.
    pub fn take_seq(&mut self, seq: u64) -> Option<(Time, u8, u64, T)> {
        let (time, class, at) = self.times.iter().find_map(|(&t, b)| {
            b.lanes.iter().enumerate().find_map(|(c, lane)| lane.iter().position(|(s, _)| *s == seq).map(|i| (t, c, i)))
        })?;
        let bucket = self.times.get_mut(&time).expect("found above");
        let (seq, item) = bucket.lanes[class].remove(at).expect("found above");
        if bucket.is_empty() {
            let b = self.times.remove(&time).expect("found above");
            self.spare.push(b);
        }
        Some((time, class as u8, seq, item))
    }

    /// Removes the events `remove` selects and returns them, in queue order.
    pub fn remove_where(&mut self, mut remove: impl FnMut(&T) -> bool) -> Vec<T> {
        let mut gone = Vec::new();
        for bucket in self.times.values_mut() {
            for lane in &mut bucket.lanes {
                if !lane.iter().any(|(_, x)| remove(x)) {
                    continue;
                }
                for (s, x) in std::mem::take(lane) {
                    if remove(&x) {
                        gone.push(x);
                    } else {
                        lane.push_back((s, x));
                    }
                }
            }
        }
        self.times.retain(|_, b| !b.is_empty());
        gone
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain<T>(q: &mut Queue<T>) -> Vec<T> {
        std::iter::from_fn(|| q.pop().map(|e| e.3)).collect()
    }

    #[test]
    fn pops_in_time_class_seq_order() {
        let mut q = Queue::default();
        q.push(10, 2, 0, "timer");
        q.push(10, 1, 5, "late delivery");
        q.push(10, 1, 3, "early delivery");
        q.push(5, 2, 9, "first");
        q.push(10, 0, 7, "action");
        assert_eq!(q.peek(), Some((5, 2, 9)));
        assert_eq!(drain(&mut q), vec!["first", "action", "early delivery", "late delivery", "timer"]);
        assert_eq!(q.peek(), None);
        assert_eq!(q.spare.len(), 2, "emptied buckets are kept for reuse");
        q.push(1, 1, 1, "again");
        assert_eq!(q.spare.len(), 1);
    }

    #[test]
    fn removal_keeps_the_rest_in_order() {
        let mut q = Queue::default();
        for i in 0..10u64 {
            q.push(i / 2, (i % 3) as u8, i, i);
        }
        let gone = q.remove_where(|x| x % 3 == 0);
        assert_eq!(gone, vec![0, 3, 6, 9]);
        assert_eq!(q.take_seq(4).map(|e| e.3), Some(4));
        assert_eq!(q.take_seq(4), None);
        let keys: Vec<_> = q.iter_keyed().map(|(k, _)| k).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "iteration is in queue order: {keys:?}");
        assert_eq!(drain(&mut q), vec![1, 2, 5, 7, 8]);
    }

    #[test]
    fn an_event_pushed_back_with_an_old_seq_keeps_its_place() {
        let mut q = Queue::default();
        q.push(20, 1, 8, "later");
        q.push(20, 1, 2, "delayed, scheduled first");
        q.push(20, 1, 9, "last");
        assert_eq!(drain(&mut q), vec!["delayed, scheduled first", "later", "last"]);
    }
}
