//! `--partition K/N`: a deterministic split of the examples across CI machines.

use std::str::FromStr;

/// Partition `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    index: usize,
    count: usize,
}

/// A text that is not a partition; the message says what a valid one looks like.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid partition {0:?}: use K/N with 1 <= K <= N, like 2/3")]
pub struct InvalidPartition(String);

impl FromStr for Partition {
    type Err = InvalidPartition;

    fn from_str(text: &str) -> Result<Self, InvalidPartition> {
        let invalid = || InvalidPartition(text.to_string());
        let (index, count) = text.split_once('/').ok_or_else(invalid)?;
        let index: usize = index.trim().parse().map_err(|_| invalid())?;
        let count: usize = count.trim().parse().map_err(|_| invalid())?;
        if index == 0 || count == 0 || index > count {
            return Err(invalid());
        }
        Ok(Self { index, count })
    }
}

impl Partition {
    /// Whether the example at `position` in catalog order belongs to this partition.
    ///
    /// Round-robin over examples, so partitions stay balanced, every example lands in exactly one,
    /// and all clients of an example run on the same machine.
    pub fn contains(self, position: usize) -> bool {
        position % self.count == self.index - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_position_lands_in_exactly_one_partition() {
        for count in 1..6 {
            let parts: Vec<Partition> = (1..=count)
                .map(|k| format!("{k}/{count}").parse().unwrap())
                .collect();
            for position in 0..50 {
                assert_eq!(parts.iter().filter(|p| p.contains(position)).count(), 1);
            }
        }
    }

    #[test]
    fn rejects_nonsense() {
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", ""] {
            assert!(
                bad.parse::<Partition>()
                    .unwrap_err()
                    .to_string()
                    .contains("like 2/3"),
                "{bad}"
            );
        }
    }
}
