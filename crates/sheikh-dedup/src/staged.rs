//! Stage-by-stage deduplication for corpora larger than one machine.
//!
//! Each step is a function from files to files, so any batch engine (a Slurm job
//! array, Spark, Ray, Kubernetes indexed jobs) can run the steps as independent tasks;
//! every file is written under a temporary name and renamed when complete, so a killed
//! task leaves nothing partial and can simply be rerun.
//!
//! | step | function | one task per | reads | writes |
//! |---|---|---|---|---|
//! | a | [`compute_signatures`] | input shard | the shard | `signatures/shard-S/band-B.bin`, `exact.bin`, `shingles.bin` (for `verify: exact`), `docs.jsonl`, `meta.json` |
//! | b | [`merge_band`] | band | `signatures/*/band-B.bin` (and the shingle sets of bucketed documents) | `pairs/band-B.bin` |
//! | b | [`merge_exact`] | (one task) | `signatures/*/exact.bin` | `pairs/exact.bin` |
//! | c | [`build_clusters`] | (one task) | `pairs/*`, `signatures/*/docs.jsonl` | `clusters/removal-shard-S.jsonl`, `clusters/report.json` |
//! | d | [`filter_shard`] | input shard | the shard, its removal list | `OUT/shard-S-NNNNN.parquet` |
//!
//! A document is identified by (shard index, row index among the shard's documents),
//! so "first seen" means the order of the concatenated shards: the staged run removes
//! exactly the documents the in-memory [`DedupStage`](crate::DedupStage) removes over
//! the same documents in the same order, with the same `duplicate of` ids.
//!
//! Limit: with `exact_normalize_whitespace` the shingles must be `words` (so exact
//! duplicates always have identical signatures).

use std::collections::{BinaryHeap, HashMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sheikh_core::io::{
    AtomicFile, BoxReader, DocumentWriter, FieldNames, JsonlReader, ParquetFormat, ParquetReader,
    ReadOptions, ShardedWriter, WriterOptions,
};

use crate::config::{DedupConfig, KeepPolicy, ShingleKind, Verification};
use crate::error::{DedupError, Result};
use crate::exact::content_hash;
use crate::lsh::{link_bucket, PairStats};
use crate::minhash::estimated_jaccard_compact;
use crate::near::{choose_keeper, keep_key, Sketcher};
use crate::report::{DedupReport, ShingleCounts};
use crate::shingle::{jaccard_sorted, ShingleOutcome};
use crate::unionfind::UnionFind;

const BAND_MAGIC: &[u8; 8] = b"SHKDBAND";
const EXACT_MAGIC: &[u8; 8] = b"SHKDEXCT";
const PAIR_MAGIC: &[u8; 8] = b"SHKDPAIR";
const SETS_MAGIC: &[u8; 8] = b"SHKDSETS";
const VERSION: u32 = 1;

/// A global document key: shard index in the high 32 bits, row in the low 32.
pub fn doc_key(shard: u32, row: u32) -> u64 {
    ((shard as u64) << 32) | row as u64
}

fn key_shard(k: u64) -> u32 {
    (k >> 32) as u32
}

fn key_row(k: u64) -> u32 {
    k as u32
}

/// The file layout under a work directory.
#[derive(Debug, Clone)]
pub struct Layout {
    root: PathBuf,
}

impl Layout {
    /// The layout rooted at `work`.
    pub fn new(work: impl AsRef<Path>) -> Self {
        Layout {
            root: work.as_ref().to_path_buf(),
        }
    }
    /// `signatures/shard-S/`.
    pub fn shard_dir(&self, shard: u32) -> PathBuf {
        self.root
            .join("signatures")
            .join(format!("shard-{shard:05}"))
    }
    /// `signatures/shard-S/band-B.bin`.
    pub fn band_file(&self, shard: u32, band: usize) -> PathBuf {
        self.shard_dir(shard).join(format!("band-{band:03}.bin"))
    }
    /// `signatures/shard-S/exact.bin`.
    pub fn exact_file(&self, shard: u32) -> PathBuf {
        self.shard_dir(shard).join("exact.bin")
    }
    /// `signatures/shard-S/shingles.bin`: every document's sorted shingle set, for
    /// exact verification (row offsets, then the hashes).
    pub fn sets_file(&self, shard: u32) -> PathBuf {
        self.shard_dir(shard).join("shingles.bin")
    }
    /// `signatures/shard-S/docs.jsonl`.
    pub fn docs_file(&self, shard: u32) -> PathBuf {
        self.shard_dir(shard).join("docs.jsonl")
    }
    /// `signatures/shard-S/meta.json` (written last: the shard's step (a) is complete).
    pub fn meta_file(&self, shard: u32) -> PathBuf {
        self.shard_dir(shard).join("meta.json")
    }
    /// `pairs/band-B.bin`.
    pub fn pairs_file(&self, band: usize) -> PathBuf {
        self.root.join("pairs").join(format!("band-{band:03}.bin"))
    }
    /// `pairs/exact.bin`.
    pub fn exact_pairs_file(&self) -> PathBuf {
        self.root.join("pairs").join("exact.bin")
    }
    /// `clusters/removal-shard-S.jsonl`.
    pub fn removal_file(&self, shard: u32) -> PathBuf {
        self.root
            .join("clusters")
            .join(format!("removal-shard-{shard:05}.jsonl"))
    }
    /// `clusters/report.json`.
    pub fn report_file(&self) -> PathBuf {
        self.root.join("clusters").join("report.json")
    }
}

/// Opens an input shard: Parquet for `*.parquet`, JSON Lines otherwise, with the
/// default field names and read options (the same reader in steps (a) and (d), so
/// row numbers agree).
pub fn open_shard(path: &Path) -> Result<BoxReader> {
    let name = path.to_string_lossy();
    Ok(if name.ends_with(".parquet") {
        Box::new(ParquetReader::open(
            path,
            FieldNames::default(),
            ReadOptions::default(),
        )?)
    } else {
        Box::new(JsonlReader::open(
            path,
            FieldNames::default(),
            ReadOptions::default(),
        )?)
    })
}

/// `meta.json` of one shard's signatures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardSummary {
    /// The shard index.
    pub shard: u32,
    /// Documents read.
    pub documents: u64,
    /// Shingling counts.
    pub shingles: ShingleCounts,
    /// The config the signatures were computed with.
    pub config: DedupConfig,
}

