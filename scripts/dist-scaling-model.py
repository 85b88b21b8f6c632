#!/usr/bin/env python3
"""Scaling model of ctnn's data-parallel training (README, "Data-parallel training over MPI").

A step on N machines with a fixed global batch: compute C / N (the single-process step time C,
split evenly; optimistic for small shares, which run GEMMs less efficiently) plus a ring
allreduce of the P float gradients: 2 (N - 1) / N x 4P bytes over a link of B bit/s and
2 (N - 1) messages of latency a each:

    T(N) = C / N + 2 (N - 1) / N * 4 P * 8 / B + 2 (N - 1) a,     speedup S(N) = C / T(N)

A network "stops scaling" at the N where one more doubling gains less than 10% (S(2N) < 1.1 S(N)),
reported with the speedup there. C comes from bench_dist (1 rank, 1 thread: CPU time per step or
iteration, which the machine's load affects less than wall time), P from the models' param_count;
a GAN iteration reduces D's and G's gradients (one D step and one G step).
    scripts/dist-scaling-model.py [--latency-us 10] [--lenet5-ms 1.74] [--mlp-gan-ms X] [--dcgan-ms Y]
"""
import argparse

MODELS = {  # name: parameters reduced per step or iteration
    "LeNet-5 step (batch 64)": 61_706,
    "MLP GAN iteration (batch 64)": 1_489_936 + 1_460_225,  # MlpGeneratorBN<100> + MlpDiscriminator
    "DCGAN iteration (batch 64)": 766_017 + 138_817,  # DcganGenerator<100> + DcganDiscriminator
}


def step_time(c, p, n, link_bits, latency):
    if n == 1:
        return c
    return c / n + 2 * (n - 1) / n * 4 * p * 8 / link_bits + 2 * (n - 1) * latency


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--latency-us", type=float, default=10.0, help="per message (TCP over Ethernet: 10-30 us)")
    ap.add_argument("--lenet5-ms", type=float, required=True)
    ap.add_argument("--mlp-gan-ms", type=float, required=True)
    ap.add_argument("--dcgan-ms", type=float, required=True)
    a = ap.parse_args()
    compute = dict(zip(MODELS, [a.lenet5_ms, a.mlp_gan_ms, a.dcgan_ms]))
    ns = [1, 2, 4, 8, 16, 32, 64, 128]
    print(f"latency {a.latency_us} us per message; speedup S(N) over one machine\n")
    print("| workload | C (ms) | MB per step (N large) | link | " + " | ".join(f"N={n}" for n in ns) + " | stops at |")
    print("|---|---:|---:|---|" + "---:|" * len(ns) + "---|")
    for name, p in MODELS.items():
        c = compute[name] * 1e-3
        for gbit in (10, 100):
            s = [c / step_time(c, p, n, gbit * 1e9, a.latency_us * 1e-6) for n in ns]
            stop = next((ns[i] for i in range(len(ns) - 1) if s[i + 1] < 1.1 * s[i]), ns[-1])
            where = f"N = {stop} ({s[ns.index(stop)]:.1f}x)" if stop > 1 else f"at once ({s[1]:.1f}x on 2)"
            print(f"| {name} | {compute[name]:.2f} | {2 * 4 * p / 1e6:.2f} | {gbit} Gbit/s | "
                  + " | ".join(f"{x:.1f}" for x in s) + f" | {where} |")


if __name__ == "__main__":
    main()
