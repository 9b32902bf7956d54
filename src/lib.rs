//! nbe: runs, tests, records and publishes NATS documentation examples.

pub mod normalize;