/// One line of `docs.jsonl`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct DocLine {
    row: u32,
    id: String,
    #[serde(default)]
    key: Option<f64>,
}

/// One line of a removal list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemovalLine {
    /// Row of the removed document in its shard.
    pub row: u32,
    /// Its id.
    pub id: String,
    /// Id of the kept document it duplicates.
    pub duplicate_of: String,
    /// `exact_duplicate` or `near_duplicate`.
    pub reason: sheikh_core::Reason,
    /// Its near-duplicate cluster, when removed as a near duplicate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<usize>,
}

fn check_staged_config(cfg: &DedupConfig) -> Result<()> {
    cfg.lsh_params()?;
    if cfg.exact && cfg.near && cfg.exact_normalize_whitespace && cfg.shingle == ShingleKind::Chars
    {
        return Err(DedupError::Config(
            "staged mode with exact_normalize_whitespace needs shingle: words".into(),
        ));
    }
    Ok(())
}

fn write_header(
    w: &mut impl Write,
    magic: &[u8; 8],
    sig_len: u32,
    count: u64,
) -> std::io::Result<()> {
    w.write_all(magic)?;
    w.write_all(&VERSION.to_le_bytes())?;
    w.write_all(&sig_len.to_le_bytes())?;
    w.write_all(&count.to_le_bytes())
}

const HEADER: u64 = 24;

/// A reader of fixed-size records after a checked header.
struct RecordReader {
    path: PathBuf,
    inner: BufReader<File>,
    sig_len: usize,
    remaining: u64,
}

impl RecordReader {
    fn open(path: &Path, magic: &[u8; 8], fixed: u64, extra_header: u64) -> Result<Self> {
        let file = File::open(path).map_err(|e| DedupError::io(path, e))?;
        let len = file.metadata().map_err(|e| DedupError::io(path, e))?.len();
        let mut inner = BufReader::with_capacity(1 << 20, file);
        let mut h = [0u8; HEADER as usize];
        inner
            .read_exact(&mut h)
            .map_err(|_| DedupError::format(path, "truncated header"))?;
        if &h[..8] != magic {
            return Err(DedupError::format(
                path,
                "not a sheikh-dedup file of this kind",
            ));
        }
        let version = u32::from_le_bytes(h[8..12].try_into().expect("4 bytes"));
        if version != VERSION {
            return Err(DedupError::format(
                path,
                format!("unsupported version {version}"),
            ));
        }
        let sig_len = u32::from_le_bytes(h[12..16].try_into().expect("4 bytes")) as u64;
        let count = u64::from_le_bytes(h[16..24].try_into().expect("8 bytes"));
        let want = count
            .checked_mul(fixed + sig_len)
            .and_then(|b| b.checked_add(HEADER + extra_header));
        if want != Some(len) {
            return Err(DedupError::format(
                path,
                format!("size {len} does not match {count} records"),
            ));
        }
        Ok(RecordReader {
            path: path.to_path_buf(),
            inner,
            sig_len: sig_len as usize,
            remaining: count,
        })
    }

