//! The table behind set and frozenset: CPython's open-addressing layout
//! (setobject.c), so iteration order (table order) matches CPython's for keys
//! whose hashes match (ints, floats, tuples of them, ...).
//!
//! Equality may run script code, so the table never compares keys itself:
//! callers pass a comparison that answers `None` when it needs the VM, and then
//! compare the candidates from `candidates` outside any borrow.

use super::Value;

/// Slots scanned linearly before jumping (LINEAR_PROBES in setobject.c).
const LINEAR_PROBES: usize = 9;
/// Shift applied to the perturbation on every jump.
const PERTURB_SHIFT: u32 = 5;
/// Slots in a new, empty table.
const MIN_SIZE: usize = 8;

/// One slot of the table.
#[derive(Clone)]
enum Slot {
    Empty,
    /// A deleted key: keeps probe chains intact.
    Dummy,
    Active(i64, Value),
}

/// The outcome of a probe for a key.
pub enum Probe {
    /// The key is at this slot.
    Found(usize),
    /// The key is absent; it would go to this slot (a dummy when `reuses_dummy`).
    Absent { slot: usize, reuses_dummy: bool },
    /// A comparison needs the VM: call `candidates` and compare outside the borrow.
    NeedsVm,
}

/// CPython's set table: slots, the count of non-empty slots (`fill`), of
/// active keys (`used`), and the pop finger.
#[derive(Clone)]
pub struct SetTable {
    slots: Vec<Slot>,
    fill: usize,
    used: usize,
    finger: usize,
}

impl Default for SetTable {
    fn default() -> Self {
        SetTable::new()
    }
}

impl SetTable {
    /// Moves out the keys that hold other objects (for the iterative teardown in
    /// `teardown.rs`); the table is left unusable, about to be freed.
    pub(crate) fn take_nested(&mut self, out: &mut Vec<Value>) {
        for slot in self.slots.iter_mut() {
            if let Slot::Active(_, v) = slot {
                super::teardown::take_one(v, out);
            }
        }
    }
}

impl SetTable {
    /// An empty table of the minimum size.
    pub fn new() -> SetTable {
        SetTable {
            slots: vec![Slot::Empty; MIN_SIZE],
            fill: 0,
            used: 0,
            finger: 0,
        }
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.used
    }

    pub fn is_empty(&self) -> bool {
        self.used == 0
    }

    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// Visits the slots along the probe chain of `hash` until `visit` returns true
    /// or an empty slot ends the chain (that slot is visited too).
    fn walk(&self, hash: i64, mut visit: impl FnMut(usize, &Slot) -> bool) {
        let mask = self.mask();
        let mut perturb = hash as u64;
        let mut i = (hash as u64 as usize) & mask;
        loop {
            let probes = if i + LINEAR_PROBES <= mask {
                LINEAR_PROBES
            } else {
                0
            };
            for idx in i..=i + probes {
                let slot = &self.slots[idx];
                if visit(idx, slot) || matches!(slot, Slot::Empty) {
                    return;
                }
            }
            perturb >>= PERTURB_SHIFT;
            i = ((i as u64)
                .wrapping_mul(5)
                .wrapping_add(1)
                .wrapping_add(perturb) as usize)
                & mask;
        }
    }

    /// Probes for `hash`, asking `eq` about stored keys with the same hash.
    pub fn probe(&self, hash: i64, mut eq: impl FnMut(&Value) -> Option<bool>) -> Probe {
        let mut freeslot = None;
        let mut result = Probe::NeedsVm;
        self.walk(hash, |idx, slot| match slot {
            Slot::Empty => {
                result = match freeslot {
                    Some(slot) => Probe::Absent {
                        slot,
                        reuses_dummy: true,
                    },
                    None => Probe::Absent {
                        slot: idx,
                        reuses_dummy: false,
                    },
                };
                true
            }
            Slot::Active(h, k) if *h == hash => match eq(k) {
                Some(true) => {
                    result = Probe::Found(idx);
                    true
                }
                Some(false) => false,
                None => {
                    result = Probe::NeedsVm;
                    true
                }
            },
            Slot::Dummy => {
                if freeslot.is_none() {
                    freeslot = Some(idx);
                }
                false
            }
            _ => false,
        });
        result
    }

