//! End-to-end properties of the in-memory deduplication.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use common::{corpus, doc, edit, random_text, Rng};
use proptest::prelude::*;
use sheikh_core::{Document, Outcome, Reason, Stage};
use sheikh_dedup::{DedupConfig, DedupStage, KeepPolicy, NearDedup, NearResult, Verification};

/// Runs the stage over `docs` in batches of `batch`; returns id -> (reason, detail)
/// for drops, and the kept ids in output order.
fn run_stage(
    cfg: DedupConfig,
    docs: &[Document],
    batch: usize,
) -> (BTreeMap<String, (Reason, String)>, Vec<String>) {
    let mut stage = DedupStage::new(cfg).unwrap();
    let mut outcomes = Vec::new();
    for chunk in docs.chunks(batch.max(1)) {
        outcomes.extend(stage.process(chunk.to_vec()).unwrap());
    }
    outcomes.extend(stage.finish().unwrap());
    assert_eq!(
        outcomes.len(),
        docs.len(),
        "every document comes out exactly once"
    );
    let mut drops = BTreeMap::new();
    let mut kept = Vec::new();
    for o in outcomes {
        match o {
            Outcome::Keep(d) => kept.push(d.id),
            Outcome::Drop(d, r) => {
                drops.insert(d.id, (r.reason, r.detail));
            }
        }
    }
    (drops, kept)
}

fn near(cfg: &DedupConfig, docs: &[Document]) -> NearResult {
    let mut idx = NearDedup::new(cfg).unwrap();
    idx.add_documents(docs, &cfg.keep).unwrap();
    let text = |i: u64| docs[i as usize].content.as_str();
    idx.finish(Some(&text)).unwrap()
}

/// The clusters as sets of ids.
fn partition(r: &NearResult, docs: &[Document]) -> BTreeSet<BTreeSet<String>> {
    r.clusters
        .iter()
        .map(|c| {
            c.members
                .iter()
                .map(|&m| docs[m as usize].id.clone())
                .collect()
        })
        .collect()
}

fn duplicate_of(detail: &str) -> &str {
    let rest = detail.split(" of ").nth(1).unwrap();
    rest.split(' ').next().unwrap()
}

#[test]
fn near_copies_are_found_and_unrelated_documents_kept() {
    let docs = corpus(7, 30, 3, 400, 1);
    let (drops, kept) = run_stage(DedupConfig::default(), &docs, 17);
    // Each family of 4 (5 with the exact copy) collapses to one document.
    assert_eq!(kept.len(), 30, "kept {kept:?}");
    let exact = drops
        .values()
        .filter(|(r, _)| *r == Reason::ExactDuplicate)
        .count();
    assert_eq!(exact, 6);
    for (id, (_, detail)) in &drops {
        let of = duplicate_of(detail);
        assert_eq!(
            id.split('-').next(),
            of.split('-').next(),
            "{id} dropped as a copy of {of}"
        );
    }
}

#[test]
fn results_do_not_depend_on_thread_count_or_batch_size() {
    let docs = corpus(11, 60, 3, 200, 6);
    let run = |threads: usize, batch: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| run_stage(DedupConfig::default(), &docs, batch))
    };
    let one = run(1, 1000);
    assert_eq!(one, run(2, 1000));
    assert_eq!(one, run(2, 7));
    let longest = DedupConfig {
        keep: KeepPolicy::Longest,
        ..Default::default()
    };
    let pool1 = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let pool2 = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    assert_eq!(
        pool1.install(|| near(&longest, &docs)),
        pool2.install(|| near(&longest, &docs))
    );
}