    fn read_u64(&mut self) -> Result<u64> {
        let mut b = [0u8; 8];
        self.inner
            .read_exact(&mut b)
            .map_err(|e| DedupError::io(&self.path, e))?;
        Ok(u64::from_le_bytes(b))
    }

    fn read_bytes(&mut self, out: &mut Vec<u8>) -> Result<()> {
        out.resize(self.sig_len, 0);
        self.inner
            .read_exact(out)
            .map_err(|e| DedupError::io(&self.path, e))
    }
}

fn read_meta(layout: &Layout, shard: u32, cfg: &DedupConfig) -> Result<ShardSummary> {
    let path = layout.meta_file(shard);
    let text = std::fs::read_to_string(&path).map_err(|e| DedupError::io(&path, e))?;
    let meta: ShardSummary = serde_json::from_str(&text).map_err(|source| DedupError::Json {
        path: path.clone(),
        source,
    })?;
    if meta.config != *cfg || meta.shard != shard {
        return Err(DedupError::format(
            &path,
            "signatures were computed with another config or shard index; rerun step (a)",
        ));
    }
    Ok(meta)
}

fn commit(f: AtomicFile) -> Result<PathBuf> {
    Ok(f.commit()?)
}

fn io_err(f: &AtomicFile) -> impl Fn(std::io::Error) -> DedupError + '_ {
    move |e| DedupError::io(f.final_path(), e)
}

