//! The built-in profile for the `nats` CLI, plus the per-example column, sort and key rules.
//!
//! Column rules name table columns (`Uptime`, `RTT`, `Mem`...), key rules name `Key: value` lines
//! within sections (`Messages` under `Statistics:` but not under `State:`), and sort rules name
//! the tables whose row order is not defined. Everything a rule does not claim still goes through
//! the value-shape rules of [`super::redact`]. Per-example rules come first, so they win.

use regex::Regex;

use super::keyvalue;
use super::placeholder;
use super::redact;
use super::rules::Rules;
use super::table::{Row, Table};
use super::{Pass, RuleError, compile};

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
    columns: Vec<Rule>,
    sorts: Vec<Sort>,
    keys: Vec<Rule>,
}

/// Suffixes natscli puts on server names: `*` for the leader, `!` for a replica that is offline or
/// not current. Both depend on timing.
const MARKERS: [char; 2] = ['*', '!'];

/// How `nats server report jetstream` names the meta leader's cluster in the RAFT table title.
const LEAD_CLUSTER: &str = "Lead cluster: ";

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

/// Column headers whose durations are configuration (`Ack Wait`, `Duplicate Window`), not measurements.
const CONFIG_WORDS: [&str; 12] = [
    "wait",
    "window",
    "timeout",
    "max",
    "ttl",
    "frequency",
    "backoff",
    "interval",
    "heartbeat",
    "delay",
    "limit",
    "duration",
];

/// Names conventionally given to the system account.
const SYSTEM_ACCOUNTS: [&str; 3] = ["$SYS", "SYS", "SYSTEM"];

/// Traffic counters of account tables.
const TRAFFIC_COLUMNS: [&str; 4] = ["In Msgs", "Out Msgs", "In Bytes", "Out Bytes"];

/// Subscription counters of account tables.
const SUBSCRIPTION_COLUMNS: [&str; 2] = ["Subs", "Subscriptions"];

/// Column headers that hold lists of servers whose order (and leader marker) varies between runs.
const PEER_COLUMNS: [&str; 5] = ["replicas", "cluster", "peers", "servers", "nodes"];

fn scope(pattern: &str) -> Option<Regex> {
    Some(Regex::new(&format!("(?i){pattern}")).expect("valid built-in scope"))
}

fn mask(with: &str) -> Action {
    Action::Mask {
        with: with.to_owned(),
        fill: false,
    }
}

fn rule(name: &str, scope: Option<Regex>, names: &[&str], action: Action) -> Rule {
    Rule {
        name: name.to_owned(),
        scope,
        names: names.iter().map(|n| n.to_string()).collect(),
        action,
    }
}

fn built_in_columns() -> Vec<Rule> {
    vec![
        rule("uptime", None, &["Uptime"], mask("[uptime]")),
        rule("rtt", None, &["RTT"], mask("[rtt]")),
        rule("process-memory", None, &["Mem"], mask("[memory]")),
        rule("cpu", None, &["CPU %", "CPU"], mask("[cpu]")),
        rule("cores", None, &["Cores"], mask("[cores]")),
        rule(
            "activity",
            None,
            &[
                "Active",
                "Last Message",
                "Last Update",
                "Last Activity",
                "Last Seen",
                "Last Active",
                "Last Delivery",
                "Last Ack",
                "Idle",
                "Age",
                "Seen",
            ],
            mask("[duration]"),
        ),
        rule("raft-id", None, &["ID", "Server ID"], Action::Id("id")),
        rule(
            "leader",
            None,
            &["Leader"],
            Action::Mask {
                with: "[leader]".to_owned(),
                fill: true,
            },
        ),
        rule(
            "raft-state",
            scope("^RAFT"),
            &["Current", "Lag"],
            mask("[raft-state]"),
        ),
        rule(
            "api-counters",
            scope("^JetStream Summary"),
            &["API Req", "API Err", "Pending"],
            mask("[count]"),
        ),
        rule("connection-id", None, &["CID"], mask("[cid]")),
        // Servers in the meta leader's cluster carry more system subscriptions.
        rule(
            "subscriptions",
            scope("^Server Overview"),
            &["Subs"],
            mask("[subs]"),
        ),
    ]
}

