//! Normalizer throughput on table-heavy text, in bytes per second.
//!
//! Results are written down in `docs/PERFORMANCE.md`, never asserted.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nbe::normalize::{Normalizer, Rules};

/// A recorded run repeated to about 1 MiB: server, cluster, JetStream and RAFT tables, server and
/// stream info sections, and prose, as a long example would print them.
fn recorded() -> String {
    let run = include_str!("../tests/fixtures/normalize/supercluster-arbiter.run1.txt");
    run.repeat((1 << 20) / run.len() + 1)
}

/// Nothing but Server Overview tables, the widest and most masked the `nats` CLI prints.
fn tables_only() -> String {
    let run = include_str!("../tests/fixtures/normalize/supercluster-arbiter.run1.txt");
    let start = run.find("╭").expect("a table");
    let end = run[start..].find("╯\n").expect("its end") + start + "╯\n".len();
    let table = &run[start..end];
    table.repeat((1 << 20) / table.len() + 1)
}

fn bench(c: &mut Criterion) {
    let normalizer = Normalizer::new(&Rules::default()).expect("built-in rules compile");
    let mut group = c.benchmark_group("normalize");
    for (name, input) in [("recorded-run", recorded()), ("server-tables", tables_only())] {
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_function(name, |b| b.iter(|| normalizer.normalize(black_box(&input))));
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
