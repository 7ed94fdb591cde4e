//! Merging per-shard statistics.

use sheikh_core::{PipelineStats, StageStats};

use crate::error::{CliError, Result};

/// Adds the statistics of another shard of the same pipeline: every stage's counts,
/// the written tally and output files (in order), and the times (summed: the total
/// is task time, not wall time). Fails if the stages differ.
pub fn merge_pipeline_stats(into: &mut PipelineStats, other: &PipelineStats) -> Result<()> {
    let names = |s: &PipelineStats| s.stages.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
    if into.stages.is_empty() && into.read.name.is_empty() {
        into.read.name = other.read.name.clone();
        into.stages = other
            .stages
            .iter()
            .map(|s| StageStats::new(s.name.clone()))
            .collect();
    }
    if names(into) != names(other) {
        return Err(CliError::Plan(format!(
            "statistics of different pipelines: {:?} vs {:?}",
            names(into),
            names(other)
        )));
    }
    into.read.merge(&other.read);
    for (a, b) in into.stages.iter_mut().zip(&other.stages) {
        a.merge(b);
    }
    into.written.merge(&other.written);
    into.write_seconds += other.write_seconds;
    into.rejected_without_content
        .merge(&other.rejected_without_content);
    into.output_files.extend(other.output_files.iter().cloned());
    into.wall_seconds += other.wall_seconds;
    Ok(())
}

/// Joins the two halves of a staged run: `filter` (reader and the per-document stages,
/// merged over shards) then `dedup` (the stages of the dedup-filter step, merged over
/// shards; its `read` is the re-read of the filtered shards and must match what the
/// filter step wrote). The result is shaped like a single-process run's statistics.
pub fn join_halves(filter: &PipelineStats, dedup: &PipelineStats) -> Result<PipelineStats> {
    if filter.written != dedup.read.output {
        return Err(CliError::Plan(format!(
            "the filter step wrote {} documents but the dedup-filter step read {}",
            filter.written.docs, dedup.read.output.docs
        )));
    }
    let mut stages = filter.stages.clone();
    stages.extend(dedup.stages.iter().cloned());
    Ok(PipelineStats {
        read: filter.read.clone(),
        stages,
        written: dedup.written,
        write_seconds: dedup.write_seconds,
        rejected_without_content: {
            let mut t = filter.rejected_without_content;
            t.merge(&dedup.rejected_without_content);
            t
        },
        output_files: dedup.output_files.clone(),
        wall_seconds: filter.wall_seconds + dedup.wall_seconds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sheikh_core::{Language, Reason, Tally};

    fn stats(kept: u64, dropped: u64, files: &[&str]) -> PipelineStats {
        let mut lang = StageStats::new("language");
        lang.input = Tally {
            docs: kept + dropped,
            bytes: 10 * (kept + dropped),
        };
        lang.output = Tally {
            docs: kept,
            bytes: 10 * kept,
        };
        if dropped > 0 {
            lang.dropped.insert(
                Reason::LanguageNotSelected,
                Tally {
                    docs: dropped,
                    bytes: 10 * dropped,
                },
            );
        }
        lang.output_by_language.insert(
            Language::JavaScript,
            Tally {
                docs: kept,
                bytes: 10 * kept,
            },
        );
        let mut read = StageStats::new("read");
        read.input = lang.input;
        read.output = lang.input;
        PipelineStats {
            read,
            stages: vec![lang],
            written: Tally {
                docs: kept,
                bytes: 10 * kept,
            },
            write_seconds: 0.5,
            rejected_without_content: Tally::default(),
            output_files: files.iter().map(|s| s.to_string()).collect(),
            wall_seconds: 1.0,
        }
    }

    #[test]
    fn shard_statistics_add_up_and_balance() {
        let mut total = PipelineStats::default();
        for s in [
            stats(3, 1, &["a"]),
            stats(0, 0, &[]),
            stats(5, 2, &["b", "c"]),
        ] {
            s.check_balance().unwrap();
            merge_pipeline_stats(&mut total, &s).unwrap();
        }
        total.check_balance().unwrap();
        assert_eq!(total.read.input.docs, 11);
        assert_eq!(total.written.docs, 8);
        assert_eq!(
            total.stages[0].dropped[&Reason::LanguageNotSelected].docs,
            3
        );
        assert_eq!(
            total.stages[0].output_by_language[&Language::JavaScript].bytes,
            80
        );
        assert_eq!(total.output_files, vec!["a", "b", "c"]);
        assert_eq!(total.wall_seconds, 3.0);
        // Statistics of another pipeline do not merge.
        let mut other = stats(1, 0, &[]);
        other.stages[0].name = "quality".into();
        assert!(merge_pipeline_stats(&mut total, &other).is_err());
    }

    #[test]
    fn halves_join_only_when_the_counts_meet() {
        let filter = stats(8, 3, &[]);
        let mut dedup = stats(6, 2, &["data/x"]);
        dedup.stages[0].name = "dedup".into();
        let joined = join_halves(&filter, &dedup).unwrap();
        joined.check_balance().unwrap();
        assert_eq!(joined.stages.len(), 2);
        assert_eq!(joined.written.docs, 6);
        let short = stats(5, 2, &[]);
        assert!(join_halves(&filter, &short).is_err());
    }
}