/// Step (a): reads one input shard and writes its band records (sorted by band hash,
/// then document), its exact-hash records, its document list and, last, `meta.json`.
pub fn compute_signatures(
    cfg: &DedupConfig,
    shard: &Path,
    shard_index: u32,
    work: &Path,
) -> Result<ShardSummary> {
    check_staged_config(cfg)?;
    let layout = Layout::new(work);
    let sketcher = Sketcher::new(cfg)?;
    let params = sketcher.params();
    let sig_len = if cfg.near && cfg.verify == Verification::Estimated {
        cfg.num_perm
    } else {
        0
    };
    let mut band_recs: Vec<Vec<(u64, u32, u32)>> =
        vec![Vec::new(); if cfg.near { params.bands } else { 0 }];
    let mut sigs: Vec<u8> = Vec::new();
    let mut exact_recs: Vec<(u128, u32)> = Vec::new();
    let mut counts = ShingleCounts::default();
    let exact_verify = cfg.near && cfg.verify == Verification::Exact;
    let mut set_offsets: Vec<u64> = vec![0];
    let mut set_data: Vec<u64> = Vec::new();
    let mut docs_out = AtomicFile::create(layout.docs_file(shard_index))?;
    let mut row: u32 = 0;
    let mut slots: u32 = 0;
    for batch in open_shard(shard)? {
        let batch = batch?;
        let docs = batch.documents;
        if docs.len() as u64 + row as u64 > u32::MAX as u64 {
            return Err(DedupError::format(
                shard,
                "more than 2^32 - 1 documents in one shard",
            ));
        }
        let texts: Vec<&str> = docs.iter().map(|d| d.content.as_str()).collect();
        if cfg.exact {
            let norm = cfg.exact_normalize_whitespace;
            let hashes: Vec<u128> = texts.par_iter().map(|t| content_hash(t, norm)).collect();
            exact_recs.extend(
                hashes
                    .into_iter()
                    .enumerate()
                    .map(|(i, h)| (h, row + i as u32)),
            );
        }
        let sketches = if cfg.near {
            sketcher.sketch_all(&texts)
        } else {
            Vec::new()
        };
        if exact_verify {
            let shingler = *sketcher.shingler();
            let sets: Vec<Vec<u64>> = texts
                .par_iter()
                .map_init(Vec::new, |scratch, t| {
                    let mut out = Vec::new();
                    if shingler.hashes(t, &mut out, scratch).participates() {
                        out
                    } else {
                        Vec::new()
                    }
                })
                .collect();
            for set in sets {
                set_data.extend_from_slice(&set);
                set_offsets.push(set_data.len() as u64);
            }
        }
        for (i, doc) in docs.iter().enumerate() {
            let r = row + i as u32;
            let key = (cfg.keep != KeepPolicy::First).then(|| keep_key(&cfg.keep, doc));
            let line = DocLine {
                row: r,
                id: doc.id.clone(),
                key: key.filter(|k| k.is_finite()),
            };
            serde_json::to_writer(&mut docs_out, &line).map_err(|source| DedupError::Json {
                path: layout.docs_file(shard_index),
                source,
            })?;
            docs_out.write_all(b"\n").map_err(io_err(&docs_out))?;
            if let Some(s) = sketches.get(i) {
                match s.outcome {
                    ShingleOutcome::Shingled => counts.shingled += 1,
                    ShingleOutcome::ShortAsOne => counts.short_single_shingle += 1,
                    ShingleOutcome::ShortSkipped => counts.short_skipped += 1,
                    ShingleOutcome::Empty => counts.empty += 1,
                }
                if s.outcome.participates() {
                    for (b, &h) in s.bands.iter().enumerate() {
                        band_recs[b].push((h, r, slots));
                    }
                    sigs.extend_from_slice(&s.compact);
                    slots += 1;
                }
            }
        }
        row += docs.len() as u32;
    }
    let mut written = Vec::new();
    for (b, recs) in band_recs.iter_mut().enumerate() {
        recs.sort_unstable();
        let mut f = AtomicFile::create(layout.band_file(shard_index, b))?;
        write_header(&mut f, BAND_MAGIC, sig_len as u32, recs.len() as u64).map_err(io_err(&f))?;
        for &(h, r, slot) in recs.iter() {
            f.write_all(&h.to_le_bytes()).map_err(io_err(&f))?;
            f.write_all(&doc_key(shard_index, r).to_le_bytes())
                .map_err(io_err(&f))?;
            let s = slot as usize * sig_len;
            f.write_all(&sigs[s..s + sig_len]).map_err(io_err(&f))?;
        }
        written.push(f);
    }
    if cfg.exact {
        exact_recs.sort_unstable();
        let mut f = AtomicFile::create(layout.exact_file(shard_index))?;
        write_header(&mut f, EXACT_MAGIC, 0, exact_recs.len() as u64).map_err(io_err(&f))?;
        for &(h, r) in &exact_recs {
            f.write_all(&h.to_le_bytes()).map_err(io_err(&f))?;
            f.write_all(&doc_key(shard_index, r).to_le_bytes())
                .map_err(io_err(&f))?;
        }
        written.push(f);
    }
    if exact_verify {
        let mut f = AtomicFile::create(layout.sets_file(shard_index))?;
        write_header(&mut f, SETS_MAGIC, 0, row as u64).map_err(io_err(&f))?;
        for v in set_offsets.iter().chain(&set_data) {
            f.write_all(&v.to_le_bytes()).map_err(io_err(&f))?;
        }
        written.push(f);
    }
    commit(docs_out)?;
    for f in written {
        commit(f)?;
    }
    let summary = ShardSummary {
        shard: shard_index,
        documents: row as u64,
        shingles: counts,
        config: cfg.clone(),
    };
    sheikh_core::write_json_atomic(layout.meta_file(shard_index), &summary)?;
    Ok(summary)
}

/// A k-way merge over sorted record files, yielding (sort key, doc, signature).
struct Merge {
    readers: Vec<RecordReader>,
    heap: BinaryHeap<std::cmp::Reverse<(u128, u64, usize)>>,
    sigs: Vec<Vec<u8>>,
    wide: bool,
}

impl Merge {
    fn open(paths: &[PathBuf], magic: &[u8; 8], wide: bool) -> Result<Self> {
        let fixed = if wide { 24 } else { 16 };
        let mut m = Merge {
            readers: Vec::new(),
            heap: BinaryHeap::new(),
            sigs: Vec::new(),
            wide,
        };
        for p in paths {
            m.readers.push(RecordReader::open(p, magic, fixed, 0)?);
            m.sigs.push(Vec::new());
        }
        for i in 0..m.readers.len() {
            m.advance(i)?;
        }
        Ok(m)
    }

    fn advance(&mut self, i: usize) -> Result<()> {
        let r = &mut self.readers[i];
        if r.remaining == 0 {
            return Ok(());
        }
        r.remaining -= 1;
        let key = if self.wide {
            let lo = r.read_u64()? as u128;
            let hi = r.read_u64()? as u128;
            (hi << 64) | lo
        } else {
            r.read_u64()? as u128
        };
        let doc = r.read_u64()?;
        r.read_bytes(&mut self.sigs[i])?;
        self.heap.push(std::cmp::Reverse((key, doc, i)));
        Ok(())
    }

