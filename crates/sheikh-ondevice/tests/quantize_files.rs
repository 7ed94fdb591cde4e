//! Safetensors files in and out: generated checkpoints (no download), every dtype and
//! scheme, typed errors for bad files, and the memory planner's byte prediction.

use std::collections::HashMap;
use std::path::Path;

use half::{bf16, f16};
use safetensors::tensor::TensorView;
use safetensors::{Dtype, SafeTensors};
use sheikh_ondevice::{
    compare_files, quantize_file, FloatDtype, MemoryPlanner, ModelConfig, OnDeviceError,
    QuantScheme, QuantizeConfig, QuantizedFile, SafetensorsFile, TensorAction, WeightFormat,
};

/// Deterministic roughly Gaussian values (sum of 4 uniforms), std ≈ `scale`.
fn values(n: usize, seed: u64, scale: f32) -> Vec<f32> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut u = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 40) as f32 / (1u64 << 24) as f32
    };
    (0..n)
        .map(|_| (u() + u() + u() + u() - 2.0) * scale * 1.7)
        .collect()
}

fn encode(v: &[f32], d: Dtype) -> Vec<u8> {
    match d {
        Dtype::F32 => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
        Dtype::F16 => v
            .iter()
            .flat_map(|x| f16::from_f32(*x).to_le_bytes())
            .collect(),
        Dtype::BF16 => v
            .iter()
            .flat_map(|x| bf16::from_f32(*x).to_le_bytes())
            .collect(),
        Dtype::F64 => v.iter().flat_map(|x| (*x as f64).to_le_bytes()).collect(),
        _ => unreachable!(),
    }
}