#[test]
fn clusters_do_not_depend_on_input_order() {
    let docs = corpus(5, 50, 3, 300, 2);
    let mut rev = docs.clone();
    rev.reverse();
    let mut rng = Rng(99);
    let mut shuffled = docs.clone();
    for i in (1..shuffled.len()).rev() {
        shuffled.swap(i, rng.below(i + 1));
    }
    for verify in [
        Verification::None,
        Verification::Estimated,
        Verification::Exact,
    ] {
        let cfg = DedupConfig {
            verify,
            ..Default::default()
        };
        let p = partition(&near(&cfg, &docs), &docs);
        assert!(p.len() >= 40, "{verify:?}: {} clusters", p.len());
        assert_eq!(p, partition(&near(&cfg, &rev), &rev), "{verify:?}");
        assert_eq!(
            p,
            partition(&near(&cfg, &shuffled), &shuffled),
            "{verify:?}"
        );
    }
    // With a policy that does not look at order (distinct lengths), the same
    // documents are removed.
    let cfg = DedupConfig {
        keep: KeepPolicy::Longest,
        exact: false,
        ..Default::default()
    };
    let removed = |d: &[Document]| -> BTreeSet<String> {
        let (drops, _) = run_stage(cfg.clone(), d, 64);
        drops.into_keys().collect()
    };
    let lens: BTreeSet<usize> = docs.iter().map(|d| d.content.len()).collect();
    if lens.len() == docs.len() {
        assert_eq!(removed(&docs), removed(&shuffled));
    }
}

#[test]
fn keep_policies_pick_first_longest_or_highest_metadata() {
    let mut rng = Rng(3);
    let base = random_text(&mut rng, 400);
    let docs = vec![
        doc("a", edit(&mut rng, &base, 2), 5),
        doc("b", format!("{base} extra tail tokens"), 50),
        doc("c", edit(&mut rng, &base, 2), 500),
        doc("d", edit(&mut rng, &base, 2), 500), // ties with c: c, seen first, wins
        doc("lonely", random_text(&mut rng, 400), 1),
    ];
    let kept = |keep: KeepPolicy| {
        let cfg = DedupConfig {
            keep,
            ..Default::default()
        };
        let r = near(&cfg, &docs);
        assert_eq!(r.clusters.len(), 1);
        assert_eq!(r.clusters[0].members, vec![0, 1, 2, 3]);
        docs[r.clusters[0].keeper as usize].id.clone()
    };
    assert_eq!(kept(KeepPolicy::First), "a");
    assert_eq!(kept(KeepPolicy::Longest), "b");
    assert_eq!(kept(KeepPolicy::Metadata("stars".into())), "c");
    // A missing or non-numeric field ranks lowest: the first member wins.
    assert_eq!(kept(KeepPolicy::Metadata("nope".into())), "a");
}

#[test]
fn verification_removes_lsh_false_positives() {
    // 128 bands of one row: any shared MinHash value makes a candidate, so pairs of
    // Jaccard about 0.3 collide; verification must keep them apart.
    let mut rng = Rng(17);
    let shared = random_text(&mut rng, 200);
    let docs: Vec<Document> = (0..6)
        .map(|i| {
            doc(
                &format!("d{i}"),
                format!("{shared} {}", random_text(&mut rng, 500)),
                0,
            )
        })
        .collect();
    let cfg = |verify| DedupConfig {
        verify,
        bands: Some(128),
        rows: Some(1),
        ..Default::default()
    };
    let none = near(&cfg(Verification::None), &docs);
    assert_eq!(
        none.clusters.len(),
        1,
        "unverified candidates merge everything"
    );
    for v in [Verification::Estimated, Verification::Exact] {
        let r = near(&cfg(v), &docs);
        assert!(r.clusters.is_empty(), "{v:?}: {:?}", r.clusters);
        assert!(r.pairs.rejected > 0 && r.pairs.linked == 0);
    }
}

#[test]
fn short_and_empty_documents_are_counted() {
    let docs = vec![
        doc("e1", "".into(), 0),
        doc("e2", "  {} ;; ".into(), 0),
        doc("s1", "let x = 1".into(), 0),
        doc("s2", "let  x=1;".into(), 0), // same tokens as s1
        doc("s3", "let y = 1".into(), 0),
    ];
    let cfg = DedupConfig {
        exact: false,
        ..Default::default()
    };
    let mut stage = DedupStage::new(cfg.clone()).unwrap();
    let report = stage.report_handle();
    stage.process(docs.clone()).unwrap();
    let out = stage.finish().unwrap();
    let dropped: Vec<_> = out
        .iter()
        .filter(|o| matches!(o, Outcome::Drop(..)))
        .map(|o| o.document().id.clone())
        .collect();
    assert_eq!(dropped, ["s2"]);
    let r = report.lock().unwrap().clone();
    assert_eq!(r.shingles.empty, 2);
    assert_eq!(r.shingles.short_single_shingle, 3);
    let keep_short = DedupConfig {
        short_documents: sheikh_dedup::ShortDocuments::Keep,
        ..cfg
    };
    let (drops, _) = run_stage(keep_short, &docs, 10);
    assert!(drops.is_empty());
}