    /// The next record: (key, doc, signature).
    fn next(&mut self) -> Result<Option<(u128, u64, Vec<u8>)>> {
        let Some(std::cmp::Reverse((key, doc, i))) = self.heap.pop() else {
            return Ok(None);
        };
        let sig = std::mem::take(&mut self.sigs[i]);
        self.advance(i)?;
        Ok(Some((key, doc, sig)))
    }
}

/// Random access to the shingle sets written by step (a), one shard file at a time.
struct SetStore {
    layout: Layout,
    open: HashMap<u32, (File, Vec<u64>)>,
}

impl SetStore {
    fn new(layout: Layout) -> Self {
        SetStore {
            layout,
            open: HashMap::new(),
        }
    }

    fn get(&mut self, key: u64) -> Result<Vec<u64>> {
        use std::io::{Seek, SeekFrom};
        let (shard, row) = (key_shard(key), key_row(key) as usize);
        let path = self.layout.sets_file(shard);
        if let std::collections::hash_map::Entry::Vacant(slot) = self.open.entry(shard) {
            let mut file = File::open(&path).map_err(|e| DedupError::io(&path, e))?;
            let len = file.metadata().map_err(|e| DedupError::io(&path, e))?.len();
            let mut h = [0u8; HEADER as usize];
            file.read_exact(&mut h)
                .map_err(|_| DedupError::format(&path, "truncated header"))?;
            if &h[..8] != SETS_MAGIC || h[8..12] != VERSION.to_le_bytes() {
                return Err(DedupError::format(
                    &path,
                    "not a sheikh-dedup shingle-set file",
                ));
            }
            let rows = u64::from_le_bytes(h[16..24].try_into().expect("8 bytes"));
            let table_len = rows
                .checked_add(1)
                .and_then(|n| n.checked_mul(8))
                .filter(|&b| b.checked_add(HEADER).is_some_and(|end| end <= len))
                .ok_or_else(|| DedupError::format(&path, "truncated offset table"))?;
            let mut table = vec![0u8; table_len as usize];
            file.read_exact(&mut table)
                .map_err(|e| DedupError::io(&path, e))?;
            let offsets: Vec<u64> = table
                .chunks_exact(8)
                .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
                .collect();
            let data_len = offsets.last().copied().unwrap_or(0);
            // Checked: a crafted last offset must not wrap around to the file size.
            let size = data_len
                .checked_mul(8)
                .and_then(|d| d.checked_add(HEADER + table_len));
            if offsets.first().is_some_and(|&f| f != 0)
                || offsets.windows(2).any(|w| w[0] > w[1])
                || size != Some(len)
            {
                return Err(DedupError::format(
                    &path,
                    "offsets do not match the file size",
                ));
            }
            slot.insert((file, offsets));
        }
        let (file, offsets) = self.open.get_mut(&shard).expect("inserted above");
        if row + 1 >= offsets.len() {
            return Err(DedupError::format(&path, format!("row {row} out of range")));
        }
        let (start, end) = (offsets[row], offsets[row + 1]);
        let data_start = HEADER + offsets.len() as u64 * 8;
        file.seek(SeekFrom::Start(data_start + start * 8))
            .map_err(|e| DedupError::io(&path, e))?;
        let mut buf = vec![0u8; ((end - start) * 8) as usize];
        file.read_exact(&mut buf)
            .map_err(|e| DedupError::io(&path, e))?;
        Ok(buf
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
            .collect())
    }
}

fn write_pairs(path: &Path, pairs: &[(u64, u64)], stats: &PairStats) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    write_header(&mut f, PAIR_MAGIC, 0, pairs.len() as u64).map_err(io_err(&f))?;
    for v in [stats.candidates, stats.linked, stats.rejected] {
        f.write_all(&v.to_le_bytes()).map_err(io_err(&f))?;
    }
    for &(a, b) in pairs {
        f.write_all(&a.to_le_bytes()).map_err(io_err(&f))?;
        f.write_all(&b.to_le_bytes()).map_err(io_err(&f))?;
    }
    commit(f).map(|_| ())
}

fn read_pairs(path: &Path) -> Result<(Vec<(u64, u64)>, PairStats)> {
    let mut r = RecordReader::open(path, PAIR_MAGIC, 16, 24)?;
    let stats = PairStats {
        candidates: r.read_u64()?,
        linked: r.read_u64()?,
        rejected: r.read_u64()?,
    };
    let mut pairs = Vec::with_capacity(r.remaining as usize);
    while r.remaining > 0 {
        r.remaining -= 1;
        pairs.push((r.read_u64()?, r.read_u64()?));
    }
    Ok((pairs, stats))
}

