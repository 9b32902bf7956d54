//! Normalizer throughput, in bytes of input per second, on four inputs:
//!
//! - `mix`: every recorded fixture in `tests/fixtures/normalize` (server, cluster, stream,
//!   consumer, KV, object store, service and bench output, reports, JSON, key/value sections,
//!   prose) one after the other, cycled to about 1 MiB: what a catalog's outputs look like;
//! - `random-bytes`: 1 MiB of pseudo-random bytes read as `nbe normalize` reads a file (invalid
//!   UTF-8 becomes U+FFFD): the worst case a broken example can produce;
//! - `recorded-run` and `server-tables`: the supercluster-arbiter recording and its Server
//!   Overview table, each repeated to about 1 MiB (kept from the first version of this bench).
//!
//! Time is the CPU time of the thread that normalizes, not wall-clock time: the machine this
//! runs on is usually shared, and a run that waits for a core is not a slower normalizer. (A busy
//! machine still slows it some: shared caches and memory bandwidth.) Results are written down in
//! `docs/PERFORMANCE.md`, never asserted.

use std::hint::black_box;
use std::path::Path;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nbe::normalize::{Normalizer, Rules};

/// The size every input is brought to.
const SIZE: usize = 1 << 20;

/// `unit` repeated to at least [`SIZE`] bytes.
fn cycled(unit: &str) -> String {
    unit.repeat(SIZE / unit.len() + 1)
}

/// Every fixture, in name order, each ending with a blank line so no two run together.
fn mix() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/normalize");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("the fixtures directory")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    let mut all = String::new();
    for path in paths {
        all.push_str(&std::fs::read_to_string(&path).expect("a readable fixture"));
        all.push_str("\n\n");
    }
    cycled(&all)
}

/// [`SIZE`] bytes from a fixed-seed xorshift generator, so every run measures the same input.
fn random_bytes() -> String {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..SIZE)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 32) as u8
        })
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A recorded run: server, cluster, JetStream and RAFT tables, server and stream info sections,
/// and prose, as a long example prints them.
const RUN: &str = include_str!("../tests/fixtures/normalize/supercluster-arbiter.run1.txt");

/// The run's Server Overview table: the widest and most masked table the `nats` CLI prints.
fn server_table() -> &'static str {
    let start = RUN.find("╭").expect("a table");
    let end = RUN[start..].find("╯\n").expect("its end") + start + "╯\n".len();
    &RUN[start..end]
}

/// CPU time of the calling thread, in nanoseconds.
struct ThreadTime;

fn thread_nanos() -> u64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid, writable timespec for the duration of the call.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    assert_eq!(status, 0, "CLOCK_THREAD_CPUTIME_ID is available on Linux");
    now.tv_sec as u64 * 1_000_000_000 + now.tv_nsec as u64
}

impl Measurement for ThreadTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        thread_nanos()
    }

    fn end(&self, start: u64) -> u64 {
        thread_nanos() - start
    }

    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }

    fn zero(&self) -> u64 {
        0
    }

    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        // Values are nanoseconds, as wall-clock ones are: the same formatting fits.
        static WALL: WallTime = WallTime;
        WALL.formatter()
    }
}

fn bench(c: &mut Criterion<ThreadTime>) {
    let normalizer = Normalizer::new(&Rules::default()).expect("built-in rules compile");
    let mut group = c.benchmark_group("normalize");
    let inputs = [
        ("mix", mix()),
        ("random-bytes", random_bytes()),
        ("recorded-run", cycled(RUN)),
        ("server-tables", cycled(server_table())),
    ];
    for (name, input) in inputs {
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_function(name, |b| b.iter(|| normalizer.normalize(black_box(&input))));
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(ThreadTime).sample_size(20);
    targets = bench
}
criterion_main!(benches);
