//! Deterministic train/valid/test split by repository, so a repository never spans two
//! partitions.

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

/// A dataset partition, as in CodeSearchNet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Partition {
    /// 80% of repositories.
    Train,
    /// 10% of repositories.
    Valid,
    /// 10% of repositories.
    Test,
}

impl Partition {
    /// `"train"`, `"valid"` or `"test"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Partition::Train => "train",
            Partition::Valid => "valid",
            Partition::Test => "test",
        }
    }
}

/// The partition of a repository: xxh3-64 of the repository name (seed 0) modulo 100,
/// `< 80` train, `< 90` valid, else test. Stable across runs, machines and thread
/// counts. Documents without a repository use the empty name (all in one partition).
///
/// ```
/// use sheikh_syntax::{partition_for_repo, Partition};
/// let p = partition_for_repo("facebook/react");
/// assert_eq!(p, partition_for_repo("facebook/react"));
/// assert!(matches!(p, Partition::Train | Partition::Valid | Partition::Test));
/// ```
pub fn partition_for_repo(repo: &str) -> Partition {
    match xxh3_64(repo.as_bytes()) % 100 {
        0..=79 => Partition::Train,
        80..=89 => Partition::Valid,
        _ => Partition::Test,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_is_close_to_80_10_10() {
        let mut counts = [0usize; 3];
        for i in 0..20_000 {
            let p = partition_for_repo(&format!("owner{i}/repo{}", i * 7));
            counts[p as usize] += 1;
        }
        let share = |c: usize| c as f64 / 20_000.0;
        assert!((share(counts[0]) - 0.8).abs() < 0.02, "{counts:?}");
        assert!((share(counts[1]) - 0.1).abs() < 0.02, "{counts:?}");
        assert!((share(counts[2]) - 0.1).abs() < 0.02, "{counts:?}");
    }

    #[test]
    fn known_values_are_stable() {
        // Pinned so a change of hash, seed or thresholds is noticed: buckets 34, 84, 92, 41.
        assert_eq!(partition_for_repo("org/repo0"), Partition::Train);
        assert_eq!(partition_for_repo("org/repo11"), Partition::Valid);
        assert_eq!(partition_for_repo("org/repo15"), Partition::Test);
        assert_eq!(partition_for_repo("facebook/react"), Partition::Train);
        assert_eq!(xxh3_64(b"org/repo15") % 100, 92);
    }
}
