#!/usr/bin/env python3
"""PyTorch reference for the LeNet-5 accuracy parity target.

Trains the classic LeNet-5 (the same network as ctnn::models::LeNet5: pad 2, conv 6@5x5,
tanh, avgpool 2, conv 16@5x5, tanh, avgpool 2, conv 120@5x5, tanh, dense 84, tanh, dense 10)
with Adam, constant learning rate, on the first 55,000 MNIST training images, as
`lenet5 --arch classic --optimizer adam --lr 0.001 --batch 64 --schedule constant` does
(ctnn holds out a seeded 5,000-image validation split; which 5,000 barely matters), and prints
the test accuracy after every epoch.

Needs Debian's PyTorch: apt-get install python3-torch python3-numpy; run with /usr/bin/python3.
Usage: bench/compare/lenet5_parity.py [--data data/mnist] [--epochs 10] [--seed 42] [--threads 1]
"""
import argparse
import time

import numpy as np
import torch
import torch.nn as nn


def read_idx(path, offset):
    return np.fromfile(path, dtype=np.uint8)[offset:]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="data/mnist")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)

    images = read_idx(f"{args.data}/train-images-idx3-ubyte", 16).reshape(-1, 1, 28, 28)
    labels = read_idx(f"{args.data}/train-labels-idx1-ubyte", 8).astype(np.int64)
    test_images = read_idx(f"{args.data}/t10k-images-idx3-ubyte", 16).reshape(-1, 1, 28, 28)
    test_labels = read_idx(f"{args.data}/t10k-labels-idx1-ubyte", 8).astype(np.int64)
    x = torch.from_numpy(images[:55000].astype(np.float32) / 255)
    y = torch.from_numpy(labels[:55000])
    xt = torch.from_numpy(test_images.astype(np.float32) / 255)
    yt = torch.from_numpy(test_labels)

    net = nn.Sequential(
        nn.ZeroPad2d(2), nn.Conv2d(1, 6, 5), nn.Tanh(), nn.AvgPool2d(2),
        nn.Conv2d(6, 16, 5), nn.Tanh(), nn.AvgPool2d(2),
        nn.Conv2d(16, 120, 5), nn.Tanh(), nn.Flatten(),
        nn.Linear(120, 84), nn.Tanh(), nn.Linear(84, 10))
    optimizer = torch.optim.Adam(net.parameters(), lr=args.lr)
    for epoch in range(args.epochs):
        start = time.perf_counter()
        net.train()
        order = torch.randperm(len(x))
        for i in range(0, len(x), args.batch):
            batch = order[i:i + args.batch]
            optimizer.zero_grad()
            nn.functional.cross_entropy(net(x[batch]), y[batch]).backward()
            optimizer.step()
        seconds = time.perf_counter() - start
        net.eval()
        with torch.no_grad():
            accuracy = (net(xt).argmax(1) == yt).float().mean().item()
        print(f"epoch {epoch + 1:2d}  test accuracy {100 * accuracy:.2f}%  {seconds:.1f} s", flush=True)


if __name__ == "__main__":
    main()
