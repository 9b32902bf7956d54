//! The profile engine: column, sort and key rules applied to parsed tables and key/value blocks,
//! the built-in ones for the `nats` CLI ([`built_in`]) after the per-example ones.
//!
//! Column rules name table columns (`Uptime`, `RTT`, `Mem`...), key rules name `Key: value` lines
//! within sections (`Messages` under `Statistics:` but not under `State:`), and sort rules name
//! the tables whose row order is not defined ([`order`]). Everything a rule does not claim still
//! goes through the value-shape rules of [`super::redact`]. Per-example rules come first, so they
//! win.

mod built_in;
mod order;

use std::borrow::Cow;

use regex::Regex;

use super::keyvalue;
use super::placeholder;
use super::redact;
use super::rules::Rules;
use super::table::Table;
use super::{Pass, RuleError, compile};
use built_in::{
    LEAD_CLUSTER, MARKERS, PEER_COLUMNS, SUBSCRIPTION_COLUMNS, SYSTEM_ACCOUNTS, TRAFFIC_COLUMNS, mask,
};
use order::{sort_grid, sort_id_lists, sort_rows};

/// What a column or key rule does to a value.
#[derive(Debug, Clone)]
enum Action {
    /// Replace non-empty values (all values, for `fill`) with a placeholder.
    Mask { with: String, fill: bool },
    /// Replace the value with a numbered identifier of this class.
    Id(&'static str),
    /// Sort the items of a multi-line list.
    SortList,
    /// The `Leader`/`Replica` lines of a cluster section: see [`Profile::peers`].
    Peers,
}

/// A rule that applies to some columns of some tables, or to some keys of some sections.
#[derive(Debug, Clone)]
struct Rule {
    name: String,
    /// Matches the table title or section heading; `None` matches every one.
    scope: Option<Regex>,
    /// Column or key names, compared case-insensitively.
    names: Vec<String>,
    action: Action,
}

/// Sorts the body of matching tables by the first of `by` that the table has.
#[derive(Debug, Clone)]
struct Sort {
    name: String,
    scope: Option<Regex>,
    by: Vec<String>,
    /// A column the table must also have (used by the generic server-table rule).
    requires: Option<&'static str>,
}

/// The compiled column, sort and key rules.
#[derive(Debug, Clone)]
pub(crate) struct Profile {
    columns: Named,
    sorts: Vec<Sort>,
    keys: Named,
}

/// Column or key rules, indexed by the lengths of the names they claim, so that finding the rule
/// for a name compares it only with names as long.
#[derive(Debug, Clone)]
struct Named {
    rules: Vec<Rule>,
    /// `by_len[n]`: the indexes of the rules with a name of `n` bytes, in rule order.
    by_len: Vec<Vec<usize>>,
}

impl Named {
    fn new(rules: Vec<Rule>) -> Named {
        let mut by_len: Vec<Vec<usize>> = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            for name in &rule.names {
                if by_len.len() <= name.len() {
                    by_len.resize(name.len() + 1, Vec::new());
                }
                if by_len[name.len()].last() != Some(&i) {
                    by_len[name.len()].push(i);
                }
            }
        }
        Named { rules, by_len }
    }

    /// The first enabled rule that claims `name` (in any ASCII case) where `scope` (a table
    /// title or section heading) is in its scope.
    ///
    /// `memo` keeps, by rule, whether `scope` is in its scope, for the next name of the same
    /// table or block: start it empty for each.
    fn find(&self, name: &str, scope: &str, memo: &mut Vec<Option<bool>>, pass: &Pass) -> Option<&Rule> {
        let candidates = self.by_len.get(name.len())?;
        let i = candidates.iter().copied().find(|&i| {
            let r = &self.rules[i];
            if !pass.enabled(&r.name) || !r.names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                return false;
            }
            if memo.len() <= i {
                memo.resize(self.rules.len(), None);
            }
            *memo[i].get_or_insert_with(|| in_scope(&r.scope, scope))
        })?;
        Some(&self.rules[i])
    }
}

