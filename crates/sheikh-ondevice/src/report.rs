//! The on-device section of the pipeline report (Markdown): parameters, memory per
//! format and context, latency per device and the seed's targets.

use crate::coverage::DEFAULT_CONTEXTS;
use crate::dtype::FloatDtype;
use crate::latency::{checks_markdown, DeviceProfiles, LatencyModel, SeedTargets};
use crate::memory::{gb, MemoryPlanner, WeightFormat};
use crate::model::Component;

/// The formats compared in the report: fp32, bf16, INT8 per channel (with and without
/// bf16 embeddings), INT4 g128 and g32 (fp16 scales).
pub fn report_formats() -> Vec<WeightFormat> {
    vec![
        WeightFormat::float(FloatDtype::F32),
        WeightFormat::float(FloatDtype::Bf16),
        WeightFormat::int8(),
        WeightFormat::int8().keeping_embeddings(),
        WeightFormat::int4(128),
        WeightFormat::int4(32),
    ]
}

/// Renders the whole on-device report for a model (`label` names it in the title).
pub fn render(
    label: &str,
    planner: &MemoryPlanner,
    devices: &DeviceProfiles,
    targets: &SeedTargets,
) -> String {
    let m = planner.model();
    let p = m.parameters();
    let mut s = format!("## On-device plan: {label}\n\n");
    s.push_str(&format!(
        "{:?} family, hidden {}, {} layers, {} heads / {} KV heads × {} head dim, MLP {}, vocab {}, tied embeddings: {}, trained context {}.\n\n",
        m.family, m.hidden_size, m.num_layers, m.num_heads, m.num_kv_heads, m.head_dim,
        m.intermediate_size, m.vocab_size, m.tie_word_embeddings,
        m.max_position_embeddings.map_or("?".into(), |v| v.to_string())
    ));
    s.push_str("| component | parameters | share |\n|---|---:|---:|\n");
    for (name, v) in [
        ("embedding", p.embedding),
        ("attention", p.attention),
        ("MLP", p.mlp),
        ("norms", p.norm),
        ("lm_head (untied)", p.lm_head),
    ] {
        s.push_str(&format!(
            "| {name} | {v} | {:.2} % |\n",
            100.0 * v as f64 / p.total as f64
        ));
    }
    s.push_str(&format!(
        "| **total** | **{}** ({:.2}B; non-embedding {:.2}B) | |\n\n",
        p.total,
        p.total as f64 / 1e9,
        p.non_embedding() as f64 / 1e9
    ));

    s.push_str("### Weights per storage format\n\n| format | bytes | bits/param | embedding | attention | MLP | norms | lm_head |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
    let formats = report_formats();
    for f in &formats {
        let (parts, total) = planner.weight_bytes(f);
        let get = |c: Component| parts.iter().find(|x| x.0 == c).map_or(0, |x| x.1);
        s.push_str(&format!(
            "| {f} | {} | {:.3} | {} | {} | {} | {} | {} |\n",
            gb(total),
            total as f64 * 8.0 / p.total as f64,
            gb(get(Component::Embedding)),
            gb(get(Component::Attention)),
            gb(get(Component::Mlp)),
            gb(get(Component::Norm)),
            gb(get(Component::LmHead)),
        ));
    }
    s.push_str("\nINT8/INT4 are symmetric with fp16 scales (per output channel / per group of 128 or 32 columns); norms and biases stay bf16; `(emb bf16)` keeps the embedding table unquantized.\n\n");

    s.push_str("### KV cache and activations per context (batch 1)\n\n");
    s.push_str(&planner.kv_table(&DEFAULT_CONTEXTS));
    let c = planner.config();
    s.push_str(&format!(
        "\nActivations: prefill chunk {} tokens in {}, attention {}; runtime overhead {}.\n\n",
        c.prefill_chunk,
        c.activation_dtype,
        if c.flash_attention {
            format!("tiled ({} keys per tile)", c.attention_tile)
        } else {
            "materialised (heads × chunk × context fp32 scores)".into()
        },
        gb(c.runtime_overhead_bytes)
    ));

    s.push_str(&format!(
        "### Total memory (weights + KV + activations + runtime) vs the {} target\n\n",
        gb(targets.memory_budget_bytes)
    ));
    s.push_str(&planner.context_table(&formats, &DEFAULT_CONTEXTS, 1, targets.memory_budget_bytes));
    if let Some(trained) = m.max_position_embeddings {
        s.push_str(&format!(
            "\nMemory alone is computed for any context; beyond the trained context ({trained}) the model needs RoPE scaling (e.g. YaRN) and long-context training.\n"
        ));
    }

    s.push_str(&format!(
        "\n### Latency per device ({} prompt tokens, {} generated)\n\n",
        targets.prompt_tokens, targets.completion_tokens
    ));
    s.push_str("Decode is memory-bound: tokens/s = usable bandwidth / bytes read per token (weights + KV so far). Prefill is compute-bound: 2 · params · tokens (+ attention) / usable FLOPs, never faster than one read of the weights per chunk.\n\n");
    s.push_str("| device | format | peak GB/s × eff | tokens/s after prompt | tokens/s at 32K | first token (ms) | 512 tokens (ms) | peak GB/s for 512 tokens in 100 ms |\n|---|---|---:|---:|---:|---:|---:|---:|\n");
    for f in [WeightFormat::int8(), WeightFormat::int4(128)] {
        let lat = LatencyModel::new(planner, &f);
        let need = lat.decode_bytes_total(targets.prompt_tokens, targets.completion_tokens) as f64
            / (targets.latency_ms / 1e3);
        for d in &devices.devices {
            let e = lat.estimate(
                d,
                targets.prompt_tokens,
                targets.completion_tokens,
                targets.context,
            );
            s.push_str(&format!(
                "| {} | {f} | {} × {} | {:.1} | {:.1} | {:.0} | {:.0} | {:.0} |\n",
                d.id,
                d.peak_bandwidth_gbs,
                d.bandwidth_efficiency,
                e.tokens_per_s_short,
                e.tokens_per_s_long,
                e.prefill_ms,
                e.decode_ms,
                need / 1e9 / d.bandwidth_efficiency
            ));
        }
    }
    s.push_str("\nDevice figures and their sources:\n\n");
    for d in &devices.devices {
        s.push_str(&format!("- `{}` — {}: {}\n", d.id, d.name, d.source));
    }

    s.push_str("\n### Seed targets\n\n");
    s.push_str(&checks_markdown(&targets.check(planner, devices)));
    s.push_str("\n\"< 100 ms for a 512-token completion\" is read three ways: all 512 tokens generated within 100 ms (needs the bandwidth in the arithmetic column, far beyond any device listed), the first token after a 512-token prompt within 100 ms (compute-bound prefill), and one token per 100 ms at a full 32K context (interactive streaming).\n");
    s
}

/// The `ondevice:` section of a pipeline configuration: which model to plan for and the
/// targets; [`OnDeviceConfig::report`] renders the whole on-device part of the pipeline
/// report, with the context-coverage table when the tokenizer's length histogram is
/// given.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OnDeviceConfig {
    /// HuggingFace `config.json` of the target model. Default
    /// `fixtures/models/qwen2.5-coder-3b/config.json` (relative to the working directory).
    pub model_config: std::path::PathBuf,
    /// Device profiles (YAML); `None` (the default) uses the crate's `devices.yaml`.
    pub devices: Option<std::path::PathBuf>,
    /// Candidate training/inference contexts for the coverage table. Default 2K–32K.
    pub contexts: Vec<u64>,
    /// KV cache, activation and overhead settings. Default [`crate::PlannerConfig::default`].
    pub planner: crate::PlannerConfig,
    /// The seed's targets. Default [`SeedTargets::default`].
    pub targets: SeedTargets,
}

