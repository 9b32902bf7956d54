//! Numbered placeholders for identifiers (`[id-1]`, `[nuid-2]`, ...).
//!
//! Rules that mask an identifier do not pick its number: they intern the original value in
//! [`Tokens`] and write a token made of private-use characters, which no other rule can match or
//! split. Only after rows and unordered regions are sorted does [`Tokens::resolve`] walk the
//! document in output order and turn each distinct value into `[class-N]`, numbered by first
//! appearance. That keeps numbers stable under reordering, while the same id still maps to the
//! same placeholder everywhere, so relations between values survive.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

const OPEN: char = '\u{E000}';
const MID: char = '\u{E001}';
const CLOSE: char = '\u{E002}';
/// Sixteen private-use characters encode the interned index in hexadecimal.
const DIGIT0: u32 = 0xE010;

/// Returns true for the private-use characters tokens are built from; transport clean-up removes
/// them from raw input so that input can never forge a token.
pub(crate) fn is_reserved(c: char) -> bool {
    (0xE000..=0xE01F).contains(&u32::from(c))
}

/// The identifiers masked so far in one normalization, and their numbers once resolved.
#[derive(Default)]
pub(crate) struct Tokens {
    /// The interned index of each value, by class then value.
    index: HashMap<&'static str, HashMap<String, usize>>,
    /// The number of each interned value, once resolved.
    numbers: Vec<Option<usize>>,
    counters: HashMap<String, usize>,
    /// Values known to be NUIDs from where they stand (see [`super::redact::known_nuids`]), even
    /// when their shape alone does not say so.
    nuids: HashSet<String>,
}

impl Tokens {
    /// Treats `values` as NUIDs wherever they appear in this normalization.
    pub(crate) fn know_nuids(&mut self, values: HashSet<String>) {
        self.nuids = values;
    }

    /// Returns true if `value` was found standing where only a NUID stands.
    pub(crate) fn is_known_nuid(&self, value: &str) -> bool {
        self.nuids.contains(value)
    }

    /// Interns `value` under `class` and returns the token standing for it.
    pub(crate) fn token(&mut self, class: &'static str, value: &str) -> String {
        let values = self.index.entry(class).or_default();
        let i = match values.get(value) {
            Some(&i) => i,
            None => {
                let next = self.numbers.len();
                values.insert(value.to_owned(), next);
                self.numbers.push(None);
                next
            }
        };
        let mut out = format!("{OPEN}{class}{MID}");
        out.extend(
            format!("{i:x}").chars().map(|d| {
                char::from_u32(DIGIT0 + d.to_digit(16).expect("hex digit")).expect("private-use char")
            }),
        );
        out.push(CLOSE);
        out
    }

    /// Returns true if no value was interned, so no text holds a token.
    pub(crate) fn is_empty(&self) -> bool {
        self.numbers.is_empty()
    }

    /// Replaces every token in `s` with `[class-N]`, numbering values by first resolution.
    pub(crate) fn resolve(&mut self, s: &mut Cow<'_, str>) {
        // Every token starts with OPEN, whose UTF-8 starts with 0xEE: a byte search is enough.
        if !s.as_bytes().contains(&0xEE) {
            return;
        }
        *s = Cow::Owned(rewrite(s, |class, i| {
            let n = match self.numbers.get(i).copied().flatten() {
                Some(n) => n,
                None => {
                    let counter = self.counters.entry(class.to_owned()).or_default();
                    *counter += 1;
                    if let Some(slot) = self.numbers.get_mut(i) {
                        *slot = Some(*counter);
                    }
                    *counter
                }
            };
            format!("[{class}-{n}]")
        }));
    }
}

/// Returns `s` with every token replaced by its unnumbered form `[class]`.
///
/// Sorting uses this form so that the raw value of an id never decides an order.
pub(crate) fn erase(s: &str) -> Cow<'_, str> {
    if !s.contains(OPEN) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(rewrite(s, |class, _| format!("[{class}]")))
}

