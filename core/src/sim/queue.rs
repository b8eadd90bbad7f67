//! The event queue: a calendar of time buckets, each holding one FIFO lane per event class, over a slab of events.
//!
//! Every event gets its `seq` from a counter bumped on each scheduling, so events of one `(time, class)` are almost
//! always pushed in `seq` order: appending to a lane keeps it sorted, and popping the earliest event is a map
//! lookup of the first time plus a `pop_front`, instead of a binary-heap sift per event. Runs keep a few dozen
//! distinct times pending (latencies and timeouts are short), so the ordered map of times stays tiny. Emptied
//! buckets are recycled to keep their lanes' allocations.

use std::collections::{btree_map, vec_deque, BTreeMap, VecDeque};

use crate::time::Time;

/// Event classes (protocols.md §1.1): scripted actions, deliveries, timers, observations.
const CLASSES: usize = 4;

/// One instant's events: `(seq, slot)` per class, each lane sorted by `seq`.
#[derive(Clone, Debug, Default)]
struct Bucket {
    lanes: [VecDeque<(u64, u32)>; CLASSES],
}

impl Bucket {
    fn is_empty(&self) -> bool {
        self.lanes.iter().all(VecDeque::is_empty)
    }
}

/// The ordering half of the queue. It holds slot numbers only, so it is compiled once rather than once per
/// protocol (the web build carries every protocol).
#[derive(Debug, Default)]
struct Calendar {
    times: BTreeMap<Time, Bucket>,
    /// Emptied buckets, kept for their capacity.
    spare: Vec<Bucket>,
}

impl Clone for Calendar {
    fn clone(&self) -> Self {
        Calendar { times: self.times.clone(), spare: Vec::new() }
    }
}

type Key = (Time, u8, u64);

impl Calendar {
    fn push(&mut self, time: Time, class: u8, seq: u64, slot: u32) {
        let spare = &mut self.spare;
        let bucket = self.times.entry(time).or_insert_with(|| spare.pop().unwrap_or_default());
        let lane = &mut bucket.lanes[class as usize];
        match lane.back() {
            Some((last, _)) if *last > seq => {
                // Only a re-scheduled event (exploration delaying a message) keeps an older seq.
                let at = lane.partition_point(|(s, _)| *s < seq);
                lane.insert(at, (seq, slot));
            }
            _ => lane.push_back((seq, slot)),
        }
    }

    fn peek(&self) -> Option<Key> {
        let (&time, bucket) = self.times.first_key_value()?;
        bucket.lanes.iter().enumerate().find_map(|(c, lane)| lane.front().map(|(seq, _)| (time, c as u8, *seq)))
    }

    fn pop(&mut self) -> Option<(Key, u32)> {
        let mut first = self.times.first_entry()?;
        let time = *first.key();
        let bucket = first.get_mut();
        let (class, (seq, slot)) =
            bucket.lanes.iter_mut().enumerate().find_map(|(c, lane)| lane.pop_front().map(|x| (c, x)))?;
        if bucket.is_empty() {
            self.spare.push(first.remove());
        }
        Some(((time, class as u8, seq), slot))
    }

    fn iter(&self) -> CalIter<'_> {
        CalIter { times: self.times.iter(), time: 0, bucket: None, class: 0, lane: Default::default() }
    }

    /// Removes the entries whose slot `remove` selects; returns their slots in queue order.
    fn remove_slots(&mut self, remove: &mut dyn FnMut(Key, u32) -> bool) -> Vec<(Key, u32)> {
        let mut gone = Vec::new();
        for (&time, bucket) in self.times.iter_mut() {
            for (c, lane) in bucket.lanes.iter_mut().enumerate() {
                lane.retain(|&(s, x)| {
                    let r = remove((time, c as u8, s), x);
                    if r {
                        gone.push(((time, c as u8, s), x));
                    }
                    !r
                });
            }
        }
        let spare = &mut self.spare;
        self.times.retain(|_, b| {
            if b.is_empty() {
                spare.push(std::mem::take(b));
                false
            } else {
                true
            }
        });
        gone
    }
}

/// The calendar's entries in queue order. A named iterator whose `next` is never inlined: the nested loops over
/// times, classes and lanes are compiled once, not into every loop over the queue of every protocol.
struct CalIter<'a> {
    times: btree_map::Iter<'a, Time, Bucket>,
    time: Time,
    bucket: Option<&'a Bucket>,
    class: usize,
    lane: vec_deque::Iter<'a, (u64, u32)>,
}

impl Iterator for CalIter<'_> {
    type Item = (Key, u32);

    #[inline(never)]
    fn next(&mut self) -> Option<(Key, u32)> {
        loop {
            if let Some(&(seq, slot)) = self.lane.next() {
                return Some(((self.time, self.class as u8, seq), slot));
            }
            match self.bucket {
                Some(b) if self.class + 1 < CLASSES => {
                    self.class += 1;
                    self.lane = b.lanes[self.class].iter();
                }
                _ => {
                    let (&time, b) = self.times.next()?;
                    self.time = time;
                    self.bucket = Some(b);
                    self.class = 0;
                    self.lane = b.lanes[0].iter();
                }
            }
        }
    }
}

