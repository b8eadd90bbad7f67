//! Stable sorting that compiles the standard library's sort once, not once per call site.
//!
//! `slice::sort_by` is generic over the element type and the comparison, so every call site gets its own copy of
//! the standard library's stable sort (driftsort, about 3 KB of WebAssembly each). The kernel is instantiated once
//! per protocol, which multiplied those copies: 59 of them made up 180 KB of the web build. Here the element type is
//! erased instead: a vector of indices is sorted by a comparison behind `dyn`, so the sort itself exists once, and
//! only the small step that applies the permutation is compiled per element type.
//!
//! Stable sorting has exactly one correct output, so this gives the same order as `slice::sort_by` and keeps runs
//! deterministic. Natively, where code size does not matter and every comparison counts, the functions call the
//! standard library directly; [`sort_by_erased`] is the wasm path, tested on both.

use std::cmp::Ordering;

/// Sorts `v` stably by `cmp`, like `slice::sort_by`.
pub fn sort_by<T>(v: &mut [T], cmp: impl FnMut(&T, &T) -> Ordering) {
    #[cfg(target_arch = "wasm32")]
    sort_by_erased(v, cmp);
    #[cfg(not(target_arch = "wasm32"))]
    v.sort_by(cmp);
}

/// Sorts `v` stably by the key `f` gives, like `slice::sort_by_key`.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut f: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| f(a).cmp(&f(b)));
}

/// Sorts `v` stably, like `slice::sort`.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// The size-saving stable sort: sorts a permutation with the one shared copy of the standard sort, then applies it.
pub fn sort_by_erased<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let order = sorted_order(v.len(), &mut |a, b| cmp(&v[a], &v[b]));
    permute(v, order);
}

/// The indices `0..n` sorted stably by `cmp`. Not generic, so the standard sort is compiled for it once.
#[inline(never)]
fn sorted_order(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

/// Rearranges `v` so that position `j` holds what was at `order[j]`, walking each cycle of the permutation with
/// swaps (no `Clone` needed). Visited positions are marked with `usize::MAX`.
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    for start in 0..v.len() {
        let mut j = start;
        while order[j] != usize::MAX {
            let k = order[j];
            order[j] = usize::MAX;
            if k == start {
                break;
            }
            v.swap(j, k);
            j = k;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn erased_sort_matches_the_standard_stable_sort() {
        let mut rng = Rng::stream(7, 0);
        for len in [0usize, 1, 2, 3, 5, 17, 64, 300] {
            for round in 0..20 {
                // Few distinct keys, so stability is exercised: the payload records the original position.
                let keys = 1 + (round as u64 % 6);
                let v: Vec<(u64, usize)> = (0..len).map(|i| (rng.range(0, keys), i)).collect();
                let mut want = v.clone();
                want.sort_by_key(|p| p.0);
                let mut got = v.clone();
                sort_by_erased(&mut got, |a, b| a.0.cmp(&b.0));
                assert_eq!(got, want, "len {len}, round {round}");
            }
        }
    }

    #[test]
    fn erased_sort_moves_values_without_cloning() {
        let mut v: Vec<String> = ["delta", "alpha", "charlie", "bravo"].iter().map(|s| s.to_string()).collect();
        sort_by_erased(&mut v, |a, b| a.cmp(b));
        assert_eq!(v, ["alpha", "bravo", "charlie", "delta"]);
    }

    #[test]
    fn helpers_sort_stably() {
        let mut v = vec![(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd')];
        sort_by_key(&mut v, |p| p.0);
        assert_eq!(v, [(1, 'b'), (1, 'd'), (2, 'a'), (2, 'c')]);
        let mut w = vec![3, 1, 2];
        sort(&mut w);
        assert_eq!(w, [1, 2, 3]);
    }
}