/// Rules the engine applies itself, beside the tables of [`built_in`].
const LEADER_MARKER: &str = "leader-marker";
const DURATION: &str = "duration";
const LEAD_CLUSTER_RULE: &str = "lead-cluster";
const GRID_ORDER: &str = "grid-order";
const ID_LISTS: &str = "id-lists";
const SYSTEM_TRAFFIC: &str = "system-traffic";
const SYSTEM_SUBSCRIPTIONS: &str = "system-subscriptions";
const OWN_RULES: [&str; 7] = [
    LEADER_MARKER,
    DURATION,
    LEAD_CLUSTER_RULE,
    GRID_ORDER,
    ID_LISTS,
    SYSTEM_TRAFFIC,
    SYSTEM_SUBSCRIPTIONS,
];

/// Names of the built-in rules this module applies, for validating `disable:`: derived from the
/// built-in tables and the engine's own rules, so the list cannot miss one.
pub(crate) fn names() -> impl Iterator<Item = &'static str> {
    let tables = built_in::COLUMNS
        .iter()
        .chain(built_in::KEYS.iter())
        .map(|r| r.name.as_str());
    tables
        .chain(built_in::SORTS.iter().map(|s| s.name.as_str()))
        .chain(OWN_RULES)
}

/// What the cell rules need to know about a column, worked out once per table.
struct Column<'a> {
    name: &'a str,
    /// The column the table is sorted by: its leader marker goes.
    key: bool,
    /// A column of server lists (see [`PEER_COLUMNS`]).
    peers: bool,
    /// A column of configured durations (see [`CONFIG_WORDS`]).
    config: bool,
}

/// The optional title or section regex of a per-example rule.
fn example_scope(rule: String, pattern: Option<&str>) -> Result<Option<Regex>, RuleError> {
    pattern.map(|p| compile(rule, p)).transpose()
}

/// A per-example column or key rule: masks the column or key `target` where `scope` matches,
/// with `[masked]` unless the rule says otherwise.
fn example_mask(
    name: String,
    scope_field: &str,
    scope: Option<&str>,
    target: &str,
    with: Option<&str>,
) -> Result<Rule, RuleError> {
    Ok(Rule {
        scope: example_scope(format!("{name}.{scope_field}"), scope)?,
        names: vec![target.to_owned()],
        action: mask(with.unwrap_or("[masked]")),
        name,
    })
}

/// An example's own column, sort and key rules, compiled: what [`Own::profile`] puts in front of
/// the built-in ones. Kept apart so that loading an example compiles (and so checks) only its own
/// patterns; the built-in tables are compiled when something is normalized.
#[derive(Debug, Clone)]
pub(crate) struct Own {
    columns: Vec<Rule>,
    sorts: Vec<Sort>,
    keys: Vec<Rule>,
}

impl Own {
    /// Compiles the per-example rules.
    pub(crate) fn new(rules: &Rules) -> Result<Own, RuleError> {
        let columns = rules
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let name = format!("columns[{i}]");
                example_mask(name, "table", c.table.as_deref(), &c.column, c.mask.as_deref())
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut sorts = Vec::new();
        for (i, s) in rules.sort.iter().enumerate() {
            let name = format!("sort[{i}]");
            sorts.push(Sort {
                scope: example_scope(format!("{name}.table"), s.table.as_deref())?,
                by: vec![s.by.clone()],
                requires: None,
                name,
            });
        }
        let keys = rules
            .keys
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let name = format!("keys[{i}]");
                example_mask(name, "section", k.section.as_deref(), &k.key, k.mask.as_deref())
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Own { columns, sorts, keys })
    }

    /// The whole profile: these rules in front of the built-in ones.
    pub(crate) fn profile(&self) -> Profile {
        let chain = |own: &[Rule], built_in: &[Rule]| own.iter().chain(built_in).cloned().collect();
        Profile {
            columns: Named::new(chain(&self.columns, &built_in::COLUMNS)),
            sorts: self.sorts.iter().chain(built_in::SORTS.iter()).cloned().collect(),
            keys: Named::new(chain(&self.keys, &built_in::KEYS)),
        }
    }
}

