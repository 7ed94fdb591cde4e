//! Exact deduplication: 128-bit xxh3 of the content, optionally whitespace-normalised.

use std::collections::HashMap;

use xxhash_rust::xxh3::{xxh3_128, Xxh3};

/// The 128-bit xxh3 of the content, or of its whitespace-normalised form (runs of
/// whitespace count as one space; leading and trailing whitespace is ignored), hashed
/// without building the normalised string.
///
/// ```
/// use sheikh_dedup::exact::content_hash;
/// assert_eq!(content_hash("a  b\n", true), content_hash("a b", true));
/// assert_ne!(content_hash("a  b\n", false), content_hash("a b", false));
/// ```
pub fn content_hash(content: &str, normalize_whitespace: bool) -> u128 {
    if !normalize_whitespace {
        return xxh3_128(content.as_bytes());
    }
    let mut h = Xxh3::new();
    for (i, word) in content.split_whitespace().enumerate() {
        if i > 0 {
            h.update(b" ");
        }
        h.update(word.as_bytes());
    }
    h.digest128()
}

/// Remembers the first document of each content hash, in the order documents are
/// offered.
#[derive(Debug, Default, Clone)]
pub struct ExactDedup {
    first: HashMap<u128, u64>,
}

impl ExactDedup {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// Offers document `index` with `hash`: `None` if it is the first with this hash
    /// (keep it), or `Some(first index)` if it duplicates an earlier one.
    pub fn check(&mut self, hash: u128, index: u64) -> Option<u64> {
        match self.first.entry(hash) {
            std::collections::hash_map::Entry::Occupied(e) => Some(*e.get()),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(index);
                None
            }
        }
    }

    /// Distinct contents seen.
    pub fn len(&self) -> usize {
        self.first.len()
    }

    /// True when nothing was offered.
    pub fn is_empty(&self) -> bool {
        self.first.is_empty()
    }

    /// Approximate heap bytes: buckets of (hash, index) plus one control byte each.
    pub fn heap_bytes(&self) -> usize {
        let buckets = (self.first.capacity() * 8 / 7).next_power_of_two();
        buckets * (std::mem::size_of::<(u128, u64)>() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_of_each_group_is_kept() {
        let mut e = ExactDedup::new();
        let docs = ["a", "b", "a", "a ", "b"];
        let got: Vec<_> = docs
            .iter()
            .enumerate()
            .map(|(i, d)| e.check(content_hash(d, false), i as u64))
            .collect();
        assert_eq!(got, vec![None, None, Some(0), None, Some(1)]);
        let mut n = ExactDedup::new();
        assert_eq!(n.check(content_hash("x\t y", true), 0), None);
        assert_eq!(n.check(content_hash(" x y\n", true), 1), Some(0));
        assert_eq!(n.len(), 1);
    }
}
