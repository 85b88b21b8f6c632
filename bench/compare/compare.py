#!/usr/bin/env python3
"""Runs ctnn (build/bench/bench_models) and PyTorch (pytorch_bench.py) on the same workloads,
alternating run by run so both see the same machine load, and prints one table of medians:
workload, threads, ctnn, PyTorch, ratio (ctnn time / PyTorch time; below 1: ctnn is faster).
Called by scripts/bench-compare.sh; see there for the options.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# workload -> (label, bench_models filter with {t} for the thread count, target ratio)
WORKLOADS = {
    "lenet5_epoch": ("LeNet-5 classic epoch (60k, Adam, batch 64)",
                     r"^lenet5_epoch/classic/batch:64/threads:{t}/", 0.5),
    "lenet5_step_classic": ("LeNet-5 classic train step (batch 64)",
                            r"^lenet5_step/classic/batch:64/threads:{t}/real_time$", None),
    "lenet5_step_relu": ("LeNet-5 ReLU train step (batch 64)",
                         r"^lenet5_step/relu/batch:64/threads:{t}/real_time$", None),
    "resnet28_step": ("ResNet28 train step (batch 64)", r"^resnet28_step/batch:64/threads:{t}/real_time$", 0.5),
    "lenet5_infer_b1": ("LeNet-5 inference, batch 1",
                        r"^lenet5_inference/classic/batch:1/threads:{t}/real_time$", 0.1),
    "lenet5_infer_b256": ("LeNet-5 inference, batch 256",
                          r"^lenet5_inference/classic/batch:256/threads:{t}/real_time$", 1 / 3),
    "mlp_gan": ("MLP GAN iteration (batch 64)",
                r"^mlp_gan_iteration/batch:64/threads:{t}/real_time$", 0.6),
    "dcgan": ("DCGAN iteration (batch 64)",
              r"^dcgan_iteration/batch:64/threads:{t}/real_time$", 0.7),
}
UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def run_ctnn(bench, workload, threads, min_time):
    pattern = WORKLOADS[workload][1].format(t=threads)
    out = subprocess.run([bench, f"--benchmark_filter={pattern}", "--benchmark_format=json",
                          f"--benchmark_min_time={min_time}"],
                         check=True, capture_output=True, text=True).stdout
    rows = [b for b in json.loads(out)["benchmarks"] if b.get("run_type", "iteration") == "iteration"]
    if len(rows) != 1:
        sys.exit(f"compare.py: {pattern} matched {len(rows)} benchmarks in {bench}")
    if rows[0].get("error_occurred"):
        sys.exit(f"compare.py: {rows[0]['name']}: {rows[0].get('error_message')}")
    return rows[0]["real_time"] * UNIT_SECONDS[rows[0]["time_unit"]]


def run_torch(python, workload, threads, min_time, data):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")  # torch.set_num_threads sets its OpenMP threads
    out = subprocess.run([python, os.path.join(HERE, "pytorch_bench.py"), workload, "--threads", str(threads),
                          "--min-time", str(min_time), "--data", data],
                         check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def torch_package(version):
    """Debian's package version of python3-torch where dpkg knows it, else torch.__version__."""
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "python3-torch"],
                             capture_output=True, text=True, check=True).stdout
        return f"{out.split('+')[0]} (Debian python3-torch {out})" if out else version
    except (OSError, subprocess.CalledProcessError):
        return version


def load_average():
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "n/a"


def show(seconds):
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} us"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bench", required=True, help="path of bench_models")
    parser.add_argument("--python", default="/usr/bin/python3", help="a python3 that imports torch")
    parser.add_argument("--threads", default="1 2")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--min-time", type=float, default=1.0)
    parser.add_argument("--workloads", default=" ".join(WORKLOADS))
    parser.add_argument("--data", default=os.environ.get("CTNN_MNIST_DIR", "data/mnist"))
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()
    workloads = args.workloads.split()
    for w in workloads:
        if w not in WORKLOADS:
            sys.exit(f"compare.py: unknown workload {w}; known: {' '.join(WORKLOADS)}")
    threads = [int(t) for t in args.threads.split()]

    load_before = load_average()
    ctnn_times, torch_times, torch_version = {}, {}, "?"
    for r in range(args.repeat):
        for w in workloads:
            for t in threads:
                key = (w, t)
                # alternate which side goes first, so neither always follows the other
                sides = ["ctnn", "torch"] if r % 2 == 0 else ["torch", "ctnn"]
                for side in sides:
                    if side == "ctnn":
                        ctnn_times.setdefault(key, []).append(run_ctnn(args.bench, w, t, args.min_time))
                    else:
                        result = run_torch(args.python, w, t, args.min_time, args.data)
                        torch_version = result["torch"]
                        torch_times.setdefault(key, []).append(result["seconds"])
                print(f"  [{r + 1}/{args.repeat}] {w} threads={t}: ctnn {show(ctnn_times[key][-1])}, "
                      f"PyTorch {show(torch_times[key][-1])}", file=sys.stderr, flush=True)
    load_after = load_average()

    rows = []
    for w in workloads:
        for t in threads:
            c, p = statistics.median(ctnn_times[(w, t)]), statistics.median(torch_times[(w, t)])
            rows.append({"workload": w, "label": WORKLOADS[w][0], "threads": t, "ctnn_seconds": c,
                         "pytorch_seconds": p, "ratio": c / p, "target_ratio": WORKLOADS[w][2],
                         "ctnn_runs": ctnn_times[(w, t)], "pytorch_runs": torch_times[(w, t)]})

    torch_version = torch_package(torch_version)
    print(f"ctnn vs PyTorch {torch_version} (torch.set_num_threads(T), its OpenBLAS at 1 thread: "
          f"PyTorch's best setting); medians of {args.repeat} alternating runs")
    print(f"load average (1, 5, 15 min): {load_before} before, {load_after} after; "
          f"{os.cpu_count()} CPUs")
    header = f"| {'workload':<44} | threads | {'ctnn':>9} | {'PyTorch':>9} | ratio | {'target':<14} |"
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
    for row in rows:
        target = row["target_ratio"]
        mark = "" if target is None else ("<= %.2f %s" % (target, "ok" if row["ratio"] <= target else "missed"))
        print(f"| {row['label']:<44} | {row['threads']:>7} | {show(row['ctnn_seconds']):>9} | "
              f"{show(row['pytorch_seconds']):>9} | {row['ratio']:5.2f} | {mark:<14} |")
    for t_one, t_two in [(1, 2)]:
        if t_one in threads and t_two in threads and "lenet5_epoch" in workloads:
            one = statistics.median(ctnn_times[("lenet5_epoch", t_one)])
            two = statistics.median(ctnn_times[("lenet5_epoch", t_two)])
            print(f"ctnn LeNet-5 epoch, 2 threads vs 1: {one / two:.2f}x (target >= 1.6x)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"pytorch": torch_version, "load_before": load_before, "load_after": load_after,
                       "repeat": args.repeat, "rows": rows}, f, indent=2)


if __name__ == "__main__":
    main()