/// Writes tensors `(name, dtype, shape)` with generated values; returns them as f32.
fn write_checkpoint(
    path: &Path,
    tensors: &[(&str, Dtype, Vec<usize>)],
) -> HashMap<String, Vec<f32>> {
    let mut bufs = Vec::new();
    let mut vals = HashMap::new();
    for (i, (name, d, shape)) in tensors.iter().enumerate() {
        let n: usize = shape.iter().product();
        let mut v = values(n, i as u64 + 1, 0.02);
        // Round to the stored dtype so comparisons see what the file holds.
        let b = encode(&v, *d);
        if let Some(fd) = FloatDtype::from_safetensors(*d) {
            fd.decode(&b, &mut v);
        }
        vals.insert(name.to_string(), v);
        bufs.push((name.to_string(), *d, shape.clone(), b));
    }
    let views: Vec<(String, TensorView<'_>)> = bufs
        .iter()
        .map(|(n, d, s, b)| (n.clone(), TensorView::new(*d, s.clone(), b).unwrap()))
        .collect();
    let meta = HashMap::from([("format".to_string(), "pt".to_string())]);
    std::fs::write(path, safetensors::serialize(views, Some(meta)).unwrap()).unwrap();
    vals
}

fn checkpoint() -> Vec<(&'static str, Dtype, Vec<usize>)> {
    vec![
        ("model.embed_tokens.weight", Dtype::BF16, vec![50, 96]),
        (
            "model.layers.0.self_attn.q_proj.weight",
            Dtype::F32,
            vec![96, 96],
        ),
        ("model.layers.0.self_attn.q_proj.bias", Dtype::F32, vec![96]),
        (
            "model.layers.0.mlp.down_proj.weight",
            Dtype::F16,
            vec![96, 200],
        ),
        (
            "model.layers.0.input_layernorm.weight",
            Dtype::BF16,
            vec![96],
        ),
        ("model.rotary.inv_freq", Dtype::F32, vec![2, 3, 4]),
    ]
}

#[test]
fn int8_and_int4_files_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.safetensors");
    let vals = write_checkpoint(&input, &checkpoint());
    for scheme in [
        QuantScheme::int8(),
        QuantScheme::int8().asymmetric(),
        QuantScheme::int4(32),
        QuantScheme::int4(64).asymmetric(),
        QuantScheme::int4(128),
    ] {
        let out = dir.path().join(format!("{scheme}.safetensors"));
        let cfg = QuantizeConfig {
            scheme,
            batch_bytes: 10_000, // several batches
            ..Default::default()
        };
        let report = quantize_file(&input, &out, &cfg).unwrap();
        let quantized: Vec<_> = report
            .tensors
            .iter()
            .filter(|t| t.action == TensorAction::Quantized)
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(
            quantized,
            [
                "model.embed_tokens.weight",
                "model.layers.0.mlp.down_proj.weight",
                "model.layers.0.self_attn.q_proj.weight"
            ]
        );
        assert_eq!(
            report.file_bytes_out,
            std::fs::metadata(&out).unwrap().len()
        );

        // The reference reader accepts the file; metadata carries the scheme.
        let bytes = std::fs::read(&out).unwrap();
        let st = SafeTensors::deserialize(&bytes).unwrap();
        let (_, meta) = SafeTensors::read_metadata(&bytes).unwrap();
        let user = meta.metadata().as_ref().unwrap();
        assert_eq!(user["format"], "pt");
        assert!(user["sheikh.quantization"].contains("quant-v1"));
        let codes = st.tensor("model.layers.0.self_attn.q_proj.weight").unwrap();
        assert_eq!(codes.shape(), [96, scheme.row_bytes(96)]);
        // 1-D and 3-D tensors are byte-identical copies.
        let src = std::fs::read(&input).unwrap();
        let src = SafeTensors::deserialize(&src).unwrap();
        for n in [
            "model.layers.0.self_attn.q_proj.bias",
            "model.rotary.inv_freq",
        ] {
            assert_eq!(st.tensor(n).unwrap().data(), src.tensor(n).unwrap().data());
        }

        // Every element within half a step of its group's scale.
        let qf = QuantizedFile::open(&out).unwrap();
        assert_eq!(qf.metadata().scheme, scheme);
        for name in &quantized {
            let q = qf.tensor(name).unwrap();
            let orig = &vals[*name];
            let back = q.dequantize();
            for (i, (&x, &y)) in orig.iter().zip(&back).enumerate() {
                let s = q.scale_at(i / q.cols, i % q.cols) as f64;
                let tol = s / 2.0 + s * scheme.qmax() as f64 * 2f64.powi(-21);
                assert!(
                    ((x - y) as f64).abs() <= tol,
                    "{scheme} {name}[{i}]: {x} vs {y}, scale {s}"
                );
            }
            // The inline report matches an independent recomputation.
            let e = report
                .tensors
                .iter()
                .find(|t| t.name == *name)
                .unwrap()
                .error
                .unwrap();
            let again = sheikh_ondevice::error_stats(orig, &back);
            assert!((e.mse - again.mse).abs() <= 1e-12 * again.mse.max(1e-30));
            assert_eq!(e.max_abs_err, again.max_abs_err);
        }

        // Dequantized file: original names, dtypes and shapes; errors as reported.
        let deq = dir.path().join(format!("{scheme}.deq.safetensors"));
        qf.dequantize_to_file(&deq, Some(FloatDtype::F32), 1 << 20)
            .unwrap();
        let d = SafetensorsFile::open(&deq).unwrap();
        assert_eq!(d.names(), SafetensorsFile::open(&input).unwrap().names());
        let cmp = compare_files(&input, &deq).unwrap();
        for (name, e) in &cmp {
            match report
                .tensors
                .iter()
                .find(|t| &t.name == name)
                .unwrap()
                .error
            {
                Some(r) => assert!((r.mse - e.mse).abs() <= 1e-12 * e.mse.max(1e-30), "{name}"),
                None => assert_eq!(e.max_abs_err, 0.0, "{name} is a copy"),
            }
        }
        // Quantizing at 8 bits is far more precise than at 4.
        let snr = report.overall().snr_db;
        match scheme.bits {
            sheikh_ondevice::Bits::Int8 => assert!(snr > 35.0, "{scheme}: {snr}"),
            sheikh_ondevice::Bits::Int4 => assert!(snr > 12.0 && snr < 35.0, "{scheme}: {snr}"),
        }
    }
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.safetensors");
    write_checkpoint(&input, &checkpoint());
    let cfg = QuantizeConfig {
        scheme: QuantScheme::int4(32),
        ..Default::default()
    };
    let mut outs = Vec::new();
    for threads in [1, 2, 3] {
        let out = dir.path().join(format!("t{threads}.safetensors"));
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let r = pool.install(|| quantize_file(&input, &out, &cfg)).unwrap();
        outs.push((std::fs::read(&out).unwrap(), r.overall()));
    }
    assert!(outs.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn keeping_embeddings_and_skips() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.safetensors");
    write_checkpoint(&input, &checkpoint());
    let out = dir.path().join("out.safetensors");
    let cfg = QuantizeConfig {
        keep_embeddings: true,
        skip: vec!["down_proj".into()],
        ..Default::default()
    };
    let r = quantize_file(&input, &out, &cfg).unwrap();
    let q: Vec<_> = r
        .tensors
        .iter()
        .filter(|t| t.action == TensorAction::Quantized)
        .map(|t| t.name.clone())
        .collect();
    assert_eq!(q, ["model.layers.0.self_attn.q_proj.weight"]);
    // Quantizing an already quantized file is refused.
    let again = dir.path().join("again.safetensors");
    assert!(matches!(
        quantize_file(&out, &again, &QuantizeConfig::default()),
        Err(OnDeviceError::Invalid(_))
    ));
}

#[test]
fn bad_files_are_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.safetensors");
    write_checkpoint(&input, &checkpoint());
    let bytes = std::fs::read(&input).unwrap();
    let out = dir.path().join("out.safetensors");
    let cfg = QuantizeConfig::default();

    let cut = dir.path().join("cut.safetensors");
    for len in [4, 20, bytes.len() - 10] {
        std::fs::write(&cut, &bytes[..len]).unwrap();
        let e = quantize_file(&cut, &out, &cfg).unwrap_err();
        assert!(matches!(e, OnDeviceError::Truncated { .. }), "{len}: {e}");
    }
    let garbage = dir.path().join("garbage.safetensors");
    let mut g = 10u64.to_le_bytes().to_vec();
    g.extend_from_slice(b"not json!!");
    std::fs::write(&garbage, &g).unwrap();
    assert!(matches!(
        quantize_file(&garbage, &out, &cfg),
        Err(OnDeviceError::Safetensors { .. })
    ));
    assert!(matches!(
        quantize_file(dir.path().join("missing"), &out, &cfg),
        Err(OnDeviceError::Io { .. })
    ));
    assert!(!out.exists(), "no output for a failed run");

    // A 2-D F64 weight: wrong dtype.
    let f64file = dir.path().join("f64.safetensors");
    write_checkpoint(&f64file, &[("w", Dtype::F64, vec![4, 4])]);
    assert!(matches!(
        quantize_file(&f64file, &out, &cfg),
        Err(OnDeviceError::UnsupportedDtype { .. })
    ));
    // Single tensors: not 2-D.
    let f = SafetensorsFile::open(&input).unwrap();
    assert!(matches!(
        f.quantize("model.rotary.inv_freq", &QuantScheme::int8()),
        Err(OnDeviceError::NotTwoDimensional { .. })
    ));
    assert!(f
        .quantize(
            "model.layers.0.self_attn.q_proj.weight",
            &QuantScheme::int8()
        )
        .is_ok());
    // A plain file is not a quantized one.
    assert!(matches!(
        QuantizedFile::open(&input),
        Err(OnDeviceError::NotQuantized { .. })
    ));
}

