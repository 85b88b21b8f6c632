#!/usr/bin/env python3
"""PyTorch side of scripts/bench-compare.sh: the workloads of bench/models.cpp in PyTorch.

Workloads (the same networks, batch sizes and optimizers as ctnn's bench_models):
  lenet5_epoch          classic LeNet-5, one epoch of the 60k MNIST training images, Adam
                        (lr 1e-3), batch 64, shuffled; time excludes loading and evaluation
  lenet5_step_classic   one training step of classic LeNet-5 (tanh, avg pool), batch 64, Adam
  lenet5_step_relu      the same for the ReLU / max-pool LeNet-5
  resnet28_step         the same for ctnn::models::ResNet28 (residual blocks with BatchNorm, a 1x1
                        strided projection where the channels double, global average pooling)
  lenet5_infer_b1       classic LeNet-5 inference (eval, no_grad), batch 1
  lenet5_infer_b256     the same at batch 256
  mlp_gan               one GAN iteration (D step on real + fake, G step through D), batch 64,
                        MlpGeneratorBN (100-256-512-1024-784, BatchNorm + LeakyReLU 0.2, Tanh) vs
                        MlpDiscriminator (784-1024-512-256-1, LeakyReLU 0.2), BCE with logits, Adam
  dcgan                 the same for ctnn::models::DcganGenerator / DcganDiscriminator

PyTorch runs at its best setting on a small machine: torch.set_num_threads(threads) with its
BLAS (OpenBLAS on Debian) held to one thread (OPENBLAS_NUM_THREADS=1, set before torch is
imported), so the two thread pools never oversubscribe the cores.

Needs Debian's PyTorch: `sudo apt-get install python3-torch python3-numpy`, run with
/usr/bin/python3 (a pyenv or venv python does not see Debian's packages).

Usage: pytorch_bench.py WORKLOAD [--threads 1] [--min-time 1.0] [--data data/mnist]
Prints one JSON line: {"workload", "threads", "seconds" (per epoch / iteration / call), "unit",
"items" (images per unit), "iterations", "torch"}.
"""
import argparse
import json
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before torch loads OpenBLAS

try:
    import numpy as np
    import torch
    import torch.nn as nn
except ImportError as error:  # pragma: no cover
    sys.exit(f"pytorch_bench.py: {error}; install Debian's PyTorch with "
             "`sudo apt-get install python3-torch python3-numpy` and run /usr/bin/python3")

WORKLOADS = ["lenet5_epoch", "lenet5_step_classic", "lenet5_step_relu", "resnet28_step", "lenet5_infer_b1",
             "lenet5_infer_b256", "mlp_gan", "dcgan"]


def lenet5(relu=False):
    act = nn.ReLU if relu else nn.Tanh
    pool = nn.MaxPool2d if relu else nn.AvgPool2d
    return nn.Sequential(
        nn.ZeroPad2d(2), nn.Conv2d(1, 6, 5), act(), pool(2),
        nn.Conv2d(6, 16, 5), act(), pool(2),
        nn.Conv2d(16, 120, 5), act(), nn.Flatten(),
        nn.Linear(120, 84), act(), nn.Linear(84, 10))


class ResidualBlock(nn.Module):
    """out = f(x) + shortcut(x): ctnn's ResNetBlock (identity) and ResNetDownBlock (1x1 stride 2 + BN)."""

    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.f = nn.Sequential(
            nn.Conv2d(cin, cout, 3, stride, 1), nn.BatchNorm2d(cout), nn.ReLU(),
            nn.Conv2d(cout, cout, 3, 1, 1), nn.BatchNorm2d(cout))
        self.shortcut = (nn.Identity() if stride == 1 and cin == cout else
                         nn.Sequential(nn.Conv2d(cin, cout, 1, stride), nn.BatchNorm2d(cout)))

    def forward(self, x):
        return self.f(x) + self.shortcut(x)


def resnet28():
    """The twin of ctnn::models::ResNet28 (152,202 parameters)."""
    net = nn.Sequential(
        nn.Conv2d(1, 16, 3, 1, 1), nn.BatchNorm2d(16), nn.ReLU(),
        ResidualBlock(16, 16), nn.ReLU(), ResidualBlock(16, 32, 2), nn.ReLU(),
        ResidualBlock(32, 64, 2), nn.ReLU(), ResidualBlock(64, 64), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))
    assert sum(p.numel() for p in net.parameters()) == 152_202
    return net


def mlp_gan():
    g = nn.Sequential(
        nn.Linear(100, 256), nn.BatchNorm1d(256), nn.LeakyReLU(0.2),
        nn.Linear(256, 512), nn.BatchNorm1d(512), nn.LeakyReLU(0.2),
        nn.Linear(512, 1024), nn.BatchNorm1d(1024), nn.LeakyReLU(0.2),
        nn.Linear(1024, 784), nn.Unflatten(1, (1, 28, 28)), nn.Tanh())
    d = nn.Sequential(
        nn.Flatten(), nn.Linear(784, 1024), nn.LeakyReLU(0.2),
        nn.Linear(1024, 512), nn.LeakyReLU(0.2),
        nn.Linear(512, 256), nn.LeakyReLU(0.2), nn.Linear(256, 1))
    return g, d