/// Pending events with their keys, in queue order (see [`CalIter`]).
pub(crate) struct QueueIter<'a, T> {
    cal: CalIter<'a>,
    slab: &'a [Option<T>],
}

impl<'a, T> Iterator for QueueIter<'a, T> {
    type Item = (Key, &'a T);

    fn next(&mut self) -> Option<(Key, &'a T)> {
        loop {
            let (key, slot) = self.cal.next()?;
            if let Some(x) = self.slab[slot as usize].as_ref() {
                return Some((key, x));
            }
        }
    }
}

/// Pending events ordered by `(time, class, seq)`: the calendar orders slot numbers, the slab holds the events.
#[derive(Clone, Debug)]
pub(crate) struct Queue<T> {
    cal: Calendar,
    slab: Vec<Option<T>>,
    free: Vec<u32>,
}

impl<T> Default for Queue<T> {
    fn default() -> Self {
        Queue { cal: Calendar::default(), slab: Vec::new(), free: Vec::new() }
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
        self.cal.push(time, class, seq, slot);
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.slab.len() - self.free.len()
    }

    fn take(&mut self, slot: u32) -> T {
        self.free.push(slot);
        self.slab[slot as usize].take().expect("queued slot holds an event")
    }

    /// The key of the earliest event.
    pub fn peek(&self) -> Option<Key> {
        self.cal.peek()
    }

    /// Removes the earliest event.
    pub fn pop(&mut self) -> Option<(Time, u8, u64, T)> {
        let ((time, class, seq), slot) = self.cal.pop()?;
        Some((time, class, seq, self.take(slot)))
    }

    /// Every pending event with its `(time, class, seq)` key, in order.
    pub fn iter_keyed(&self) -> QueueIter<'_, T> {
        QueueIter { cal: self.cal.iter(), slab: &self.slab }
    }

    /// Every pending event, in order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.iter_keyed().map(|(_, x)| x)
    }

    /// Removes the event with sequence number `seq` (exploration hooks), if it is pending.
    pub fn take_seq(&mut self, seq: u64) -> Option<(Time, u8, u64, T)> {
        let slot = self.cal.iter().find(|(k, _)| k.2 == seq)?.1;
        let ((time, class, seq), slot) = self.cal.remove_slots(&mut |_, x| x == slot).pop()?;
        Some((time, class, seq, self.take(slot)))
    }

    /// Removes the events `remove` selects (by key and event) and returns them, in queue order.
    pub fn remove_where(&mut self, mut remove: impl FnMut(Key, &T) -> bool) -> Vec<T> {
        let slab = &self.slab;
        let gone = self.cal.remove_slots(&mut |k, x| slab[x as usize].as_ref().is_some_and(|e| remove(k, e)));
        gone.into_iter().map(|(_, slot)| self.take(slot)).collect()
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
        let keyed: Vec<_> = q.iter_keyed().map(|(k, x)| (k, *x)).collect();
        assert_eq!(
            keyed,
            vec![
                ((5, 2, 9), "first"),
                ((10, 0, 7), "action"),
                ((10, 1, 3), "early delivery"),
                ((10, 1, 5), "late delivery"),
                ((10, 2, 0), "timer"),
            ],
            "iteration visits every time, class and lane in pop order"
        );
        assert_eq!(drain(&mut q), vec!["first", "action", "early delivery", "late delivery", "timer"]);
        assert_eq!(q.iter_keyed().count(), 0);
        assert_eq!(q.peek(), None);
        assert_eq!(q.cal.spare.len(), 2, "emptied buckets are kept for reuse");
        q.push(1, 1, 1, "again");
        assert_eq!(q.cal.spare.len(), 1);
        assert_eq!(q.slab.len(), 5, "slots are reused");
    }

    #[test]
    fn removal_keeps_the_rest_in_order() {
        let mut q = Queue::default();
        for i in 0..10u64 {
            q.push(i / 2, (i % 3) as u8, i, i);
        }
        let gone = q.remove_where(|_, x| x % 3 == 0);
        assert_eq!(gone, vec![0, 3, 6, 9]);
        assert_eq!(q.take_seq(4).map(|e| e.3), Some(4));
        assert_eq!(q.take_seq(4), None);
        assert_eq!(q.remove_where(|(_, class, seq), x| class == 2 && seq == *x && x % 2 == 1), vec![5]);
        assert_eq!(q.remove_where(|(time, ..), _| time == 3), vec![7], "6 is gone already");
        let keys: Vec<_> = q.iter_keyed().map(|(k, _)| k).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "iteration is in queue order: {keys:?}");
        assert_eq!(drain(&mut q), vec![1, 2, 8]);
        assert_eq!(q.len(), 0);
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
