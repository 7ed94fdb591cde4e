//! Glue between the steps' own statistics and the data-quality report, shared by the
//! single-process run and the sharded one (`sheikh-cli`), so both write the same report.

use sheikh_ondevice::memory::ctx_label;
use sheikh_ondevice::ContextCoverage;
use sheikh_quality::report::{DedupSummary, ExtraTable, TokenSummary};
use sheikh_tokenize::TokenStats;

/// The report's token section from the tokenize step's statistics.
pub fn token_summary(stats: &TokenStats, tokenizer: &std::path::Path) -> TokenSummary {
    TokenSummary {
        tokenizer: tokenizer.display().to_string(),
        per_language: stats
            .languages
            .iter()
            .map(|(l, v)| (l.name().to_string(), v.tokens))
            .collect(),
        length_buckets: stats.histogram.buckets().filter(|b| b.1 > 0).collect(),
    }
}

/// The report's dedup section from the dedup report.
pub fn dedup_summary(d: &sheikh_dedup::DedupReport) -> DedupSummary {
    DedupSummary {
        documents: d.documents,
        exact_duplicates: d.exact_duplicates,
        near_duplicates: d.near_duplicates,
        duplication_rate: d.duplication_rate,
        clusters: d.clusters,
        largest_cluster: d.largest_cluster,
        cluster_sizes: d.cluster_sizes.clone(),
        threshold: d.threshold,
        bands: d.bands,
        rows: d.rows,
        s_curve: d
            .s_curve
            .iter()
            .map(|p| (p.similarity, p.probability))
            .collect(),
    }
}

/// The share of documents and tokens that fit each candidate context length, as a
/// report table (from the tokenize step's length histogram).
pub fn context_coverage_table(
    stats: &TokenStats,
    contexts: &[u64],
) -> Result<ExtraTable, sheikh_ondevice::OnDeviceError> {
    let cov = ContextCoverage::from_buckets(stats.histogram.buckets(), contexts.iter().copied())?;
    let smallest = cov
        .smallest_context(0.95, 0.99)
        .map(|c| format!(" The smallest listed context keeping ≥ 95% of documents whole and ≥ 99% of tokens is {}.", ctx_label(c)))
        .unwrap_or_else(|| " No listed context keeps ≥ 95% of documents whole and ≥ 99% of tokens.".into());
    Ok(ExtraTable {
        title: "Context coverage of the prepared data".into(),
        caption: format!(
            "{} samples, {} tokens: for each training context length, the share of samples that fit whole and the share of tokens kept if longer samples are truncated (ranges where a context falls inside a histogram bucket).{smallest}",
            cov.total_docs, cov.total_tokens
        ),
        columns: vec![
            "context".into(),
            "samples that fit whole".into(),
            "tokens kept when truncated".into(),
        ],
        rows: cov.cells().into_iter().map(Vec::from)
            .collect(),
    })
}
