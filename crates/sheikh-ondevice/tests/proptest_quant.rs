//! Invariants of the quantizer on arbitrary tensors: per-element error within half a
//! quantization step of the element's scale (INT8 per channel, INT4 per group,
//! symmetric and asymmetric), and safetensors round trips equal to the in-memory path.

use std::collections::HashMap;

use proptest::prelude::*;
use safetensors::tensor::TensorView;
use safetensors::Dtype;
use sheikh_ondevice::{
    quantize_file, quantize_tensor, QuantScheme, QuantizeConfig, QuantizedFile, TensorData,
};

/// Tolerance on top of `scale / 2`: f32 rounding of `w · (1/s)` and of `q · s`.
fn tol(scale: f32, scheme: &QuantScheme) -> f64 {
    let s = scale as f64;
    s / 2.0 + s * scheme.qmax() as f64 * 2f64.powi(-21)
}

fn tensor() -> impl Strategy<Value = (usize, usize, Vec<f32>)> {
    (1usize..12, 1usize..300).prop_flat_map(|(r, c)| {
        let mag = prop_oneof![Just(1e-3f32), Just(0.05f32), Just(3.0f32), Just(400.0f32)];
        (Just(r), Just(c), mag).prop_flat_map(|(r, c, m)| {
            (
                Just(r),
                Just(c),
                prop::collection::vec(
                    prop_oneof![
                        8 => -m..m,
                        1 => Just(0.0f32),
                        1 => (-m * 20.0)..(m * 20.0), // outliers
                    ],
                    r * c,
                ),
            )
        })
    })
}

fn scheme() -> impl Strategy<Value = QuantScheme> {
    (
        prop_oneof![
            Just(QuantScheme::int8()),
            Just(QuantScheme::int4(32)),
            Just(QuantScheme::int4(64)),
            Just(QuantScheme::int4(128)),
            (1usize..50).prop_map(|g| {
                let mut s = QuantScheme::int8();
                s.group_size = Some(g);
                s
            }),
        ],
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(s, asym, f32s)| {
            let s = if asym { s.asymmetric() } else { s };
            if f32s {
                s.with_scale_dtype(sheikh_ondevice::ScaleDtype::F32)
            } else {
                s
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn int8_per_channel_error_at_most_half_a_step((rows, cols, w) in tensor()) {
        let s = QuantScheme::int8();
        let (q, stats) = quantize_tensor("w", TensorData::F32(&w), rows, cols, &s).unwrap();
        prop_assert_eq!(q.scales.len(), rows);
        let back = q.dequantize();
        for (i, (&x, &y)) in w.iter().zip(&back).enumerate() {
            let scale = q.scales[i / cols];
            prop_assert!(((x - y) as f64).abs() <= tol(scale, &s), "[{}] {} vs {} scale {}", i, x, y, scale);
        }
        prop_assert!(stats.max_abs_err <= q.scales.iter().map(|&s| tol(s, &QuantScheme::int8())).fold(0.0, f64::max));
    }

    #[test]
    fn any_scheme_error_at_most_half_a_step_per_group((rows, cols, w) in tensor(), s in scheme()) {
        let (q, _) = quantize_tensor("w", TensorData::F32(&w), rows, cols, &s).unwrap();
        prop_assert_eq!(q.scales.len(), rows * s.groups_per_row(cols));
        prop_assert_eq!(q.data.len(), rows * s.row_bytes(cols));
        let back = q.dequantize();
        for (i, (&x, &y)) in w.iter().zip(&back).enumerate() {
            let scale = q.scale_at(i / cols, i % cols);
            prop_assert!(((x - y) as f64).abs() <= tol(scale, &s), "{} [{}] {} vs {} scale {}", s, i, x, y, scale);
        }
    }

    #[test]
    fn safetensors_round_trip_equals_memory((rows, cols, w) in tensor(), s in scheme(), bf16 in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.safetensors");
        let (dtype, bytes): (Dtype, Vec<u8>) = if bf16 {
            (Dtype::BF16, w.iter().flat_map(|x| half::bf16::from_f32(*x).to_le_bytes()).collect())
        } else {
            (Dtype::F32, w.iter().flat_map(|x| x.to_le_bytes()).collect())
        };
        let norm: Vec<u8> = (0..cols).flat_map(|i| (i as f32).to_le_bytes()).collect();
        let views = vec![
            ("w".to_string(), TensorView::new(dtype, vec![rows, cols], &bytes).unwrap()),
            ("norm".to_string(), TensorView::new(Dtype::F32, vec![cols], &norm).unwrap()),
        ];
        std::fs::write(&input, safetensors::serialize(views, None::<HashMap<String, String>>).unwrap()).unwrap();
        let out = dir.path().join("q.safetensors");
        let cfg = QuantizeConfig { scheme: s, ..Default::default() };
        let report = quantize_file(&input, &out, &cfg).unwrap();
        let qf = QuantizedFile::open(&out).unwrap();
        let from_file = qf.tensor("w").unwrap();
        let fd = sheikh_ondevice::FloatDtype::from_safetensors(dtype).unwrap();
        let (mem, stats) = quantize_tensor("w", TensorData::Bytes { bytes: &bytes, dtype: fd }, rows, cols, &s).unwrap();
        prop_assert_eq!(&from_file, &mem);
        prop_assert_eq!(report.tensors.iter().find(|t| t.name == "w").unwrap().error, Some(stats));
        let deq = dir.path().join("d.safetensors");
        qf.dequantize_to_file(&deq, None, 1 << 20).unwrap();
        let d = sheikh_ondevice::SafetensorsFile::open(&deq).unwrap();
        prop_assert_eq!(d.info("w").unwrap().dtype, dtype);
        let back = d.to_f32("w").unwrap();
        let expect: Vec<f32> = mem.dequantize();
        let mut enc = Vec::new();
        fd.encode(&expect, &mut enc);
        let mut expect_rounded = vec![0f32; expect.len()];
        fd.decode(&enc, &mut expect_rounded);
        prop_assert_eq!(back, expect_rounded);
        prop_assert_eq!(d.to_f32("norm").unwrap(), (0..cols).map(|i| i as f32).collect::<Vec<_>>());
    }
}
