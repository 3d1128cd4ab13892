//! Insertion-ordered hash table for dict and set, keyed by Python hash and equality.
//!
//! The table only stores indices into `entries`; equality is supplied by the
//! caller because comparing keys may run a script's `__eq__`.

use super::Value;
use hashbrown::HashTable;

/// One live entry.
#[derive(Clone)]
pub struct Entry {
    pub hash: i64,
    pub key: Value,
    pub value: Value,
}

/// A dict: entries in insertion order (with holes after deletion) and an index.
#[derive(Clone, Default)]
pub struct Dict {
    entries: Vec<Option<Entry>>,
    table: HashTable<usize>,
    len: usize,
}

impl Dict {
    /// Moves out the keys and values that hold other objects (for the iterative
    /// teardown in `teardown.rs`); the dict is left unusable, about to be freed.
    pub(crate) fn take_nested(&mut self, out: &mut Vec<Value>) {
        for e in self.entries.iter_mut().flatten() {
            super::teardown::take_one(&mut e.key, out);
            super::teardown::take_one(&mut e.value, out);
        }
    }

    pub fn new() -> Dict {
        Dict::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Finds the entry index of a key with `hash` for which `eq` holds.
    pub fn find(&self, hash: i64, mut eq: impl FnMut(&Value) -> bool) -> Option<usize> {
        let entries = &self.entries;
        self.table
            .find(hash as u64, |&i| match &entries[i] {
                Some(e) => e.hash == hash && eq(&e.key),
                None => false,
            })
            .copied()
    }

    /// Keys with this hash, for callers that must compare outside a borrow.
    pub fn candidates(&self, hash: i64) -> Vec<(usize, Value)> {
        let mut out = Vec::new();
        for &i in self.table.iter_hash(hash as u64) {
            if let Some(e) = &self.entries[i] {
                if e.hash == hash {
                    out.push((i, e.key.clone()));
                }
            }
        }
        out
    }

    /// The entry at an index returned by `find`.
    pub fn entry(&self, index: usize) -> Option<&Entry> {
        self.entries.get(index).and_then(|e| e.as_ref())
    }

    /// Replaces the value at an index returned by `find`.
    pub fn set_value_at(&mut self, index: usize, value: Value) {
        if let Some(Some(e)) = self.entries.get_mut(index) {
            e.value = value;
        }
    }

    /// Appends a key known to be absent.
    pub fn push_new(&mut self, hash: i64, key: Value, value: Value) {
        let index = self.entries.len();
        self.entries.push(Some(Entry { hash, key, value }));
        let entries = &self.entries;
        self.table.insert_unique(hash as u64, index, |&i| {
            entries[i].as_ref().map_or(0, |e| e.hash as u64)
        });
        self.len += 1;
    }

    /// Removes the entry at an index returned by `find`, returning it.
    pub fn remove_at(&mut self, index: usize) -> Option<Entry> {
        let hash = self.entries.get(index)?.as_ref()?.hash;
        if let Ok(slot) = self.table.find_entry(hash as u64, |&i| i == index) {
            slot.remove();
        }
        let entry = self.entries[index].take();
        self.len -= 1;
        if self.entries.len() > 16 && self.len * 2 < self.entries.len() {
            self.compact();
        }
        entry
    }

    /// Drops the holes left by deletions and rebuilds the index.
    fn compact(&mut self) {
        let live: Vec<Option<Entry>> = self.entries.drain(..).filter(|e| e.is_some()).collect();
        self.entries = live;
        self.table.clear();
        for (i, e) in self.entries.iter().enumerate() {
            let hash = e.as_ref().map_or(0, |e| e.hash) as u64;
            let entries = &self.entries;
            self.table.insert_unique(hash, i, |&j| {
                entries[j].as_ref().map_or(0, |e| e.hash as u64)
            });
        }
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.table.clear();
        self.len = 0;
    }

    /// Live entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter_map(|e| e.as_ref())
    }

    /// Live entries from position `index` in the raw entry array (for iterators that
    /// survive mutation): the next live entry at or after `index` and its position.
    pub fn next_from(&self, mut index: usize) -> Option<(usize, &Entry)> {
        while index < self.entries.len() {
            if let Some(e) = &self.entries[index] {
                return Some((index, e));
            }
            index += 1;
        }
        None
    }

    pub fn keys(&self) -> Vec<Value> {
        self.iter().map(|e| e.key.clone()).collect()
    }

    pub fn values(&self) -> Vec<Value> {
        self.iter().map(|e| e.value.clone()).collect()
    }

    /// The last live entry (popitem).
    pub fn pop_last(&mut self) -> Option<Entry> {
        let index = self.entries.iter().rposition(|e| e.is_some())?;
        self.remove_at(index)
    }
}
