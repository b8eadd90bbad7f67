//! The trace hash: a 64-bit digest that is identical on every platform.
//!
//! `std`'s `DefaultHasher` is randomly keyed per process and may change between Rust releases, and derived `Hash`
//! impls feed `usize`/`isize` values whose width differs between native (64-bit) and wasm32. [`TraceHasher`] fixes
//! both: it is FNV-1a over 64-bit words with a final avalanche, and it widens every `usize`/`isize` to 64 bits.

use std::hash::{Hash, Hasher};

const PRIME: u64 = 0x0000_0100_0000_01B3;
const OFFSET: u64 = 0xCBF2_9CE4_8422_2325;

/// A deterministic, platform-independent 64-bit hasher.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceHasher {
    h: u64,
}

impl Default for TraceHasher {
    fn default() -> Self {
        TraceHasher { h: OFFSET }
    }
}

impl TraceHasher {
    /// Feeds any `Hash` value.
    pub fn feed<T: Hash + ?Sized>(&mut self, v: &T) {
        v.hash(self);
    }
}

impl Hasher for TraceHasher {
    fn finish(&self) -> u64 {
        // splitmix64's finaliser, so that nearby inputs give unrelated digests.
        let mut z = self.h;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn write(&mut self, bytes: &[u8]) {
        // Slices of integers reach the hasher as raw bytes (`Hash for [usize]` writes the whole slice at once), so
        // a `Vec<usize>` of node ids is 8 bytes per element natively and 4 in wasm32. Reading the bytes as 32-bit
        // words and skipping zero words makes both the same for every value below 2³² (node ids, counters), at
        // the cost of ignoring runs of zero words, which no trace relies on.
        let mut words = bytes.chunks_exact(4);
        for w in &mut words {
            let w = u32::from_le_bytes(w.try_into().expect("4 bytes"));
            if w != 0 {
                self.write_u64(w as u64);
            }
        }
        for &b in words.remainder() {
            self.h = (self.h ^ b as u64).wrapping_mul(PRIME);
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.h = (self.h ^ i as u64).wrapping_mul(PRIME);
    }

    fn write_u32(&mut self, i: u32) {
        self.write_u64(i as u64);
    }

    fn write_u64(&mut self, i: u64) {
        self.h = (self.h ^ i).wrapping_mul(PRIME).rotate_left(29);
    }

    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }

    fn write_isize(&mut self, i: isize) {
        self.write_u64(i as i64 as u64);
    }

    fn write_i64(&mut self, i: i64) {
        self.write_u64(i as u64);
    }
}

/// Formats a digest the way reports show it: 16 lower-case hex digits.
pub fn hex(h: u64) -> String {
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usize_and_u64_hash_alike() {
        let mut a = TraceHasher::default();
        a.write_usize(12345);
        let mut b = TraceHasher::default();
        b.write_u64(12345);
        assert_eq!(a.finish(), b.finish());
    }

    #[test]
    fn slices_of_usize_hash_like_slices_of_u32_on_every_platform() {
        // What a 64-bit and a 32-bit target feed for the same node list.
        let ids: [u64; 3] = [0, 3, 1];
        let wide: Vec<u8> = ids.iter().flat_map(|x| x.to_le_bytes()).collect();
        let narrow: Vec<u8> = ids.iter().flat_map(|x| (*x as u32).to_le_bytes()).collect();
        let (mut a, mut b) = (TraceHasher::default(), TraceHasher::default());
        a.write(&wide);
        b.write(&narrow);
        assert_eq!(a.finish(), b.finish());
        let mut c = TraceHasher::default();
        c.feed(&vec![0usize, 3, 1]);
        let mut d = TraceHasher::default();
        d.write_usize(3);
        d.write(&narrow);
        assert_eq!(c.finish(), d.finish(), "a Vec<usize> hashes as its length and its elements");
    }

    #[test]
    fn digest_is_pinned() {
        let mut h = TraceHasher::default();
        h.feed(&("AppendEntries", 7u64, vec![1u32, 2, 3]));
        assert_eq!(hex(h.finish()), hex(PINNED));
    }

    const PINNED: u64 = 0xffbe_86d2_5c48_46e4;
}
