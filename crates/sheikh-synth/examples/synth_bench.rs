//! Generates, validates and deduplicates synthetic samples and prints time, counters
//! and diversity figures (the seed's request: 10 000 XML + 8 000 MDX examples).
//!
//! ```text
//! cargo run -p sheikh-synth --release --example synth_bench -- --xml 10000 --mdx 8000
//! cargo run -p sheikh-synth --release --example synth_bench -- --js 2000 --tsx 2000 --threads 1 --out target/synth.jsonl
//! cargo run -p sheikh-synth --release --example synth_bench -- --js 500 --raw --out target/raw.jsonl
//! ```
//!
//! `--raw` writes the grammar's own output instead: sample `0..N` of each kind, its
//! family drawn as the synthesizer draws it, first attempt, before validation, retries
//! and deduplication (what `scripts/synth/check_reference.sh` checks).

use std::io::Write;
use std::time::Instant;

use anyhow::Context;
use clap::Parser;
use sheikh_synth::{Kind, SynthOptions, Synthesizer, WebDevSyntheticGenerator};

/// Synthetic data benchmark.
#[derive(Parser)]
struct Args {
    /// XML/SVG documents.
    #[arg(long, default_value_t = 0)]
    xml: u64,
    /// MDX documents.
    #[arg(long, default_value_t = 0)]
    mdx: u64,
    /// JavaScript documents.
    #[arg(long, default_value_t = 0)]
    js: u64,
    /// TypeScript documents.
    #[arg(long, default_value_t = 0)]
    ts: u64,
    /// JSX documents.
    #[arg(long, default_value_t = 0)]
    jsx: u64,
    /// TSX documents.
    #[arg(long, default_value_t = 0)]
    tsx: u64,
    /// Checked instruction pairs (timed separately).
    #[arg(long, default_value_t = 0)]
    pairs: u64,
    /// Seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Worker threads (0 = one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Write the documents as JSON Lines here.
    #[arg(long)]
    out: Option<std::path::PathBuf>,
    /// Write the raw grammar output (samples 0..N, first attempt, unvalidated, not
    /// deduplicated) to `--out` instead of running the synthesizer.
    #[arg(long, requires = "out")]
    raw: bool,
}

/// Writes samples `0..n` of each kind as the grammar renders them (first attempt), one
/// JSON object a line with `content` and `metadata.synth = {kind, family, seed, index}`.
fn write_raw(args: &Args, plan: &[(Kind, u64)], path: &std::path::Path) -> anyhow::Result<()> {
    let g = WebDevSyntheticGenerator::new(args.seed);
    let mut f = sheikh_core::io::AtomicFile::create(path)?;
    for &(kind, n) in plan {
        for index in 0..n {
            let family = g.family_of(kind, index);
            let content = g.render(kind, family, index, 0)?;
            let line = serde_json::json!({
                "content": content,
                "language": kind.language(),
                "metadata": {"synth": {"generator": "grammar", "kind": kind.name(), "family": family, "seed": args.seed, "index": index, "raw": true}},
            });
            serde_json::to_writer(&mut f, &line)?;
            f.write_all(b"\n")?;
        }
        println!("- {kind}: {n} raw samples");
    }
    f.commit().context("writing output")?;
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()?;
    let plan = [
        (Kind::Xml, args.xml),
        (Kind::Mdx, args.mdx),
        (Kind::JavaScript, args.js),
        (Kind::TypeScript, args.ts),
        (Kind::Jsx, args.jsx),
        (Kind::Tsx, args.tsx),
    ];
    if args.raw {
        let out = args.out.as_deref().context("--raw needs --out")?;
        return write_raw(&args, &plan, out);
    }
    let synth = Synthesizer::new(
        WebDevSyntheticGenerator::new(args.seed),
        SynthOptions::default(),
    )?;
    let mut out = match &args.out {
        Some(p) => Some(sheikh_core::io::AtomicFile::create(p)?),
        None => None,
    };
    let started = Instant::now();
    let mut bytes = 0u64;
    let mut content_hash = xxhash_rust::xxh3::Xxh3::new();
    let (stats, diversity, per_kind) = pool.install(|| -> anyhow::Result<_> {
        let mut run = synth.stream();
        let mut per_kind = Vec::new();
        for (kind, n) in plan {
            if n == 0 {
                continue;
            }
            let t = Instant::now();
            let mut left = n;
            while left > 0 {
                let docs = run.take(kind, left.min(synth.options().batch_size as u64))?;
                if docs.is_empty() {
                    break;
                }
                left -= docs.len() as u64;
                for d in &docs {
                    bytes += d.content.len() as u64;
                    content_hash.update(d.content.as_bytes());
                    if let Some(f) = out.as_mut() {
                        serde_json::to_writer(&mut *f, d)?;
                        f.write_all(b"\n")?;
                    }
                }
            }
            per_kind.push((kind, n - left, t.elapsed().as_secs_f64()));
        }
        Ok((run.stats().clone(), run.diversity()?, per_kind))
    })?;
    let secs = started.elapsed().as_secs_f64();
    if let Some(f) = out {
        f.commit().context("writing output")?;
    }
    println!(
        "# sheikh-synth benchmark (seed {}, {} threads)\n",
        args.seed,
        pool.current_num_threads()
    );
    for (k, n, s) in &per_kind {
        println!(
            "- {k}: {n} documents in {s:.2} s ({:.0} docs/s)",
            *n as f64 / s
        );
    }
    let t = stats.total();
    println!(
        "\ntotal: {} documents, {:.1} MB in {secs:.2} s ({:.0} docs/s); output xxh3 {:016x}\n",
        t.kept,
        bytes as f64 / 1e6,
        t.kept as f64 / secs,
        content_hash.digest()
    );
    println!("{}", stats.to_markdown());
    println!("{}", diversity.to_markdown());
    if args.pairs > 0 {
        let t = Instant::now();
        let g = sheikh_synth::InstructionGenerator::new(args.seed);
        let pairs = pool.install(|| g.generate(args.pairs))?;
        let retried = pairs.iter().filter(|p| p.retries > 0).count();
        println!(
            "instruction pairs: {} in {:.2} s ({:.0}/s), {retried} needed a retry\n",
            pairs.len(),
            t.elapsed().as_secs_f64(),
            pairs.len() as f64 / t.elapsed().as_secs_f64()
        );
    }
    println!("families kept:");
    for (f, n) in &stats.families {
        println!("  {f}: {n}");
    }
    Ok(())
}