impl Default for OnDeviceConfig {
    fn default() -> Self {
        OnDeviceConfig {
            model_config: "fixtures/models/qwen2.5-coder-3b/config.json".into(),
            devices: None,
            contexts: DEFAULT_CONTEXTS.to_vec(),
            planner: crate::PlannerConfig::default(),
            targets: SeedTargets::default(),
        }
    }
}

impl OnDeviceConfig {
    /// Paths relative to `root` become `root/path` (as the pipeline config does).
    pub fn rebase(mut self, root: &std::path::Path) -> Self {
        if self.model_config.is_relative() {
            self.model_config = root.join(&self.model_config);
        }
        if let Some(d) = self.devices.as_mut().filter(|d| d.is_relative()) {
            *d = root.join(&*d);
        }
        self
    }

    /// Checks the section before a run, so that the on-device plan written at the end
    /// cannot fail after the data was prepared: reads the model's `config.json` and
    /// the device profiles (both small), and checks that contexts, prefill chunk,
    /// attention tile and the targets' context, token counts and latency are
    /// positive. Messages name the field (`ondevice.targets.latency_ms`).
    pub fn validate(&self) -> crate::Result<()> {
        let bad = |m: String| Err(crate::OnDeviceError::Invalid(m));
        if self.contexts.is_empty() || self.contexts.contains(&0) {
            return bad("ondevice.contexts must be a non-empty list of positive lengths".into());
        }
        if self.planner.prefill_chunk == 0 {
            return bad("ondevice.planner.prefill_chunk must be at least 1".into());
        }
        if self.planner.flash_attention && self.planner.attention_tile == 0 {
            return bad("ondevice.planner.attention_tile must be at least 1".into());
        }
        let t = &self.targets;
        for (name, v) in [
            ("ondevice.targets.context", t.context),
            ("ondevice.targets.completion_tokens", t.completion_tokens),
            (
                "ondevice.targets.memory_budget_bytes",
                t.memory_budget_bytes,
            ),
        ] {
            if v == 0 {
                return bad(format!("{name} must be at least 1"));
            }
        }
        if !(t.latency_ms.is_finite() && t.latency_ms > 0.0) {
            return bad(format!(
                "ondevice.targets.latency_ms = {} must be > 0",
                t.latency_ms
            ));
        }
        if let Some(q) = &t.format.quant {
            q.validate().map_err(|e| {
                crate::OnDeviceError::Invalid(format!("ondevice.targets.format.quant: {e}"))
            })?;
        }
        crate::ModelConfig::from_hf_file(&self.model_config)?;
        if let Some(p) = &self.devices {
            DeviceProfiles::load(p)?;
        }
        Ok(())
    }