impl Profile {
    /// Masks and cleans a parsed table; [`Self::order`] sorts it.
    pub(crate) fn table(&self, table: &mut Table<'_>, pass: &mut Pass) {
        let title = table.title().to_owned();
        // Taken out while the rows change, and put back.
        let columns = std::mem::take(&mut table.columns);
        let sort = self.find_sort(&title, &columns, pass);
        let mut memo = Vec::new();
        for (c, column) in columns.iter().enumerate() {
            let rule = self.columns.find(column, &title, &mut memo, pass);
            // Only cells no column rule claims need to know what kind of column they are in.
            let unclaimed = rule.is_none();
            let info = Column {
                name: column,
                key: sort.is_some_and(|(_, by)| by == c),
                peers: unclaimed && PEER_COLUMNS.iter().any(|p| column.eq_ignore_ascii_case(p)),
                config: unclaimed && redact::names_configuration(column),
            };
            let rows = table
                .body
                .iter_mut()
                .map(|r| (r, true))
                .chain(table.footer.iter_mut().map(|r| (r, false)));
            for (row, in_body) in rows {
                let line = row.line;
                let cell = &mut row.cells[c];
                match rule {
                    Some(rule) => {
                        if apply(&rule.action, cell, in_body, pass) {
                            pass.note(line, &rule.name, || {
                                format!("masked {column} column in table \"{title}\"")
                            });
                        }
                    }
                    None => Self::cell(cell, &info, line, &title, pass),
                }
            }
        }
        if let Some(title) = &mut table.title {
            pass.shapes(&mut title.cells[0], title.line, "");
            // Which cluster hosts the meta leader changes between runs of a supercluster.
            let text = &mut title.cells[0];
            if pass.enabled(LEAD_CLUSTER_RULE)
                && let Some(at) = text.find(LEAD_CLUSTER)
                && text[at + LEAD_CLUSTER.len()..] != *"[cluster]"
            {
                let text = text.to_mut();
                text.truncate(at + LEAD_CLUSTER.len());
                text.push_str("[cluster]");
                pass.note(title.line, LEAD_CLUSTER_RULE, || {
                    "masked the meta leader's cluster".to_owned()
                });
            }
        }
        Self::system_account(table, &columns, pass);
        table.columns = columns;
    }

