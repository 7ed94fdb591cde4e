//! Exact parameter counts of hand-written published configurations
//! (`fixtures/models/*/config.json`) against the model cards' totals.

use std::path::PathBuf;

use sheikh_ondevice::{Family, MemoryPlanner, ModelConfig, WeightFormat};

fn fixture(name: &str) -> ModelConfig {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/models")
        .join(name)
        .join("config.json");
    ModelConfig::from_hf_file(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn qwen25_coder_3b_is_3_09b() {
    let m = fixture("qwen2.5-coder-3b");
    let p = m.parameters();
    assert_eq!(m.family, Family::Qwen2);
    assert_eq!(m.head_dim, 128);
    assert_eq!(p.total, 3_085_938_688);
    assert_eq!(format!("{:.2}", p.total as f64 / 1e9), "3.09");
    assert_eq!(format!("{:.2}", p.non_embedding() as f64 / 1e9), "2.77");
    assert_eq!(p.embedding, 311_164_928);
    assert_eq!(p.lm_head, 0);
}

#[test]
fn other_published_totals() {
    // (fixture, exact count, published rounding, digits)
    let cases = [
        ("qwen2.5-coder-1.5b", 1_543_714_304u64, "1.54"),
        ("qwen2.5-coder-0.5b", 494_032_768, "0.49"),
        ("llama-3.2-1b", 1_235_814_400, "1.24"),
        ("phi-2", 2_779_683_840, "2.78"),
        ("phi-3-mini-4k", 3_821_079_552, "3.82"),
        ("starcoder2-3b", 3_030_371_328, "3.03"),
    ];
    for (name, exact, rounded) in cases {
        let p = fixture(name).parameters();
        assert_eq!(p.total, exact, "{name}");
        assert_eq!(format!("{:.2}", p.total as f64 / 1e9), rounded, "{name}");
    }
    // Non-embedding figures from the Qwen2.5-Coder model cards.
    assert_eq!(
        format!(
            "{:.2}",
            fixture("qwen2.5-coder-1.5b").parameters().non_embedding() as f64 / 1e9
        ),
        "1.31"
    );
    assert_eq!(
        format!(
            "{:.2}",
            fixture("qwen2.5-coder-0.5b").parameters().non_embedding() as f64 / 1e9
        ),
        "0.36"
    );
}

#[test]
fn qwen_3b_memory_by_hand() {
    let m = fixture("qwen2.5-coder-3b");
    let planner = MemoryPlanner::new(&m, Default::default());
    // bf16: 2 bytes per parameter.
    assert_eq!(
        planner.weight_bytes(&WeightFormat::default()).1,
        2 * 3_085_938_688
    );
    // INT8 per channel: 1 byte per matrix weight + one fp16 scale per output row;
    // norms (36 · 2 + 1) · 2048 stay bf16.
    let norms: u64 = 73 * 2048;
    let matrix_weights = 3_085_938_688 - norms - 36 * (2048 + 256 + 256);
    let rows_per_layer: u64 = 2048 + 256 + 256 + 2048 + 11008 + 11008 + 2048;
    let rows = 36 * rows_per_layer + 151_936;
    let biases = 36 * (2048 + 256 + 256);
    assert_eq!(
        planner.weight_bytes(&WeightFormat::int8()).1,
        matrix_weights + 2 * rows + 2 * (norms + biases)
    );
    // KV at 32K, fp16: 2 · 36 · 2 · 128 · 32768 · 2 bytes = 1.125 GiB.
    assert_eq!(planner.kv_cache_bytes(32_768, 1), 1_207_959_552);
    let est = planner.estimate(&WeightFormat::int8(), 32_768, 1);
    assert!(est.total() < 8_000_000_000, "{}", est.arithmetic());
}
