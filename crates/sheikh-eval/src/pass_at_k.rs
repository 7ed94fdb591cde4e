//! The unbiased pass@k estimator of Chen et al. (2021), "Evaluating Large Language
//! Models Trained on Code" (Codex), and its mean over tasks.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Unbiased pass@k for one task with `n` samples of which `c` passed:
/// `1 - C(n - c, k) / C(n, k)`, computed as `1 - Π_{i = n-c+1}^{n} (1 - k / i)` so
/// that it is stable for large `n`. `None` when `k` is 0, `k > n` or `c > n`.
///
/// ```
/// use sheikh_eval::pass_at_k;
/// assert_eq!(pass_at_k(10, 0, 1), Some(0.0));
/// assert!((pass_at_k(10, 3, 1).unwrap() - 0.3).abs() < 1e-12);
/// assert_eq!(pass_at_k(10, 8, 3), Some(1.0)); // fewer than 3 failures
/// assert_eq!(pass_at_k(5, 1, 10), None);
/// ```
pub fn pass_at_k(n: u64, c: u64, k: u64) -> Option<f64> {
    if k == 0 || k > n || c > n {
        return None;
    }
    if n - c < k {
        return Some(1.0);
    }
    let mut prod = 1.0f64;
    for i in (n - c + 1)..=n {
        prod *= 1.0 - k as f64 / i as f64;
    }
    Some(1.0 - prod)
}

/// Mean pass@k over tasks, for several k.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PassAtK {
    /// For each k: the sum of per-task estimates and the number of tasks with `n ≥ k`.
    sums: BTreeMap<u64, (f64, u64)>,
    /// Tasks added.
    pub tasks: u64,
    /// Samples executed.
    pub samples: u64,
    /// Samples that passed.
    pub passed: u64,
}

impl PassAtK {
    /// An empty aggregate for the given k values.
    pub fn new(ks: &[u64]) -> Self {
        PassAtK {
            sums: ks.iter().map(|&k| (k, (0.0, 0))).collect(),
            ..Default::default()
        }
    }

    /// Adds a task with `n` samples of which `c` passed; k values above `n` skip it.
    pub fn add_task(&mut self, n: u64, c: u64) {
        self.tasks += 1;
        self.samples += n;
        self.passed += c;
        for (&k, (sum, count)) in self.sums.iter_mut() {
            if let Some(p) = pass_at_k(n, c, k) {
                *sum += p;
                *count += 1;
            }
        }
    }

    /// Merges another aggregate over the same k values.
    pub fn merge(&mut self, other: &PassAtK) {
        self.tasks += other.tasks;
        self.samples += other.samples;
        self.passed += other.passed;
        for (&k, &(s, c)) in &other.sums {
            let e = self.sums.entry(k).or_insert((0.0, 0));
            e.0 += s;
            e.1 += c;
        }
    }

    /// `k → (mean pass@k, tasks counted)`; the mean is `None` when no task had k
    /// samples.
    pub fn values(&self) -> BTreeMap<u64, (Option<f64>, u64)> {
        self.sums
            .iter()
            .map(|(&k, &(s, c))| (k, ((c > 0).then(|| s / c as f64), c)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Direct binomial form, fine for small n.
    fn binomial_form(n: u64, c: u64, k: u64) -> f64 {
        fn choose(n: u64, k: u64) -> f64 {
            if k > n {
                return 0.0;
            }
            (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
        }
        1.0 - choose(n - c, k) / choose(n, k)
    }

    #[test]
    fn matches_binomial_form() {
        for n in 1..=20u64 {
            for c in 0..=n {
                for k in 1..=n {
                    let a = pass_at_k(n, c, k).unwrap();
                    assert!(
                        (a - binomial_form(n, c, k)).abs() < 1e-9,
                        "n={n} c={c} k={k}"
                    );
                }
            }
        }
    }

    #[test]
    fn known_values() {
        // n = 200, c = 1: pass@1 = 1/200, pass@100 = 100/200.
        assert!((pass_at_k(200, 1, 1).unwrap() - 0.005).abs() < 1e-12);
        assert!((pass_at_k(200, 1, 100).unwrap() - 0.5).abs() < 1e-12);
        // n = 5, c = 2, k = 2: 1 - C(3,2)/C(5,2) = 1 - 3/10.
        assert!((pass_at_k(5, 2, 2).unwrap() - 0.7).abs() < 1e-12);
        // Large n stays finite where the binomials would overflow.
        let p = pass_at_k(10_000, 37, 100).unwrap();
        assert!(p > 0.0 && p < 1.0);
        assert_eq!(pass_at_k(3, 0, 0), None);
    }

    #[test]
    fn aggregate_skips_tasks_with_too_few_samples() {
        let mut agg = PassAtK::new(&[1, 10]);
        agg.add_task(1, 1);
        agg.add_task(10, 0);
        let v = agg.values();
        assert_eq!(v[&1], (Some(0.5), 2));
        assert_eq!(v[&10], (Some(0.0), 1));
        assert_eq!((agg.samples, agg.passed), (11, 1));
    }
}