    /// Renders the on-device report; with `length_buckets` (`(upper_bound, docs,
    /// tokens)`, as `sheikh-tokenize` reports them) also the context-coverage table.
    pub fn report(
        &self,
        length_buckets: Option<impl IntoIterator<Item = (u64, u64, u64)>>,
    ) -> crate::Result<String> {
        let model = crate::ModelConfig::from_hf_file(&self.model_config)?;
        let devices = match &self.devices {
            Some(p) => DeviceProfiles::load(p)?,
            None => DeviceProfiles::builtin(),
        };
        let planner = MemoryPlanner::new(&model, self.planner.clone());
        let label = self
            .model_config
            .parent()
            .and_then(|p| p.file_name())
            .map_or("model".into(), |n| n.to_string_lossy().into_owned());
        let mut s = render(&label, &planner, &devices, &self.targets);
        if let Some(b) = length_buckets {
            let cov = crate::ContextCoverage::from_buckets(b, self.contexts.iter().copied())?;
            s.push_str("\n### Context coverage of the prepared data\n\n");
            s.push_str(&cov.to_markdown());
            if let Some(c) = cov.smallest_context(0.95, 0.99) {
                s.push_str(&format!(
                    "\nSmallest context keeping ≥ 95 % of documents whole and ≥ 99 % of tokens: {}.\n",
                    crate::memory::ctx_label(c)
                ));
            }
        }
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipeline_section_renders_with_coverage() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let cfg: OnDeviceConfig =
            sheikh_core::config::from_yaml_str("targets: {latency_ms: 50.0}").unwrap();
        let cfg = cfg.rebase(&root);
        let s = cfg
            .report(Some([(1024u64, 10u64, 5000u64), (65_536, 1, 40_000)]))
            .unwrap();
        assert!(s.contains("3085938688"));
        assert!(s.contains("< 50 ms"));
        assert!(s.contains("| 32K | 90.91 % |"));
        assert!(sheikh_core::config::from_yaml_str::<OnDeviceConfig>("bogus: 1").is_err());
    }

    #[test]
    fn validate_names_the_bad_field_and_reads_the_model() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let ok = OnDeviceConfig::default().rebase(&root);
        ok.validate().unwrap();
        let mut c = ok.clone();
        c.targets.latency_ms = -5.0;
        assert!(c
            .validate()
            .unwrap_err()
            .to_string()
            .contains("ondevice.targets.latency_ms"));
        let mut c = ok.clone();
        c.contexts = vec![2048, 0];
        assert!(c
            .validate()
            .unwrap_err()
            .to_string()
            .contains("ondevice.contexts"));
        let mut c = ok.clone();
        c.planner.prefill_chunk = 0;
        assert!(c
            .validate()
            .unwrap_err()
            .to_string()
            .contains("prefill_chunk"));
        let mut c = ok;
        c.model_config = root.join("no/such/config.json");
        assert!(c.validate().is_err());
    }
}