    /// Keys with this hash along its probe chain, in probe order, with their slots.
    pub fn candidates(&self, hash: i64) -> Vec<(usize, Value)> {
        let mut out = Vec::new();
        self.walk(hash, |idx, slot| {
            if let Slot::Active(h, k) = slot {
                if *h == hash {
                    out.push((idx, k.clone()));
                }
            }
            false
        });
        out
    }

    /// The slot an absent key with `hash` goes to.
    pub fn insertion_slot(&self, hash: i64) -> (usize, bool) {
        match self.probe(hash, |_| Some(false)) {
            Probe::Absent { slot, reuses_dummy } => (slot, reuses_dummy),
            _ => unreachable!("a probe that never matches ends at a free slot"),
        }
    }

    /// Stores an absent key at the slot `probe` chose, growing as CPython does.
    pub fn insert_at(&mut self, slot: usize, reuses_dummy: bool, hash: i64, key: Value) {
        self.slots[slot] = Slot::Active(hash, key);
        self.used += 1;
        if reuses_dummy {
            return;
        }
        self.fill += 1;
        if self.fill * 5 < self.mask() * 3 {
            return;
        }
        let minused = if self.used > 50000 {
            self.used * 2
        } else {
            self.used * 4
        };
        self.resize(minused);
    }

    /// Adds a key known to be absent.
    pub fn insert_new(&mut self, hash: i64, key: Value) {
        let (slot, reuses_dummy) = self.insertion_slot(hash);
        self.insert_at(slot, reuses_dummy, hash, key);
    }

    /// set_insert_clean: into a table with no dummies and no equal key.
    fn insert_clean(slots: &mut [Slot], hash: i64, key: Value) {
        let mask = slots.len() - 1;
        let mut perturb = hash as u64;
        let mut i = (hash as u64 as usize) & mask;
        loop {
            if matches!(slots[i], Slot::Empty) {
                slots[i] = Slot::Active(hash, key);
                return;
            }
            if i + LINEAR_PROBES <= mask {
                for j in i + 1..=i + LINEAR_PROBES {
                    if matches!(slots[j], Slot::Empty) {
                        slots[j] = Slot::Active(hash, key);
                        return;
                    }
                }
            }
            perturb >>= PERTURB_SHIFT;
            i = ((i as u64)
                .wrapping_mul(5)
                .wrapping_add(1)
                .wrapping_add(perturb) as usize)
                & mask;
        }
    }

    /// set_table_resize: a table of the smallest power of two above `minused`, rehashed in slot order.
    pub fn resize(&mut self, minused: usize) {
        let mut size = MIN_SIZE;
        while size <= minused {
            size <<= 1;
        }
        let old = std::mem::replace(&mut self.slots, vec![Slot::Empty; size]);
        for slot in old {
            if let Slot::Active(h, k) = slot {
                Self::insert_clean(&mut self.slots, h, k);
            }
        }
        self.fill = self.used;
    }

    /// Grows ahead of adding about `extra` keys (set_merge / update from a dict).
    pub fn reserve_for(&mut self, extra: usize) {
        if (self.fill + extra) * 5 >= self.mask() * 3 {
            self.resize((self.used + extra) * 2);
        }
    }

    /// set_merge into this table from another (the caller checked equal keys are absent
    /// only when this table is empty; otherwise it adds key by key itself).
    /// Returns false when the fast paths do not apply.
    pub fn merge_into_empty(&mut self, other: &SetTable) -> bool {
        if self.fill != 0 {
            return false;
        }
        if self.mask() == other.mask() && other.fill == other.used {
            self.slots = other.slots.clone();
            self.fill = other.fill;
            self.used = other.used;
            return true;
        }
        for slot in &other.slots {
            if let Slot::Active(h, k) = slot {
                Self::insert_clean(&mut self.slots, *h, k.clone());
            }
        }
        self.fill = other.used;
        self.used = other.used;
        true
    }