fn built_in_sorts() -> Vec<Sort> {
    let sort = |title: &str, by: &[&str]| Sort {
        name: "sort-rows".to_owned(),
        scope: scope(title),
        by: by.iter().map(|b| b.to_string()).collect(),
        requires: None,
    };
    vec![
        sort("^Server Overview", &["Name"]),
        sort("^Cluster Overview", &["Cluster"]),
        sort("^JetStream Summary", &["Server"]),
        sort("^RAFT Meta Group", &["Name", "Connection Name", "Server"]),
        sort("^Connections per server", &["Server"]),
        sort("^Stream Report", &["Stream"]),
        sort("^Consumer report", &["Consumer"]),
        // Listed in the order of the JetStream API's paged replies.
        sort("^Key-Value Buckets", &["Bucket"]),
        sort("^Object Store Buckets", &["Bucket"]),
        sort("^All Services", &["Name"]),
        sort("Service Statistics$", &["ID"]),
        // Ordered by a count whose ties come in reply order.
        sort(r"^Top \d+ Connections", &["Name", "Account"]),
        sort(r"Accounts Overview$", &["Account"]),
        // Server tables of other natscli versions or titles: a name column plus a cluster column.
        Sort {
            name: "sort-rows".to_owned(),
            scope: None,
            by: vec!["Name".to_owned(), "Server".to_owned()],
            requires: Some("Cluster"),
        },
    ]
}

fn built_in_keys() -> Vec<Rule> {
    let stats = || scope("^Statistics$");
    let js = || scope("^JetStream$");
    vec![
        rule("uptime", None, &["Uptime"], mask("[uptime]")),
        rule(
            "start-time",
            None,
            &["Start Time", "Config Load Time", "Configuration Load Time"],
            mask("[timestamp]"),
        ),
        rule("go-version", None, &["Go Version"], mask("[go-version]")),
        rule("git-commit", None, &["Git Commit"], mask("[git-commit]")),
        rule(
            "config-digest",
            None,
            &["Configuration Digest", "Config Digest"],
            mask("[digest]"),
        ),
        rule("cpu", stats(), &["CPU Cores", "CPU"], mask("[cpu]")),
        rule("cores", stats(), &["GOMAXPROCS", "Cores"], mask("[cores]")),
        rule("process-memory", stats(), &["Memory"], mask("[memory]")),
        rule("traffic", stats(), &["Messages", "Bytes"], mask("[traffic]")),
        rule("subscriptions", stats(), &["Subscriptions"], mask("[subs]")),
        rule(
            "machine-limits",
            js(),
            &[
                "Max Memory",
                "Max File",
                "Maximum Memory Storage",
                "Maximum File Storage",
            ],
            mask("[size]"),
        ),
        rule(
            "api-counters",
            js(),
            &["API Requests", "API Errors"],
            mask("[count]"),
        ),
        rule("rtt", None, &["RTT"], mask("[rtt]")),
        rule(
            "activity",
            None,
            &[
                "Active",
                "Last Seen",
                "Last Activity",
                "Last Active",
                "Last Delivery",
                "Last Ack",
            ],
            mask("[duration]"),
        ),
        rule("connection-id", None, &["Client ID"], mask("[cid]")),
        // Service endpoint statistics: `Processing Time: 338µs (average 113µs)`.
        rule(
            "processing-time",
            None,
            &["Processing Time", "Average Processing Time"],
            mask("[duration]"),
        ),
        rule(
            "list-order",
            None,
            &[
                "Clusters",
                "Client URLs",
                "URLs",
                "Cluster URLs",
                "Gateway URLs",
                "Leafnode URLs",
                "Server URLs",
                "Websocket URLs",
                "MQTT URLs",
            ],
            Action::SortList,
        ),
        rule(
            "cluster-peers",
            scope("cluster"),
            &["Leader", "Replica"],
            Action::Peers,
        ),
    ]
}

