//! The canonical order of a table's rows, grid records and identifier lists: natscli prints
//! them in reply or hash order, which changes between runs.

use std::borrow::Cow;

use crate::normalize::placeholder;
use crate::normalize::table::{Row, Table};

/// Sorts body rows by a column, keeping continuation rows (empty first cell) with their row.
/// Returns true if the order changed.
pub(super) fn sort_rows(body: &mut [Row<'_>], by: usize) -> bool {
    // A group is a row and the continuation rows after it; the first row always starts one.
    let starts: Vec<usize> = (0..body.len())
        .filter(|&i| i == 0 || !body[i].cells.first().is_some_and(|c| c.is_empty()))
        .collect();
    let Some(order) = placeholder::sorted_order(&starts, |&start| GroupKey::new(&body[start], by)) else {
        return false;
    };
    let end = |g: usize| starts.get(g + 1).copied().unwrap_or(body.len());
    let rows = order.into_iter().flat_map(|g| starts[g]..end(g)).collect();
    placeholder::reorder(body, rows);
    true
}

/// The sort key of a group of rows, compared lazily: the sort column with identifiers hidden, then
/// every cell of the group's first row with identifiers hidden, then those cells as they are
/// (see [`placeholder::sort_key`]). Most groups differ in the first part, so the rest is rarely
/// looked at, and nothing is copied.
struct GroupKey<'r> {
    by: Cow<'r, str>,
    cells: &'r [Cow<'r, str>],
}

impl<'r> GroupKey<'r> {
    fn new(first: &'r Row<'_>, by: usize) -> GroupKey<'r> {
        GroupKey {
            by: placeholder::order_key(&first.cells[by]),
            cells: &first.cells,
        }
    }
}

impl Ord for GroupKey<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let hidden = |k: &Self| k.cells.iter().map(|c| placeholder::order_key(c));
        let raw = |k: &Self| k.cells.iter().map(AsRef::<str>::as_ref);
        self.by
            .cmp(&other.by)
            .then_with(|| hidden(self).cmp(hidden(other)))
            .then_with(|| raw(self).cmp(raw(other)))
    }
}

impl PartialOrd for GroupKey<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for GroupKey<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for GroupKey<'_> {}

/// How many columns a record has when the header repeats a group of columns
/// (`Subject │ Count │ Subject │ Count`): records are then laid out row by row, several per row.
pub(super) fn grid_width(header: &[Cow<str>]) -> Option<usize> {
    let n = header.len();
    (1..=n / 2)
        .filter(|k| n.is_multiple_of(*k))
        .find(|&k| header.chunks(k).all(|c| c == &header[..k]))
}

/// Sorts the records of a grid table (see [`grid_width`]), which natscli fills in hash or
/// reply order, and lays them out again row by row. Returns true if the order changed.
pub(super) fn sort_grid(table: &mut Table<'_>) -> bool {
    let Some(k) = table.header.first().and_then(|h| grid_width(&h.cells)) else {
        return false;
    };
    let empty = vec![Cow::Borrowed(""); k];
    let mut records: Vec<Vec<Cow<str>>> = table
        .body
        .iter()
        .flat_map(|r| r.cells.chunks(k).map(<[Cow<str>]>::to_vec))
        .filter(|r| *r != empty)
        .collect();
    let changed = placeholder::sort_changed(&mut records, |r| {
        let texts = r.iter().map(AsRef::as_ref);
        placeholder::sort_key(texts.clone(), texts)
    });
    if !changed {
        return false;
    }
    let mut cells = records.into_iter().chain(std::iter::repeat(empty));
    for row in &mut table.body {
        let per_row = row.cells.len() / k;
        row.cells = cells.by_ref().take(per_row).flatten().collect();
    }
    true
}

/// Sorts multi-line cells that list identifiers (one per line, the other cells of the
/// continuation rows empty), such as the instance ids of one service. Returns true if any changed.
pub(super) fn sort_id_lists(body: &mut [Row<'_>]) -> bool {
    let mut changed = false;
    let mut start = 0;
    while start < body.len() {
        let len = 1 + body[start + 1..]
            .iter()
            .take_while(|r| r.cells.first().is_some_and(|c| c.is_empty()))
            .count();
        let group = &mut body[start..start + len];
        start += len;
        if len < 2 {
            continue;
        }
        let width = group[0].cells.len();
        for c in 1..width {
            let only_c = group[1..]
                .iter()
                .all(|r| r.cells.iter().enumerate().all(|(i, v)| i == c || v.is_empty()));
            let is_id = |v: &Cow<str>| {
                let key = placeholder::order_key(v);
                key.starts_with('[') && key.ends_with(']') && !key[1..].contains(['[', ' '])
            };
            if !only_c || !group.iter().all(|r| is_id(&r.cells[c])) {
                continue;
            }
            let mut list: Vec<Cow<str>> = group
                .iter_mut()
                .map(|r| std::mem::take(&mut r.cells[c]))
                .collect();
            changed |=
                placeholder::sort_changed(&mut list, |v| placeholder::sort_key([v.as_ref()], [v.as_ref()]));
            for (row, v) in group.iter_mut().zip(list) {
                row.cells[c] = v;
            }
        }
    }
    changed
}
