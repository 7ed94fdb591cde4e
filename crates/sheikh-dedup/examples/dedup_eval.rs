//! Accuracy and speed evaluation over a directory of source files (see
//! `scripts/dedup/eval.py`, which fetches the corpus and runs this).
//!
//! ```text
//! cargo run --release -p sheikh-dedup --example dedup_eval -- DIR OUT.json [none|estimated|exact]
//! ```
//!
//! Reads every `.js/.mjs/.cjs/.ts/.jsx/.tsx` file under DIR (sorted by path), then
//! times on 1 and 2 threads: MinHash signatures alone, and the whole near dedup
//! (signatures + LSH + verification + union-find clustering). Writes OUT.json with the
//! files, timings, linked pairs and clusters, plus "net" pairs: every pair colliding
//! in an independent, very permissive LSH (32 bands × 4 rows, another seed) that the
//! script adds to the candidates whose exact Jaccard it computes for the truth.
//!
//! Environment (all optional; for parameter sweeps, see `scripts/dedup/sweep.py`):
//! - `SHEIKH_EVAL_BANDS` and `SHEIKH_EVAL_ROWS`: LSH bands × rows instead of the default;
//! - `SHEIKH_EVAL_FN_WEIGHT`: `false_negative_weight` (and `1 −` it as
//!   `false_positive_weight`) for the `optimal_param` choice;
//! - `SHEIKH_EVAL_SEED`: MinHash seed instead of the default 42;
//! - `SHEIKH_EVAL_THREADS`: comma-separated thread counts (default `1,2`);
//! - `SHEIKH_EVAL_REPEATS`: best of how many runs (default 3);
//! - `SHEIKH_EVAL_NO_NET=1`: skip the permissive net (timing-only runs);
//! - `SHEIKH_EVAL_PAIRS=PAIRS.json` (a list of `[a, b]` file indices): writes, for each
//!   pair, the exact Jaccard of the Rust shingle sets, how many LSH bands the two
//!   signatures share and how many of the `num_perm` signature values are equal (to
//!   tell pairs missed by LSH chance from pairs lost by shingling).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::json;
use sheikh_dedup::{DedupConfig, KeepPolicy, NearDedup, Scratch, Sketcher, Verification};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            walk(&p, out)?;
        } else if matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("js" | "mjs" | "cjs" | "ts" | "jsx" | "tsx")
        ) {
            out.push(p);
        }
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: dedup_eval DIR OUT.json [none|estimated|exact]");
        std::process::exit(2);
    }
    let root = PathBuf::from(&args[1]);
    let verify = match args.get(3).map(String::as_str) {
        None | Some("estimated") => Verification::Estimated,
        Some("exact") => Verification::Exact,
        Some("none") => Verification::None,
        Some(other) => return Err(format!("unknown verification {other}").into()),
    };
    let mut paths = Vec::new();
    walk(&root, &mut paths)?;
    paths.sort();
    let mut names = Vec::new();
    let mut texts = Vec::new();
    let mut skipped = 0;
    for p in &paths {
        match String::from_utf8(std::fs::read(p)?) {
            Ok(t) => {
                names.push(p.strip_prefix(&root)?.to_string_lossy().into_owned());
                texts.push(t);
            }
            Err(_) => skipped += 1,
        }
    }
    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    let refs: Vec<&str> = texts.iter().map(|t| t.as_str()).collect();
    let keys = vec![0.0; refs.len()];
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let mut cfg = DedupConfig {
        verify,
        exact: false,
        keep: KeepPolicy::First,
        ..Default::default()
    };
    if let (Some(b), Some(r)) = (env("SHEIKH_EVAL_BANDS"), env("SHEIKH_EVAL_ROWS")) {
        cfg.bands = Some(b.parse()?);
        cfg.rows = Some(r.parse()?);
    }
    if let Some(w) = env("SHEIKH_EVAL_FN_WEIGHT") {
        cfg.false_negative_weight = w.parse()?;
        cfg.false_positive_weight = 1.0 - cfg.false_negative_weight;
    }
    if let Some(s) = env("SHEIKH_EVAL_SEED") {
        cfg.seed = s.parse()?;
    }
    let thread_counts: Vec<usize> = match env("SHEIKH_EVAL_THREADS") {
        Some(t) => t
            .split(',')
            .map(|x| x.trim().parse())
            .collect::<Result<_, _>>()?,
        None => vec![1, 2],
    };
    let repeats: usize = env("SHEIKH_EVAL_REPEATS").map_or(Ok(3), |r| r.parse())?;
    let params = cfg.lsh_params()?;
    eprintln!(
        "LSH {} bands x {} rows, seed {}, verify {:?}",
        params.bands, params.rows, cfg.seed, cfg.verify
    );
    eprintln!(
        "{} files, {} bytes ({} not UTF-8)",
        refs.len(),
        bytes,
        skipped
    );

    let mut timings = Vec::new();
    let mut result = None;
    let mut index_bytes = 0;
    for &threads in &thread_counts {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()?;
        let (sig_s, near_s, split, res, ib) =
            pool.install(|| -> Result<_, sheikh_dedup::DedupError> {
                // Signatures alone (shingling + MinHash), best of `repeats`.
                let sketcher = Sketcher::new(&cfg)?;
                let mut best_sig = f64::INFINITY;
                for _ in 0..repeats.max(1) {
                    let t = Instant::now();
                    let n: usize = {
                        use rayon::prelude::*;
                        refs.par_iter()
                            .map_init(Scratch::default, |s, t| {
                                sketcher.signature(t, s).1[0] as usize & 1
                            })
                            .sum()
                    };
                    std::hint::black_box(n);
                    best_sig = best_sig.min(t.elapsed().as_secs_f64());
                }
                // Whole near dedup, best of `repeats`.
                let mut best = f64::INFINITY;
                let mut split = (0.0, 0.0);
                let mut res = None;
                let mut ib = 0;
                for _ in 0..repeats.max(1) {
                    let t = Instant::now();
                    let mut idx = NearDedup::new(&cfg)?;
                    idx.add(&refs, &keys)?;
                    let added = t.elapsed().as_secs_f64();
                    let text = |i: u64| refs[i as usize];
                    let r = idx.finish(Some(&text))?;
                    let total = t.elapsed().as_secs_f64();
                    if total < best {
                        best = total;
                        split = (added, total - added);
                    }
                    ib = idx.heap_bytes();
                    res = Some(r);
                }
                Ok((best_sig, best, split, res.expect("ran"), ib))
            })?;
        eprintln!(
            "threads {threads}: signatures {sig_s:.3}s ({:.1} MB/s), near dedup {near_s:.3}s (sketch and index {:.3}s, pairs + verification + clustering {:.3}s), {} clusters, {} removed",
            bytes as f64 / 1e6 / sig_s,
            split.0,
            split.1,
            res.clusters.len(),
            res.removed.len()
        );
        timings.push(json!({
            "threads": threads,
            "signature_seconds": sig_s,
            "signature_mb_per_s": bytes as f64 / 1e6 / sig_s,
            "near_dedup_seconds": near_s,
            "near_dedup_add_seconds": split.0,
            "near_dedup_finish_seconds": split.1,
        }));
        if let Some(prev) = &result {
            if *prev != res {
                return Err("results differ between thread counts".into());
            }
        }
        result = Some(res);
        index_bytes = ib;
    }
    let res = result.expect("ran");

    // The independent permissive net for the truth's candidate set (skipped with
    // SHEIKH_EVAL_NO_NET=1, for timing-only runs).
    let skip_net = std::env::var_os("SHEIKH_EVAL_NO_NET").is_some();
    let net_cfg = DedupConfig {
        bands: Some(32),
        rows: Some(4),
        seed: 0x005E_ED0F_7E57,
        verify: Verification::None,
        ..Default::default()
    };
    let net = Sketcher::new(&net_cfg)?;
    let sketches = net.sketch_all(&refs);
    let mut net_pairs: HashSet<(u32, u32)> = HashSet::new();
    let mut capped = 0;
    for band in 0..if skip_net { 0 } else { 32 } {
        let mut order: Vec<(u64, u32)> = sketches
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.bands.is_empty())
            .map(|(i, s)| (s.bands[band], i as u32))
            .collect();
        order.sort_unstable();
        for bucket in order.chunk_by(|a, b| a.0 == b.0) {
            if bucket.len() > 3000 {
                capped += 1;
                continue;
            }
            for i in 0..bucket.len() {
                for j in i + 1..bucket.len() {
                    net_pairs.insert((bucket[i].1, bucket[j].1));
                }
            }
        }
    }
    let mut net_pairs: Vec<(u32, u32)> = net_pairs.into_iter().collect();
    net_pairs.sort_unstable();
    eprintln!(
        "net: {} candidate pairs ({} buckets over 3000 skipped)",
        net_pairs.len(),
        capped
    );

    // Per-pair diagnostics for pairs the caller names (e.g. the truth pairs missed).
    let mut diagnostics = Vec::new();
    if let Some(path) = env("SHEIKH_EVAL_PAIRS") {
        let pairs: Vec<(usize, usize)> = serde_json::from_slice(&std::fs::read(path)?)?;
        let sketcher = Sketcher::new(&cfg)?;
        let mut scratch = Scratch::default();
        let (mut sa, mut sb, mut tmp) = (Vec::new(), Vec::new(), Vec::new());
        for (a, b) in pairs {
            let (oa, siga) = sketcher.signature(refs[a], &mut scratch);
            let (ob, sigb) = sketcher.signature(refs[b], &mut scratch);
            sketcher.shingler().hashes(refs[a], &mut sa, &mut tmp);
            sketcher.shingler().hashes(refs[b], &mut sb, &mut tmp);
            let equal_values = siga.iter().zip(&sigb).filter(|(x, y)| x == y).count();
            let shared_bands = (0..params.bands)
                .filter(|&band| {
                    let r = params.rows;
                    siga[band * r..(band + 1) * r] == sigb[band * r..(band + 1) * r]
                })
                .count();
            diagnostics.push(json!({
                "pair": [a, b],
                "jaccard": sheikh_dedup::shingle::jaccard_sorted(&sa, &sb),
                "shingles": [sa.len(), sb.len()],
                "outcomes": [format!("{oa:?}"), format!("{ob:?}")],
                "equal_signature_values": equal_values,
                "shared_bands": shared_bands,
            }));
        }
    }

    let clusters: Vec<&Vec<u64>> = res.clusters.iter().map(|c| &c.members).collect();
    let out = json!({
        "files": names,
        "bytes": bytes,
        "not_utf8": skipped,
        "config": cfg,
        "lsh": {"bands": params.bands, "rows": params.rows, "seed": cfg.seed,
                "probability_at_threshold": params.probability(cfg.threshold)},
        "timings": timings,
        "index_bytes": index_bytes,
        "index_bytes_per_document": index_bytes as f64 / refs.len().max(1) as f64,
        "pairs": res.pairs,
        "edges": res.edges,
        "clusters": clusters,
        "removed": res.removed.len(),
        "net_pairs": net_pairs,
        "net_capped_buckets": capped,
        "pair_diagnostics": diagnostics,
    });
    std::fs::write(&args[2], serde_json::to_vec(&out)?)?;
    Ok(())
}
