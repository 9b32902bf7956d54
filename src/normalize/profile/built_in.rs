//! The built-in profile for the `nats` CLI: which columns, keys and tables of natscli v0.5.0
//! output hold values that change between runs, as data. The engine in [`super`] applies them.
//!
//! A new volatile column or key is one row in these tables, with its own rule name (used in
//! explanations and `disable:`, and documented in `docs/normalization.md`).

use std::sync::LazyLock;

use regex::Regex;

use super::{Action, Rule, Sort};

/// Suffixes natscli puts on server names: `*` for the leader, `!` for a replica that is offline or
/// not current. Both depend on timing.
pub(super) const MARKERS: [char; 2] = ['*', '!'];

/// How `nats server report jetstream` names the meta leader's cluster in the RAFT table title.
pub(super) const LEAD_CLUSTER: &str = "Lead cluster: ";

/// Names conventionally given to the system account.
pub(super) const SYSTEM_ACCOUNTS: [&str; 3] = ["$SYS", "SYS", "SYSTEM"];

/// Traffic counters of account tables.
pub(super) const TRAFFIC_COLUMNS: [&str; 4] = ["In Msgs", "Out Msgs", "In Bytes", "Out Bytes"];

/// Subscription counters of account tables.
pub(super) const SUBSCRIPTION_COLUMNS: [&str; 2] = ["Subs", "Subscriptions"];

/// Column headers that hold lists of servers whose order (and leader marker) varies between runs.
pub(super) const PEER_COLUMNS: [&str; 5] = ["replicas", "cluster", "peers", "servers", "nodes"];

fn scope(pattern: &str) -> Option<Regex> {
    Some(Regex::new(&format!("(?i){pattern}")).expect("valid built-in scope"))
}

pub(super) fn mask(with: &str) -> Action {
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

/// The built-in column rules, compiled once.
pub(super) static COLUMNS: LazyLock<Vec<Rule>> = LazyLock::new(columns);

/// The built-in sort rules, compiled once.
pub(super) static SORTS: LazyLock<Vec<Sort>> = LazyLock::new(sorts);

/// The built-in key rules, compiled once.
pub(super) static KEYS: LazyLock<Vec<Rule>> = LazyLock::new(keys);

fn columns() -> Vec<Rule> {
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

fn sorts() -> Vec<Sort> {
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

fn keys() -> Vec<Rule> {
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