    /// Masks the counters of the system account's row in account tables that depend on the
    /// reporting tool rather than on the example.
    ///
    /// The tool itself talks to the servers through the system account: the replies it receives
    /// carry times and uptimes whose length varies (`system-traffic`), and the reply
    /// subscriptions it holds when the server counts depend on timing (`system-subscriptions`:
    /// `Subs` was 1 or 2 on a busy machine). Every other account's counters are deterministic and
    /// kept.
    fn system_account(table: &mut Table<'_>, columns: &[String], pass: &mut Pass) {
        let Some(account) = columns.iter().position(|c| c.eq_ignore_ascii_case("Account")) else {
            return;
        };
        let masks: Vec<(usize, &str, &str)> = columns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let (rule, with) = if TRAFFIC_COLUMNS.iter().any(|t| c.eq_ignore_ascii_case(t)) {
                    (SYSTEM_TRAFFIC, "[traffic]")
                } else if SUBSCRIPTION_COLUMNS.iter().any(|t| c.eq_ignore_ascii_case(t)) {
                    (SYSTEM_SUBSCRIPTIONS, "[subs]")
                } else {
                    return None;
                };
                pass.enabled(rule).then_some((i, rule, with))
            })
            .collect();
        if masks.is_empty() {
            return;
        }
        let title = table.title().to_owned();
        for row in &mut table.body {
            if !SYSTEM_ACCOUNTS.contains(&row.cells[account].as_ref()) {
                continue;
            }
            let mut fired = Vec::new();
            for &(c, rule, with) in &masks {
                if !row.cells[c].is_empty() && row.cells[c] != with {
                    row.cells[c] = Cow::Borrowed(with);
                    if !fired.contains(&rule) {
                        fired.push(rule);
                    }
                }
            }
            for rule in fired {
                let what = if rule == SYSTEM_TRAFFIC {
                    "traffic"
                } else {
                    "subscriptions"
                };
                pass.note(row.line, rule, || {
                    format!("masked the system account's {what} in table \"{title}\"")
                });
            }
        }
    }

    /// The sort rule for a table with this title and these columns, with the index of the column
    /// it sorts by.
    fn find_sort(&self, title: &str, columns: &[String], pass: &Pass) -> Option<(&Sort, usize)> {
        self.sorts
            .iter()
            .filter(|s| pass.enabled(&s.name) && in_scope(&s.scope, title))
            .find_map(|s| {
                let find = |name: &str| columns.iter().position(|c| c.eq_ignore_ascii_case(name));
                let by = s.by.iter().find_map(|b| find(b))?;
                s.requires.is_none_or(|r| find(r).is_some()).then_some((s, by))
            })
    }

    /// Puts a table's rows, record grid and identifier lists in their canonical order.
    ///
    /// Runs once after masking and again after identifiers are numbered: the second time, rows
    /// or list items that differ only in their identifiers are ordered by number, so the order
    /// in which replies arrived never shows.
    pub(crate) fn order(&self, table: &mut Table<'_>, pass: &mut Pass) {
        if let Some((sort, by)) = self.find_sort(table.title(), &table.columns, pass)
            && sort_rows(&mut table.body, by)
        {
            let (title, column) = (table.title(), &table.columns[by]);
            pass.note(table.lines.0, &sort.name, || {
                format!("sorted rows of table \"{title}\" by {column}")
            });
        }
        if pass.enabled(GRID_ORDER) && sort_grid(table) {
            let title = table.title();
            pass.note(table.lines.0, GRID_ORDER, || {
                format!("sorted the records of table \"{title}\"")
            });
        }
        if pass.enabled(ID_LISTS) && sort_id_lists(&mut table.body) {
            let title = table.title();
            pass.note(table.lines.0, ID_LISTS, || {
                format!("sorted a list of identifiers in table \"{title}\"")
            });
        }
    }

    /// Cleans a cell no column rule claimed: leader markers, peer lists, shapes, durations.
    fn cell(cell: &mut Cow<'_, str>, column: &Column, line: usize, title: &str, pass: &mut Pass) {
        let name = column.name;
        if pass.enabled(LEADER_MARKER) {
            let stripped = if column.key {
                cell.strip_suffix(MARKERS).map(str::to_owned)
            } else {
                peer_list(cell, column.peers)
            };
            if let Some(s) = stripped.filter(|s| s != cell) {
                *cell = Cow::Owned(s);
                pass.note(line, LEADER_MARKER, || {
                    format!("removed leader marker in {name} column of table \"{title}\"")
                });
            }
        }
        pass.shapes(cell, line, name);
        if !column.config && pass.enabled(DURATION) && redact::is_duration(cell) {
            *cell = Cow::Borrowed("[duration]");
            pass.note(line, DURATION, || {
                format!("masked a measured duration in {name} column of table \"{title}\"")
            });
        }
    }

    /// Masks and cleans a key/value block.
    pub(crate) fn keys(&self, block: &mut keyvalue::Block<'_>, pass: &mut Pass) {
        let section = block.section.unwrap_or_default();
        let mut peers = None;
        let mut memo = Vec::new();
        for (i, item) in block.items.iter_mut().enumerate() {
            let rule = self.keys.find(item.key, section, &mut memo, pass);
            let line = item.line;
            let what = |key: &str| {
                if section.is_empty() {
                    format!("masked {key}")
                } else {
                    format!("masked {key} in section \"{section}\"")
                }
            };
            match rule.map(|r| (r, &r.action)) {
                Some((rule, Action::Peers)) => {
                    peers.get_or_insert((i, rule.name.clone()));
                }
                Some((rule, Action::SortList)) => {
                    let mut list: Vec<Cow<str>> = std::iter::once(std::mem::take(&mut item.value))
                        .chain(item.more.iter_mut().map(|(_, m)| std::mem::take(m)))
                        .collect();
                    for v in &mut list {
                        pass.shapes(v, line, item.key);
                    }
                    if placeholder::sort_changed(&mut list, |v| {
                        placeholder::sort_key([v.as_ref()], [v.as_ref()])
                    }) {
                        let key = item.key;
                        pass.note(line, &rule.name, || format!("sorted the {key} list"));
                    }
                    let mut list = list.into_iter();
                    item.value = list.next().unwrap_or_default();
                    for ((_, m), v) in item.more.iter_mut().zip(list) {
                        *m = v;
                    }
                }
                Some((rule, action)) => {
                    if apply(action, &mut item.value, true, pass) {
                        item.more.clear();
                        pass.note(line, &rule.name, || what(item.key));
                    }
                }
                None => {
                    pass.shapes(&mut item.value, line, item.key);
                    for (n, more) in &mut item.more {
                        pass.shapes(more, *n, item.key);
                    }
                    if pass.enabled(LEADER_MARKER)
                        && let Some(s) = peer_list(&item.value, false).filter(|s| *s != item.value)
                    {
                        item.value = Cow::Owned(s);
                        let key = item.key;
                        pass.note(line, LEADER_MARKER, || format!("removed leader marker in {key}"));
                    }
                }
            }
        }
        if let Some((first, name)) = peers {
            Self::peers(block, first, &name, pass);
        }
    }

    /// Rewrites a cluster section's `Leader:` and `Replica:` lines.
    ///
    /// Which peer leads, how current each replica is and when it was last seen change between
    /// runs; the set of peers does not. The leader becomes `[leader]` and every peer, the leader
    /// included, gets one `Replica:` line, sorted by name.
    fn peers(block: &mut keyvalue::Block<'_>, first: usize, name: &str, pass: &mut Pass) {
        let is_peer = |k: &str| k.eq_ignore_ascii_case("leader") || k.eq_ignore_ascii_case("replica");
        let mut names = Vec::new();
        let mut leader_line = None;
        for item in block.items.iter().filter(|i| is_peer(i.key)) {
            let peer = item.value.split([',', ' ']).next().unwrap_or("").to_owned();
            if item.key.eq_ignore_ascii_case("leader") {
                leader_line = Some(item.line);
            }
            // A `[leader]` left by an earlier normalization names no peer.
            if !peer.is_empty() && !is_placeholder(&peer) {
                names.push((peer, item.line));
            }
        }
        names.sort();
        // Right after creation the leader can also be listed as a replica.
        names.dedup_by(|a, b| a.0 == b.0);
        let mut rewritten: Vec<keyvalue::Item> = Vec::new();
        if let Some(line) = leader_line {
            rewritten.push(keyvalue::Item {
                line,
                key: "Leader",
                value: Cow::Borrowed("[leader]"),
                more: Vec::new(),
            });
        }
        rewritten.extend(names.into_iter().map(|(value, line)| keyvalue::Item {
            line,
            key: "Replica",
            value: Cow::Owned(value),
            more: Vec::new(),
        }));
        let rest: Vec<keyvalue::Item> = block.items.drain(first..).collect();
        let changed = rest.iter().filter(|i| is_peer(i.key)).ne(rewritten.iter());
        block.items.extend(rewritten);
        block.items.extend(rest.into_iter().filter(|i| !is_peer(i.key)));
        if changed {
            pass.note(block.items[first].line, name, || {
                "masked the leader and listed every peer as a replica, sorted".to_owned()
            });
        }
    }
}

