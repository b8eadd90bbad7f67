//! Building ordered maps and sets by insertion rather than with `collect`.
//!
//! `BTreeMap`'s and `BTreeSet`'s `FromIterator` gather the items in a vector and sort it (stably) before building
//! the tree, and that sort is compiled anew for every iterator type it is called with: each `.collect()` into an
//! ordered map was another copy of the standard library's sort in the web build (see [`crate::sort`]). Inserting
//! one item at a time reuses the map's `insert`, which exists once per key and value type. The maps built here are
//! small (a report's fields, a node's sessions, a few accounts), so the tree is as fast to build this way. Equal
//! keys keep the last value, as `collect` does.

use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The map of the pairs `it` yields.
pub fn map<K: Ord, V>(it: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut m = BTreeMap::new();
    for (k, v) in it {
        m.insert(k, v);
    }
    m
}

/// The set of the items `it` yields.
pub fn set<T: Ord>(it: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut s = BTreeSet::new();
    s.extend(it);
    s
}

/// The JSON object of the pairs `it` yields.
pub fn object<K: Into<String>>(it: impl IntoIterator<Item = (K, Value)>) -> Map<String, Value> {
    let mut m = Map::new();
    for (k, v) in it {
        m.insert(k.into(), v);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn equal_keys_keep_the_last_value_like_collect() {
        let pairs = [("b", 1), ("a", 2), ("b", 3)];
        assert_eq!(map(pairs), pairs.into_iter().collect::<BTreeMap<_, _>>());
        let o = object(pairs.iter().map(|(k, v)| (*k, json!(v))));
        assert_eq!(Value::Object(o), json!({"a": 2, "b": 3}));
        assert_eq!(set([3, 1, 3, 2]), BTreeSet::from([1, 2, 3]));
    }
}
