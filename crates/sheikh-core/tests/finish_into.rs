//! Stages that hold documents back release them through `finish_into`, in batches,
//! through the downstream stages, and the books still balance.

use sheikh_core::io::{JsonlFormat, ReadBatch, ShardedWriter, WriterOptions};
use sheikh_core::{
    Document, Emit, Filter, FilterStage, Language, Outcome, Pipeline, Reason, Rejection, Sinks,
    Stage, StageError,
};

/// Holds everything, then releases it three documents at a time, dropping every 4th.
struct HoldAll {
    held: Vec<Document>,
    emitted_batches: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Stage for HoldAll {
    fn name(&self) -> &str {
        "hold"
    }
    fn process(&mut self, batch: Vec<Document>) -> Result<Vec<Outcome>, StageError> {
        self.held.extend(batch);
        Ok(Vec::new())
    }
    fn finish_into(&mut self, emit: &mut Emit<'_>) -> Result<(), StageError> {
        let held = std::mem::take(&mut self.held);
        let mut i = 0;
        for chunk in held.chunks(3) {
            let out = chunk
                .iter()
                .cloned()
                .map(|d| {
                    i += 1;
                    if i % 4 == 0 {
                        Outcome::Drop(d, Rejection::new(Reason::Other, "every 4th"))
                    } else {
                        Outcome::Keep(d)
                    }
                })
                .collect();
            self.emitted_batches
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            emit(out)?;
        }
        Ok(())
    }
}

struct DropShort;
impl Filter for DropShort {
    fn name(&self) -> &str {
        "short"
    }
    fn filter(&self, doc: &mut Document) -> Option<Rejection> {
        (doc.content.len() < 8).then(|| Rejection::new(Reason::TooManyLines, "short"))
    }
}

#[test]
fn held_documents_flow_downstream_in_batches() {
    let docs: Vec<Document> = (0..20)
        .map(|i| Document::new("x".repeat(i + 1), Language::JavaScript))
        .collect();
    let batches = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut p = Pipeline::new()
        .with_stage(HoldAll {
            held: Vec::new(),
            emitted_batches: batches.clone(),
        })
        .with_stage(FilterStage::new(DropShort));
    let dir = tempfile::tempdir().unwrap();
    let w = ShardedWriter::new(dir.path(), JsonlFormat, WriterOptions::default());
    let reader = docs.chunks(6).map(|c| {
        Ok(ReadBatch {
            documents: c.to_vec(),
            rejected: vec![],
        })
    });
    let (stats, files) = p.run(reader, Sinks::new(Box::new(w)), |_| {}).unwrap();
    stats.check_balance().unwrap();
    assert_eq!(batches.load(std::sync::atomic::Ordering::SeqCst), 7);
    assert_eq!(stats.stages[0].dropped[&Reason::Other].docs, 5);
    // Lengths 1..=7 are short; of those, 4 is dropped by the first stage already.
    assert_eq!(stats.stages[1].dropped[&Reason::TooManyLines].docs, 6);
    assert_eq!(stats.written.docs, 20 - 5 - 6);
    let written: usize = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap().lines().count())
        .sum();
    assert_eq!(written as u64, stats.written.docs);
}