fn in_scope(scope: &Option<Regex>, text: &str) -> bool {
    scope.as_ref().is_none_or(|r| r.is_match(text))
}

/// Applies a mask or id action to a value; returns true if it changed.
fn apply(action: &Action, value: &mut Cow<'_, str>, in_body: bool, pass: &mut Pass) -> bool {
    let new: Cow<str> = match action {
        Action::Mask { with, fill } if !value.is_empty() || (*fill && in_body) => Cow::Borrowed(with),
        Action::Id(class) if !value.is_empty() && !is_placeholder(value) => {
            // A NUID (a service instance id) keeps the class the `nuid` shape rule gives it
            // elsewhere, so the same id in a table and in text gets the same placeholder.
            let class = if redact::is_whole_nuid(value) || pass.tokens.is_known_nuid(value) {
                "nuid"
            } else {
                class
            };
            Cow::Owned(pass.tokens.token(class, value))
        }
        _ => return false,
    };
    if *value == new {
        return false;
    }
    *value = Cow::Owned(new.into_owned());
    true
}

/// Placeholders written by an earlier normalization (`[id-3]`) are left alone.
fn is_placeholder(s: &str) -> bool {
    s.starts_with('[') && s.ends_with(']')
}

/// A comma-separated list of server names with a leader `*`, or any such list in a peer column,
/// comes back with the marker removed and the names sorted.
fn peer_list(cell: &str, peer_column: bool) -> Option<String> {
    if !cell.contains(", ") && !cell.ends_with('*') {
        return None;
    }
    let items: Vec<&str> = cell.split(", ").collect();
    let is_name = |s: &str| {
        let s = s.trim_end_matches(MARKERS);
        !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    };
    if !items.iter().all(|s| is_name(s)) || !(peer_column || items.iter().any(|s| s.ends_with(MARKERS))) {
        return None;
    }
    let mut names: Vec<&str> = items.iter().map(|s| s.trim_end_matches(MARKERS)).collect();
    names.sort_unstable();
    Some(names.join(", "))
}

