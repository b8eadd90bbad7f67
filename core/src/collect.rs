//! Building JSON objects by insertion rather than with `collect`.
//!
//! `collect` into an ordered map gathers the items in a vector and sorts it (stably) before building the map, and
//! that sort is compiled anew for every iterator type it is called with: each `.collect()` into a JSON object was
//! another copy of the standard library's sort in the web build (see [`crate::sort`]). Inserting one item at a time
//! reuses the map's `insert`. The objects built here are small (a report's fields, a node's sessions), so this is
//! as fast. Equal keys keep the last value, as `collect` does. (The core's own ordered collections are
//! [`crate::vecmap`]'s, whose `collect` inserts one item at a time already.)

use serde_json::{Map, Value};

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
        let o = object(pairs.iter().map(|(k, v)| (*k, json!(v))));
        assert_eq!(Value::Object(o), json!({"a": 2, "b": 3}));
    }
}
