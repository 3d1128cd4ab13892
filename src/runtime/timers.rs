//! The timer heap, kept the way CPython's `heapq` keeps `loop._scheduled`.
//!
//! CPython compares TimerHandles by deadline only, so timers with equal
//! deadlines come out in whatever order heapq's sift algorithm leaves them
//! (three `call_at(t, ...)` in a row fire third, second, first). That order is
//! observable, so this heap runs heapq's exact algorithm instead of a
//! (deadline, sequence) priority queue.

use super::Handle;
use std::rc::Rc;

/// A binary min-heap of timer handles ordered by `when` alone, heapq-style.
#[derive(Default)]
pub struct TimerHeap {
    items: Vec<Rc<Handle>>,
}

impl TimerHeap {
    /// The earliest timer, if any.
    pub fn peek(&self) -> Option<&Rc<Handle>> {
        self.items.first()
    }

    /// Number of timers, cancelled ones included.
    /// Every timer, in heap order (not sorted).
    pub fn iter(&self) -> impl Iterator<Item = &Rc<Handle>> {
        self.items.iter()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when no timer is scheduled.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// heapq.heappush.
    pub fn push(&mut self, handle: Rc<Handle>) {
        self.items.push(handle);
        let last = self.items.len() - 1;
        self.sift_down(0, last);
    }

    /// heapq.heappop.
    pub fn pop(&mut self) -> Option<Rc<Handle>> {
        let last = self.items.pop()?;
        if self.items.is_empty() {
            return Some(last);
        }
        let top = std::mem::replace(&mut self.items[0], last);
        self.sift_up(0);
        Some(top)
    }

    /// Drops cancelled timers and re-heapifies the rest (heapq.heapify).
    pub fn remove_cancelled(&mut self) {
        self.items.retain(|h| {
            let keep = !h.cancelled.get();
            if !keep {
                h.scheduled.set(false);
            }
            keep
        });
        for i in (0..self.items.len() / 2).rev() {
            self.sift_up(i);
        }
    }

    fn less(&self, a: usize, b: usize) -> bool {
        self.items[a].when < self.items[b].when
    }

    /// heapq's `_siftdown`: moves the item at `pos` toward the root.
    fn sift_down(&mut self, start: usize, mut pos: usize) {
        while pos > start {
            let parent = (pos - 1) >> 1;
            if self.less(pos, parent) {
                self.items.swap(pos, parent);
                pos = parent;
                continue;
            }
            break;
        }
    }

    /// heapq's `_siftup`: moves the hole at `pos` down to a leaf along the
    /// smaller children, then lets the item bubble back up.
    fn sift_up(&mut self, mut pos: usize) {
        let end = self.items.len();
        let start = pos;
        let mut child = 2 * pos + 1;
        while child < end {
            let right = child + 1;
            if right < end && !self.less(child, right) {
                child = right;
            }
            self.items.swap(pos, child);
            pos = child;
            child = 2 * pos + 1;
        }
        self.sift_down(start, pos);
    }
}