/// Returns `s` with identifiers hidden whether still tokens or already numbered (`[id-3]` becomes
/// `[id]`).
///
/// Sorting compares this form first, so neither a raw value nor a number decides which of two
/// rows comes first; the full text only breaks ties. Sorting again after numbering then orders
/// rows that differ only in their identifiers by number, whatever order they arrived in.
pub(crate) fn order_key(s: &str) -> Cow<'_, str> {
    // Without a bracket or a token there is nothing to hide, which is most cells. A token's
    // UTF-8 starts with 0xEE, so one vectorized search for two bytes rules both out.
    if memchr::memchr2(b'[', 0xEE, s.as_bytes()).is_none() {
        return Cow::Borrowed(s);
    }
    let erased = erase(s);
    let mut out = String::with_capacity(erased.len());
    let mut rest = erased.as_ref();
    while let Some(start) = rest.find('[') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let numbered = after.find(']').and_then(|end| {
            let (class, n) = after[1..end].rsplit_once('-')?;
            let ok = !class.is_empty()
                && class.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
                && !n.is_empty()
                && n.bytes().all(|b| b.is_ascii_digit());
            ok.then_some((class, end))
        });
        match numbered {
            Some((class, end)) => {
                out.push('[');
                out.push_str(class);
                out.push(']');
                rest = &after[end + 1..];
            }
            None => {
                out.push('[');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The sort key of a row, record or list item: the `hidden` texts with identifiers hidden (see
/// [`order_key`]), then the `raw` texts as they are, which only break ties.
pub(crate) fn sort_key<'a>(
    hidden: impl IntoIterator<Item = &'a str>,
    raw: impl IntoIterator<Item = &'a str>,
) -> Vec<Cow<'a, str>> {
    let hidden = hidden.into_iter().map(order_key);
    hidden.chain(raw.into_iter().map(Cow::Borrowed)).collect()
}

/// Sorts `items` stably by `key`, computed once per item; returns true if the order changed.
///
/// Keys are texts borrowed from the item where they can be (see [`sort_key`]), so most rows are
/// compared without copying a cell.
pub(crate) fn sort_changed<T>(items: &mut [T], key: impl for<'a> FnMut(&'a T) -> Vec<Cow<'a, str>>) -> bool {
    match sorted_order(items, key) {
        Some(order) => {
            reorder(items, order);
            true
        }
        None => false,
    }
}

/// Where each item of a stable sort of `items` by `key` comes from, or `None` when they are
/// sorted already.
pub(crate) fn sorted_order<'a, T, K: Ord>(items: &'a [T], key: impl FnMut(&'a T) -> K) -> Option<Vec<usize>> {
    // The index makes every key distinct, so an unstable sort of the pairs is a stable sort.
    let mut keyed: Vec<(K, usize)> = items.iter().map(key).zip(0..).collect();
    if keyed.is_sorted() {
        return None;
    }
    keyed.sort_unstable();
    Some(keyed.into_iter().map(|(_, from)| from).collect())
}

/// Moves the item that stood at `order[i]` to slot `i`, for every `i`.
pub(crate) fn reorder<T>(items: &mut [T], mut order: Vec<usize>) {
    // If slot `order[i]` is before `i`, a swap already sent its item on to the slot whose item it
    // took, so follow the chain; record where the item was found, for later slots to follow in
    // turn.
    for i in 0..order.len() {
        let mut from = order[i];
        while from < i {
            from = order[from];
        }
        order[i] = from;
        items.swap(i, from);
    }
}