#[test]
fn report_counts_clusters_rate_and_s_curve() {
    let docs = corpus(23, 20, 2, 400, 1);
    let mut stage = DedupStage::new(DedupConfig::default()).unwrap();
    let handle = stage.report_handle();
    for c in docs.chunks(10) {
        stage.process(c.to_vec()).unwrap();
    }
    stage.finish().unwrap();
    let r = handle.lock().unwrap().clone();
    assert_eq!(r.documents, docs.len() as u64);
    assert_eq!(r.removed, r.exact_duplicates + r.near_duplicates);
    assert_eq!(r.removed, docs.len() as u64 - 20);
    assert_eq!(r.clusters, 20);
    assert!((r.duplication_rate - r.removed as f64 / r.documents as f64).abs() < 1e-12);
    let p = DedupConfig::default().lsh_params().unwrap();
    assert_eq!((r.bands, r.rows), (p.bands, p.rows));
    assert_eq!(r.s_curve.len(), 21);
    assert!(r.to_markdown().contains("| 0.80 |"));
    let json = serde_json::to_value(&r).unwrap();
    assert!(json["s_curve"].as_array().unwrap().len() == 21);
}

#[test]
fn index_memory_per_document_is_bounded() {
    let mut rng = Rng(5);
    let n = 9_000;
    let docs: Vec<Document> = (0..n)
        .map(|i| doc(&format!("{i}"), random_text(&mut rng, 30), i))
        .collect();
    // (verification, lower bound from the layout: one u64 per band + a u32 index, plus
    // 128 compact signature bytes for `estimated`; upper bound)
    let bands = DedupConfig::default().lsh_params().unwrap().bands as f64;
    for (verify, floor, bound) in [
        (Verification::Exact, 8.0 * bands + 4.0, 300.0),
        (Verification::Estimated, 8.0 * bands + 132.0, 400.0),
    ] {
        for keep in [KeepPolicy::First, KeepPolicy::Metadata("stars".into())] {
            let cfg = DedupConfig {
                keep,
                verify,
                ..Default::default()
            };
            let mut stage = DedupStage::new(cfg).unwrap();
            for c in docs.chunks(1024) {
                stage.process(c.to_vec()).unwrap();
            }
            stage.finish().unwrap();
            let r = stage.report();
            let per_doc = r.index_bytes_per_document;
            eprintln!(
                "{verify:?} {:?}: {per_doc:.1} index bytes per document",
                r.keep
            );
            assert!(per_doc <= bound, "{verify:?}: {per_doc} bytes/doc");
            assert!(
                per_doc >= floor,
                "{verify:?}: accounting too low: {per_doc}"
            );
        }
    }
}

