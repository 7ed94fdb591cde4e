//! Criterion benches of the quantization kernels on one 2048×11008 matrix (a
//! Qwen2.5-3B `down_proj`), f32 and bf16 input: INT8 per channel and INT4 g128
//! quantization (scales pass + encode pass, parallel over rows), and dequantization.
//! Throughput is in bytes of *input* weights. Run:
//! `cargo bench -p sheikh-ondevice --bench quantize`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use sheikh_ondevice::{quantize_tensor, FloatDtype, QuantScheme, TensorData};

const ROWS: usize = 2048;
const COLS: usize = 11008;

fn weights() -> Vec<f32> {
    let mut s = 0x1234_5678_9abc_def1u64;
    (0..ROWS * COLS)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            ((s >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 0.1
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let w = weights();
    let mut bf16 = Vec::new();
    FloatDtype::Bf16.encode(&w, &mut bf16);
    let mut g = c.benchmark_group("quantize_2048x11008");
    g.sample_size(10);
    for scheme in [QuantScheme::int8(), QuantScheme::int4(128)] {
        g.throughput(Throughput::Bytes((w.len() * 4) as u64));
        g.bench_with_input(BenchmarkId::new("f32", scheme), &scheme, |b, s| {
            b.iter(|| quantize_tensor("w", TensorData::F32(&w), ROWS, COLS, s).unwrap())
        });
        g.throughput(Throughput::Bytes(bf16.len() as u64));
        g.bench_with_input(BenchmarkId::new("bf16", scheme), &scheme, |b, s| {
            b.iter(|| {
                quantize_tensor(
                    "w",
                    TensorData::Bytes {
                        bytes: &bf16,
                        dtype: FloatDtype::Bf16,
                    },
                    ROWS,
                    COLS,
                    s,
                )
                .unwrap()
            })
        });
        let (q, _) = quantize_tensor("w", TensorData::F32(&w), ROWS, COLS, &scheme).unwrap();
        g.throughput(Throughput::Bytes((w.len() * 4) as u64));
        g.bench_with_input(BenchmarkId::new("dequantize_to_f32", scheme), &q, |b, q| {
            b.iter(|| q.dequantize())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