    /// Removes the key at `slot` (leaves a dummy).
    pub fn remove_at(&mut self, slot: usize) -> Option<Value> {
        match std::mem::replace(&mut self.slots[slot], Slot::Dummy) {
            Slot::Active(_, k) => {
                self.used -= 1;
                Some(k)
            }
            other => {
                self.slots[slot] = other;
                None
            }
        }
    }

    /// After bulk removals: drop the dummies when they are more than a quarter of the table.
    pub fn shrink_dummies(&mut self) {
        if self.fill - self.used > self.mask() / 4 {
            let minused = if self.used > 50000 {
                self.used * 2
            } else {
                self.used * 4
            };
            self.resize(minused);
        }
    }

    /// set.pop(): the first key from the finger on.
    pub fn pop(&mut self) -> Option<Value> {
        if self.used == 0 {
            return None;
        }
        let mask = self.mask();
        let mut i = self.finger & mask;
        while !matches!(self.slots[i], Slot::Active(..)) {
            i = if i + 1 > mask { 0 } else { i + 1 };
        }
        let key = self.remove_at(i);
        self.finger = i + 1;
        key
    }

    /// Empties the table back to the minimum size.
    pub fn clear(&mut self) {
        self.slots = vec![Slot::Empty; MIN_SIZE];
        self.fill = 0;
        self.used = 0;
    }

    /// Active (hash, key) pairs in table order.
    pub fn iter(&self) -> impl Iterator<Item = (i64, &Value)> {
        self.slots.iter().filter_map(|s| match s {
            Slot::Active(h, k) => Some((*h, k)),
            _ => None,
        })
    }

    /// Keys in table order.
    pub fn keys(&self) -> Vec<Value> {
        self.iter().map(|(_, k)| k.clone()).collect()
    }

    /// The next active slot at or after `pos`: (slot, key).
    pub fn next_from(&self, pos: usize) -> Option<(usize, Value)> {
        (pos..self.slots.len()).find_map(|i| match &self.slots[i] {
            Slot::Active(_, k) => Some((i, k.clone())),
            _ => None,
        })
    }

    /// frozenset's hash (order independent, as frozenset_hash).
    pub fn frozen_hash(&self) -> i64 {
        fn shuffle(h: u64) -> u64 {
            ((h ^ 89869747) ^ (h << 16)).wrapping_mul(3644798167)
        }
        let mut hash: u64 = 0;
        for (h, _) in self.iter() {
            hash ^= shuffle(h as u64);
        }
        hash ^= (self.used as u64 + 1).wrapping_mul(1927868237);
        hash ^= (hash >> 11) ^ (hash >> 25);
        hash = hash.wrapping_mul(69069).wrapping_add(907133923);
        if hash == u64::MAX {
            590923713
        } else {
            hash as i64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(keys: &[i64]) -> Vec<i64> {
        let mut t = SetTable::new();
        for &k in keys {
            if let Probe::Absent { slot, reuses_dummy } =
                t.probe(k, |v| Some(v.as_i64() == Some(k)))
            {
                t.insert_at(slot, reuses_dummy, k, Value::Int(k));
            }
        }
        t.keys().iter().filter_map(|v| v.as_i64()).collect()
    }

    #[test]
    fn small_ints_in_slot_order() {
        assert_eq!(order(&[3, 1, 2]), vec![1, 2, 3]);
        assert_eq!(order(&[10, 3, 7]), vec![10, 3, 7]);
    }

    #[test]
    fn growth_rehashes() {
        // Six keys force a resize to 32 slots.
        assert_eq!(order(&[40, 8, 1, 2, 3, 4]), vec![1, 2, 3, 4, 40, 8]);
    }
}