/// The shipped `configs/pipeline.yaml` states this crate's defaults in its `dedup:`
/// section (the workspace's own test compares the whole file; this one runs with
/// `cargo test -p sheikh-dedup`).
#[test]
fn shipped_pipeline_yaml_states_the_defaults() {
    #[derive(serde::Deserialize)]
    struct Section {
        settings: DedupConfig,
    }
    #[derive(serde::Deserialize)]
    struct Pipeline {
        dedup: Section,
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../configs/pipeline.yaml");
    let text = std::fs::read_to_string(path).unwrap();
    let shipped: Pipeline = sheikh_core::config::from_yaml_str(&text).unwrap();
    assert_eq!(shipped.dedup.settings, DedupConfig::default());
}

#[test]
fn config_reads_from_the_pipeline_yaml() {
    let yaml =
        "threshold: 0.85\nverify: estimated\nkeep:\n  metadata: stars\nshingle: chars\nngram: 8\n";
    let cfg: DedupConfig = sheikh_core::config::from_yaml_str(yaml).unwrap();
    assert_eq!(cfg.keep, KeepPolicy::Metadata("stars".into()));
    assert_eq!(cfg.verify, Verification::Estimated);
    assert_eq!((cfg.ngram, cfg.threshold, cfg.num_perm), (8, 0.85, 128));
    let cfg: DedupConfig = sheikh_core::config::from_yaml_str("keep: longest\n").unwrap();
    assert_eq!(cfg.keep, KeepPolicy::Longest);
    assert!(sheikh_core::config::from_yaml_str::<DedupConfig>("nmu_perm: 64\n").is_err());
    // Round trip.
    let text = serde_json::to_string(&DedupConfig::default()).unwrap();
    assert_eq!(
        serde_json::from_str::<DedupConfig>(&text).unwrap(),
        DedupConfig::default()
    );
}

#[test]
fn config_is_checked_and_read_with_defaults() {
    let cfg: DedupConfig =
        serde_json::from_str(r#"{"bands": 16, "rows": 8, "keep": "longest"}"#).unwrap();
    assert_eq!(cfg.lsh_params().unwrap().bands, 16);
    assert!(serde_json::from_str::<DedupConfig>(r#"{"treshold": 0.8}"#).is_err());
    for bad in [
        DedupConfig {
            bands: Some(20),
            rows: Some(20),
            ..Default::default()
        },
        DedupConfig {
            bands: Some(4),
            ..Default::default()
        },
        DedupConfig {
            threshold: 1.5,
            ..Default::default()
        },
        DedupConfig {
            ngram: 0,
            ..Default::default()
        },
        DedupConfig {
            num_perm: 0,
            ..Default::default()
        },
        DedupConfig {
            keep: KeepPolicy::Metadata(String::new()),
            ..Default::default()
        },
    ] {
        assert!(DedupStage::new(bad).is_err());
    }
}

#[test]
fn works_inside_the_pipeline_with_provenance() {
    use sheikh_core::io::{DocumentWriter, JsonlFormat, ShardedWriter, WriterOptions};
    let docs = corpus(31, 10, 2, 400, 1);
    let dir = tempfile::tempdir().unwrap();
    let stage = DedupStage::new(DedupConfig::default()).unwrap();
    let report = stage.report_handle();
    let mut pipeline = sheikh_core::Pipeline::new().with_stage(stage);
    let out: Box<dyn DocumentWriter> = Box::new(ShardedWriter::new(
        dir.path().join("out"),
        JsonlFormat,
        WriterOptions::default(),
    ));
    let rej: Box<dyn DocumentWriter> = Box::new(ShardedWriter::new(
        dir.path().join("rej"),
        JsonlFormat,
        WriterOptions::default(),
    ));
    let sinks = sheikh_core::Sinks::new(out).with_rejected(Some(rej));
    let batches = docs.chunks(8).map(|c| {
        Ok(sheikh_core::io::ReadBatch {
            documents: c.to_vec(),
            rejected: vec![],
        })
    });
    let (stats, _) = pipeline.run(batches, sinks, |_| {}).unwrap();
    assert_eq!(stats.written.docs, 10);
    let rejected = std::fs::read_to_string(dir.path().join("rej/part-00000.jsonl")).unwrap();
    let mut n = 0;
    for line in rejected.lines() {
        let d: Document = serde_json::from_str(line).unwrap();
        let ev = d.provenance.drop_event().unwrap();
        assert_eq!(ev.stage, "dedup");
        assert!(ev.detail.contains("duplicate of f"), "{}", ev.detail);
        n += 1;
    }
    assert_eq!(n as u64, report.lock().unwrap().removed);
}

/// Checks the invariants of one run: every dropped document names a kept one as
/// what it duplicates (directly, or through the exact copy it duplicates), and that
/// kept one is in the same family.
fn check_removals_have_kept_representatives(
    docs: &[Document],
    cfg: DedupConfig,
    batch: usize,
) -> Result<(), TestCaseError> {
    let (drops, kept) = run_stage(cfg.clone(), docs, batch);
    let kept: BTreeSet<String> = kept.into_iter().collect();
    for (id, (reason, detail)) in &drops {
        let mut of = duplicate_of(detail).to_string();
        let mut hops = 0;
        while let Some((_, d)) = drops.get(&of) {
            prop_assert_eq!(
                *reason,
                Reason::ExactDuplicate,
                "only exact duplicates point at removed documents"
            );
            of = duplicate_of(d).to_string();
            hops += 1;
            prop_assert!(hops < 2);
        }
        prop_assert!(
            kept.contains(&of),
            "{} removed for {} which is not kept",
            id,
            of
        );
    }
    // Near-level: every removal names its cluster's keeper, which is kept.
    let r = near(&cfg, docs);
    let removed: HashMap<u64, u64> = r.removed.iter().map(|x| (x.doc, x.duplicate_of)).collect();
    for (ci, c) in r.clusters.iter().enumerate() {
        prop_assert!(c.members.len() >= 2);
        prop_assert!(!removed.contains_key(&c.keeper));
        prop_assert!(c.members.contains(&c.keeper));
        for &m in &c.members {
            if m != c.keeper {
                prop_assert_eq!(removed.get(&m), Some(&c.keeper));
                prop_assert!(r.removed.iter().any(|x| x.doc == m && x.cluster == ci));
            }
        }
    }
    prop_assert_eq!(
        r.removed.len(),
        r.clusters
            .iter()
            .map(|c| c.members.len() - 1)
            .sum::<usize>()
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn never_removed_unless_a_cluster_member_is_kept(
        seed in any::<u64>(),
        families in 1usize..12,
        copies in 0usize..4,
        len in 3usize..80,
        edits in 0usize..12,
        batch in 1usize..40,
        policy in 0usize..3,
        verify in 0usize..3,
    ) {
        let docs = corpus(seed, families, copies, len, edits);
        let keep = [KeepPolicy::First, KeepPolicy::Longest, KeepPolicy::Metadata("stars".into())][policy].clone();
        let verify = [Verification::None, Verification::Estimated, Verification::Exact][verify];
        let cfg = DedupConfig { keep, verify, ..Default::default() };
        check_removals_have_kept_representatives(&docs, cfg, batch)?;
    }

    #[test]
    fn identical_documents_always_cluster(
        seed in any::<u64>(),
        len in 0usize..60,
        copies in 2usize..6,
        others in 0usize..10,
        char_shingles in any::<bool>(),
    ) {
        let mut rng = Rng(seed | 1);
        let text = random_text(&mut rng, len);
        let mut docs: Vec<Document> = (0..others).map(|i| doc(&format!("o{i}"), random_text(&mut rng, 30), 0)).collect();
        for c in 0..copies {
            let at = rng.below(docs.len() + 1);
            docs.insert(at, doc(&format!("copy{c}"), text.clone(), 0));
        }
        let shingle = if char_shingles { sheikh_dedup::ShingleKind::Chars } else { sheikh_dedup::ShingleKind::Words };
        let cfg = DedupConfig { exact: false, shingle, ..Default::default() };
        let r = near(&cfg, &docs);
        let copy_idx: BTreeSet<u64> = docs.iter().enumerate().filter(|(_, d)| d.id.starts_with("copy")).map(|(i, _)| i as u64).collect();
        if len == 0 {
            // No token: kept and counted, never clustered.
            prop_assert!(r.clusters.iter().all(|c| c.members.iter().all(|m| !copy_idx.contains(m))));
        } else {
            let c = r.clusters.iter().find(|c| c.members.contains(copy_idx.iter().next().unwrap()));
            prop_assert!(c.is_some(), "copies not clustered");
            let members: BTreeSet<u64> = c.unwrap().members.iter().copied().collect();
            prop_assert!(copy_idx.is_subset(&members));
        }
        // With exact dedup on, the copies go as exact duplicates of the first copy.
        let (drops, _) = run_stage(DedupConfig::default(), &docs, 3);
        let copies_dropped = drops.iter().filter(|(id, (r, _))| id.starts_with("copy") && *r == Reason::ExactDuplicate).count();
        prop_assert_eq!(copies_dropped, copies - 1);
    }
}