#[cfg(test)]
mod tests {
    use super::order::grid_width;
    use super::*;
    use crate::normalize::table::Row;

    #[test]
    fn peer_lists_lose_markers_and_sort() {
        assert_eq!(
            peer_list("west-az2*, west-az1, west-az3", false).as_deref(),
            Some("west-az1, west-az2, west-az3")
        );
        assert_eq!(peer_list("n3, n1", true).as_deref(), Some("n1, n3"));
        assert_eq!(peer_list("n3!, n1*, n2", false).as_deref(), Some("n1, n2, n3"));
        assert_eq!(peer_list("n3, n1", false), None);
        assert_eq!(peer_list("orders.*, b", false), None);
        assert_eq!(peer_list("plain text", true), None);
    }

    #[test]
    fn config_columns_keep_durations() {
        let table = "╭──────────┬──────╮\n│ Ack Wait │ Took │\n├──────────┼──────┤\n│ 30.00s   │ 1.5s │\n╰──────────┴──────╯";
        let out = super::super::Normalizer::new(&Rules::default())
            .unwrap()
            .normalize(table);
        assert!(out.contains("│ 30.00s   │ [duration] │"), "{out}");
    }

    #[test]
    fn the_lead_cluster_is_masked() {
        let table = "╭──────╮\n│ RAFT Meta Group Information - Lead cluster: east │\n├──────┬─────┤\n│ Name │ Lag │\n├──────┼─────┤\n│ a    │ 0   │\n╰──────┴─────╯";
        let out = super::super::Normalizer::new(&Rules::default())
            .unwrap()
            .normalize(table);
        assert!(
            out.contains("│ RAFT Meta Group Information - Lead cluster: [cluster] │"),
            "{out}"
        );
    }

    #[test]
    fn sorting_keeps_continuation_rows() {
        let row = |line, a: &'static str, b: &'static str| Row {
            line,
            cells: vec![a.into(), b.into()],
        };
        let mut body = vec![row(1, "b", "1"), row(2, "", "more"), row(3, "a", "2")];
        assert!(sort_rows(&mut body, 0));
        assert_eq!(body.iter().map(|r| r.line).collect::<Vec<_>>(), [3, 1, 2]);
        assert!(!sort_rows(&mut body, 0));
    }

    fn normalize(text: &str) -> String {
        super::super::Normalizer::new(&Rules::default())
            .unwrap()
            .normalize(text)
    }

    #[test]
    fn grid_records_are_sorted_row_by_row() {
        let table = "╭─────────┬───────┬─────────┬───────╮\n│ Subject │ Count │ Subject │ Count │\n├─────────┼───────┼─────────┼───────┤\n│ c.x     │ 1     │ a.x     │ 2     │\n│ b.x     │ 2     │         │       │\n╰─────────┴───────┴─────────┴───────╯";
        let out = normalize(table);
        assert!(out.contains("│ a.x     │ 2     │ b.x     │ 2     │"), "{out}");
        assert!(out.contains("│ c.x     │ 1     │         │       │"), "{out}");
        assert_eq!(grid_width(&["A".into(), "B".into(), "A".into()]), None);
        assert_eq!(grid_width(&["A".into(), "B".into()]), None);
    }