def dcgan():
    g = nn.Sequential(
        nn.Linear(100, 128 * 7 * 7), nn.Unflatten(1, (128, 7, 7)), nn.BatchNorm2d(128), nn.ReLU(),
        nn.ConvTranspose2d(128, 64, 4, 2, 1), nn.BatchNorm2d(64), nn.ReLU(),
        nn.ConvTranspose2d(64, 1, 4, 2, 1), nn.Tanh())
    d = nn.Sequential(
        nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.Conv2d(64, 128, 4, 2, 1), nn.BatchNorm2d(128), nn.LeakyReLU(0.2),
        nn.Flatten(), nn.Linear(128 * 7 * 7, 1))
    return g, d


def timed(step, min_time, warmup=3):
    """Mean seconds per call of step() over at least min_time seconds (after warmup calls)."""
    for _ in range(warmup):
        step()
    count, start = 0, time.perf_counter()
    while True:
        step()
        count += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_time:
            return elapsed / count, count


def lenet5_step_workload(relu, min_time, make=None):
    net = make() if make else lenet5(relu)
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    x = torch.rand(64, 1, 28, 28) * 2 - 1
    y = torch.arange(64) % 10

    def step():
        optimizer.zero_grad()
        nn.functional.cross_entropy(net(x), y).backward()
        optimizer.step()
    return timed(step, min_time), 64


def lenet5_infer_workload(batch, min_time):
    net = lenet5().eval()
    x = torch.rand(batch, 1, 28, 28) * 2 - 1

    def step():
        with torch.inference_mode():
            net(x)
    return timed(step, min_time, warmup=20), batch


def lenet5_epoch_workload(data_dir):
    def read_idx(name, offset):
        return np.fromfile(os.path.join(data_dir, name), dtype=np.uint8)[offset:]
    images = read_idx("train-images-idx3-ubyte", 16).reshape(-1, 1, 28, 28)
    labels = read_idx("train-labels-idx1-ubyte", 8).astype(np.int64)
    x = torch.from_numpy(images.astype(np.float32) / 255)
    y = torch.from_numpy(labels)
    net = lenet5()
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    net.train()
    start = time.perf_counter()
    order = torch.randperm(len(x))
    for i in range(0, len(x), 64):
        batch = order[i:i + 64]
        optimizer.zero_grad()
        nn.functional.cross_entropy(net(x[batch]), y[batch]).backward()
        optimizer.step()
    return (time.perf_counter() - start, 1), len(x)


def gan_workload(make, min_time):
    g, d = make()
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    real = torch.rand(64, 1, 28, 28) * 2 - 1
    ones, zeros = torch.ones(64, 1), torch.zeros(64, 1)

    def step():
        # D step: real images, then G(z) without a graph into G
        with torch.no_grad():
            fake = g(torch.randn(64, 100))
        opt_d.zero_grad()
        (bce(d(real), ones) + bce(d(fake), zeros)).backward()
        opt_d.step()
        # G step: D's gradient flows into G
        opt_g.zero_grad()
        bce(d(g(torch.randn(64, 100))), ones).backward()
        opt_g.step()
    return timed(step, min_time), 64


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("workload", choices=WORKLOADS)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--min-time", type=float, default=1.0, help="seconds of timed calls (not the epoch)")
    parser.add_argument("--data", default=os.environ.get("CTNN_MNIST_DIR", "data/mnist"))
    args = parser.parse_args()
    torch.manual_seed(42)
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)

    w = args.workload
    if w == "lenet5_epoch":
        (seconds, iterations), items = lenet5_epoch_workload(args.data)
        unit = "epoch"
    elif w == "resnet28_step":
        (seconds, iterations), items = lenet5_step_workload(False, args.min_time, resnet28)
        unit = "step"
    elif w.startswith("lenet5_step"):
        (seconds, iterations), items = lenet5_step_workload(w.endswith("relu"), args.min_time)
        unit = "step"
    elif w.startswith("lenet5_infer"):
        (seconds, iterations), items = lenet5_infer_workload(int(w.rsplit("b", 1)[1]), args.min_time)
        unit = "call"
    else:
        (seconds, iterations), items = gan_workload(mlp_gan if w == "mlp_gan" else dcgan, args.min_time)
        unit = "iteration"
    print(json.dumps({"workload": w, "threads": args.threads, "seconds": seconds, "unit": unit,
                      "items": items, "iterations": iterations, "torch": torch.__version__,
                      "torch_threads": torch.get_num_threads(),
                      "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS")}))


if __name__ == "__main__":
    main()
