//! Quantizes a safetensors checkpoint and prints the per-tensor error table and the
//! throughput (GB/s of input weights).
//!
//! ```text
//! # a real checkpoint
//! cargo run --release -p sheikh-ondevice --example quantize -- \
//!     --input model.safetensors --output model.int4.safetensors --scheme int4-g128 --verify
//! # a generated one: 3 × 2048×11008 bf16 matrices (one Qwen2.5-3B MLP block)
//! cargo run --release -p sheikh-ondevice --example quantize -- --generate 3x2048x11008 --dtype bf16
//! ```

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::Parser;
use safetensors::tensor::TensorView;
use sheikh_ondevice::{
    compare_files, quantize_file, FloatDtype, QuantScheme, QuantizeConfig, QuantizedFile,
};

#[derive(Parser)]
struct Args {
    /// Input safetensors file (or use --generate; both: generate into it if missing).
    #[arg(long)]
    input: Option<PathBuf>,
    /// Output file; a temporary one when absent.
    #[arg(long)]
    output: Option<PathBuf>,
    /// Scheme: int8, int8-asym, int4-g32|g64|g128[-asym], ...
    #[arg(long, default_value = "int8")]
    scheme: QuantScheme,
    /// Keep embeddings and lm_head unquantized.
    #[arg(long)]
    keep_embeddings: bool,
    /// Generate N×ROWS×COLS random matrices (plus a norm vector) instead of --input.
    #[arg(long)]
    generate: Option<String>,
    /// dtype of generated tensors.
    #[arg(long, default_value = "f32")]
    dtype: FloatDtype,
    /// Dequantize the output to a file and recompute the errors against the input.
    #[arg(long)]
    verify: bool,
    /// Rows of the error table.
    #[arg(long, default_value_t = 20)]
    rows: usize,
}

fn generate(spec: &str, dtype: FloatDtype, path: &std::path::Path) -> anyhow::Result<()> {
    let dims: Vec<usize> = spec
        .split('x')
        .map(|d| d.parse())
        .collect::<Result<_, _>>()
        .context("--generate N x ROWS x COLS")?;
    let [n, rows, cols] = dims[..] else {
        anyhow::bail!("--generate N x ROWS x COLS");
    };
    let mut bufs = Vec::new();
    for t in 0..n {
        let mut state = 0x9E37_79B9_7F4A_7C15u64 ^ (t as u64 + 1);
        let vals: Vec<f32> = (0..rows * cols)
            .map(|_| {
                let mut u = || {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    (state >> 40) as f32 / (1u64 << 24) as f32
                };
                (u() + u() + u() + u() - 2.0) * 0.035
            })
            .collect();
        let mut b = Vec::new();
        dtype.encode(&vals, &mut b);
        bufs.push((
            format!("model.layers.0.mlp.w{t}.weight"),
            vec![rows, cols],
            b,
        ));
    }
    let mut norm = Vec::new();
    dtype.encode(&vec![1.0; cols], &mut norm);
    bufs.push(("model.layers.0.norm.weight".into(), vec![cols], norm));
    let views: Vec<(String, TensorView<'_>)> = bufs
        .iter()
        .map(|(n, s, b)| {
            Ok((
                n.clone(),
                TensorView::new(dtype.to_safetensors(), s.clone(), b)?,
            ))
        })
        .collect::<anyhow::Result<_>>()?;
    std::fs::write(path, safetensors::serialize(views, None)?)?;
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let tmp = tempfile::tempdir()?;
    let input = match (&args.input, &args.generate) {
        // --input with --generate: generate into that path once, reuse it afterwards.
        (Some(p), Some(spec)) if !p.exists() => {
            generate(spec, args.dtype, p)?;
            p.clone()
        }
        (Some(p), _) => p.clone(),
        (None, Some(spec)) => {
            let p = tmp.path().join("generated.safetensors");
            let t = Instant::now();
            generate(spec, args.dtype, &p)?;
            eprintln!(
                "generated {spec} {} in {:.1} s",
                args.dtype,
                t.elapsed().as_secs_f64()
            );
            p
        }
        (None, None) => anyhow::bail!("give --input FILE or --generate NxROWSxCOLS"),
    };
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| tmp.path().join("quantized.safetensors"));
    let cfg = QuantizeConfig {
        scheme: args.scheme,
        keep_embeddings: args.keep_embeddings,
        keep_lm_head: args.keep_embeddings,
        ..Default::default()
    };
    let report = quantize_file(&input, &output, &cfg)?;
    println!("{}", report.to_markdown(args.rows));
    if args.verify {
        let deq = tmp.path().join("dequantized.safetensors");
        let t = Instant::now();
        QuantizedFile::open(&output)?.dequantize_to_file(&deq, Some(FloatDtype::F32), 256 << 20)?;
        let secs = t.elapsed().as_secs_f64();
        let errs = compare_files(&input, &deq)?;
        let worst = errs
            .iter()
            .map(|(_, e)| e.snr_db)
            .fold(f64::INFINITY, f64::min);
        println!(
            "Verified from the written file: {} tensors compared, lowest SNR {:.2} dB; dequantized to fp32 in {:.3} s ({:.2} GB/s of fp32 output).",
            errs.len(),
            worst,
            secs,
            std::fs::metadata(&deq)?.len() as f64 / secs / 1e9
        );
    }
    Ok(())
}