/// Rewrites every token of `s` with `f(class, index)`.
fn rewrite(s: &str, mut f: impl FnMut(&str, usize) -> String) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find(OPEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start + OPEN.len_utf8()..];
        let (Some(mid), Some(end)) = (after.find(MID), after.find(CLOSE)) else {
            // Tokens are only built by `Tokens::token`; keep the text rather than panic.
            out.push_str(after);
            return out;
        };
        let index = after[mid + MID.len_utf8()..end]
            .chars()
            .fold(0usize, |acc, d| acc * 16 + (u32::from(d) - DIGIT0) as usize);
        out.push_str(&f(&after[..mid], index));
        rest = &after[end + CLOSE.len_utf8()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_value_gets_same_number_in_order_of_resolution() {
        let mut t = Tokens::default();
        let (x, y) = (t.token("id", "X"), t.token("id", "Y"));
        let mut a = Cow::from(format!("{y} {x} {y}"));
        t.resolve(&mut a);
        assert_eq!(a, "[id-1] [id-2] [id-1]");
    }

    #[test]
    fn classes_count_separately() {
        let mut t = Tokens::default();
        let mut a = Cow::from(format!("{} {}", t.token("id", "X"), t.token("nuid", "X")));
        t.resolve(&mut a);
        assert_eq!(a, "[id-1] [nuid-1]");
    }

    #[test]
    fn many_values_encode_and_decode() {
        let mut t = Tokens::default();
        let all: Vec<String> = (0..300).map(|i| t.token("id", &i.to_string())).collect();
        let mut s = Cow::from(all[299].as_str());
        t.resolve(&mut s);
        assert_eq!(s, "[id-1]");
        let mut s = Cow::from(all[17].as_str());
        t.resolve(&mut s);
        assert_eq!(s, "[id-2]");
    }

    #[test]
    fn order_key_hides_tokens_and_numbers() {
        let mut t = Tokens::default();
        let token = t.token("id", "Z");
        assert_eq!(
            order_key(&format!("a {token} [nuid-12] [x] [a-b-3]")),
            "a [id] [nuid] [x] [a-b]"
        );
        assert_eq!(order_key("[id-] [-3] [Id-3]"), "[id-] [-3] [Id-3]");
    }

    #[test]
    fn sort_changed_is_stable_and_tells_whether_the_order_changed() {
        fn sort_changed<T, K: Ord>(items: &mut [T], key: impl FnMut(&T) -> K) -> bool {
            sorted_order(items, key)
                .map(|order| reorder(items, order))
                .is_some()
        }
        let mut items = [(2, 'a'), (1, 'b'), (2, 'c'), (0, 'd'), (1, 'e')];
        assert!(sort_changed(&mut items, |i| i.0));
        assert_eq!(items, [(0, 'd'), (1, 'b'), (1, 'e'), (2, 'a'), (2, 'c')]);
        assert!(!sort_changed(&mut items, |i| i.0));
        let mut reversed: Vec<usize> = (0..50).rev().collect();
        assert!(sort_changed(&mut reversed, |i| *i));
        assert!(reversed.iter().copied().eq(0..50));
        assert!(!sort_changed(&mut [3, 3, 3], |_| ()));
        let mut seed = 7u32;
        for len in 0..40 {
            let mut items: Vec<(u32, usize)> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (seed >> 28, i)
                })
                .collect();
            let mut expected = items.clone();
            expected.sort_by_key(|i| i.0);
            let changed = expected != items;
            assert_eq!(sort_changed(&mut items, |i| i.0), changed);
            assert_eq!(items, expected);
        }
    }

    #[test]
    fn sort_key_compares_hidden_parts_before_raw_ones() {
        assert_eq!(sort_key(["a [id-2]"], ["b"]), ["a [id]", "b"]);
        assert!(sort_key(["[id-2]", "x"], ["[id-2]", "x"]) < sort_key(["[id-1]", "y"], ["[id-1]", "y"]));
    }

    #[test]
    fn erase_hides_the_value() {
        let mut t = Tokens::default();
        assert_eq!(erase(&format!("a {} b", t.token("id", "Z"))), "a [id] b");
        assert!(matches!(erase("plain"), Cow::Borrowed(_)));
    }
}