/// Step (b), one band: merges the band's sorted records of all `num_shards` shards,
/// links each bucket of equal band hash (with verification) and writes the linked
/// pairs to `pairs/band-B.bin`.
pub fn merge_band(
    cfg: &DedupConfig,
    work: &Path,
    num_shards: u32,
    band: usize,
) -> Result<PairStats> {
    check_staged_config(cfg)?;
    let layout = Layout::new(work);
    let params = cfg.lsh_params()?;
    if band >= params.bands {
        return Err(DedupError::Config(format!(
            "band {band} out of range (bands = {})",
            params.bands
        )));
    }
    for s in 0..num_shards {
        read_meta(&layout, s, cfg)?;
    }
    let paths: Vec<PathBuf> = (0..num_shards).map(|s| layout.band_file(s, band)).collect();
    let mut merge = Merge::open(&paths, BAND_MAGIC, false)?;
    let mut pairs = Vec::new();
    let mut stats = PairStats::default();
    let mut bucket: Vec<(u64, Vec<u8>)> = Vec::new();
    let mut current: Option<u128> = None;
    let threshold = cfg.threshold;
    let mut sets = SetStore::new(layout.clone());
    let mut flush = |bucket: &mut Vec<(u64, Vec<u8>)>,
                     pairs: &mut Vec<(u64, u64)>,
                     stats: &mut PairStats|
     -> Result<()> {
        let b = &*bucket;
        let exact: Vec<Vec<u64>> = if cfg.verify == Verification::Exact && b.len() > 1 {
            b.iter().map(|(k, _)| sets.get(*k)).collect::<Result<_>>()?
        } else {
            Vec::new()
        };
        link_bucket(
            b.len(),
            |i, j| match cfg.verify {
                Verification::None => true,
                Verification::Estimated => estimated_jaccard_compact(&b[i].1, &b[j].1) >= threshold,
                Verification::Exact => jaccard_sorted(&exact[i], &exact[j]) >= threshold,
            },
            |i, j| pairs.push((b[i].0, b[j].0)),
            stats,
        );
        bucket.clear();
        Ok(())
    };
    while let Some((h, doc, sig)) = merge.next()? {
        if current != Some(h) {
            flush(&mut bucket, &mut pairs, &mut stats)?;
            current = Some(h);
        }
        bucket.push((doc, sig));
    }
    flush(&mut bucket, &mut pairs, &mut stats)?;
    write_pairs(&layout.pairs_file(band), &pairs, &stats)?;
    Ok(stats)
}

/// Step (b), exact part: merges the shards' exact-hash records and writes
/// (first, duplicate) pairs to `pairs/exact.bin`. Returns the number of duplicates.
pub fn merge_exact(cfg: &DedupConfig, work: &Path, num_shards: u32) -> Result<u64> {
    check_staged_config(cfg)?;
    let layout = Layout::new(work);
    for s in 0..num_shards {
        read_meta(&layout, s, cfg)?;
    }
    let mut pairs = Vec::new();
    if cfg.exact {
        let paths: Vec<PathBuf> = (0..num_shards).map(|s| layout.exact_file(s)).collect();
        let mut merge = Merge::open(&paths, EXACT_MAGIC, true)?;
        let mut first: Option<(u128, u64)> = None;
        while let Some((h, doc, _)) = merge.next()? {
            match first {
                Some((fh, fd)) if fh == h => pairs.push((fd, doc)),
                _ => first = Some((h, doc)),
            }
        }
    }
    write_pairs(&layout.exact_pairs_file(), &pairs, &PairStats::default())?;
    Ok(pairs.len() as u64)
}