    #[test]
    fn id_lists_in_cells_are_sorted_by_number() {
        let (a, b) = ("hf5ncF5D8jrEJM3LPTY7NS", "1oWMBLR8T31r7NVG1n2161");
        let text = |first: &str, second: &str| {
            format!(
                "greeter ({a})\n╭──────┬────╮\n│ Name │ ID │\n├──────┼────┤\n│ g    │ {first} │\n│      │ {second} │\n╰──────┴────╯"
            )
        };
        let one = normalize(&text(a, b));
        assert_eq!(one, normalize(&text(b, a)));
        assert!(one.contains("│ g    │ [nuid-1] │\n│      │ [nuid-2] │"), "{one}");
    }

    #[test]
    fn rows_differing_in_ids_only_follow_the_numbers() {
        let (a, b) = ("hf5ncF5D8jrEJM3LPTY7NS", "1oWMBLR8T31r7NVG1n2161");
        let text = |first: &str, second: &str| {
            format!(
                "seen {b}\n╭──────────────────────╮\n│ x Service Statistics │\n├────┬──────────┤\n│ ID │ Requests │\n├────┼──────────┤\n│ {first} │ 1 │\n│ {second} │ 1 │\n╰────┴──────────╯"
            )
        };
        let one = normalize(&text(a, b));
        assert_eq!(one, normalize(&text(b, a)));
        let at = |id: &str| one.find(&format!("│ {id} │ 1")).expect(id);
        assert!(at("[nuid-1]") < at("[nuid-2]"), "{one}");
    }

    #[test]
    fn system_account_traffic_is_masked() {
        let table = "╭─────────┬──────────┬──────╮\n│ Account │ In Bytes │ Subs │\n├─────────┼──────────┼──────┤\n│ SYS     │ 1016 B   │ 1    │\n│ SHOP    │ 42 B     │ 2    │\n╰─────────┴──────────┴──────╯";
        let out = normalize(table);
        assert!(out.contains("│ SYS     │ [traffic] │ [subs] │"), "{out}");
        assert!(out.contains("│ SHOP    │ 42 B      │ 2      │"), "{out}");
    }

    /// Seen under load: `nats server report accounts` counted 2 subscriptions of `SYS` in one
    /// run and 1 in the next.
    #[test]
    fn system_account_subscriptions_are_masked() {
        let table = |subs: u8| {
            format!(
                "╭─────────┬──────┬──────╮\n│ Account │ Subs │ Conn │\n├─────────┼──────┼──────┤\n│ SYS     │ {subs}    │ 1    │\n│ SHOP    │ 2    │ 2    │\n╰─────────┴──────┴──────╯"
            )
        };
        let out = normalize(&table(1));
        assert_eq!(out, normalize(&table(2)));
        assert!(out.contains("│ SYS     │ [subs] │ 1    │"), "{out}");
        assert!(out.contains("│ SHOP    │ 2      │ 2    │"), "{out}");
    }

    #[test]
    fn service_processing_time_is_masked() {
        let out =
            normalize("    Processing Time: 338µs (average 113µs)\n           Requests: 3 in group \"q\"");
        assert!(out.contains("Processing Time: [duration]"), "{out}");
        assert!(out.contains("Requests: 3 in group \"q\""), "{out}");
    }

    #[test]
    fn names_cover_the_tables_and_the_engine() {
        let names: Vec<&str> = names().collect();
        for name in [
            "uptime",
            "sort-rows",
            "cluster-peers",
            LEADER_MARKER,
            SYSTEM_SUBSCRIPTIONS,
        ] {
            assert!(names.contains(&name), "{name}");
        }
        assert!(
            names.iter().all(|n| !n.is_empty() && !n.contains('[')),
            "{names:?}"
        );
    }
}
