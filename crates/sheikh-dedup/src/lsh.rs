//! Locality-sensitive hashing over MinHash signatures: the choice of bands and rows
//! ([`optimal_param`]), the S-curve, band hashes, and the linking of one bucket of
//! candidates (shared by the in-memory and the staged runs, so both find the same
//! pairs).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

/// LSH banding: `bands` bands of `rows` signature values each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LshParams {
    /// Number of bands.
    pub bands: usize,
    /// Signature values per band.
    pub rows: usize,
}

impl LshParams {
    /// Probability that two documents of Jaccard similarity `s` share at least one
    /// band, `1 − (1 − s^rows)^bands`.
    pub fn probability(&self, s: f64) -> f64 {
        1.0 - (1.0 - s.powi(self.rows as i32)).powi(self.bands as i32)
    }

    /// The S-curve sampled at `0, 1/steps, …, 1`.
    pub fn s_curve(&self, steps: usize) -> Vec<SCurvePoint> {
        let steps = steps.max(1);
        (0..=steps)
            .map(|i| {
                let similarity = i as f64 / steps as f64;
                SCurvePoint {
                    similarity,
                    probability: self.probability(similarity),
                }
            })
            .collect()
    }
}

/// One point of the S-curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SCurvePoint {
    /// Jaccard similarity of a pair.
    pub similarity: f64,
    /// Probability that such a pair becomes an LSH candidate.
    pub probability: f64,
}

/// Integrates `f` over `[lo, hi]` with composite Simpson's rule.
fn integrate(f: impl Fn(f64) -> f64, lo: f64, hi: f64) -> f64 {
    const N: usize = 1000; // even
    let h = (hi - lo) / N as f64;
    let mut sum = f(lo) + f(hi);
    for i in 1..N {
        let w = if i % 2 == 1 { 4.0 } else { 2.0 };
        sum += w * f(lo + i as f64 * h);
    }
    sum * h / 3.0
}

/// Area under the S-curve below the threshold (false positives).
pub fn false_positive_area(threshold: f64, p: LshParams) -> f64 {
    integrate(|s| p.probability(s), 0.0, threshold)
}

/// Area above the S-curve from the threshold to 1 (false negatives).
pub fn false_negative_area(threshold: f64, p: LshParams) -> f64 {
    integrate(|s| 1.0 - p.probability(s), threshold, 1.0)
}

/// Bands and rows minimising `fp_weight · FP area + fn_weight · FN area` over all
/// `bands · rows ≤ num_perm`, as datasketch's `MinHashLSH` does (first minimum in
/// the order bands = 1.., rows = 1..).
///
/// ```
/// let p = sheikh_dedup::optimal_param(0.8, 128, 0.5, 0.5);
/// assert_eq!((p.bands, p.rows), (9, 13)); // datasketch 2.0.0 gives the same
/// ```
pub fn optimal_param(threshold: f64, num_perm: usize, fp_weight: f64, fn_weight: f64) -> LshParams {
    // The search costs milliseconds; steps of a staged run call it repeatedly.
    type Key = (u64, usize, u64, u64);
    static CACHE: OnceLock<Mutex<HashMap<Key, LshParams>>> = OnceLock::new();
    let key = (
        threshold.to_bits(),
        num_perm,
        fp_weight.to_bits(),
        fn_weight.to_bits(),
    );
    let cache = CACHE.get_or_init(Default::default);
    if let Some(p) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return *p;
    }
    let p = search_optimal_param(threshold, num_perm, fp_weight, fn_weight);
    cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, p);
    p
}

fn search_optimal_param(
    threshold: f64,
    num_perm: usize,
    fp_weight: f64,
    fn_weight: f64,
) -> LshParams {
    let mut best = (f64::INFINITY, LshParams { bands: 1, rows: 1 });
    for bands in 1..=num_perm {
        for rows in 1..=num_perm / bands {
            let p = LshParams { bands, rows };
            let err = fp_weight * false_positive_area(threshold, p)
                + fn_weight * false_negative_area(threshold, p);
            if err < best.0 {
                best = (err, p);
            }
        }
    }
    best.1
}

/// The hash of band `band` of a signature (xxh3-64 of its values, seeded by the band
/// index, so equal rows in different bands do not collide).
pub fn band_hash(signature: &[u64], band: usize, rows: usize) -> u64 {
    let mut h = Xxh3::with_seed(band as u64);
    for v in &signature[band * rows..(band + 1) * rows] {
        h.update(&v.to_le_bytes());
    }
    h.digest()
}