/// Names of the built-in rules this module applies, for validating `disable:`.
pub(crate) const NAMES: [&str; 29] = [
    "uptime",
    "rtt",
    "process-memory",
    "cpu",
    "cores",
    "activity",
    "raft-id",
    "leader",
    "raft-state",
    "api-counters",
    "connection-id",
    "sort-rows",
    "start-time",
    "go-version",
    "git-commit",
    "config-digest",
    "traffic",
    "subscriptions",
    "machine-limits",
    "list-order",
    "cluster-peers",
    "leader-marker",
    "duration",
    "lead-cluster",
    "grid-order",
    "id-lists",
    "processing-time",
    "system-traffic",
    "system-subscriptions",
];

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

impl Profile {
    /// Compiles the per-example rules in front of the built-in ones.
    pub(crate) fn new(rules: &Rules) -> Result<Profile, RuleError> {
        let mut columns = rules
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let name = format!("columns[{i}]");
                example_mask(name, "table", c.table.as_deref(), &c.column, c.mask.as_deref())
            })
            .collect::<Result<Vec<_>, _>>()?;
        columns.extend(built_in_columns());
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
        sorts.extend(built_in_sorts());
        let mut keys = rules
            .keys
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let name = format!("keys[{i}]");
                example_mask(name, "section", k.section.as_deref(), &k.key, k.mask.as_deref())
            })
            .collect::<Result<Vec<_>, _>>()?;
        keys.extend(built_in_keys());
        Ok(Profile { columns, sorts, keys })
    }

    /// Masks and cleans a parsed table; [`Self::order`] sorts it.
    pub(crate) fn table(&self, table: &mut Table, pass: &mut Pass) {
        let title = table.title().to_owned();
        let columns = table.columns();
        let sort = self.find_sort(&title, &columns, pass);
        for (c, column) in columns.iter().enumerate() {
            let rule = self.columns.iter().find(|r| {
                pass.enabled(&r.name)
                    && r.names.iter().any(|n| n.eq_ignore_ascii_case(column))
                    && in_scope(&r.scope, &title)
            });
            let lower = column.to_ascii_lowercase();
            let info = Column {
                name: column,
                key: sort.is_some_and(|(_, by)| by == c),
                peers: PEER_COLUMNS.contains(&lower.as_str()),
                config: CONFIG_WORDS.iter().any(|w| lower.contains(w)),
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
            pass.shapes(&mut title.cells[0], title.line);
            // Which cluster hosts the meta leader changes between runs of a supercluster.
            let text = &mut title.cells[0];
            if pass.enabled("lead-cluster")
                && let Some(at) = text.find(LEAD_CLUSTER)
                && text[at + LEAD_CLUSTER.len()..] != *"[cluster]"
            {
                text.truncate(at + LEAD_CLUSTER.len());
                text.push_str("[cluster]");
                pass.note(title.line, "lead-cluster", || {
                    "masked the meta leader's cluster".to_owned()
                });
            }
        }
        Self::system_account(table, &columns, pass);
    }

    /// Masks the counters of the system account's row in account tables that depend on the
    /// reporting tool rather than on the example.
    ///
    /// The tool itself talks to the servers through the system account: the replies it receives
    /// carry times and uptimes whose length varies (`system-traffic`), and the reply
    /// subscriptions it holds when the server counts depend on timing (`system-subscriptions`:
    /// `Subs` was 1 or 2 on a busy machine). Every other account's counters are deterministic and
    /// kept.
    fn system_account(table: &mut Table, columns: &[String], pass: &mut Pass) {
        let Some(account) = columns.iter().position(|c| c.eq_ignore_ascii_case("Account")) else {
            return;
        };
        let masks: Vec<(usize, &str, &str)> = columns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let (rule, with) = if TRAFFIC_COLUMNS.iter().any(|t| c.eq_ignore_ascii_case(t)) {
                    ("system-traffic", "[traffic]")
                } else if SUBSCRIPTION_COLUMNS.iter().any(|t| c.eq_ignore_ascii_case(t)) {
                    ("system-subscriptions", "[subs]")
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
            if !SYSTEM_ACCOUNTS.contains(&row.cells[account].as_str()) {
                continue;
            }
            let mut fired = Vec::new();
            for &(c, rule, with) in &masks {
                if !row.cells[c].is_empty() && row.cells[c] != with {
                    row.cells[c] = with.to_owned();
                    if !fired.contains(&rule) {
                        fired.push(rule);
                    }
                }
            }
            for rule in fired {
                let what = if rule == "system-traffic" {
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
    pub(crate) fn order(&self, table: &mut Table, pass: &mut Pass) {
        let title = table.title().to_owned();
        let columns = table.columns();
        if let Some((sort, by)) = self.find_sort(&title, &columns, pass)
            && sort_rows(&mut table.body, by)
        {
            let column = &columns[by];
            pass.note(table.lines.0, &sort.name, || {
                format!("sorted rows of table \"{title}\" by {column}")
            });
        }
        if pass.enabled("grid-order") && sort_grid(table) {
            pass.note(table.lines.0, "grid-order", || {
                format!("sorted the records of table \"{title}\"")
            });
        }
        if pass.enabled("id-lists") && sort_id_lists(&mut table.body) {
            pass.note(table.lines.0, "id-lists", || {
                format!("sorted a list of identifiers in table \"{title}\"")
            });
        }
    }

    /// Cleans a cell no column rule claimed: leader markers, peer lists, shapes, durations.
    fn cell(cell: &mut String, column: &Column, line: usize, title: &str, pass: &mut Pass) {
        let name = column.name;
        if pass.enabled("leader-marker") {
            let stripped = if column.key {
                cell.strip_suffix(MARKERS).map(str::to_owned)
            } else {
                peer_list(cell, column.peers)
            };
            if let Some(s) = stripped.filter(|s| s != cell) {
                *cell = s;
                pass.note(line, "leader-marker", || {
                    format!("removed leader marker in {name} column of table \"{title}\"")
                });
            }
        }
        pass.shapes(cell, line);
        if !column.config && pass.enabled("duration") && redact::is_duration(cell) {
            *cell = "[duration]".to_owned();
            pass.note(line, "duration", || {
                format!("masked a measured duration in {name} column of table \"{title}\"")
            });
        }
    }

    /// Masks and cleans a key/value block.
    pub(crate) fn keys(&self, block: &mut keyvalue::Block, pass: &mut Pass) {
        let section = block.section.clone().unwrap_or_default();
        let mut peers = None;
        for (i, item) in block.items.iter_mut().enumerate() {
            let rule = self.keys.iter().find(|r| {
                pass.enabled(&r.name)
                    && r.names.iter().any(|n| n.eq_ignore_ascii_case(&item.key))
                    && in_scope(&r.scope, &section)
            });
            let line = item.line;
            let key = item.key.clone();
            let what = || {
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
                    let mut list: Vec<String> = std::iter::once(std::mem::take(&mut item.value))
                        .chain(item.more.iter_mut().map(|(_, m)| std::mem::take(m)))
                        .collect();
                    for v in &mut list {
                        pass.shapes(v, line);
                    }
                    if placeholder::sort_changed(&mut list, |v| {
                        placeholder::sort_key([v.as_str()], [v.as_str()])
                    }) {
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
                        pass.note(line, &rule.name, what);
                    }
                }
                None => {
                    pass.shapes(&mut item.value, line);
                    for (n, more) in &mut item.more {
                        pass.shapes(more, *n);
                    }
                    if pass.enabled("leader-marker")
                        && let Some(s) = peer_list(&item.value, false).filter(|s| *s != item.value)
                    {
                        item.value = s;
                        pass.note(line, "leader-marker", || {
                            format!("removed leader marker in {key}")
                        });
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
    fn peers(block: &mut keyvalue::Block, first: usize, name: &str, pass: &mut Pass) {
        let is_peer = |k: &str| k.eq_ignore_ascii_case("leader") || k.eq_ignore_ascii_case("replica");
        let mut names = Vec::new();
        let mut leader_line = None;
        for item in block.items.iter().filter(|i| is_peer(&i.key)) {
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
                key: "Leader".to_owned(),
                value: "[leader]".to_owned(),
                more: Vec::new(),
            });
        }
        rewritten.extend(names.into_iter().map(|(value, line)| keyvalue::Item {
            line,
            key: "Replica".to_owned(),
            value,
            more: Vec::new(),
        }));
        let rest: Vec<keyvalue::Item> = block.items.drain(first..).collect();
        let changed = rest.iter().filter(|i| is_peer(&i.key)).ne(rewritten.iter());
        block.items.extend(rewritten);
        block.items.extend(rest.into_iter().filter(|i| !is_peer(&i.key)));
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
fn apply(action: &Action, value: &mut String, in_body: bool, pass: &mut Pass) -> bool {
    let new = match action {
        Action::Mask { with, fill } if !value.is_empty() || (*fill && in_body) => with.clone(),
        Action::Id(class) if !value.is_empty() && !is_placeholder(value) => {
            // A NUID (a service instance id) keeps the class the `nuid` shape rule gives it
            // elsewhere, so the same id in a table and in text gets the same placeholder.
            let class = if redact::is_whole_nuid(value) || pass.tokens.is_known_nuid(value) {
                "nuid"
            } else {
                class
            };
            pass.tokens.token(class, value)
        }
        _ => return false,
    };
    if *value == new {
        return false;
    }
    *value = new;
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

/// Sorts body rows by a column, keeping continuation rows (empty first cell) with their row.
/// Returns true if the order changed.
fn sort_rows(body: &mut Vec<Row>, by: usize) -> bool {
    let mut groups: Vec<Vec<Row>> = Vec::new();
    for row in body.drain(..) {
        match groups.last_mut() {
            Some(group) if row.cells.first().is_some_and(String::is_empty) => group.push(row),
            _ => groups.push(vec![row]),
        }
    }
    let changed = placeholder::sort_changed(&mut groups, |g| {
        let first = g[0].cells.iter().map(String::as_str);
        placeholder::sort_key(
            std::iter::once(g[0].cells[by].as_str()).chain(first.clone()),
            first,
        )
    });
    body.extend(groups.into_iter().flatten());
    changed
}

/// How many columns a record has when the header repeats a group of columns
/// (`Subject │ Count │ Subject │ Count`): records are then laid out row by row, several per row.
fn grid_width(header: &[String]) -> Option<usize> {
    let n = header.len();
    (1..=n / 2)
        .filter(|k| n.is_multiple_of(*k))
        .find(|&k| header.chunks(k).all(|c| c == &header[..k]))
}

/// Sorts the records of a grid table (see [`grid_width`]), which natscli fills in hash or
/// reply order, and lays them out again row by row. Returns true if the order changed.
fn sort_grid(table: &mut Table) -> bool {
    let Some(k) = table.header.first().and_then(|h| grid_width(&h.cells)) else {
        return false;
    };
    let empty = vec![String::new(); k];
    let mut records: Vec<Vec<String>> = table
        .body
        .iter()
        .flat_map(|r| r.cells.chunks(k).map(<[String]>::to_vec))
        .filter(|r| *r != empty)
        .collect();
    let changed = placeholder::sort_changed(&mut records, |r| {
        let texts = r.iter().map(String::as_str);
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
fn sort_id_lists(body: &mut [Row]) -> bool {
    let mut changed = false;
    let mut start = 0;
    while start < body.len() {
        let len = 1 + body[start + 1..]
            .iter()
            .take_while(|r| r.cells.first().is_some_and(String::is_empty))
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
            let is_id = |v: &String| {
                let key = placeholder::order_key(v);
                key.starts_with('[') && key.ends_with(']') && !key[1..].contains(['[', ' '])
            };
            if !only_c || !group.iter().all(|r| is_id(&r.cells[c])) {
                continue;
            }
            let mut list: Vec<String> = group
                .iter_mut()
                .map(|r| std::mem::take(&mut r.cells[c]))
                .collect();
            changed |=
                placeholder::sort_changed(&mut list, |v| placeholder::sort_key([v.as_str()], [v.as_str()]));
            for (row, v) in group.iter_mut().zip(list) {
                row.cells[c] = v;
            }
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let row = |line, a: &str, b: &str| Row {
            line,
            cells: vec![a.to_owned(), b.to_owned()],
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
    fn built_in_names_are_listed() {
        let listed = |n: &str| NAMES.contains(&n);
        for r in built_in_columns().iter().chain(&built_in_keys()) {
            assert!(listed(&r.name), "{}", r.name);
        }
        assert!(built_in_sorts().iter().all(|s| listed(&s.name)));
    }
}