/// Step (c): union-find over all bands' pairs (documents removed as exact duplicates
/// left out, as in the in-memory run), the keep policy per cluster, and one removal
/// list per shard plus `clusters/report.json`.
pub fn build_clusters(cfg: &DedupConfig, work: &Path, num_shards: u32) -> Result<DedupReport> {
    check_staged_config(cfg)?;
    let layout = Layout::new(work);
    let params = cfg.lsh_params()?;
    let mut report = DedupReport::for_config(cfg, params);
    for s in 0..num_shards {
        let m = read_meta(&layout, s, cfg)?;
        report.documents += m.documents;
        report.shingles.add(&m.shingles);
    }
    let (exact_pairs, _) = read_pairs(&layout.exact_pairs_file())?;
    let exact_removed: HashMap<u64, u64> = exact_pairs.iter().map(|&(f, d)| (d, f)).collect();
    // Near edges between documents that survive exact dedup.
    let mut node_of: HashMap<u64, u32> = HashMap::new();
    let mut nodes: Vec<u64> = Vec::new();
    let mut edges: Vec<(u32, u32)> = Vec::new();
    if cfg.near {
        for band in 0..params.bands {
            let (pairs, st) = read_pairs(&layout.pairs_file(band))?;
            report.pairs.add(&st);
            for (a, b) in pairs {
                if exact_removed.contains_key(&a) || exact_removed.contains_key(&b) {
                    continue;
                }
                let mut id = |d: u64| {
                    *node_of.entry(d).or_insert_with(|| {
                        nodes.push(d);
                        (nodes.len() - 1) as u32
                    })
                };
                let (na, nb) = (id(a), id(b));
                edges.push((na, nb));
            }
        }
    }
    let mut uf = UnionFind::new(nodes.len());
    for &(a, b) in &edges {
        uf.union(a as usize, b as usize);
    }
    drop(edges);
    let mut groups: HashMap<usize, Vec<u64>> = HashMap::new();
    for (i, &d) in nodes.iter().enumerate() {
        let r = uf.find(i);
        groups.entry(r).or_default().push(d);
    }
    let mut clusters: Vec<Vec<u64>> = groups
        .into_values()
        .map(|mut g| {
            g.sort_unstable();
            g
        })
        .collect();
    clusters.sort_unstable_by_key(|g| g[0]);
    // Ids and keys of every document involved.
    let mut needed: HashSet<u64> = clusters.iter().flatten().copied().collect();
    needed.extend(exact_pairs.iter().flat_map(|&(f, d)| [f, d]));
    let mut info: HashMap<u64, (String, f64)> = HashMap::with_capacity(needed.len());
    for s in 0..num_shards {
        let path = layout.docs_file(s);
        let file = File::open(&path).map_err(|e| DedupError::io(&path, e))?;
        for line in BufReader::new(file).lines() {
            let line = line.map_err(|e| DedupError::io(&path, e))?;
            let d: DocLine = serde_json::from_str(&line).map_err(|source| DedupError::Json {
                path: path.clone(),
                source,
            })?;
            let k = doc_key(s, d.row);
            if needed.contains(&k) {
                info.insert(k, (d.id, d.key.unwrap_or(f64::NEG_INFINITY)));
            }
        }
    }
    let get = |k: u64| -> Result<&(String, f64)> {
        info.get(&k).ok_or_else(|| {
            DedupError::format(
                layout.docs_file(key_shard(k)),
                format!("row {} missing from the document list", key_row(k)),
            )
        })
    };
    let mut removals: Vec<Vec<RemovalLine>> = vec![Vec::new(); num_shards as usize];
    let push = |removals: &mut Vec<Vec<RemovalLine>>, k: u64, line: RemovalLine| -> Result<()> {
        removals
            .get_mut(key_shard(k) as usize)
            .ok_or_else(|| {
                DedupError::format(layout.exact_pairs_file(), "document of an unknown shard")
            })?
            .push(line);
        Ok(())
    };
    for &(f, d) in &exact_pairs {
        let line = RemovalLine {
            row: key_row(d),
            id: get(d)?.0.clone(),
            duplicate_of: get(f)?.0.clone(),
            reason: sheikh_core::Reason::ExactDuplicate,
            cluster: None,
        };
        push(&mut removals, d, line)?;
    }
    report.exact_duplicates = exact_pairs.len() as u64;
    for (ci, members) in clusters.iter().enumerate() {
        let keys: Vec<f64> = members
            .iter()
            .map(|&m| {
                get(m).map(|x| {
                    if cfg.keep == KeepPolicy::First {
                        0.0
                    } else {
                        x.1
                    }
                })
            })
            .collect::<Result<_>>()?;
        let keeper = members[choose_keeper(keys)];
        let keeper_id = get(keeper)?.0.clone();
        for &m in members {
            if m != keeper {
                let line = RemovalLine {
                    row: key_row(m),
                    id: get(m)?.0.clone(),
                    duplicate_of: keeper_id.clone(),
                    reason: sheikh_core::Reason::NearDuplicate,
                    cluster: Some(ci),
                };
                push(&mut removals, m, line)?;
                report.near_duplicates += 1;
            }
        }
        report.clustered_documents += members.len() as u64;
        report.largest_cluster = report.largest_cluster.max(members.len() as u64);
        *report
            .cluster_sizes
            .entry(members.len() as u64)
            .or_insert(0) += 1;
    }
    report.clusters = clusters.len() as u64;
    for (s, mut lines) in removals.into_iter().enumerate() {
        lines.sort_by_key(|l| l.row);
        let mut f = AtomicFile::create(layout.removal_file(s as u32))?;
        for l in &lines {
            serde_json::to_writer(&mut f, l).map_err(|source| DedupError::Json {
                path: layout.removal_file(s as u32),
                source,
            })?;
            f.write_all(b"\n").map_err(io_err(&f))?;
        }
        commit(f)?;
    }
    report.finalize();
    sheikh_core::write_json_atomic(layout.report_file(), &report)?;
    Ok(report)
}