/// Counts from linking buckets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairStats {
    /// Candidate pairs checked (verification calls).
    pub candidates: u64,
    /// Pairs accepted and linked.
    pub linked: u64,
    /// Candidates rejected by verification (LSH false positives kept apart).
    pub rejected: u64,
}

impl PairStats {
    /// Adds another set of counts.
    pub fn add(&mut self, o: &PairStats) {
        self.candidates += o.candidates;
        self.linked += o.linked;
        self.rejected += o.rejected;
    }
}

/// Links the `n` members of one LSH bucket (positions `0..n`, in global input
/// order), calling `verify(earlier, later)` and `edge(earlier, later)` for each
/// accepted pair.
///
/// Each member is checked against the members of every component formed so far, in
/// order, until one in that component verifies; so the components found are exactly
/// the connected components of the complete verified graph on the bucket, whatever
/// the input order, while a bucket of mutual duplicates costs one check per member.
pub fn link_bucket(
    n: usize,
    mut verify: impl FnMut(usize, usize) -> bool,
    mut edge: impl FnMut(usize, usize),
    stats: &mut PairStats,
) {
    if n < 2 {
        return;
    }
    // Components so far, each a sorted member list, ordered by smallest member.
    let mut comps: Vec<Vec<u32>> = Vec::new();
    for i in 0..n {
        let mut mine: Option<usize> = None;
        let mut k = 0;
        while k < comps.len() {
            let mut matched = None;
            for &m in &comps[k] {
                stats.candidates += 1;
                if verify(m as usize, i) {
                    matched = Some(m as usize);
                    break;
                }
                stats.rejected += 1;
            }
            if let Some(m) = matched {
                stats.linked += 1;
                edge(m, i);
                match mine {
                    None => {
                        comps[k].push(i as u32);
                        mine = Some(k);
                    }
                    Some(q) => {
                        let other = comps.remove(k);
                        let merged = merge_sorted(&comps[q], &other);
                        comps[q] = merged;
                        continue; // comps[k] is now the next component
                    }
                }
            }
            k += 1;
        }
        if mine.is_none() {
            comps.push(vec![i as u32]);
        }
    }
}

fn merge_sorted(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] <= b[j] {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optimal_param_matches_datasketch() {
        // Values printed by datasketch 2.0.0 `MinHashLSH(threshold, num_perm).b, .r`.
        for (t, n, b, r) in [
            (0.8, 128, 9, 13),
            (0.5, 128, 25, 5),
            (0.9, 256, 9, 28),
            (0.7, 64, 8, 8),
        ] {
            let p = optimal_param(t, n, 0.5, 0.5);
            assert_eq!((p.bands, p.rows), (b, r), "threshold {t} num_perm {n}");
        }
    }

    #[test]
    fn s_curve_is_monotone_from_0_to_1() {
        let p = LshParams { bands: 9, rows: 13 };
        let c = p.s_curve(20);
        assert_eq!(c.len(), 21);
        assert_eq!(c[0].probability, 0.0);
        assert!((c[20].probability - 1.0).abs() < 1e-12);
        assert!(c.windows(2).all(|w| w[0].probability <= w[1].probability));
    }

    fn run(n: usize, sim: impl Fn(usize, usize) -> bool) -> (Vec<(usize, usize)>, PairStats) {
        let mut edges = Vec::new();
        let mut st = PairStats::default();
        link_bucket(n, sim, |a, b| edges.push((a, b)), &mut st);
        (edges, st)
    }

    #[test]
    fn bucket_of_duplicates_costs_one_check_each() {
        let (edges, st) = run(1000, |_, _| true);
        assert_eq!(edges.len(), 999);
        assert_eq!(st.candidates, 999);
        assert!(edges.iter().all(|&(a, _)| a == 0));
    }

    #[test]
    fn components_are_those_of_the_full_graph() {
        // 0~2, 1~2, 0!~1: 2 must join both components.
        let sim = |a: usize, b: usize| matches!((a.min(b), a.max(b)), (0, 2) | (1, 2));
        let (edges, st) = run(3, sim);
        assert_eq!(edges, vec![(0, 2), (1, 2)]);
        assert_eq!(st.rejected, 1);
        // Nothing similar: nothing linked.
        let (edges, st) = run(4, |_, _| false);
        assert!(edges.is_empty());
        assert_eq!(st.candidates, 6);
    }
}
