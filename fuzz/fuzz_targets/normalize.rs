//! Fuzz target: no input makes the normalizer panic, and its output is a fixed point.

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use nbe::normalize::{Normalizer, Rules};

static NORMALIZER: LazyLock<Normalizer> =
    LazyLock::new(|| Normalizer::new(&Rules::default()).expect("built-in rules compile"));

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let once = NORMALIZER.normalize(&text);
    assert_eq!(NORMALIZER.normalize(&once), once, "normalizing twice changed the output");
});
