#!/usr/bin/env python3
"""Run the sheikh pipeline as Ray tasks: one Ray task per sheikh task.

Every task runs the `sheikh` binary in a subprocess (`sheikh task STEP INDEX`), so a
Ray worker needs nothing but the binary and the shared file system that holds the
input, the work directory and the output. The steps run in order: all the tasks of a
step are submitted at once and depend (through one barrier task per step) on every
task of the step before. Tasks are idempotent and resumable: Ray's retries, or a
relaunch of this script after a failure, redo only what is missing.

    # local cluster of 2 CPUs
    ray start --head --num-cpus 2
    python scripts/distributed/ray_pipeline.py --address auto \\
        --sheikh target/release/sheikh --config configs/pipeline.yaml \\
        --work /shared/work --input /shared/corpus --output /shared/out --num-shards 16

    # a real cluster: the same command with --address ray://head:10001 (or run it on
    # the head node with --address auto)

The per-step wall times, the sum of task times and each task's status (ran, skipped,
recovered) are printed at the end and written to --timings-json if given.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time

import ray


def sheikh_command(args):
    """The binary and the options every task gets (absolute paths: workers may run in
    another directory)."""
    cmd = [os.path.abspath(args.sheikh), "--config", os.path.abspath(args.config),
           "--work", os.path.abspath(args.work), "--threads", str(args.threads)]
    for flag in ("input", "output", "tokenize_config"):
        value = getattr(args, flag)
        if value:
            cmd += ["--" + flag.replace("_", "-"), os.path.abspath(value)]
    if args.format:
        cmd += ["--format", args.format]
    return cmd


def run_sheikh(cmd, what, cwd):
    t0 = time.time()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd)
    if p.returncode != 0:
        raise RuntimeError(f"sheikh {what} failed with exit code {p.returncode} on "
                           f"{socket.gethostname()}:\n{p.stderr[-4000:]}")
    return p.stdout, time.time() - t0


@ray.remote
def sheikh_task(cmd, cwd, step, index, *after):
    """One task of one step, run in the driver's directory (relative paths in the
    config then mean the same on every worker). `after` is the previous step's barrier
    (unused: it only makes Ray wait for it)."""
    out, seconds = run_sheikh(cmd + ["task", step, str(index)], f"task {step} {index}", cwd)
    report = json.loads(out.strip().splitlines()[-1])
    return {"step": step, "index": index, "status": report["status"],
            "seconds": seconds, "task_seconds": report["marker"]["seconds"],
            "peak_rss_bytes": report["marker"].get("peak_rss_bytes") or 0,
            "host": socket.gethostname()}


@ray.remote(num_cpus=0)
def barrier(*results):
    """Completes when every task of a step has; returns their results."""
    return list(results)


@ray.remote
def sheikh_command_output(cmd, what, cwd):
    return run_sheikh(cmd, what, cwd)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sheikh", default="target/release/sheikh", help="the sheikh binary")
    ap.add_argument("--config", default="configs/pipeline.yaml")
    ap.add_argument("--work", required=True, help="work directory on the shared file system")
    ap.add_argument("--input", help="override input.path")
    ap.add_argument("--format", help="override input.format")
    ap.add_argument("--output", help="override output.path")
    ap.add_argument("--tokenize-config", help="tokenize config (adds the tokenize step)")
    ap.add_argument("--num-shards", type=int, required=True)
    ap.add_argument("--address", default=None,
                    help="Ray cluster address (auto, ray://host:10001); default: start a local Ray")
    ap.add_argument("--cpus-per-task", type=float, default=1.0)
    ap.add_argument("--threads", type=int, default=1, help="threads inside each task")
    ap.add_argument("--max-retries", type=int, default=2, help="Ray retries of a failed task")
    ap.add_argument("--timings-json", help="write per-step times here")
    args = ap.parse_args()

    ray.init(address=args.address, log_to_driver=False)
    cmd = sheikh_command(args)
    cwd = os.getcwd()
    opts = dict(num_cpus=args.cpus_per_task, max_retries=args.max_retries, retry_exceptions=True)
    started = time.time()

    # The plan and the task counts (on a worker: the driver may not see the shared FS).
    plan_out, plan_seconds = ray.get(sheikh_command_output.options(**opts).remote(
        cmd + ["plan", "--num-shards", str(args.num_shards)], "plan", cwd))
    plan = json.loads(plan_out.strip().splitlines()[-1])
    print(f"plan: {plan['files']} files, {plan['bytes'] / 1e6:.1f} MB, "
          f"{plan['num_shards']} shards ({plan_seconds:.1f} s)", flush=True)
    steps = [(s["step"], s["tasks"]) for s in plan["steps"] if s["tasks"] > 0]

    # The whole graph at once: each step's tasks wait for the previous step's barrier.
    barriers = []
    previous = None
    for step, n in steps:
        deps = [previous] if previous is not None else []
        refs = [sheikh_task.options(**opts).remote(cmd, cwd, step, i, *deps) for i in range(n)]
        previous = barrier.remote(*refs)
        barriers.append((step, n, previous))

    timings = [{"step": "plan", "tasks": 1, "wall_seconds": plan_seconds,
                "task_seconds": plan_seconds, "statuses": {"ran": 1}}]
    step_start = time.time()
    for step, n, ref in barriers:
        results = ray.get(ref)
        now = time.time()
        statuses = {}
        for r in results:
            statuses[r["status"]] = statuses.get(r["status"], 0) + 1
        t = {"step": step, "tasks": n, "wall_seconds": now - step_start,
             "task_seconds": sum(r["task_seconds"] for r in results),
             "slowest_task_seconds": max(r["task_seconds"] for r in results),
             "max_peak_rss_mb": max(r["peak_rss_bytes"] for r in results) / 1e6,
             "hosts": sorted({r["host"] for r in results}), "statuses": statuses}
        timings.append(t)
        print(f"{step:<18} {n:>5} tasks  wall {t['wall_seconds']:8.2f} s  "
              f"task time {t['task_seconds']:9.2f} s  slowest {t['slowest_task_seconds']:7.2f} s  "
              f"peak RSS {t['max_peak_rss_mb']:6.0f} MB  {statuses}", flush=True)
        step_start = now
    total = time.time() - started
    print(f"total wall time {total:.2f} s", flush=True)
    if args.timings_json:
        with open(args.timings_json, "w") as f:
            json.dump({"wall_seconds": total, "num_shards": args.num_shards,
                       "cluster_cpus": ray.cluster_resources().get("CPU"),
                       "steps": timings}, f, indent=2)
    ray.shutdown()


if __name__ == "__main__":
    sys.exit(main())
