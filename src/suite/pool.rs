//! The worker pool: many clients at once, the longest first.
//!
//! Examples mostly wait on servers, so they run on more threads than cores. With several workers
//! the order they start in decides the wall time: a long client started last keeps the whole
//! command waiting while the other workers idle. [`longest_first`] orders the work by the duration
//! each client's recording holds; a client without one (never recorded, or a broken cast) goes
//! first, because it may be the longest and starting it early costs nothing if it is short.

use std::sync::Mutex;
use std::sync::mpsc;
use std::time::Duration;

use crate::runner;

/// `items` ordered for `jobs` workers: longest `duration` first, unknown durations before all of
/// them, ties in their given order. One worker runs everything anyway, so then the order is kept
/// as given and reports come in catalog order.
pub fn longest_first<T>(mut items: Vec<T>, jobs: usize, duration: impl Fn(&T) -> Option<Duration>) -> Vec<T> {
    if jobs > 1 {
        // An unknown duration counts as the longest; the sort is stable, so ties keep their order.
        items.sort_by_cached_key(|item| std::cmp::Reverse(duration(item).unwrap_or(Duration::MAX)));
    }
    items
}

/// Calls `work` on every item with `jobs` worker threads, taking items in order, and hands each
/// result to `done` on the calling thread, in the order they finish. No new item starts once nbe
/// is interrupted.
pub fn for_each<T: Sync, R: Send>(
    items: &[T],
    jobs: usize,
    work: impl Fn(&T) -> R + Sync,
    mut done: impl FnMut(R),
) {
    let next = Mutex::new(items.iter());
    let (sender, results) = mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, items.len().max(1)) {
            let sender = sender.clone();
            let (next, work) = (&next, &work);
            scope.spawn(move || {
                loop {
                    let item = match next.lock() {
                        Ok(mut items) if !runner::interrupted() => items.next(),
                        _ => None,
                    };
                    let Some(item) = item else { return };
                    if sender.send(work(item)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(sender);
        for result in results {
            done(result);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_is_worked_on_once() {
        let items: Vec<u32> = (1..=20).collect();
        let mut seen = Vec::new();
        for_each(&items, 4, |n| n * 2, |n| seen.push(n));
        seen.sort();
        assert_eq!(seen, items.iter().map(|n| n * 2).collect::<Vec<_>>());
    }

    #[test]
    fn the_longest_start_first_and_unknown_durations_before_them() {
        let secs = |s: u64| Some(Duration::from_secs(s));
        let items = vec![
            ("a", secs(1)),
            ("b", None),
            ("c", secs(12)),
            ("d", secs(1)),
            ("e", None),
        ];
        let names = |ordered: Vec<(&'static str, Option<Duration>)>| -> Vec<&str> {
            ordered.into_iter().map(|(name, _)| name).collect()
        };
        assert_eq!(
            names(longest_first(items.clone(), 8, |i| i.1)),
            ["b", "e", "c", "a", "d"]
        );
        assert_eq!(names(longest_first(items, 1, |i| i.1)), ["a", "b", "c", "d", "e"]);
    }

    #[test]
    fn one_worker_takes_items_in_the_order_given() {
        let items: Vec<u32> = (1..=10).collect();
        let mut seen = Vec::new();
        for_each(&items, 1, |n| *n, |n| seen.push(n));
        assert_eq!(seen, items);
    }
}