#[test]
fn planner_predicts_quantized_file_bytes() {
    // A tiny Qwen2-layout model written from ModelConfig::tensors(), in bf16.
    let model = ModelConfig::from_hf_json(
        r#"{"model_type":"qwen2","hidden_size":64,"num_hidden_layers":2,
        "num_attention_heads":4,"num_key_value_heads":2,"intermediate_size":160,
        "vocab_size":300,"tie_word_embeddings":false}"#,
    )
    .unwrap();
    let specs = model.tensors();
    let tensors: Vec<(&str, Dtype, Vec<usize>)> = specs
        .iter()
        .map(|t| (t.name.as_str(), Dtype::BF16, t.shape.clone()))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("model.safetensors");
    write_checkpoint(&input, &tensors);
    let planner = MemoryPlanner::new(&model, Default::default());
    for format in [
        WeightFormat::int8(),
        WeightFormat::int4(32),
        WeightFormat::quantized(QuantScheme::int4(64).asymmetric()),
        WeightFormat::int8().keeping_embeddings(),
    ] {
        let out = dir.path().join("q.safetensors");
        let cfg = QuantizeConfig {
            scheme: format.quant.unwrap(),
            keep_embeddings: format.keep_embeddings,
            keep_lm_head: format.keep_lm_head,
            ..Default::default()
        };
        quantize_file(&input, &out, &cfg).unwrap();
        let bytes = std::fs::read(&out).unwrap();
        let (header, _) = SafeTensors::read_metadata(&bytes).unwrap();
        let data_bytes = (bytes.len() - 8 - header) as u64;
        assert_eq!(planner.weight_bytes(&format).1, data_bytes, "{format}");
    }
    assert_eq!(
        planner.weight_bytes(&WeightFormat::default()).1,
        std::fs::metadata(&input).unwrap().len()
            - 8
            - SafeTensors::read_metadata(&std::fs::read(&input).unwrap())
                .unwrap()
                .0 as u64
    );
}