/// Reads a shard's removal list.
pub fn read_removals(work: &Path, shard: u32) -> Result<Vec<RemovalLine>> {
    let path = Layout::new(work).removal_file(shard);
    let file = File::open(&path).map_err(|e| DedupError::io(&path, e))?;
    BufReader::new(file)
        .lines()
        .map(|l| {
            let l = l.map_err(|e| DedupError::io(&path, e))?;
            serde_json::from_str(&l).map_err(|source| DedupError::Json {
                path: path.clone(),
                source,
            })
        })
        .collect()
}

/// What [`filter_shard`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterSummary {
    /// Documents written.
    pub kept: u64,
    /// Documents removed.
    pub removed: u64,
    /// Files written.
    pub files: Vec<PathBuf>,
}

/// Step (d): copies the shard's documents minus its removal list into
/// `out_dir/shard-S-NNNNN.parquet` (sharded, atomically committed). Fails if a
/// removal names an id other than the one at its row (the shard changed since
/// step (a)).
pub fn filter_shard(
    shard: &Path,
    shard_index: u32,
    work: &Path,
    out_dir: &Path,
) -> Result<FilterSummary> {
    let removals: HashMap<u32, RemovalLine> = read_removals(work, shard_index)?
        .into_iter()
        .map(|l| (l.row, l))
        .collect();
    let opts = WriterOptions {
        prefix: format!("shard-{shard_index:05}"),
        ..WriterOptions::default()
    };
    let mut writer = ShardedWriter::new(out_dir, ParquetFormat::default(), opts);
    let (mut row, mut kept, mut removed) = (0u32, 0u64, 0u64);
    for batch in open_shard(shard)? {
        let mut docs = Vec::new();
        for doc in batch?.documents {
            match removals.get(&row) {
                Some(l) if l.id != doc.id => {
                    return Err(DedupError::format(
                        shard,
                        format!(
                            "row {row} has id {} but the removal list says {}",
                            doc.id, l.id
                        ),
                    ))
                }
                Some(_) => removed += 1,
                None => docs.push(doc),
            }
            row += 1;
        }
        kept += docs.len() as u64;
        writer.write_batch(&docs)?;
    }
    if removed != removals.len() as u64 {
        return Err(DedupError::format(
            shard,
            "the shard has fewer rows than its removal list names",
        ));
    }
    let files = writer.finish()?;
    Ok(FilterSummary {
        kept,
        removed,
        files,
    })
}

/// Runs all four steps on this machine (each step's tasks in parallel with rayon),
/// for tests and single-machine use. Returns the report of step (c).
pub fn run_all(
    cfg: &DedupConfig,
    shards: &[PathBuf],
    work: &Path,
    out_dir: &Path,
) -> Result<DedupReport> {
    check_staged_config(cfg)?;
    let n =
        u32::try_from(shards.len()).map_err(|_| DedupError::Config("too many shards".into()))?;
    shards
        .par_iter()
        .enumerate()
        .map(|(i, s)| compute_signatures(cfg, s, i as u32, work).map(|_| ()))
        .collect::<Result<Vec<()>>>()?;
    let bands = if cfg.near { cfg.lsh_params()?.bands } else { 0 };
    (0..bands)
        .into_par_iter()
        .map(|b| merge_band(cfg, work, n, b).map(|_| ()))
        .collect::<Result<Vec<()>>>()?;
    merge_exact(cfg, work, n)?;
    let report = build_clusters(cfg, work, n)?;
    shards
        .par_iter()
        .enumerate()
        .map(|(i, s)| filter_shard(s, i as u32, work, out_dir).map(|_| ()))
        .collect::<Result<Vec<()>>>()?;
    Ok(report)
}
