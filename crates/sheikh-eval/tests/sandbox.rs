//! The node sandbox of generated-code evaluation: memory and disk limits stop a run and
//! are reported, and execution fails closed without network isolation.

use std::path::PathBuf;
use std::process::Command;

use sheikh_eval::{EvalConfig, EvalError, Evaluator, ExecConfig, NodeRunner};

fn node_present() -> bool {
    let ok = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        println!("skipped: node is not installed");
    }
    ok
}

/// A runner with the default limits; without working `unshare` (some containers) the
/// limit tests still run, with the network explicitly allowed.
fn runner() -> NodeRunner {
    NodeRunner::detect(ExecConfig::default()).unwrap_or_else(|e| {
        assert!(e.refused, "{}", e.reason);
        println!("note: {} — limit tests run with allow_network", e.reason);
        NodeRunner::detect(ExecConfig {
            allow_network: true,
            ..ExecConfig::default()
        })
        .expect("node and prlimit work")
    })
}

#[test]
fn allocating_two_gigabytes_is_stopped_as_a_memory_failure() {
    if !node_present() {
        return;
    }
    let r = runner();
    let code =
        "const a = []; for (let i = 0; i < 20; i++) a.push(Buffer.alloc(100 * 1024 * 1024, 1));";
    let out = r.run(code, "console.log(a.length);");
    assert!(!out.passed, "{out:?}");
    assert_eq!(out.limit_hit.as_deref(), Some("memory"), "{out:?}");
    // The heap too (V8's --max-old-space-size).
    let out = r.run(
        "const a = []; while (true) a.push(new Array(1e6).fill(1.5));",
        "",
    );
    assert!(!out.passed, "{out:?}");
    assert_eq!(out.limit_hit.as_deref(), Some("memory"), "{out:?}");
    // A small program still passes under the limits.
    let out = r.run(
        "const x = Buffer.alloc(1024);",
        "if (x.length !== 1024) process.exit(1);",
    );
    assert!(out.passed, "{out:?}");
}

#[test]
fn writing_two_hundred_megabytes_is_stopped_as_a_disk_failure() {
    if !node_present() {
        return;
    }
    let r = runner();
    // One big file: RLIMIT_FSIZE.
    let one = "const fs = require('fs'); const b = Buffer.alloc(1024 * 1024, 1); const fd = fs.openSync('big.bin', 'w'); for (let i = 0; i < 200; i++) fs.writeSync(fd, b);";
    let out = r.run(one, "");
    assert!(!out.passed, "{out:?}");
    assert_eq!(out.limit_hit.as_deref(), Some("disk"), "{out:?}");
    // Many files under the per-file limit: the directory's total size.
    let many = "const fs = require('fs'); const b = Buffer.alloc(20 * 1024 * 1024, 1); for (let i = 0; i < 10; i++) fs.writeFileSync('f' + i + '.bin', b);";
    let out = r.run(many, "");
    assert!(!out.passed, "{out:?}");
    assert_eq!(out.limit_hit.as_deref(), Some("disk"), "{out:?}");
}

#[test]
fn missing_network_isolation_refuses_unless_allowed() {
    if !node_present() {
        return;
    }
    let missing = ExecConfig {
        unshare: PathBuf::from("/nonexistent/unshare"),
        ..ExecConfig::default()
    };
    let err = NodeRunner::detect(missing.clone()).expect_err("must refuse");
    assert!(err.refused);
    assert!(err.reason.contains("network isolation"), "{}", err.reason);
    let config = EvalConfig {
        execute: true,
        exec: missing.clone(),
        ..EvalConfig::default()
    };
    match Evaluator::new(config) {
        Err(EvalError::SandboxUnavailable(reason)) => assert!(reason.contains("allow_network")),
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("evaluator must refuse to execute without network isolation"),
    }
    // Turning isolation off is refused just the same.
    let off = ExecConfig {
        isolate_network: false,
        ..ExecConfig::default()
    };
    assert!(NodeRunner::detect(off).expect_err("must refuse").refused);
    // The explicit opt-out runs, and says it is not isolated.
    let allowed = ExecConfig {
        allow_network: true,
        ..missing
    };
    let r = NodeRunner::detect(allowed).expect("allowed");
    assert!(!r.network_isolated());
    assert!(
        r.run("const a = 1;", "if (a !== 1) process.exit(1);")
            .passed
    );
}

#[test]
fn missing_prlimit_refuses() {
    if !node_present() {
        return;
    }
    let err = NodeRunner::detect(ExecConfig {
        prlimit: PathBuf::from("/nonexistent/prlimit"),
        allow_network: true,
        ..ExecConfig::default()
    })
    .expect_err("must refuse");
    assert!(err.refused, "{}", err.reason);
}

#[test]
fn parallel_runs_are_bounded() {
    if !node_present() {
        return;
    }
    let r = NodeRunner::detect(ExecConfig {
        parallelism: 1,
        allow_network: true,
        ..ExecConfig::default()
    })
    .expect("runner");
    // Two runs that each hold a lock file for 300 ms: with one slot they never overlap.
    let started = std::time::Instant::now();
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                assert!(
                    r.run("const t = Date.now(); while (Date.now() - t < 300) {}", "")
                        .passed
                )
            });
        }
    });
    assert!(started.elapsed() >= std::time::Duration::from_millis(600));
}
