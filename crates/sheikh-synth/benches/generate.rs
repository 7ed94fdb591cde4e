//! Generation throughput: grammar generation alone, and generation + validation +
//! dedup through the synthesizer.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sheikh_synth::{Kind, SynthOptions, Synthesizer, WebDevSyntheticGenerator};

fn bench(c: &mut Criterion) {
    let g = WebDevSyntheticGenerator::new(42);
    let mut group = c.benchmark_group("render");
    for kind in [Kind::Xml, Kind::Mdx, Kind::Tsx] {
        group.throughput(Throughput::Elements(100));
        group.bench_function(kind.name(), |b| {
            b.iter(|| {
                (0..100u64)
                    .map(|i| g.render(kind, g.family_of(kind, i), i, 0).unwrap().len())
                    .sum::<usize>()
            })
        });
    }
    group.finish();
    let mut group = c.benchmark_group("synthesize_validate_dedup");
    group.sample_size(10);
    for kind in [Kind::Xml, Kind::Mdx] {
        group.throughput(Throughput::Elements(256));
        group.bench_function(kind.name(), |b| {
            b.iter(|| {
                let s = Synthesizer::new(g.clone(), SynthOptions::default()).unwrap();
                s.generate(kind, 256).unwrap().len()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
